"""Demo data for the four tracks (housing, health, language and CIR, rights), issue 5.

Run by the demo generator once the persons, the directory and the referrals are written: it reads
back what it needs of each person (protections, housing history, household, CIR, birth date,
employment profile, first French level) in chunks, draws from its own random generator (seeded by
the demo seed and the person's rank in the run, so the households and the employment data of a
seed stay as they were) and writes through the same batched ``Writer``. Dates are relative to
today: there are deadlines in the past, this week, this month and later. Amina's open caseload is
given a few items due this week, this month and overdue so her agenda always shows them.
"""

import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import connection
from django.utils import timezone

from ancrage.core.dates import add_months, age_on
from ancrage.deadlines.engine import end_of_month
from ancrage.demo.writer import Writer
from ancrage.directory.models import Service
from ancrage.employment.models import EmploymentProfile
from ancrage.pathways.models import Pathway
from ancrage.persons.models import (
    DURABLE_HOUSING,
    FrenchAssessment,
    HouseholdMember,
    Person,
    Protection,
    ResidenceDocument,
    Situation,
)
from ancrage.referrals.models import Referral
from ancrage.territory.models import Commune
from ancrage.tracks.models import (
    BankAccount,
    BankStep,
    CafBenefit,
    CafFile,
    CivicTraining,
    CourseStatus,
    CoverageStatus,
    ExtensionKind,
    HealthCoverage,
    HousingOffer,
    HousingRequestStatus,
    LanguageCourse,
    LanguagePrescription,
    MobilityCandidacy,
    MobilityStatus,
    OfferDecision,
    RequestStatus,
    SiaoKind,
    SiaoRequest,
    SocialHousingRequest,
    StayExtension,
)

CHUNK = 2000
PROTECTED = {"refugee", "subsidiary", "stateless"}
ASYLUM_HOUSING = {"cada", "huda"}
PRECARIOUS = {"third_party", "emergency", "none", "cada", "huda", "chrs", "cph", "iml"}
SIAO_KIND = {
    "emergency": SiaoKind.EMERGENCY,
    "chrs": SiaoKind.INSERTION,
    "iml": SiaoKind.ADAPTED,
    "residence_sociale": SiaoKind.ADAPTED,
}
SIAO_OUTCOME = {
    "emergency": "Place en hébergement d'urgence (démo)",
    "chrs": "Place en CHRS (démo)",
    "iml": "Logement en intermédiation locative (démo)",
    "residence_sociale": "Logement en résidence sociale (démo)",
}
RENEWABLE_DOCUMENTS = ("multi_year_card", "temporary_card", "resident_card", "aps")
FRENCH_COURSES = "lecture-ecriture-calcul--maitriser-le-francais"
RENNES = "35238"
LANDLORDS = (
    "Habitat Rennes Métropole (démo)",
    "Foyer d'Ille-et-Vilaine (démo)",
    "Logis Breton Solidaire (démo)",
    "Résidences de la Vilaine (démo)",
    "Toits d'Armorique (démo)",
)
REFUSAL_REASONS = (
    "Logement trop éloigné du lieu de travail.",
    "Loyer trop élevé pour les ressources du foyer.",
    "Logement trop petit pour la composition du foyer.",
    "Pas d'accès aux transports pour l'école des enfants.",
    "Logement au 4e étage sans ascenseur, incompatible avec la situation.",
)
MOBILITY_PLACES = ("Vierzon", "Guéret", "Saint-Dizier", "Montluçon", "Nevers", "Châteauroux", "Alençon")
BANKS = ("La Banque Postale", "Banque coopérative de l'Ouest (démo)", "Caisse solidaire (démo)")
TYPOLOGY_BY_SIZE = {1: "T1", 2: "T2", 3: "T3", 4: "T3", 5: "T4"}
RENT_BY_TYPOLOGY = {"T1": (280, 360), "T2": (360, 450), "T3": (430, 540), "T4": (500, 620), "T5": (580, 720)}

