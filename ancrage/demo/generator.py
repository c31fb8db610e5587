"""The demo territory generator: a synthetic Rennes Métropole with N fictitious persons.

Rows are written in chunks of persons through ``writer.Writer`` (batched INSERTs with ids allocated
up front), inside one transaction: the run is linear in N and its memory stays flat. Each household
("unit") draws from its own random generator seeded by (seed, unit number), names first, so the
same seed gives the same households and names whatever the day or N. Dates are relative to today
so the demo always looks current. Historical records (simple_history) are not written, and the
rows skip ``full_clean``: the tests check that generated rows pass model validation.
"""

import bisect
import gc
import hashlib
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from itertools import pairwise
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.utils import timezone

from ancrage.access.models import AccessGrant, Consent, GrantOrigin
from ancrage.access.sections import ALL_SECTIONS, Section
from ancrage.audit.models import AuditAction
from ancrage.audit.services import audit_record
from ancrage.core.enums import AssessmentKind, CEFRLevel, DatePrecision
from ancrage.core.text import fold, search_keys
from ancrage.core.validators import luhn_ok
from ancrage.employment.models import (
    Diploma,
    EmploymentProfile,
    FollowUp,
    Opportunity,
    Placement,
    PlacementTransition,
    TargetOccupation,
    WorkExperience,
)
from ancrage.organisations.models import Membership, Organisation, Role, User
from ancrage.pathways.models import (
    Appointment,
    AppointmentStatus,
    Confidentiality,
    DiagnosticItem,
    ExitReason,
    Note,
    Objective,
    Pathway,
    PathwayStatus,
    PathwayTransition,
    PlanAction,
    PlanStatus,
    Programme,
)
from ancrage.persons.models import (
    DURABLE_EMPLOYMENT,
    DURABLE_HOUSING,
    QUALIFYING_TRAINING,
    STATELESS,
    DocumentKind,
    FamilyMemberAbroad,
    FrenchAssessment,
    Household,
    HouseholdMember,
    Identity,
    IdentitySource,
    LanguageSkill,
    Nationality,
    Person,
    PersonLanguage,
    Protection,
    ProtectionType,
    Relationship,
    ResidenceDocument,
    Script,
    Situation,
    SituationDomain,
    VisaStatus,
)
from ancrage.territory.models import Commune

from . import texts
from .cast import (
    ACCOUNTS,
    AGIR,
    AMINA_EXITED,
    AMINA_OPEN_CASELOAD,
    CASELOAD,
    CTAIR_OPERATORS,
    DEMO_EMAIL_DOMAIN,
    DEMO_PASSWORD,
    ORGANISATIONS,
    RENNES,
    OrganisationSpec,
)
from .directory import seed_directory
from .employment import OFII_DIRECTORATE, EmploymentSeeder, PathwayContext
from .names import FRENCH_STAFF_FIRST, FRENCH_STAFF_LAST, LANGUAGE_NAMES_FR, ORIGINS, Name, Origin
from .referrals import seed_referrals
from .steering import seed_contract
from .tracks import seed_tracks
from .writer import Writer

CHUNK_PERSONS = 2000
PARIS = ZoneInfo("Europe/Paris")
ALL_SECTIONS_SORTED = sorted(ALL_SECTIONS)
TEMPORARY_PROTECTION_END = date(2027, 3, 4)  # EU decision as extended (domain.md §3.1)
LEVELS = list(CEFRLevel.values)  # NL, A0, A1, ... C2, in order
RANK = {level: index for index, level in enumerate(LEVELS)}
ORIGIN_CHOICES = [(origin, origin.weight) for origin in ORIGINS]
AMINA_EMAIL = f"amina.referente@{DEMO_EMAIL_DOMAIN}"
OLIVIER_EMAIL = f"olivier.admin@{DEMO_EMAIL_DOMAIN}"
MARC_EMAIL = f"marc.conseiller@{DEMO_EMAIL_DOMAIN}"
MARC_PERSONS_WITH_APPOINTMENTS = 40

# Rough population (thousands) of the larger communes, to spread persons outside Rennes.
COMMUNE_WEIGHTS = {
    "35051": 18,
    "35047": 18,
    "35281": 13,
    "35024": 12,
    "35210": 11,
    "35055": 10,
    "35278": 10,
    "35240": 9,
    "35334": 8,
    "35352": 8,
    "35066": 8,
    "35196": 7,
    "35206": 7,
    "35001": 7,
    "35353": 6,
    "35131": 4,
    "35120": 5,
    "35139": 5,
    "35275": 5,
    "35189": 3,
}

# Tables written per chunk, parents first.
WRITE_ORDER: tuple[type[models.Model], ...] = (
    User,
    Membership,
    Household,
    Person,
    Identity,
    Nationality,
    PersonLanguage,
    FrenchAssessment,
    HouseholdMember,
    FamilyMemberAbroad,
    Protection,
    ResidenceDocument,
    Situation,
    Pathway,
    PathwayTransition,
    DiagnosticItem,
    Objective,
    PlanAction,
    Note,
    Appointment,
    Consent,
    Consent.recipients.through,
    AccessGrant,
    EmploymentProfile,
    Diploma,
    WorkExperience,
    TargetOccupation,
    Opportunity,
    Placement,
    PlacementTransition,
    FollowUp,
)

T = TypeVar("T")


# --- Small helpers ----------------------------------------------------------------------------------


def weighted(rng: random.Random, choices: Sequence[tuple[T, float]]) -> T:
    total = sum(w for _, w in choices)
    point = rng.random() * total
    for value, w in choices:
        point -= w
        if point < 0:
            return value
    return choices[-1][0]


def rint(rng: random.Random, low: int, high: int) -> int:
    """``rng.randint``, three times cheaper: the generator calls it a few hundred times a person."""
    return low + int(rng.random() * (high - low + 1))


_CUMULATIVE: dict[int, tuple[Sequence[Name], list[int]]] = {}


def pick_name(rng: random.Random, names: Sequence[Name]) -> Name:
    cached = _CUMULATIVE.get(id(names))
    if cached is None:
        total, cumulative = 0, []
        for name in names:
            total += name.weight
            cumulative.append(total)
        cached = _CUMULATIVE[id(names)] = (names, cumulative)
    population, cumulative = cached
    return population[bisect.bisect_right(cumulative, rng.random() * cumulative[-1])]


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=PARIS)


def weekday(day: date) -> date:
    """The same day, or the next Monday for a weekend."""
    return day + timedelta(days=7 - day.weekday()) if day.weekday() >= 5 else day


def siret_for(key: str, first_digit: str, siren: str | None = None) -> str:
    """A synthetic SIRET that passes the Luhn check (derived from the organisation key)."""
    digits = "".join(str(b % 10) for b in hashlib.sha256(key.encode()).digest())
    if siren is None:
        siren = _luhn_complete(first_digit + digits[:7])
    return _luhn_complete(siren + digits[7:11])


def _luhn_complete(prefix: str) -> str:
    return next(prefix + d for d in "0123456789" if luhn_ok(prefix + d))


@dataclass
class Segment:
    """One dated status of a situation history."""

    status: str
    start: date
    end: date | None = None
    details: str = ""
    commune: Commune | None = None


def close_segments(segments: list[Segment], today: date) -> list[Segment]:
    """Keep the segments started by today; each ends the day before the next one; the last is open."""
    kept = [s for s in segments if s.start <= today]
    for current, following in pairwise(kept):
        current.end = max(current.start, following.start - timedelta(days=1))
    if kept:
        kept[-1].end = None
    return kept


def status_at(segments: list[Segment], day: date) -> str | None:
    status = None
    for s in segments:
        if s.start <= day:
            status = s.status
    return status


@dataclass(frozen=True)
class DrawnName:
    """A name as drawn: original script (if any), reference spelling, another spelling, plain form."""

    original: str | None
    latin: str
    alternative: str
    plain: str


@dataclass(frozen=True)
class PersonName:
    first: DrawnName
    last: DrawnName  # base (masculine) form; see latin_last
    source_roll: float


def draw_names(rng: random.Random, origin: Origin, sex: str) -> PersonName:
    """First name(s) and last name, with the reference and an alternative transliteration."""
    given = origin.male if sex == "M" else origin.female
    firsts = [pick_name(rng, given)]
    if rng.random() < origin.two_first_names:
        second = pick_name(rng, given)
        if second is not firsts[0]:
            firsts.append(second)
    last = pick_name(rng, origin.last)
    picks = [0 if rng.random() < 0.6 else int(rng.random() * len(n.variants)) for n in (*firsts, last)]
    others = [int(rng.random() * len(n.variants)) for n in (*firsts, last)]
    first = DrawnName(
        original=" ".join(n.original or "" for n in firsts) if all(n.original for n in firsts) else None,
        latin=" ".join(n.variants[i] for n, i in zip(firsts, picks, strict=False)),
        alternative=" ".join(n.variants[i] for n, i in zip(firsts, others, strict=False)),
        plain=firsts[0].variants[picks[0]],
    )
    surname = DrawnName(last.original, last.variants[picks[-1]], last.variants[others[-1]], last.variants[0])
    return PersonName(first, surname, rng.random())


def latin_last(origin: Origin, last: DrawnName, sex: str, spelling: str = "latin") -> str:
    """The Latin last name for this sex (Chechen surnames take -a for women)."""
    value = getattr(last, spelling)
    return value + origin.female_surname_suffix[1] if sex == "F" else value


def original_last(origin: Origin, last: DrawnName, sex: str) -> str | None:
    if last.original is None:
        return None
    return last.original + origin.female_surname_suffix[0] if sex == "F" else last.original


@dataclass(frozen=True)
class Member:
    """A professional who can be a referent, an author or an appointment's host."""

    id: int
    email: str


@dataclass
class Staff:
    """The referents of one organisation, and those still below a full caseload."""

    referents: list[Member] = field(default_factory=list)
    available: list[Member] = field(default_factory=list)
    generated: int = 0


@dataclass
class Shared:
    """What the records of one household share."""

    origin: Origin
    decision: date
    arrival: date
    housing: list[Segment]
    commune: Commune | None
    household_id: int | None
    household_created: datetime
    agir_referent: Member | None = None
    agir_entry: date | None = None
    children_here: bool = False


@dataclass
class PersonRow:
    """What the pathway builders need to know about a person being written."""

    id: int
    sex: str
    birth_date: date
    interpreting_needed: bool
    interpreting_language: str
    commune_name: str
    last_name: str  # reference last name, upper case
    children: bool  # children living with the person
    family_abroad: bool  # spouse or children waiting abroad (reunification)
    cir: date | None = None  # CIR signed on (OFII)
    birth_country: str = ""
    first_level: str = "A0"  # French level at the first assessment


@dataclass
class PathwayPlan:
    programme: str
    operator: str
    entry: date
    max_days: int
    forced_exit: tuple[date, str] | None = None
    exit_ends_open: bool = False  # the CPH stay (or HOPE course) behind it is still running


@dataclass
class PathwayRow:
    id: int
    operator: Organisation
    programme: str
    entry: date


# --- The generator ------------------------------------------------------------------------------------