# The models written here, parents first.
TRACKS_ORDER = (
    SiaoRequest,
    SocialHousingRequest,
    SocialHousingRequest.desired_communes.through,
    HousingOffer,
    MobilityCandidacy,
    StayExtension,
    HealthCoverage,
    CafFile,
    BankAccount,
    CivicTraining,
    LanguagePrescription,
    LanguageCourse,
)


def rint(rng: random.Random, low: int, high: int) -> int:
    return low + int(rng.random() * (high - low + 1))


@dataclass
class Stay:
    id: int
    status: str
    start: date
    end: date | None


@dataclass
class Record:
    """What the tracks need to know about one person, read back from the database."""

    id: int
    birth: date | None
    household_id: int | None
    cir: date | None
    interpreting: bool
    decision: date | None = None
    notification: date | None = None
    stays: list[Stay] = field(default_factory=list)
    household_size: int = 1
    literacy: str = ""
    first_level: str = ""
    amina: bool = False
    referrals: list[tuple[int, int, date]] = field(default_factory=list)  # (referral, service, sent on)


class TracksSeeder:
    def __init__(self, *, seed: int, today: date, amina_id: int | None, log: Callable[[str], None]) -> None:
        self.seed = seed
        self.today = today
        self.amina_id = amina_id
        self.log = log
        self.w = Writer(TRACKS_ORDER, timezone.now())
        self.communes = list(Commune.objects.order_by("insee_code").values_list("insee_code", flat=True))
        self.others = [code for code in self.communes if code != RENNES]
        self.french_services = [
            (s.pk, s.name)
            for s in Service.objects.filter(is_active=True).order_by("pk")
            if FRENCH_COURSES in (s.thematiques or [])
        ]
        self.french_service_ids = {pk for pk, _name in self.french_services}
        self.households_seen: set[int] = set()
        # Amina's agenda: a few items placed so it always shows some due this week, this month and overdue.
        self.amina_quota = Counter(
            {"sne_week": 2, "sne_month": 3, "sne_overdue": 3, "css_week": 2, "css_month": 3, "css_overdue": 3}
        )
        self.renewals: list[tuple[date, int]] = []  # (renewal requested on, residence document id)
        self.counts: Counter = Counter()

    # --- reading back --------------------------------------------------------------------------------

    def run(self, first_person_id: int) -> dict[str, int]:
        started = time.monotonic()
        ids = list(Person.objects.filter(pk__gte=first_person_id).order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), CHUNK):
            for index, record in enumerate(self._records(ids[start : start + CHUNK]), start=start):
                self._person(f"ancrage-demo-tracks:{self.seed}:{index}", record)
            self.w.flush()
            self._flush_renewals()
        counts = self.w.finish()
        self.log(f"  Logement, santé, langue et droits : {len(ids)} personnes ({time.monotonic() - started:.0f} s)")
        counts["persons.ResidenceDocument.renewal_requested_on"] = self.counts["renewals"]
        return counts

    def _records(self, ids: list[int]) -> list[Record]:
        records = {
            pk: Record(pk, birth, household, cir, interpreting)
            for pk, birth, household, cir, interpreting in Person.objects.filter(pk__in=ids)
            .order_by("pk")
            .values_list("pk", "birth_date", "household_id", "cir_signed_on", "interpreting_needed")
        }
        for person_id, kind, decided, notified in Protection.objects.filter(person_id__in=ids).values_list(
            "person_id", "type", "decision_date", "notification_date"
        ):
            record = records[person_id]
            record.decision = min(filter(None, (record.decision, decided)), default=None)
            if kind in PROTECTED and notified:
                record.notification = min(filter(None, (record.notification, notified)))
        for pk, person_id, status, start, end in (
            Situation.objects.filter(person_id__in=ids, domain="housing")
            .order_by("start_date", "pk")
            .values_list("pk", "person_id", "status", "start_date", "end_date")
        ):
            records[person_id].stays.append(Stay(pk, status, start, end))
        households = {r.household_id for r in records.values() if r.household_id}
        members: dict[int, list[int | None]] = defaultdict(list)
        for household, person_id in HouseholdMember.objects.filter(household_id__in=households).values_list(
            "household_id", "person_id"
        ):
            members[household].append(person_id)
        for record in records.values():
            if record.household_id:
                rows = members[record.household_id]
                record.household_size = min(20, len(rows) + (0 if record.id in rows else 1))
        for person_id, literacy in EmploymentProfile.objects.filter(person_id__in=ids).values_list(
            "person_id", "literacy"
        ):
            records[person_id].literacy = literacy
        for person_id, level in (
            FrenchAssessment.objects.filter(person_id__in=ids)
            .order_by("person_id", "-assessed_on", "-pk")
            .values_list("person_id", "level")
        ):
            records[person_id].first_level = level  # the earliest wins (read last)
        if self.amina_id:
            for person_id in Pathway.objects.filter(
                person_id__in=ids, referent_id=self.amina_id, exit_date__isnull=True
            ).values_list("person_id", flat=True):
                records[person_id].amina = True
        if self.french_service_ids:
            for pk, person_id, service_id, created in (
                Referral.objects.filter(person_id__in=ids, service_id__in=self.french_service_ids)
                .order_by("pk")
                .values_list("pk", "person_id", "service_id", "created_at")
            ):
                records[person_id].referrals.append((pk, service_id, timezone.localdate(created)))
        self._documents(ids)
        return [records[pk] for pk in ids]

    def _documents(self, ids: list[int]) -> None:
        """Cards expiring within 5 months: the renewal is already asked for about half of them."""
        documents = (
            ResidenceDocument.objects.filter(
                person_id__in=ids,
                kind__in=RENEWABLE_DOCUMENTS,
                renewal_requested_on__isnull=True,
                expiry_date__gt=self.today,
                expiry_date__lte=self.today + timedelta(days=150),
            )
            .order_by("pk")
            .values_list("pk", "issue_date", "expiry_date")
        )
        for pk, issued, expiry in documents:
            if expiry is None:  # excluded by the filter; for the type checker
                continue
            rng = random.Random(f"ancrage-demo-tracks-document:{self.seed}:{expiry}:{issued}")
            if rng.random() < 0.5:
                requested = max(issued, add_months(expiry, -4) + timedelta(days=rint(rng, 0, 45)))
                if requested <= self.today:
                    self.renewals.append((requested, pk))

    def _flush_renewals(self) -> None:
        if not self.renewals:
            return
        table = connection.ops.quote_name(ResidenceDocument._meta.db_table)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET renewal_requested_on = %s WHERE id = %s",  # noqa: S608 - model table name
                self.renewals,
            )
        self.counts["renewals"] += len(self.renewals)
        self.renewals = []

    # --- one person --------------------------------------------------------------------------------

    def _person(self, key: str, r: Record) -> None:
        """One generator per track: what one track draws (e.g. the referrals, made once per database)
        does not shift the others."""
        start = r.notification or r.decision or (r.stays[0].start if r.stays else self.today - timedelta(days=200))
        self._housing(random.Random(f"{key}:housing"), r, start)
        self._health(random.Random(f"{key}:health"), r, start)
        self._language(random.Random(f"{key}:language"), r)
        self._rights(random.Random(f"{key}:rights"), r, start)

    def _amina(self, r: Record, track: str) -> str:
        """The next item still to place in Amina's agenda for this track ("" if none or not hers)."""
        if not r.amina:
            return ""
        kind = next((k for k in sorted(self.amina_quota) if k.startswith(track) and self.amina_quota[k] > 0), "")
        if kind:
            self.amina_quota[kind] -= 1
        return kind

    def _day(self, day: date) -> date:
        return min(day, self.today)

    # housing --------------------------------------------------------------------------------------

    def _housing(self, rng: random.Random, r: Record, start: date) -> None:
        if r.notification:
            stay = next(
                (
                    s
                    for s in r.stays
                    if s.status in ASYLUM_HOUSING
                    and s.start <= r.notification
                    and (s.end is None or s.end >= r.notification)
                ),
                None,
            )
            if stay is not None:
                due = end_of_month(add_months(r.notification.replace(day=1), 3))
                late = stay.end is None or stay.end > due
                if late and rng.random() < 0.45:
                    granted = max(r.notification, due - timedelta(days=rint(rng, 5, 30)))
                    if granted <= self.today:
                        self.w.add(StayExtension, person_id=r.id, kind=ExtensionKind.ASYLUM_HOUSING, granted_on=granted)
        for stay in r.stays:
            if stay.status != "cph":
                continue
            end = stay.end or self.today
            for months in (9, 12):
                granted = add_months(stay.start, months) - timedelta(days=rint(rng, 10, 30))
                if granted > end or add_months(stay.start, months) > end + timedelta(days=20):
                    break
                if rng.random() < 0.7:
                    self.w.add(StayExtension, person_id=r.id, kind=ExtensionKind.CPH, granted_on=granted)
        self._siao(rng, r)
        first_of_household = r.household_id is None or r.household_id not in self.households_seen
        if r.household_id:
            self.households_seen.add(r.household_id)
        if first_of_household:
            self._social_housing(rng, r, start)

    def _siao(self, rng: random.Random, r: Record) -> None:
        for stay in r.stays:
            if stay.status in SIAO_KIND and rng.random() < 0.8:
                requested = stay.start - timedelta(days=rint(rng, 10, 60))
                self.w.add(
                    SiaoRequest,
                    person_id=r.id,
                    kind=SIAO_KIND[stay.status],
                    requested_on=requested,
                    status=RequestStatus.GRANTED,
                    decided_on=stay.start - timedelta(days=rint(rng, 1, 9)),
                    outcome=SIAO_OUTCOME[stay.status],
                )
        current = r.stays[-1].status if r.stays else "none"
        if current in {"third_party", "emergency", "none", "cada", "huda"} and rng.random() < 0.5:
            requested = self.today - timedelta(days=rint(rng, 5, 150))
            roll = rng.random()
            if roll < 0.6:
                status, decided = RequestStatus.PENDING, None
            elif roll < 0.8:
                status, decided = RequestStatus.REFUSED, self._day(requested + timedelta(days=rint(rng, 7, 40)))
            else:
                status, decided = RequestStatus.CANCELLED, self._day(requested + timedelta(days=rint(rng, 7, 40)))
            self.w.add(
                SiaoRequest,
                person_id=r.id,
                kind=SiaoKind.INSERTION if current != "none" else SiaoKind.EMERGENCY,
                requested_on=requested,
                status=status,
                decided_on=decided,
                outcome="",
            )

    def _social_housing(self, rng: random.Random, r: Record, start: date) -> None:
        social = next((s for s in r.stays if s.status == "social_rental"), None)
        current = r.stays[-1].status if r.stays else "none"
        if social is None and (current in DURABLE_HOUSING or rng.random() < 0.15) and not r.amina:
            return
        requested = start + timedelta(days=rint(rng, 15, 120))
        if social is not None:
            requested = max(start, social.start - timedelta(days=rint(rng, 120, 420)))
            if requested >= social.start - timedelta(days=30):
                return
        forced = self._amina(r, "sne") if social is None else ""  # attributed: nothing to renew
        if forced:
            # Amina's agenda: a renewal due this week / this month / overdue (never before arrival).
            days = {"sne_week": (1, 6), "sne_month": (10, 28), "sne_overdue": (-40, -5)}[forced]
            anchor = add_months(self.today + timedelta(days=rint(rng, *days)), -12)
            if anchor < (r.stays[0].start if r.stays else start):
                self.amina_quota[forced] += 1
                forced = ""
            else:
                requested = min(requested, anchor)
        if requested > self.today:
            return
        request_id = self.w.tables[SocialHousingRequest].next_id
        letters = chr(65 + rint(rng, 0, 25)) + chr(65 + rint(rng, 0, 25))
        number = f"035 {requested:%m%y} {(self.counts['sne'] * 7919 + 1) % 100000:05d} {letters}"
        status, closed = HousingRequestStatus.ACTIVE, None
        horizon = self.today
        typology = TYPOLOGY_BY_SIZE.get(r.household_size, "T5")
        if social is not None:
            # The accepted offer that led to the social rental already in the history.
            offered = max(requested + timedelta(days=1), social.start - timedelta(days=rint(rng, 20, 60)))
            decided = min(social.start, offered + timedelta(days=rint(rng, 3, 10)))
            if rng.random() < 0.35 and offered - timedelta(days=60) > requested:
                refused_on = offered - timedelta(days=rint(rng, 40, 60))
                self._offer(rng, r, request_id, refused_on, typology, OfferDecision.REFUSED)
            self._offer(rng, r, request_id, offered, typology, OfferDecision.ACCEPTED, decided)
            status, closed, horizon = HousingRequestStatus.ATTRIBUTED, decided, decided
        # Anniversaries passed before the horizon: renewed a few days before each, some late.
        renewed = None
        anniversary = add_months(requested, 12)
        while anniversary <= horizon:
            renewed = anniversary - timedelta(days=rint(rng, 0, 25))
            anniversary = add_months(anniversary, 12)
        if renewed is not None and social is None and rng.random() < 0.12:
            # The last renewal is overdue: the request still runs on the previous anniversary.
            previous = add_months(anniversary, -24)
            renewed = None if previous <= requested else previous - timedelta(days=rint(rng, 0, 25))
            if renewed is not None and renewed < requested:
                renewed = None
        if forced:
            renewed = anchor if anchor > requested else None
        self.w.add(
            SocialHousingRequest,
            id=request_id,
            person_id=r.id,
            sne_number=number,
            requested_on=requested,
            last_renewed_on=renewed,
            household_size=r.household_size,
            status=status,
            closed_on=closed,
        )
        self.w.tables[SocialHousingRequest].next_id = request_id + 1
        desired = [RENNES] if RENNES in self.communes else []
        for _ in range(rint(rng, 0, 3)):
            if self.others:
                code = rng.choice(self.others)
                if code not in desired:
                    desired.append(code)
        for code in desired:
            self.w.add(
                SocialHousingRequest.desired_communes.through, socialhousingrequest_id=request_id, commune_id=code
            )
        self.counts["sne"] += 1
        if social is None:
            roll = rng.random()
            if roll < 0.15:
                offered = self.today - timedelta(days=rint(rng, 1, 20))
                if offered > requested:
                    self._offer(rng, r, request_id, offered, typology, OfferDecision.PENDING)
            elif roll < 0.3:
                offered = requested + timedelta(days=rint(rng, 60, 300))
                if offered < self.today:
                    self._offer(
                        rng, r, request_id, offered, typology, OfferDecision.REFUSED,
                        self._day(offered + timedelta(days=rint(rng, 3, 10))),
                    )  # fmt: skip
            if rng.random() < 0.04 and r.household_size <= 4:
                self._mobility(rng, r, requested)

    def _offer(
        self,
        rng: random.Random,
        r: Record,
        request_id: int,
        offered: date,
        typology: str,
        decision: str,
        decided: date | None = None,
    ) -> None:
        low, high = RENT_BY_TYPOLOGY[typology]
        if decision != OfferDecision.PENDING and decided is None:
            decided = self._day(offered + timedelta(days=rint(rng, 3, 10)))
        commune = (
            RENNES if (RENNES in self.communes and rng.random() < 0.6) or not self.others else rng.choice(self.others)
        )
        if commune not in self.communes:
            return
        self.w.add(
            HousingOffer,
            person_id=r.id,
            request_id=request_id,
            landlord=rng.choice(LANDLORDS),
            commune_id=commune,
            typology=typology,
            rent=f"{rint(rng, low, high)}.00",
            offered_on=offered,
            decision=decision,
            decided_on=decided if decision != OfferDecision.PENDING else None,
            refusal_reason=rng.choice(REFUSAL_REASONS) if decision == OfferDecision.REFUSED else "",
        )

    def _mobility(self, rng: random.Random, r: Record, requested: date) -> None:
        submitted = self._day(requested + timedelta(days=rint(rng, 30, 200)))
        status = rng.choice(
            [MobilityStatus.SUBMITTED, MobilityStatus.PROPOSED, MobilityStatus.REFUSED, MobilityStatus.WITHDRAWN]
        )
        self.w.add(
            MobilityCandidacy,
            person_id=r.id,
            submitted_on=submitted,
            status=status,
            proposed_place=rng.choice(MOBILITY_PLACES) if status in {"proposed", "refused"} else "",
        )

    # health --------------------------------------------------------------------------------------------

    def _health(self, rng: random.Random, r: Record, start: date) -> None:
        arrival = r.stays[0].start if r.stays else start
        puma_requested = self._day(arrival + timedelta(days=rint(rng, 10, 60)))
        values: dict[str, Any] = {"puma_status": CoverageStatus.REQUESTED, "puma_requested_on": puma_requested}
        opened = puma_requested + timedelta(days=rint(rng, 15, 90))
        if opened <= self.today and rng.random() < 0.95:
            values.update(puma_status=CoverageStatus.OPEN, puma_opened_on=opened)
            css_requested = self._day(opened + timedelta(days=rint(rng, 0, 60)))
            if rng.random() < 0.8 or r.amina:
                values.update(css_status=CoverageStatus.REQUESTED, css_requested_on=css_requested)
                css_opened = css_requested + timedelta(days=rint(rng, 10, 45))
                if css_opened <= self.today:
                    # Renewed every year; about one in eight left to lapse (renewal overdue).
                    expires = add_months(css_opened, 12)
                    while add_months(expires, -2) + timedelta(days=rint(rng, 0, 20)) <= self.today:
                        if rng.random() < 0.05:
                            break  # not renewed in time
                        css_opened, expires = min(expires, self.today), add_months(expires, 12)
                    forced = self._amina(r, "css")
                    if forced:
                        days = {"css_week": (1, 6), "css_month": (10, 28), "css_overdue": (-30, -5)}[forced]
                        due = self.today + timedelta(days=rint(rng, *days))
                        expires = add_months(due, 2)
                        css_opened = max(css_requested, add_months(expires, -12))
                    if expires < self.today - timedelta(days=60):
                        # Lapsed a while ago: asked again since, the new decision is awaited.
                        renewal = max(css_requested, self.today - timedelta(days=rint(rng, 5, 50)))
                        values.update(css_requested_on=renewal)
                    else:
                        values.update(css_status=CoverageStatus.OPEN, css_opened_on=css_opened, css_expires_on=expires)
            if rng.random() < 0.6:
                values["gp_declared_on"] = self._day(opened + timedelta(days=rint(rng, 20, 200)))
            if rng.random() < 0.4:
                values["checkup_done_on"] = self._day(opened + timedelta(days=rint(rng, 30, 300)))
        values["interpreting_needed"] = r.interpreting and rng.random() < 0.8
        self.w.add(HealthCoverage, person_id=r.id, **values)

    # language and CIR -----------------------------------------------------------------------------------

    def _language(self, rng: random.Random, r: Record) -> None:
        if r.cir is not None:
            day = r.cir
            for session in range(1, 5):
                day += timedelta(days=rint(rng, 7, 35))
                if day > self.today or rng.random() < 0.08:
                    break
                self.w.add(CivicTraining, person_id=r.id, session=session, attended_on=day)
            hours = {"NL": 600, "A0": 400, "A1": 200, "A2": 100}.get(r.first_level or "A0")
            if hours is not None:
                if r.literacy == "none" or r.first_level == "NL":
                    hours = 600
                target = "A2" if r.cir >= date(2026, 1, 1) else "A1"
                self.w.add(LanguagePrescription, person_id=r.id, prescribed_on=r.cir, hours=hours, target_level=target)
                begin = r.cir + timedelta(days=rint(rng, 14, 75))
                self._course(rng, r, f"Formation linguistique OFII ({hours} h)", begin, hours, None, None)
        for referral_id, service_id, sent in r.referrals:
            name = next(name for pk, name in self.french_services if pk == service_id)
            begin = sent + timedelta(days=rint(rng, 10, 45))
            self._course(rng, r, name[:200], begin, rint(rng, 40, 120), service_id, referral_id)
        if (
            not r.referrals
            and self.french_services
            and r.first_level in {"NL", "A0", "A1", "A2"}
            and rng.random() < 0.3
        ):
            service_id, name = rng.choice(self.french_services)
            begin = (r.cir or r.decision or self.today) + timedelta(days=rint(rng, 60, 400))
            self._course(rng, r, name[:200], begin, rint(rng, 40, 150), service_id, None)

    def _course(
        self,
        rng: random.Random,
        r: Record,
        title: str,
        begin: date,
        hours: int,
        service_id: int | None,
        referral_id: int | None,
    ) -> None:
        end = begin + timedelta(days=max(28, hours // 12 * 7))
        if begin > self.today:
            status = CourseStatus.PLANNED
        elif end > self.today:
            status = CourseStatus.ONGOING if rng.random() < 0.92 else CourseStatus.DROPPED
        else:
            status = CourseStatus.COMPLETED if rng.random() < 0.85 else CourseStatus.DROPPED
        self.w.add(
            LanguageCourse,
            person_id=r.id,
            title=title,
            service_id=service_id,
            referral_id=referral_id,
            start_on=begin,
            end_on=end,
            hours=hours,
            status=status,
        )

    # rights ------------------------------------------------------------------------------------------------

    def _rights(self, rng: random.Random, r: Record, start: date) -> None:
        if rng.random() < 0.88:
            registered = self._day(start + timedelta(days=rint(rng, 20, 120)))
            benefits: list[str] = []
            if r.birth is not None and (age_on(r.birth, registered) or 0) >= 25 and rng.random() < 0.7:
                benefits.append(CafBenefit.RSA)
            elif rng.random() < 0.3:
                benefits.append(CafBenefit.PRIME_ACTIVITE)
            if rng.random() < 0.75:
                benefits.append(CafBenefit.HOUSING)
            if r.household_size >= 3:
                benefits.append(CafBenefit.FAMILY)
                if rng.random() < 0.2:
                    benefits.append(CafBenefit.PAJE)
            self.w.add(
                CafFile,
                person_id=r.id,
                number=f"{rint(rng, 1000000, 9999999)}",
                registered_on=registered,
                benefits=benefits,
            )
        first = start + timedelta(days=rint(rng, 5, 40))
        roll = rng.random()
        values: dict[str, Any] = {}
        if first > self.today or roll < 0.08:
            values["step"] = BankStep.NONE
        elif roll < 0.55:
            opened = self._day(first + timedelta(days=rint(rng, 10, 60)))
            values.update(step=BankStep.OPEN, opened_on=opened, bank_name=rng.choice(BANKS))
        else:
            # The droit au compte: refusal, Banque de France, designated bank, then the account 2–6 months on.
            bdf = first + timedelta(days=rint(rng, 15, 30))
            designated = bdf + timedelta(days=rint(rng, 10, 35))
            opened = add_months(first, 2)
            opened += timedelta(days=rint(rng, 0, (add_months(first, 6) - opened).days))
            values.update(step=BankStep.REFUSED, refused_on=first)
            if bdf <= self.today:
                values.update(step=BankStep.BDF_REQUESTED, bdf_requested_on=bdf)
            if designated <= self.today and values["step"] == BankStep.BDF_REQUESTED:
                values.update(step=BankStep.DESIGNATED, designated_on=designated, bank_name=BANKS[0])
            if opened <= self.today and values["step"] == BankStep.DESIGNATED:
                values.update(step=BankStep.OPEN, opened_on=max(opened, designated))
        self.w.add(BankAccount, person_id=r.id, **values)


def seed_tracks(
    *, seed: int, first_person_id: int, today: date, amina_id: int | None, log: Callable[[str], None]
) -> dict[str, int]:
    """The four tracks for the persons of this run (ids from ``first_person_id``); rows written per model."""
    return TracksSeeder(seed=seed, today=today, amina_id=amina_id, log=log).run(first_person_id)