class DemoGenerator:
    def __init__(
        self, *, persons: int, seed: int = 42, today: date | None = None, log: Callable[[str], None] | None = None
    ) -> None:
        self.n = persons
        self.seed = seed
        self.today = today or timezone.localdate()
        self.log = log or (lambda message: None)
        self.counts: Counter = Counter()
        self.password = make_password(DEMO_PASSWORD)  # hashed once, shared by every demo account
        self.amina_open = 0
        self.amina_exited = 0
        self.load: Counter = Counter()  # open pathways per referent, across organisations
        self.marc_persons = 0

    def run(self) -> dict[str, Any]:
        started = time.monotonic()
        # The rows of a chunk are many small containers without cycles: the cyclic collector would
        # walk them again and again for nothing. It is run once per chunk instead.
        collecting = gc.isenabled()
        gc.disable()
        try:
            return self._run(started)
        finally:
            if collecting:
                gc.enable()

    def _run(self, started: float) -> dict[str, Any]:
        with transaction.atomic():
            self._load_communes()
            self.orgs = self._ensure_organisations()
            self.users = self._ensure_accounts()
            self._load_staff()
            self.w = Writer(WRITE_ORDER, timezone.now())
            first_person_id = self.w.tables[Person].next_id
            self.employment = EmploymentSeeder(
                writer=self.w, orgs=self.orgs, communes=self.commune_by_code, today=self.today, persons=self.n
            )
            self.counts.update(self.employment.setup(random.Random(f"ancrage-demo-employment:{self.seed}")))
            made = unit = 0
            while made < self.n:
                chunk_end = min(self.n, made + CHUNK_PERSONS)
                while made < chunk_end:
                    made += self._unit(unit, self.n - made)
                    unit += 1
                self.w.flush()
                gc.collect()
                self.log(f"  {made:>7} / {self.n} personnes ({time.monotonic() - started:.0f} s)")
            self.employment.finish(random.Random(f"ancrage-demo-employment-end:{self.seed}"))
            self.counts.update(self.w.finish())
            self.counts["directory.Service"] += seed_directory()["services"]
            self.counts["referrals.Referral"] += seed_referrals()
            # The four tracks (issue 5) read the persons back: after the directory and the referrals.
            self.counts.update(
                seed_tracks(
                    seed=self.seed,
                    first_person_id=first_person_id,
                    today=self.today,
                    amina_id=self.amina.id,
                    log=self.log,
                )
            )
            # The contract (issue 6) reads the pathways, referrals and services back: last.
            self.counts.update(seed_contract(seed=self.seed, today=self.today, log=self.log))
            audit_record(
                actor=None, action=AuditAction.CREATE, event="demo.seed", details={"persons": self.n, "seed": self.seed}
            )
        return {"counts": dict(self.counts), "elapsed": time.monotonic() - started}

    # Setup --------------------------------------------------------------------------------------------

    def _load_communes(self) -> None:
        self.communes = list(Commune.objects.order_by("insee_code"))
        self.commune_by_code = {c.insee_code: c for c in self.communes}
        self.rennes = self.commune_by_code.get(RENNES)
        others = [c for c in self.communes if c.insee_code != RENNES]
        self.commune_choices: list[tuple[Commune, float]] = [(c, COMMUNE_WEIGHTS.get(c.insee_code, 2)) for c in others]
        self.rennes_share = 0.55 if self.rennes and others else (1.0 if self.rennes else 0.0)

    def _ensure_organisations(self) -> dict[str, Organisation]:
        """The organisations of the demo territory, created once (found again by name)."""
        by_name = {o.name: o for o in Organisation.objects.filter(name__in=[s.name for s in ORGANISATIONS])}
        taken = set(Organisation.objects.exclude(siret="").values_list("siret", flat=True))
        sirens: dict[str, str] = {}
        created: list[tuple[Organisation, OrganisationSpec]] = []
        orgs: dict[str, Organisation] = {}
        for index, spec in enumerate(ORGANISATIONS):
            first_digit = {"state": "1", "collectivity": "2"}.get(spec.kind, "7")
            siret = siret_for(spec.key, first_digit, sirens.get(spec.siren_of))
            sirens[spec.key] = siret[:9]
            org = by_name.get(spec.name)
            if org is None:
                org = Organisation(
                    name=spec.name,
                    short_name=spec.short_name,
                    kind=spec.kind,
                    siret=siret if siret not in taken else "",
                    email=f"contact.{spec.key.replace('_', '-')}@{DEMO_EMAIL_DOMAIN}",
                    phone=f"02 61 91 {index:02d} {(index * 37) % 100:02d}",
                    address=spec.address,
                    commune=self.commune_by_code.get(spec.seat),
                )
                created.append((org, spec))
            orgs[spec.key] = org
        Organisation.objects.bulk_create([org for org, _spec in created])
        through = Organisation.communes.through
        links = []
        for org, spec in created:
            codes = self.commune_by_code.keys() if spec.coverage == "all" else spec.coverage
            links += [
                through(organisation_id=org.pk, commune_id=code) for code in codes if code in self.commune_by_code
            ]
        through.objects.bulk_create(links)
        self.counts["organisations.Organisation"] += len(created)
        return orgs

    def _ensure_accounts(self) -> dict[str, User]:
        """The named demo accounts and their memberships, created once (found again by e-mail)."""
        users = {u.email: u for u in User.objects.filter(email__in=[a.email for a in ACCOUNTS])}
        for spec in ACCOUNTS:
            user = users.get(spec.email)
            if user is None:
                user = User.objects.create_user(
                    spec.email,
                    password=None,
                    first_name=spec.first_name,
                    last_name=spec.last_name,
                    is_staff=spec.is_staff,
                )
                user.password = self.password
                user.save(update_fields=["password"])
                users[spec.email] = user
                self.counts["organisations.User"] += 1
            for key, role in spec.memberships:
                _membership, created = Membership.objects.get_or_create(
                    user=user,
                    organisation=self.orgs[key],
                    defaults={"role": role, "can_access_health": spec.health},
                )
                self.counts["organisations.Membership"] += int(created)
        return users

    def _load_staff(self) -> None:
        """Referents per organisation: named accounts, then those generated by earlier runs."""
        self.staff: dict[str, Staff] = defaultdict(Staff)
        key_of = {org.pk: key for key, org in self.orgs.items()}
        memberships = (
            Membership.objects.filter(
                organisation__in=list(self.orgs.values()),
                role=Role.REFERENT,
                user__email__endswith=f"@{DEMO_EMAIL_DOMAIN}",
            )
            .select_related("user")
            .order_by("user__email")
        )
        for membership in memberships:
            if membership.user.email == AMINA_EMAIL:
                continue
            staff = self.staff[key_of[membership.organisation_id]]
            member = Member(membership.user_id, membership.user.email)
            staff.referents.append(member)
            staff.available.append(member)
            if member.email.startswith("referent."):
                staff.generated += 1
        self.amina = Member(self.users[AMINA_EMAIL].pk, AMINA_EMAIL)
        self.olivier = Member(self.users[OLIVIER_EMAIL].pk, OLIVIER_EMAIL)
        self.marc = Member(self.users[MARC_EMAIL].pk, MARC_EMAIL)

    def _new_referent(self, key: str) -> Member:
        """One more referent for an organisation whose referents are all at full caseload."""
        staff = self.staff[key]
        staff.generated += 1
        number = staff.generated
        index = next(i for i, s in enumerate(ORGANISATIONS) if s.key == key)
        email = f"referent.{key.replace('_', '-')}.{number:03d}@{DEMO_EMAIL_DOMAIN}"
        now = timezone.now()
        user_id = self.w.add(
            User,
            email=email,
            password=self.password,
            date_joined=now,
            first_name=FRENCH_STAFF_FIRST[(number * 7 + index) % len(FRENCH_STAFF_FIRST)],
            last_name=FRENCH_STAFF_LAST[(number * 11 + index * 3) % len(FRENCH_STAFF_LAST)],
        )
        self.w.add(Membership, user_id=user_id, organisation_id=self.orgs[key].pk, role=Role.REFERENT)
        member = Member(user_id, email)
        staff.referents.append(member)
        staff.available.append(member)
        return member

    def _referent(self, rng: random.Random, key: str, is_open: bool) -> Member:
        """A referent of the operator, keeping open caseloads near CASELOAD; Amina has a fixed one."""
        if key == AGIR:
            if is_open and self.amina_open < AMINA_OPEN_CASELOAD and rng.random() < 0.35:
                self.amina_open += 1
                return self.amina
            if not is_open and self.amina_exited < AMINA_EXITED and rng.random() < 0.2:
                self.amina_exited += 1
                return self.amina
        staff = self.staff[key]
        if not is_open:
            return rng.choice(staff.referents) if staff.referents else self._new_referent(key)
        if not staff.available:
            self._new_referent(key)
        index = int(rng.random() * len(staff.available))
        member = staff.available[index]
        self.load[member] += 1
        if self.load[member] >= CASELOAD:
            staff.available[index] = staff.available[-1]
            staff.available.pop()
        return member

    def _same_referent(self, member: Member, is_open: bool) -> Member:
        """The household's referent follows the spouse too (counted in the caseload)."""
        if member == self.amina:
            if is_open:
                self.amina_open += 1
            else:
                self.amina_exited += 1
        elif is_open:
            self.load[member] += 1
        return member

    def _commune(self, rng: random.Random) -> Commune | None:
        if self.rennes and rng.random() < self.rennes_share:
            return self.rennes
        if not self.commune_choices:
            return self.rennes
        return weighted(rng, self.commune_choices)

    # Households ---------------------------------------------------------------------------------------

    def _unit(self, unit: int, remaining: int) -> int:
        """One household: a main person, maybe a spouse and an adult child with their own records."""
        rng = random.Random(f"ancrage-demo:{self.seed}:{unit}")
        # Dates added since (CIR, employment platform) draw from their own generator: the existing
        # draws, and so the households, stay the same for a seed.
        self.erng = random.Random(f"ancrage-demo-employment:{self.seed}:{unit}")
        origin = weighted(rng, ORIGIN_CHOICES)
        sex = "M" if rng.random() < origin.male_share else "F"
        other_sex = "F" if sex == "M" else "M"
        age = min(69, 18 + int(rng.gammavariate(2.0, 7.0)))  # at the protection decision
        main_names = draw_names(rng, origin, sex)
        family = age >= 21 and rng.random() < origin.family_share
        spouse_names: PersonName | None = None
        spouse_age = 0
        spouse_here = spouse_record = False
        children: list[tuple[str, str, int]] = []  # (sex, first name, age today)
        if family:
            spouse_here = rng.random() < (0.35 if origin.code == "UA" and sex == "F" else 0.75)
            spouse_age = max(18, age + (rint(rng, -8, 0) if sex == "M" else rint(rng, 0, 8)))
            spouse_names = draw_names(rng, origin, other_sex)
            if origin.wife_takes_surname:
                spouse_names = replace(spouse_names, last=main_names.last)
            mother_age = age if sex == "F" else spouse_age
            for _ in range(rng.choice((0, 1, 1, 2, 2, 2, 3, 3, 4))):
                if mother_age < 20:
                    break
                child_sex = rng.choice("MF")
                child_first = pick_name(rng, origin.male if child_sex == "M" else origin.female).variants[0]
                children.append((child_sex, child_first, rint(rng, 0, min(22, mother_age - 18))))
            spouse_record = spouse_here and remaining >= 2 and rng.random() < 0.65
        adult_child = next((c for c in children if c[2] >= 18), None)
        child_record = adult_child is not None and remaining >= 2 + int(spouse_record) and rng.random() < 0.4
        child_names = draw_names(rng, origin, adult_child[0]) if child_record and adult_child else None
        abroad = not family and age >= 22 and rng.random() < 0.12
        if abroad:
            spouse_names = draw_names(rng, origin, other_sex)
            spouse_age = max(18, age - 3)
            children = [
                (s, pick_name(rng, origin.male if s == "M" else origin.female).variants[0], rint(rng, 1, 15))
                for s in rng.choices("MF", k=rng.choice((0, 1, 2, 3)))
            ]
        father = main_names if sex == "M" else spouse_names
        children_last = (
            (father.first if father else draw_names(rng, origin, "M").first) if origin.patronymic else main_names.last
        )

        # Everything below may depend on today's date; the names above never do.
        decision, arrival = self._protection_dates(rng, origin)
        housing_commune = self._commune(rng)
        housing = self._housing_history(rng, origin, arrival, decision, age, family, housing_commune)
        commune = housing[-1].commune if housing else housing_commune
        # A spouse left abroad (reunification) takes the children along, unless the mother is the
        # one in France (a Ukrainian mother whose husband stayed behind, for instance).
        spouse_abroad = abroad or (family and not spouse_here)
        children_abroad = spouse_abroad and sex == "M"
        household_id = None
        created = at(decision)
        if family and (spouse_here or (children and not children_abroad)):
            household_id = self.w.add(
                Household,
                label=f"Foyer {latin_last(origin, main_names.last, sex).upper()}",
                created_at=created,
                updated_at=created,
            )
        shared = Shared(origin, decision, arrival, housing, commune, household_id, created)
        shared.children_here = household_id is not None and bool(children) and not children_abroad
        years_since = (self.today - decision).days // 365

        main = self._person(rng, shared, sex, age, main_names, family_abroad=bool(spouse_names and spouse_abroad))
        made = 1
        if spouse_names and spouse_record:
            spouse = self._person(rng, shared, other_sex, spouse_age, spouse_names)
            made += 1
            self._member(shared, spouse_names, other_sex, Relationship.SPOUSE, spouse.birth_date, spouse.id)
        elif spouse_names and spouse_here:
            self._member(
                shared, spouse_names, other_sex, Relationship.SPOUSE, self._birth(rng, spouse_age + years_since)
            )
        if spouse_names and spouse_abroad:
            self._family_abroad(
                rng,
                main,
                shared,
                spouse_names,
                other_sex,
                spouse_age + years_since,
                children if children_abroad else [],
                children_last,
            )
            if children_abroad:
                children = []
        for child in children:
            child_sex, child_first, child_age = child
            if child_record and child == adult_child and child_names:
                names = replace(child_names, last=children_last)
                record = self._person(rng, shared, child_sex, max(16, child_age - years_since), names)
                made += 1
                child_record = False
                self._member(shared, names, child_sex, Relationship.CHILD, record.birth_date, record.id)
            else:
                names = PersonName(DrawnName(None, child_first, child_first, child_first), children_last, 0.0)
                self._member(shared, names, child_sex, Relationship.CHILD, self._birth(rng, child_age))
        return made

    def _birth(self, rng: random.Random, age_today: int) -> date:
        return self.today - timedelta(days=age_today * 365 + rint(rng, 0, 364))

    def _member(
        self,
        shared: Shared,
        names: PersonName,
        sex: str,
        relationship: str,
        birth: date | None,
        person_id: int | None = None,
    ) -> None:
        if shared.household_id is None:
            return
        self.w.add(
            HouseholdMember,
            household_id=shared.household_id,
            person_id=person_id,
            first_names=names.first.latin,
            last_name=latin_last(shared.origin, names.last, sex),
            relationship=relationship,
            birth_date=birth,
            created_at=shared.household_created,
            updated_at=shared.household_created,
        )

    def _family_abroad(
        self,
        rng: random.Random,
        person: PersonRow,
        shared: Shared,
        spouse: PersonName,
        spouse_sex: str,
        spouse_age: int,
        children: list[tuple[str, str, int]],
        children_last: DrawnName,
    ) -> None:
        """Spouse and children abroad, for family reunification (domain.md §3.8)."""
        origin = shared.origin
        if origin.consulates:
            country, consulate = rng.choice(origin.consulates)
        else:
            country, consulate = rng.choice(origin.birth_countries), "Ambassade de France"
        status = weighted(
            rng,
            [
                (VisaStatus.NOT_STARTED, 25),
                (VisaStatus.APPLIED, 35),
                (VisaStatus.GRANTED, 15),
                (VisaStatus.REFUSED, 10),
                (VisaStatus.ARRIVED, 15),
            ],
        )
        applied: date | None = shared.decision + timedelta(days=rint(rng, 20, 300))
        if status == VisaStatus.NOT_STARTED or (applied and applied > self.today):
            status, applied = VisaStatus.NOT_STARTED, None
        arrival = None
        if status == VisaStatus.ARRIVED and applied:
            arrival = applied + timedelta(days=rint(rng, 90, 360))
            if arrival > self.today:
                status, arrival = VisaStatus.GRANTED, None
        declared = rng.random() < 0.9
        stamp = at(min(self.today, shared.decision + timedelta(days=30)))
        members = [(Relationship.SPOUSE, spouse.first.latin, latin_last(origin, spouse.last, spouse_sex), spouse_age)]
        for child_sex, first, child_age in children:
            members.append((Relationship.CHILD, first, latin_last(origin, children_last, child_sex), child_age))
        for relationship, first, last, member_age in members:
            self.w.add(
                FamilyMemberAbroad,
                person_id=person.id,
                first_names=first,
                last_name=last,
                relationship=relationship,
                birth_date=self._birth(rng, member_age),
                country=country,
                declared_to_ofpra=declared,
                visa_status=status,
                visa_application_date=applied,
                consulate=consulate if applied else "",
                arrival_date=arrival,
                created_at=stamp,
                updated_at=stamp,
            )

    # Dates and histories ---------------------------------------------------------------------------------

    def _protection_dates(self, rng: random.Random, origin: Origin) -> tuple[date, date]:
        if origin.code == "UA":
            start = date(2022, 3, 1)
            span = max(30, (self.today - start).days - 20)
            decision = start + timedelta(days=int(rng.triangular(0, span, span * 0.15)))
            return decision, decision - timedelta(days=rint(rng, 0, 20))
        decision = self.today - timedelta(days=int(rng.triangular(20, 2200, 20)))
        return decision, decision - timedelta(days=rint(rng, 150, 900))

    def _housing_history(
        self,
        rng: random.Random,
        origin: Origin,
        arrival: date,
        decision: date,
        age: int,
        family: bool,
        commune: Commune | None,
    ) -> list[Segment]:
        segments: list[Segment] = []
        if origin.code == "UA":
            first = weighted(rng, [("third_party", 55), ("emergency", 15), ("residence_sociale", 15), ("iml", 15)])
            segments.append(Segment(first, arrival + timedelta(days=rint(rng, 0, 20))))
        else:
            first = weighted(rng, [("cada", 45), ("huda", 25), ("third_party", 15), ("emergency", 10), ("none", 5)])
            segments.append(Segment(first, arrival + timedelta(days=rint(rng, 0, 60))))
            step = weighted(
                rng,
                [
                    ("cph", 22),
                    ("third_party", 18),
                    ("iml", 14),
                    ("residence_sociale", 10),
                    ("fjt", 6 if age < 26 and not family else 0),
                    ("chrs", 5),
                    ("emergency", 5),
                    ("social_rental", 15),
                    ("private_rental", 5),
                ],
            )
            segments.append(
                Segment(
                    step, max(segments[-1].start + timedelta(days=30), decision + timedelta(days=rint(rng, 45, 180)))
                )
            )
        durations = {
            "cph": (270, 460),
            "third_party": (60, 400),
            "emergency": (30, 200),
            "chrs": (120, 500),
            "iml": (180, 720),
            "residence_sociale": (180, 900),
            "fjt": (180, 720),
            "none": (15, 90),
        }
        while segments[-1].status in durations and len(segments) < 6:
            low, high = durations[segments[-1].status]
            start = segments[-1].start + timedelta(days=rint(rng, low, high))
            if start > self.today:
                break
            following = weighted(
                rng,
                [
                    ("social_rental", 55),
                    ("private_rental", 15),
                    ("iml", 10),
                    ("residence_sociale", 10),
                    ("third_party", 10),
                ],
            )
            if following == segments[-1].status:
                following = "social_rental"
            segments.append(Segment(following, start))
        kept = close_segments(segments, self.today)
        for segment in kept:
            segment.details = rng.choice(texts.HOUSING_DETAILS.get(segment.status, ("",)))
            if segment.status in ("cada", "huda", "cph", "emergency", "chrs"):
                segment.commune = self.rennes if rng.random() < 0.8 else commune
            else:
                segment.commune = commune
        return kept

    def _employment_history(
        self, rng: random.Random, decision: date, sex: str, age: int, young_children: bool
    ) -> list[Segment]:
        segments = [Segment("inactive", decision)]
        if age >= 62 or (young_children and sex == "F" and rng.random() < 0.5):
            return close_segments(segments, self.today)
        day = decision + timedelta(days=rint(rng, 30, 150))
        segments.append(Segment("job_seeker", day))
        for _round in range(5):
            day += timedelta(days=rint(rng, 60, 420))
            if day > self.today:
                break
            elapsed = (day - decision).days
            durable = min(30, elapsed // 40)
            kind = weighted(
                rng,
                [
                    ("interim", 20),
                    ("cdd_short", 25),
                    ("iae", 15),
                    ("cdd_long", 10 + durable // 2),
                    ("cdi", 5 + durable),
                    ("work_study", 5),
                    ("self_employed", 2),
                ],
            )
            if kind == "iae":
                details = rng.choice(texts.IAE_JOBS)
            elif kind == "work_study":
                details = rng.choice(texts.WORK_STUDY)
            elif kind == "self_employed":
                details = "Auto-entrepreneur — " + rng.choice(("livraison", "bâtiment", "couture"))
            else:
                details = rng.choice(texts.JOBS)
            segments.append(Segment(kind, day, details=details))
            if kind == "self_employed" or (kind == "cdi" and rng.random() < 0.85):
                break
            length = {
                "interim": (20, 120),
                "cdd_short": (30, 170),
                "iae": (120, 720),
                "cdd_long": (183, 540),
                "work_study": (365, 730),
                "cdi": (200, 900),
            }[kind]
            day += timedelta(days=rint(rng, *length))
            if day > self.today:
                break
            segments.append(Segment("job_seeker", day))
        return close_segments(segments, self.today)

    def _training_history(self, rng: random.Random, decision: date, francophone: bool) -> list[Segment]:
        segments = [Segment("none", decision)]
        day = decision
        for chance in (0.35, 0.3):
            if rng.random() >= chance:
                break
            day += timedelta(days=rint(rng, 90, 600))
            kind = weighted(
                rng,
                [
                    ("hope", 0 if francophone else 20),
                    ("poec", 25),
                    ("pre_qualifying", 35),
                    ("qualifying", 20 + 20 * (len(segments) > 1)),
                ],
            )
            segments.append(Segment(kind, day, details=rng.choice(texts.TRAININGS[kind])))
            length = {"hope": (250, 290), "poec": (60, 120), "pre_qualifying": (90, 180), "qualifying": (180, 540)}
            day += timedelta(days=rint(rng, *length[kind]))
            segments.append(Segment("none", day))
        return close_segments(segments, self.today)

    def _language_history(
        self, rng: random.Random, decision: date, arrival: date, level: str, ukrainian: bool
    ) -> list[Segment]:
        if RANK[level] >= RANK["B2"]:
            return close_segments([Segment("none", decision)], self.today)
        segments = []
        day = (arrival + timedelta(days=rint(rng, 20, 120))) if ukrainian else decision
        if rng.random() < 0.5:
            segments.append(Segment("waiting_list", day, details=texts.LANGUAGE_COURSES["waiting_list"][0]))
            day += timedelta(days=rint(rng, 20, 120))
        if not ukrainian:
            hours = {"NL": 2, "A0": 1}.get(level, 0)
            segments.append(Segment("ofii_course", day, details=texts.LANGUAGE_COURSES["ofii_course"][hours]))
            day += timedelta(days=rint(rng, 60, 200))
        if rng.random() < 0.65:
            segments.append(Segment("fle_course", day, details=rng.choice(texts.LANGUAGE_COURSES["fle_course"])))
            day += timedelta(days=rint(rng, 120, 500))
        if rng.random() < 0.2:
            segments.append(Segment("work_french", day, details=rng.choice(texts.LANGUAGE_COURSES["work_french"])))
            day += timedelta(days=rint(rng, 90, 200))
        segments.append(Segment("none", day))
        return close_segments(segments, self.today)

    # Persons ---------------------------------------------------------------------------------------------

    def _person(
        self, rng: random.Random, shared: Shared, sex: str, age: int, names: PersonName, family_abroad: bool = False
    ) -> PersonRow:
        origin, decision, arrival = shared.origin, shared.decision, shared.arrival
        birth = decision - timedelta(days=int(age * 365.25) + rint(rng, 0, 364))
        year_only = 0.25 if origin.code == "AF" else 0.07
        roll = rng.random()
        if roll < year_only:
            birth, precision = date(birth.year, 1, 1), DatePrecision.YEAR
        elif roll < year_only + 0.06:
            birth, precision = date(birth.year, birth.month, 1), DatePrecision.MONTH
        else:
            precision = DatePrecision.EXACT

        languages = self._languages(rng, origin)
        native = languages[0][0]
        levels = self._french_levels(rng, origin, native, decision, arrival)
        current_level = levels[-1][1] if levels else CEFRLevel.PRE_A1
        interpreting = native != "fra" and RANK[current_level] < RANK["B1"]

        identities = self._identities(rng, origin, sex, names)
        reference = identities[-1]
        # The order Person.refresh_search_keys reads them in: reference first, then by id.
        ordered = [reference, *identities[:-1]]
        folded, skeleton_key = search_keys(*(part for ident in ordered for part in (ident[0], ident[1])))
        display_name = f"{reference[0].upper()} {reference[1]}".strip()

        email = ""
        if rng.random() < 0.35:
            local = f"{fold(reference[1].split()[0])}.{fold(reference[0])}".replace(" ", "")
            email = f"{local}{rint(rng, 1, 99)}@example.org"
        phone = f"06 39 98 {rint(rng, 0, 99):02d} {rint(rng, 0, 99):02d}" if rng.random() < 0.8 else ""
        commune = shared.commune
        address = ""
        if commune is not None and rng.random() < 0.55:
            streets = texts.RENNES_STREETS if commune.insee_code == RENNES else texts.OTHER_STREETS
            address = f"{rint(rng, 1, 120)} {rng.choice(streets)}"

        person_id = self.w.tables[Person].next_id  # allocated now: the pathways decide the creator below
        row = PersonRow(
            person_id,
            sex,
            birth,
            interpreting,
            native if interpreting else "",
            commune.name if commune else "Rennes",
            reference[0].upper(),
            shared.children_here,
            family_abroad,
        )
        young_children = shared.household_id is not None and rng.random() < 0.5
        histories: dict[str, list[Segment]] = {
            SituationDomain.HOUSING: shared.housing,
            SituationDomain.EMPLOYMENT: self._employment_history(rng, decision, sex, age, young_children),
            SituationDomain.TRAINING: self._training_history(rng, decision, origin.francophone),
            SituationDomain.LANGUAGE: self._language_history(
                rng, decision, arrival, levels[0][1] if levels else "A0", origin.code == "UA"
            ),
        }
        plans = self._plan_pathways(rng, shared, age, histories)
        row.cir = self._cir(shared, plans)
        row.first_level = levels[0][1] if levels else "A0"
        created = at(plans[0].entry, 9)
        updated = at(max(plans[0].entry, self.today - timedelta(days=rint(rng, 0, 60))), 17)
        row.birth_country = rng.choice(origin.birth_countries)
        self.w.add(
            Person,
            id=person_id,
            sex=sex,
            birth_date=birth,
            birth_date_precision=precision,
            birth_country=row.birth_country,
            birth_place=rng.choice(origin.birth_places),
            phone=phone,
            email=email,
            address=address,
            commune_id=commune.pk if commune else None,
            interpreting_needed=interpreting,
            interpreting_language=row.interpreting_language,
            cir_signed_on=row.cir,
            cir_ofii_directorate=OFII_DIRECTORATE if row.cir else "",
            household_id=shared.household_id,
            created_by_organisation_id=self.orgs[plans[0].operator].pk,
            search_folded=folded,
            search_skeleton=skeleton_key,
            display_name=display_name,
            created_at=created,
            updated_at=updated,
        )
        self.w.tables[Person].next_id = person_id + 1
        for last_name, first_names, script, source, is_reference in identities:
            self.w.add(
                Identity,
                person_id=person_id,
                last_name=last_name,
                first_names=first_names,
                script=script,
                source=source,
                is_reference=is_reference,
                created_at=created,
                updated_at=created,
            )
        self.w.add(Nationality, person_id=person_id, code=origin.code)
        for code, proficiency in languages:
            self.w.add(PersonLanguage, person_id=person_id, code=code, proficiency=proficiency)
        for day, level, kind, test_name, skill in levels:
            self.w.add(
                FrenchAssessment,
                person_id=person_id,
                assessed_on=day,
                level=level,
                kind=kind,
                test_name=test_name,
                skill=skill,
                created_at=at(day, 15),
                updated_at=at(day, 15),
            )
        self._protection(rng, person_id, origin, decision, arrival)
        for domain, segments in histories.items():
            for s in segments:
                self.w.add(
                    Situation,
                    person_id=person_id,
                    domain=domain,
                    status=s.status,
                    start_date=s.start,
                    end_date=s.end,
                    details=s.details,
                    commune_id=s.commune.pk if s.commune else None,
                    created_at=at(s.start, 16),
                    updated_at=at(s.end or s.start, 16),
                )
        self._pathways(rng, row, shared, plans, histories, current_level)
        return row

    def _identities(
        self, rng: random.Random, origin: Origin, sex: str, names: PersonName
    ) -> list[tuple[str, str, str, str, bool]]:
        """(last, first, script, source, is_reference): original script, maybe another spelling, reference last."""
        identities: list[tuple[str, str, str, str, bool]] = []
        last_original = original_last(origin, names.last, sex)
        if (
            origin.script != Script.LATIN
            and names.first.original
            and last_original
            and names.source_roll < origin.original_share
        ):
            source = IdentitySource.ASYLUM if rng.random() < 0.7 else IdentitySource.OFPRA
            identities.append((last_original, names.first.original, origin.script, source, False))
        reference = (latin_last(origin, names.last, sex), names.first.latin)
        alternative = (latin_last(origin, names.last, sex, "alternative"), names.first.alternative)
        if alternative == reference and " " in names.first.latin:
            alternative = (reference[0], names.first.plain)  # one of the given names only
        if alternative != reference and rng.random() < 0.75:
            source = weighted(
                rng, [(IdentitySource.ASYLUM, 50), (IdentitySource.PASSPORT, 25), (IdentitySource.DECLARED, 25)]
            )
            identities.append((*alternative, Script.LATIN, source, False))
        if origin.code == "UA":
            source = IdentitySource.RESIDENCE_CARD
        else:
            source = IdentitySource.OFPRA if rng.random() < 0.7 else IdentitySource.RESIDENCE_CARD
        identities.append((*reference, Script.LATIN, source, True))
        return identities

    def _languages(self, rng: random.Random, origin: Origin) -> list[tuple[str, str]]:
        native = weighted(rng, list(origin.natives))
        spoken: list[tuple[str, str]] = [(native, PersonLanguage.Proficiency.MOTHER_TONGUE)]
        codes = {native}
        if origin.francophone and "fra" not in codes:
            spoken.append(
                ("fra", PersonLanguage.Proficiency.FLUENT if rng.random() < 0.7 else PersonLanguage.Proficiency.BASIC)
            )
            codes.add("fra")
        for code, proficiency, chance in origin.extras:
            if code not in codes and rng.random() < chance:
                spoken.append((code, proficiency))
                codes.add(code)
        return spoken

    def _french_levels(
        self, rng: random.Random, origin: Origin, native: str, decision: date, arrival: date
    ) -> list[tuple[date, str, str, str, str]]:
        if native == "fra":
            start = weighted(rng, [("B2", 35), ("C1", 45), ("B1", 20)])
        elif origin.francophone:
            start = weighted(rng, [("NL", 8), ("A0", 4), ("A1", 8), ("A2", 20), ("B1", 30), ("B2", 20), ("C1", 10)])
        elif origin.code == "UA":
            start = weighted(rng, [("A0", 50), ("A1", 35), ("A2", 10), ("B1", 5)])
        else:
            start = weighted(rng, [("NL", 15), ("A0", 40), ("A1", 30), ("A2", 10), ("B1", 5)])
        if origin.code == "UA":
            day = arrival + timedelta(days=rint(rng, 30, 200))
            first_test = "Positionnement — Langue et Communication"
        else:
            day = decision + timedelta(days=rint(rng, 20, 90))
            first_test = "Test de positionnement OFII (CIR)"
        if day > self.today:
            return []
        rank = LEVELS.index(start)
        levels: list[tuple[date, str, str, str, str]] = [
            (day, start, AssessmentKind.TESTED, first_test, LanguageSkill.GLOBAL)
        ]
        ceiling = LEVELS.index("C1") if origin.francophone else LEVELS.index("B2")
        while len(levels) < 4 and rank < ceiling:
            day += timedelta(days=rint(rng, 120, 330))
            if day > self.today:
                break
            if rng.random() < 0.6:
                rank += 1
            level = LEVELS[rank]
            skill = (
                LanguageSkill.GLOBAL
                if rng.random() < 0.85
                else rng.choice((LanguageSkill.ORAL_EXPRESSION, LanguageSkill.WRITTEN_COMPREHENSION))
            )
            certifications = {"A2": ("DELF A2", "TCF IRN"), "B1": ("DELF B1", "TCF IRN", "TEF IRN"), "B2": ("DELF B2",)}
            if level in certifications and skill == LanguageSkill.GLOBAL and rng.random() < 0.3:
                levels.append((day, level, AssessmentKind.CERTIFIED, rng.choice(certifications[level]), skill))
            elif rng.random() < 0.2:
                levels.append((day, level, AssessmentKind.SELF, "", skill))
            else:
                levels.append((day, level, AssessmentKind.TESTED, "Positionnement en organisme de formation", skill))
        return levels

    def _protection(self, rng: random.Random, person_id: int, origin: Origin, decision: date, arrival: date) -> None:
        """The protection, then the récépissés and cards it gives (domain.md §3.1)."""
        if origin.code == "UA":
            self.w.add(
                Protection,
                person_id=person_id,
                type=ProtectionType.TEMPORARY,
                deciding_body="prefecture",
                decision_date=decision,
                notification_date=decision,
                end_date=TEMPORARY_PROTECTION_END,
                created_at=at(decision),
                updated_at=at(decision),
            )
            self._aps_chain(rng, person_id, decision)
            return
        if origin.code == STATELESS and rng.random() < 0.75:
            kind = ProtectionType.STATELESS
        else:
            kind = ProtectionType.REFUGEE if rng.random() < 0.64 else ProtectionType.SUBSIDIARY
        body = "ofpra" if kind == ProtectionType.STATELESS or rng.random() < 0.72 else "cnda"
        notified = min(decision + timedelta(days=rint(rng, 2, 25)), self.today)
        if rng.random() < 0.7:
            number = f"{arrival.year % 100:02d}{arrival.month:02d}{rng.randrange(10**6):06d}"
        else:
            number = f"{arrival.year}-{arrival.month:02d}-{rng.randrange(10**5):05d}"
        self.w.add(
            Protection,
            person_id=person_id,
            type=kind,
            deciding_body=body,
            decision_date=decision,
            notification_date=notified,
            ofpra_number=number,
            created_at=at(notified),
            updated_at=at(notified),
        )
        mention = {
            ProtectionType.REFUGEE: "Reconnu réfugié",
            ProtectionType.SUBSIDIARY: "A obtenu le bénéfice de la protection subsidiaire",
            ProtectionType.STATELESS: "Apatride",
        }[kind]
        receipt = notified + timedelta(days=rint(rng, 5, 45))
        card_issue = decision + timedelta(days=rint(rng, 100, 420))
        if receipt > self.today:
            return
        receipt_end = receipt + timedelta(days=182)
        self._document(rng, person_id, DocumentKind.RECEIPT, mention, receipt, receipt_end)
        while card_issue > receipt_end and receipt_end < self.today:
            if rng.random() < 0.1:
                return  # the récépissé lapsed: an expired document the referent must chase
            receipt = receipt_end - timedelta(days=rint(rng, 0, 10))
            receipt_end = receipt + timedelta(days=182)
            self._document(rng, person_id, DocumentKind.RECEIPT, mention, receipt, receipt_end)
        if card_issue > self.today:
            return
        if kind == ProtectionType.REFUGEE:
            self._document(
                rng, person_id, DocumentKind.RESIDENT_CARD, "Réfugié", card_issue, card_issue + timedelta(days=3652)
            )
            travel_mention = "Titre de voyage pour réfugié"
        else:
            card_end = card_issue + timedelta(days=1461)
            label = "Bénéficiaire de la protection subsidiaire" if kind == ProtectionType.SUBSIDIARY else "Apatride"
            self._document(rng, person_id, DocumentKind.MULTI_YEAR_CARD, label, card_issue, card_end)
            renewal = card_end - timedelta(days=rint(rng, 0, 60))
            if renewal <= self.today and rng.random() < 0.8:
                self._document(
                    rng, person_id, DocumentKind.RESIDENT_CARD, label, renewal, renewal + timedelta(days=3652)
                )
            travel_mention = "Titre d'identité et de voyage"
        travel = card_issue + timedelta(days=rint(rng, 30, 200))
        if travel <= self.today and rng.random() < 0.2:
            self._document(
                rng, person_id, DocumentKind.TRAVEL_DOCUMENT, travel_mention, travel, travel + timedelta(days=1826)
            )

    def _aps_chain(self, rng: random.Random, person_id: int, start: date) -> None:
        """Six-month APS renewed as of right; the last three are kept."""
        issues = []
        day = start
        while day <= self.today:
            issues.append(day)
            day += timedelta(days=182)
        if len(issues) > 1 and rng.random() < 0.1:
            issues.pop()  # renewal not yet obtained: the last APS has expired
        for issue in issues[-3:]:
            self._document(
                rng,
                person_id,
                DocumentKind.APS,
                "Bénéficiaire de la protection temporaire",
                issue,
                issue + timedelta(days=182),
            )

    def _document(
        self, rng: random.Random, person_id: int, kind: str, mention: str, issued: date, expires: date
    ) -> None:
        number = "" if kind == DocumentKind.RECEIPT and rng.random() < 0.5 else f"35{rng.randrange(10**8):08d}"
        self.w.add(
            ResidenceDocument,
            person_id=person_id,
            kind=kind,
            mention=mention,
            number=number,
            issue_date=issued,
            expiry_date=expires,
            created_at=at(issued, 14),
            updated_at=at(issued, 14),
        )

    # Pathways ---------------------------------------------------------------------------------------------

    def _plan_pathways(
        self, rng: random.Random, shared: Shared, age: int, histories: dict[str, list[Segment]]
    ) -> list[PathwayPlan]:
        """Which programmes follow the person: CPH (from the housing history), AGIR, CTAIR actions, others."""
        origin, decision = shared.origin, shared.decision
        plans: list[PathwayPlan] = []
        for segment in shared.housing:
            if segment.status == "cph":
                operator = {"CPH Adoma": "adoma", "CPH France terre d'asile": "ftda"}.get(
                    segment.details, "coallia_cph"
                )
                forced = (segment.end, rng.choice((ExitReason.COMPLETED, ExitReason.DURATION))) if segment.end else None
                plans.append(
                    PathwayPlan(Programme.CPH, operator, segment.start, 460, forced, exit_ends_open=segment.end is None)
                )
        if origin.code != "UA" and (self.today - decision).days < 1700:
            share = 0.95 if shared.agir_entry else 0.85
            if rng.random() < share:
                entry = shared.agir_entry or decision + timedelta(days=rint(rng, 20, 110))
                if entry > self.today:
                    entry = max(decision, self.today - timedelta(days=rint(rng, 0, 14)))
                shared.agir_entry = shared.agir_entry or entry
                plans.append(PathwayPlan(Programme.AGIR, AGIR, entry, 730))
        if rng.random() < (0.35 if origin.code == "UA" else 0.28):
            entry = min(decision + timedelta(days=rint(rng, 30, 700)), self.today - timedelta(days=rint(rng, 0, 30)))
            operator = weighted(rng, list(CTAIR_OPERATORS))
            plans.append(PathwayPlan(Programme.CTAIR, operator, max(entry, decision), rint(rng, 90, 365)))
        if origin.code == "UA" and rng.random() < 0.7:
            operator = weighted(rng, [("secours_populaire", 5), ("ftda", 3), ("utopia", 2)])
            entry = min(decision + timedelta(days=rint(rng, 10, 120)), self.today)
            plans.append(PathwayPlan(Programme.OTHER, operator, entry, rint(rng, 180, 540)))
        for segment in histories[SituationDomain.TRAINING]:
            if segment.status == "hope" and rng.random() < 0.8:
                forced = (segment.end, ExitReason.COMPLETED) if segment.end else None
                plans.append(
                    PathwayPlan(Programme.OTHER, "afpa", segment.start, 300, forced, exit_ends_open=segment.end is None)
                )
        if age < 26 and rng.random() < 0.3:
            entry = min(decision + timedelta(days=rint(rng, 30, 400)), self.today)
            plans.append(PathwayPlan(Programme.OTHER, "mission_locale", entry, rint(rng, 270, 540)))
        if not plans:
            entry = min(decision + timedelta(days=rint(rng, 10, 200)), self.today)
            plans.append(PathwayPlan(Programme.CTAIR, weighted(rng, list(CTAIR_OPERATORS)), entry, rint(rng, 90, 365)))
        plans.sort(key=lambda p: p.entry)
        # By construction at most one pathway per (operator, programme) is open, as pathway_create requires.
        return plans

    def _cir(self, shared: Shared, plans: list[PathwayPlan]) -> date | None:
        """The CIR signature: a few days to weeks before the AGIR entry; none under temporary protection."""
        agir = next((p for p in plans if p.programme == Programme.AGIR), None)
        if agir is not None:
            return max(shared.decision, agir.entry - timedelta(days=rint(self.erng, 2, 25)))
        if shared.origin.code == "UA":
            return None
        signed = shared.decision + timedelta(days=rint(self.erng, 15, 90))
        return signed if signed <= self.today else None

    def _timeline(
        self, rng: random.Random, plan: PathwayPlan, cir: date | None = None
    ) -> tuple[list[tuple[str, str, str, date]], str, date | None, str]:
        """Transitions (name, from, to, day) up to today, the resulting status, exit date and reason."""
        entry = plan.entry
        first = entry + timedelta(days=rint(rng, 4, 28))
        if cir is not None and plan.programme == Programme.AGIR:
            # AGIR: the first interview is due within a month of the CIR; about 15 % are late.
            if self.erng.random() < 0.85:
                first = max(entry + timedelta(days=1), cir + timedelta(days=rint(self.erng, 5, 27)))
            else:
                first = max(entry + timedelta(days=1), cir + timedelta(days=rint(self.erng, 33, 80)))
        diagnostic = first + timedelta(days=rint(rng, 0, 10))
        accompaniment = diagnostic + timedelta(days=rint(rng, 7, 35))
        exit_day: date | None = None
        exit_reason = ""
        if plan.forced_exit:
            exit_day, exit_reason = plan.forced_exit
        elif not plan.exit_ends_open:
            if rng.random() < (0.22 if plan.programme == Programme.AGIR else 0.12):
                exit_day = entry + timedelta(days=rint(rng, 45, plan.max_days))
                exit_reason = weighted(
                    rng,
                    [
                        (ExitReason.MOVED, 25),
                        (ExitReason.DROPPED_OUT, 30),
                        (ExitReason.REORIENTED, 20),
                        (ExitReason.COMPLETED, 20),
                        (ExitReason.OTHER, 5),
                    ],
                )
            else:
                exit_day = entry + timedelta(days=plan.max_days)
                exit_reason = (
                    rng.choice((ExitReason.DURATION, ExitReason.COMPLETED))
                    if plan.programme == Programme.AGIR
                    else ExitReason.COMPLETED
                )
        events = [
            ("hold_first_interview", PathwayStatus.ORIENTED, PathwayStatus.FIRST_INTERVIEW, first),
            ("start_diagnostic", PathwayStatus.FIRST_INTERVIEW, PathwayStatus.DIAGNOSTIC, diagnostic),
            ("start_accompaniment", PathwayStatus.DIAGNOSTIC, PathwayStatus.ACCOMPANIMENT, accompaniment),
        ]
        if rng.random() < 0.12:
            suspended = accompaniment + timedelta(days=rint(rng, 30, 200))
            events.append(("suspend", PathwayStatus.ACCOMPANIMENT, PathwayStatus.SUSPENDED, suspended))
            if rng.random() < 0.7:
                events.append(
                    (
                        "resume",
                        PathwayStatus.SUSPENDED,
                        PathwayStatus.ACCOMPANIMENT,
                        suspended + timedelta(days=rint(rng, 20, 120)),
                    )
                )
        transitions: list[tuple[str, str, str, date]] = [("orient", "", PathwayStatus.ORIENTED, entry)]
        status: str = PathwayStatus.ORIENTED
        for name, source, target, day in events:
            if day > self.today or (exit_day and day >= exit_day):
                break
            transitions.append((name, source, target, day))
            status = target
        if exit_day and exit_day <= self.today:
            exit_day = max(exit_day, entry)
            transitions.append(("exit", status, PathwayStatus.EXITED, exit_day))
            return transitions, PathwayStatus.EXITED, exit_day, exit_reason
        return transitions, status, None, ""

    def _pathways(
        self,
        rng: random.Random,
        person: PersonRow,
        shared: Shared,
        plans: list[PathwayPlan],
        histories: dict[str, list[Segment]],
        level: str,
    ) -> None:
        context = {
            "civ": "M." if person.sex == "M" else "Mme",
            "nom": person.last_name,
            "commune": person.commune_name,
            "interprete": self._interpreter_phrase(person),
        }
        for plan in plans:
            transitions, status, exit_day, exit_reason = self._timeline(rng, plan, person.cir)
            is_open = status != PathwayStatus.EXITED
            if plan.programme == Programme.AGIR and shared.agir_referent is not None:
                referent = self._same_referent(shared.agir_referent, is_open)
            else:
                referent = self._referent(rng, plan.operator, is_open)
                if plan.programme == Programme.AGIR:
                    shared.agir_referent = referent
            operator = self.orgs[plan.operator]
            reached: dict[str, date] = {}
            for _name, _source, target, day in transitions:
                reached.setdefault(target, day)
            pathway_id = self.w.add(
                Pathway,
                person_id=person.id,
                programme=plan.programme,
                operator_id=operator.pk,
                referent_id=referent.id,
                oriented_by=self._oriented_by(rng, plan),
                entry_date=plan.entry,
                status=status,
                exit_date=exit_day,
                exit_reason=exit_reason,
                first_interview_on=reached.get(PathwayStatus.FIRST_INTERVIEW),
                commitment_signed_on=reached.get(PathwayStatus.ACCOMPANIMENT),
                created_at=at(plan.entry, 9),
                updated_at=at(transitions[-1][3], 17),
            )
            pathway = PathwayRow(pathway_id, operator, plan.programme, plan.entry)
            for name, source, target, day in transitions:
                self.w.add(
                    PathwayTransition,
                    pathway_id=pathway_id,
                    name=name,
                    from_status=source,
                    to_status=target,
                    at=at(day, rint(rng, 9, 17), rng.choice((0, 15, 30, 45))),
                    by_id=referent.id,
                )
            # The grant pathway_create gives the operator (access.services, pathways.services).
            self.w.add(
                AccessGrant,
                person_id=person.id,
                organisation_id=operator.pk,
                sections=ALL_SECTIONS_SORTED,
                origin=GrantOrigin.PATHWAY,
                pathway_id=pathway_id,
                created_by_id=referent.id,
                starts_at=at(plan.entry, 9),
                created_at=at(plan.entry, 9),
                expires_at=at(exit_day, 23) + timedelta(days=settings.ACCESS_AFTER_EXIT_DAYS) if exit_day else None,
            )
            end = exit_day or self.today
            needs = self._diagnostic(rng, pathway, reached, histories, level)
            self._plan(rng, pathway, reached, needs, end, exit_day)
            self._notes(rng, person, pathway, referent, reached, status, exit_reason, end, context, histories)
            self._appointments(rng, person, pathway, referent, reached, status, end)
            if plan.programme == Programme.AGIR:
                self._consents(rng, person, referent, reached, end)
                self.employment.person(
                    self.erng,
                    person_id=person.id,
                    origin=shared.origin.code,
                    country=person.birth_country,
                    sex=person.sex,
                    birth=person.birth_date,
                    decision=shared.decision,
                    level=level,
                    first_level=person.first_level,
                    children=person.children,
                    pathway=PathwayContext(
                        pathway_id=pathway_id,
                        operator_id=operator.pk,
                        referent_id=referent.id,
                        entry=plan.entry,
                        exit_day=exit_day,
                        reached=reached,
                        is_open=is_open,
                    ),
                    histories=histories,
                )

    def _oriented_by(self, rng: random.Random, plan: PathwayPlan) -> str:
        if plan.programme in (Programme.AGIR, Programme.CPH):
            return "OFII — direction territoriale de Rennes"
        return rng.choice(("Plateforme AGIR 35", "France Travail Rennes", "CCAS de Rennes", "Démarche spontanée"))

    def _interpreter_phrase(self, person: PersonRow) -> str:
        if person.interpreting_needed:
            return f"avec un interprète en {LANGUAGE_NAMES_FR.get(person.interpreting_language, 'langue maternelle')}"
        return "sans interprète"

    def _diagnostic(
        self,
        rng: random.Random,
        pathway: PathwayRow,
        reached: dict[str, date],
        histories: dict[str, list[Segment]],
        level: str,
    ) -> dict[str, int]:
        day = reached.get(PathwayStatus.DIAGNOSTIC)
        if day is None:
            return {}
        if pathway.programme in (Programme.AGIR, Programme.CPH):
            domains = ["rights", "housing", "employment", "language"]
            domains += rng.sample(["health", "mobility", "family", "social"], rint(rng, 0, 2))
        else:
            domains = rng.sample(["language", "employment", "social", "rights"], rint(rng, 1, 3))
        housing = status_at(histories[SituationDomain.HOUSING], day)
        employment = status_at(histories[SituationDomain.EMPLOYMENT], day)
        needs = {}
        assessed = min(day + timedelta(days=rint(rng, 0, 14)), self.today)
        for domain in domains:
            if domain == "housing":
                if housing in ("social_rental", "private_rental"):
                    need = 0
                else:
                    need = 3 if housing in ("none", "emergency") else rng.choice((1, 2, 2, 3))
            elif domain == "employment":
                if employment in ("cdi", "cdd_long"):
                    need = 0
                else:
                    need = 1 if employment == "job_seeker" else rng.choice((2, 3))
            elif domain == "language":
                need = max(0, 3 - max(0, RANK[level] - 1))
            else:
                need = rng.choice((0, 1, 1, 2, 2, 3))
            needs[domain] = need
            self.w.add(
                DiagnosticItem,
                pathway_id=pathway.id,
                domain=domain,
                situation=texts.DIAGNOSTIC_TEXTS[domain][need],
                need_level=need,
                assessed_on=assessed,
                created_at=at(assessed, 11),
                updated_at=at(assessed, 11),
            )
        return needs

    def _plan(
        self,
        rng: random.Random,
        pathway: PathwayRow,
        reached: dict[str, date],
        needs: dict[str, int],
        end: date,
        exit_day: date | None,
    ) -> None:
        """Plan: theme → objective → actions; some done, some overdue, some ahead."""
        start = reached.get(PathwayStatus.ACCOMPANIMENT)
        if start is None:
            return
        themes = [d for d, n in sorted(needs.items(), key=lambda item: -item[1]) if n >= 2][:2] or ["employment"]
        for theme in themes:
            title, actions = rng.choice(texts.PLAN[theme])
            objective_id = self.w.tables[Objective].next_id
            self.w.tables[Objective].next_id += 1
            statuses = []
            due = start
            for action_title in actions:
                due += timedelta(days=rint(rng, 20, 75))
                if exit_day:
                    status = PlanStatus.DONE if rng.random() < 0.75 else PlanStatus.ABANDONED
                elif due < self.today - timedelta(days=15):
                    status = (
                        PlanStatus.DONE if rng.random() < 0.7 else rng.choice((PlanStatus.TODO, PlanStatus.IN_PROGRESS))
                    )
                else:
                    status = rng.choice((PlanStatus.TODO, PlanStatus.TODO, PlanStatus.IN_PROGRESS))
                done_on = None
                if status == PlanStatus.DONE:
                    done_on = max(start, min(due + timedelta(days=rint(rng, -15, 10)), end))
                statuses.append(status)
                self.w.add(
                    PlanAction,
                    objective_id=objective_id,
                    title=action_title,
                    due_date=due,
                    status=status,
                    done_on=done_on,
                    created_at=at(start, 11),
                    updated_at=at(done_on or start, 12),
                )
            if all(s == PlanStatus.DONE for s in statuses):
                objective_status = PlanStatus.DONE
            elif exit_day:
                objective_status = PlanStatus.ABANDONED
            else:
                objective_status = PlanStatus.IN_PROGRESS
            self.w.add(
                Objective,
                id=objective_id,
                pathway_id=pathway.id,
                theme=theme,
                title=title,
                status=objective_status,
                created_at=at(start, 11),
                updated_at=at(start, 11),
            )

    def _note(
        self,
        rng: random.Random,
        person: PersonRow,
        pathway: PathwayRow,
        author: Member,
        day: date,
        body: str,
        confidentiality: str | None = None,
    ) -> None:
        if confidentiality is None:
            confidentiality = weighted(rng, [(Confidentiality.SHARED, 35), (Confidentiality.ORGANISATION, 65)])
        moment = at(min(day, self.today), rint(rng, 9, 18), rint(rng, 0, 59))
        self.w.add(
            Note,
            person_id=person.id,
            pathway_id=pathway.id,
            author_id=author.id,
            organisation_id=pathway.operator.pk,
            confidentiality=confidentiality,
            body=body,
            created_at=moment,
            updated_at=moment,
        )

    def _notes(
        self,
        rng: random.Random,
        person: PersonRow,
        pathway: PathwayRow,
        referent: Member,
        reached: dict[str, date],
        status: str,
        exit_reason: str,
        end: date,
        context: dict[str, str],
        histories: dict[str, list[Segment]],
    ) -> None:
        """The journal: written by the referent (or the organisation's admin), never about asylum or health.

        Notes agree with the person's situations on their date (no "bail signé" while in a CADA).
        """
        if rng.random() < 0.3:
            self._note(
                rng,
                person,
                pathway,
                referent,
                pathway.entry,
                rng.choice(texts.NOTES_ORIENTED).format(**context),
                Confidentiality.ORGANISATION,
            )
        if PathwayStatus.FIRST_INTERVIEW in reached:
            self._note(
                rng,
                person,
                pathway,
                referent,
                reached[PathwayStatus.FIRST_INTERVIEW],
                rng.choice(texts.NOTES_FIRST_INTERVIEW).format(**context),
            )
        if PathwayStatus.DIAGNOSTIC in reached and rng.random() < 0.7:
            self._note(
                rng,
                person,
                pathway,
                referent,
                reached[PathwayStatus.DIAGNOSTIC],
                rng.choice(texts.NOTES_DIAGNOSTIC).format(**context),
            )
        start = reached.get(PathwayStatus.ACCOMPANIMENT)
        if start is not None and end > start:
            span = (end - start).days
            if pathway.programme in (Programme.AGIR, Programme.CPH):
                count = min(3, 1 + span // 150)
            else:
                count = min(2, 1 + span // 180)
            for day in sorted(start + timedelta(days=rint(rng, 0, span)) for _ in range(count)):
                roll = rng.random()
                if roll < 0.12:
                    self._note(
                        rng,
                        person,
                        pathway,
                        referent,
                        day,
                        rng.choice(texts.NOTES_PRIVATE).format(**context),
                        Confidentiality.PRIVATE,
                    )
                elif roll < 0.22:
                    self._note(rng, person, pathway, referent, day, rng.choice(texts.NOTES_PARTNER).format(**context))
                else:
                    conditions = self._note_conditions(person, histories, day)
                    candidates = [text for condition, text in texts.NOTES_ACCOMPANIMENT if condition in conditions]
                    self._note(rng, person, pathway, referent, day, rng.choice(candidates).format(**context))
        if PathwayStatus.SUSPENDED in reached:
            self._note(
                rng,
                person,
                pathway,
                referent,
                reached[PathwayStatus.SUSPENDED],
                rng.choice(texts.NOTES_SUSPENDED).format(**context),
                Confidentiality.ORGANISATION,
            )
        if status == PathwayStatus.EXITED:
            author = self.olivier if pathway.operator.pk == self.orgs[AGIR].pk and rng.random() < 0.3 else referent
            kind = exit_reason
            if exit_reason == ExitReason.COMPLETED and self._positive_exit(histories, end):
                kind = "positive"
            self._note(
                rng,
                person,
                pathway,
                author,
                end,
                rng.choice(texts.NOTES_EXIT[kind]).format(**context),
                Confidentiality.ORGANISATION,
            )

    def _note_conditions(self, person: PersonRow, histories: dict[str, list[Segment]], day: date) -> set[str]:
        housing = status_at(histories[SituationDomain.HOUSING], day)
        employment = status_at(histories[SituationDomain.EMPLOYMENT], day)
        conditions = {"any"}
        if housing == "social_rental":
            conditions.add("housed")
        elif housing not in DURABLE_HOUSING:
            conditions.add("not_housed")
        if housing == "third_party":
            conditions.add("hosted")
        if employment == "job_seeker":
            conditions.add("job_seeker")
        elif employment not in (None, "inactive"):
            conditions.add("working")
        if status_at(histories[SituationDomain.TRAINING], day) == "hope":
            conditions.add("hope")
        if status_at(histories[SituationDomain.LANGUAGE], day) not in (None, "none"):
            conditions.add("learning")
        if person.children:
            conditions.add("children")
        if person.family_abroad:
            conditions.add("abroad")
        return conditions

    def _positive_exit(self, histories: dict[str, list[Segment]], day: date) -> bool:
        """AGIR's positive exit: durable housing and durable employment or qualifying training (domain.md §2.2)."""
        housing = status_at(histories[SituationDomain.HOUSING], day)
        employment = status_at(histories[SituationDomain.EMPLOYMENT], day)
        training = status_at(histories[SituationDomain.TRAINING], day)
        return housing in DURABLE_HOUSING and (employment in DURABLE_EMPLOYMENT or training in QUALIFYING_TRAINING)

    def _appointment(
        self,
        rng: random.Random,
        person: PersonRow,
        pathway_id: int | None,
        organisation: Organisation,
        host: Member,
        day: date,
        subject: str,
        status: str,
        minutes: int = 60,
    ) -> None:
        if status == AppointmentStatus.PLANNED:
            day = weekday(day)
        elif day.weekday() >= 5:
            day -= timedelta(days=day.weekday() - 4)  # back to Friday: past appointments stay past
        starts = at(day, rint(rng, 9, 16), rng.choice((0, 30)))
        if rng.random() < 0.9:
            where = f"{organisation.display_name} — {organisation.address}"
        else:
            where = "Entretien téléphonique"
        stamp = at(min(day, self.today) - timedelta(days=7), 10)
        self.w.add(
            Appointment,
            person_id=person.id,
            pathway_id=pathway_id,
            organisation_id=organisation.pk,
            with_user_id=host.id,
            subject=subject,
            starts_at=starts,
            ends_at=starts + timedelta(minutes=minutes),
            location=where[:255],
            interpreter_needed=person.interpreting_needed,
            status=status,
            created_at=stamp,
            updated_at=stamp,
        )

    def _appointments(
        self,
        rng: random.Random,
        person: PersonRow,
        pathway: PathwayRow,
        referent: Member,
        reached: dict[str, date],
        status: str,
        end: date,
    ) -> None:
        """Past appointments (held, missed, cancelled) and, for open pathways, the next one."""
        operator = pathway.operator
        first = reached.get(PathwayStatus.FIRST_INTERVIEW)
        if first:
            self._appointment(
                rng, person, pathway.id, operator, referent, first, texts.APPOINTMENT_FIRST, AppointmentStatus.HELD, 90
            )
        elif status == PathwayStatus.ORIENTED:
            self._appointment(
                rng,
                person,
                pathway.id,
                operator,
                referent,
                self.today + timedelta(days=rint(rng, 1, 20)),
                texts.APPOINTMENT_FIRST,
                AppointmentStatus.PLANNED,
                90,
            )
            return
        start = reached.get(PathwayStatus.ACCOMPANIMENT)
        if start:
            days = []
            day = start + timedelta(days=rint(rng, 20, 60))
            while day < end and day < self.today:
                days.append(day)
                day += timedelta(days=rint(rng, 30, 75))
            for day in days[-3:]:
                self._appointment(
                    rng,
                    person,
                    pathway.id,
                    operator,
                    referent,
                    day,
                    rng.choice(texts.APPOINTMENT_SUBJECTS),
                    self._past_status(rng),
                )
        if status in (PathwayStatus.FIRST_INTERVIEW, PathwayStatus.DIAGNOSTIC, PathwayStatus.ACCOMPANIMENT):
            self._appointment(
                rng,
                person,
                pathway.id,
                operator,
                referent,
                self.today + timedelta(days=rint(rng, 1, 30)),
                rng.choice(texts.APPOINTMENT_SUBJECTS),
                AppointmentStatus.PLANNED,
            )

    def _past_status(self, rng: random.Random) -> str:
        return weighted(
            rng, [(AppointmentStatus.HELD, 82), (AppointmentStatus.MISSED, 12), (AppointmentStatus.CANCELLED, 6)]
        )

    def _consents(
        self, rng: random.Random, person: PersonRow, referent: Member, reached: dict[str, date], end: date
    ) -> None:
        """Sharing outside the team rests on recorded consent (France Travail, CCAS, landlord, health).

        Written as access.services.consent_record does: the consent, its recipients, one grant each.
        """
        first = reached.get(PathwayStatus.FIRST_INTERVIEW)
        if first is None:
            return
        recipients = []
        if rng.random() < 0.15:
            # France Travail needs the employment and training history, not the housing applications
            # (SNE numbers, offers, rents) nor the rights (CAF, bank).
            sections = [Section.IDENTITY, Section.CONTACT, Section.LANGUAGE, Section.EMPLOYMENT_HISTORY]
            if rng.random() < 0.5:
                sections.append(Section.APPOINTMENTS)
            recipients.append(("france_travail", sections))
        if rng.random() < 0.05:
            recipients.append(("ccas", [Section.IDENTITY, Section.CONTACT, Section.FAMILY, Section.HOUSING]))
        if rng.random() < 0.04:
            recipients.append(("archipel", [Section.IDENTITY, Section.CONTACT, Section.FAMILY, Section.HOUSING]))
        if referent == self.amina and rng.random() < 0.15:  # only a member with health access may share it
            recipients.append(("louis_guilloux", [Section.IDENTITY, Section.CONTACT, Section.LANGUAGE, Section.HEALTH]))
        agir = self.orgs[AGIR]
        for key, sections in recipients:
            given = min(first + timedelta(days=rint(rng, 0, 120)), end)
            withdrawn = None
            if rng.random() < 0.08:
                withdrawn = given + timedelta(days=rint(rng, 10, 300))
                if withdrawn > self.today:
                    withdrawn = None
            shared = sorted(set(sections))
            organisation = self.orgs[key]
            consent_id = self.w.add(
                Consent,
                person_id=person.id,
                sections=shared,
                purpose=texts.CONSENT_PURPOSES[key],
                given_on=given,
                method=Consent.Method.WRITTEN if rng.random() < 0.8 else Consent.Method.ORAL,
                recorded_by_id=referent.id,
                recorded_for_id=agir.pk,
                withdrawn_on=withdrawn,
                withdrawn_by_id=referent.id if withdrawn else None,
                created_at=at(given, 11),
            )
            self.w.add(Consent.recipients.through, consent_id=consent_id, organisation_id=organisation.pk)
            self.w.add(
                AccessGrant,
                person_id=person.id,
                organisation_id=organisation.pk,
                sections=shared,
                origin=GrantOrigin.CONSENT,
                consent_id=consent_id,
                created_by_id=referent.id,
                starts_at=at(given, 11),
                created_at=at(given, 11),
                revoked_at=at(withdrawn, 12) if withdrawn else None,
            )
            if (
                key == "france_travail"
                and Section.APPOINTMENTS in shared
                and withdrawn is None
                and self.marc_persons < MARC_PERSONS_WITH_APPOINTMENTS
            ):
                self.marc_persons += 1
                meeting = weekday(given + timedelta(days=rint(rng, 7, 30)))
                self._appointment(
                    rng,
                    person,
                    None,
                    organisation,
                    self.marc,
                    meeting,
                    texts.APPOINTMENT_FRANCE_TRAVAIL[0],
                    AppointmentStatus.HELD if meeting < self.today else AppointmentStatus.PLANNED,
                )
                self._appointment(
                    rng,
                    person,
                    None,
                    organisation,
                    self.marc,
                    self.today + timedelta(days=rint(rng, 2, 40)),
                    rng.choice(texts.APPOINTMENT_FRANCE_TRAVAIL[1:]),
                    AppointmentStatus.PLANNED,
                )
