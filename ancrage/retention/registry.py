"""What the retention job does to every model that holds data about a person (ADR 9).

Each entry names a model (``app_label.ModelName``), how its rows are reached from the person
(``via``: the ORM lookup to ``persons.Person``; ``"pk"`` for the person itself, ``"id"`` for its
history rows) and what anonymisation does to them:

* ``delete``: the rows go (identities, journal, appointments, attachments and their files, every
  history row);
* ``anonymise``: the rows stay because the contract's figures read them (the facts, listed in
  ``facts``); every text field is either set to a neutral value (``blank``) or declared non-personal
  (``kept``: codes, enums, ISO codes, hashes of nothing personal);
* ``keep``: the rows hold ids, dates and codes only (every text field is in ``kept``).

``tests/retention/test_registry.py`` walks every installed model: a model with a foreign-key path to
a person (or the history of one) that is missing here fails the test, and so does a text field of a
kept model that is neither blanked nor declared. A new model or a new free-text field therefore has
to be decided here before it ships.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from django.db.models import Q, QuerySet
from django.db.models.functions import TruncYear

from ancrage.core.enums import DatePrecision

Action = Literal["delete", "anonymise", "keep"]

# A neutral value for a text field a database constraint requires to be non-empty.
REDACTED = "—"


def _year_only(name: str) -> TruncYear:
    return TruncYear(name)


@dataclass(frozen=True)
class Rule:
    via: str
    action: Action
    blank: dict[str, Any] = field(default_factory=dict)
    kept: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    facts: str = ""
    # A wider scope than ``via`` (e.g. the household members of households that lose their last record).
    scope: Callable[[QuerySet], Q] | None = None


def _household_scope(persons: QuerySet) -> Q:
    """A household member row naming the person, or any row of a household none of whose records
    stays un-anonymised (the children without a record of their own)."""
    from ancrage.persons.models import Household, Person

    remaining = Person.objects.filter(anonymised_at__isnull=True).exclude(pk__in=persons)
    gone = Household.objects.filter(persons__in=persons).exclude(persons__in=remaining).values("pk")
    return Q(person__in=persons) | Q(household__in=gone)


def _household_of(persons: QuerySet) -> Q:
    from ancrage.persons.models import Person

    remaining = Person.objects.filter(anonymised_at__isnull=True).exclude(pk__in=persons)
    return Q(persons__in=persons) & ~Q(persons__in=remaining)


def _merges_of(persons: QuerySet) -> Q:
    return Q(kept__in=persons) | Q(absorbed__in=persons)


def _pairs_of(persons: QuerySet) -> Q:
    return Q(person_a__in=persons) | Q(person_b__in=persons)


# History rows (django-simple-history): all deleted, whatever the live row becomes. The live row keeps
# the facts; the history would keep every former spelling, number and note.
def _history(via: str) -> Rule:
    return Rule(via=via, action="delete")


RULES: dict[str, Rule] = {
    # -- persons -------------------------------------------------------------------------------------
    "persons.Person": Rule(
        via="pk",
        action="anonymise",
        blank={
            "birth_date": _year_only("birth_date"),
            "birth_date_precision": DatePrecision.YEAR,
            "birth_date_conventional": False,
            "birth_country": "",
            "birth_place": "",
            "phone": "",
            "email": "",
            "agdref_number": "",
            "address": "",
            "search_folded": "",
            "search_skeleton": "",
            "display_name": "",
        },
        kept=("sex", "cir_ofii_directorate", "interpreting_language"),
        facts="sex, birth year, commune, household, CIR date (age bands, communes, delays)",
    ),
    "persons.HistoricalPerson": _history("id"),
    "persons.Identity": Rule(via="person", action="delete"),
    "persons.HistoricalIdentity": _history("person"),
    "persons.Nationality": Rule(
        via="person", action="keep", kept=("code",), facts="nationality (small groups merged in « Autres »)"
    ),
    "persons.PersonLanguage": Rule(via="person", action="delete"),
    "persons.FrenchAssessment": Rule(
        via="person",
        action="anonymise",
        blank={"test_name": ""},
        kept=("level", "skill", "kind"),
        facts="CEFR levels at dates",
    ),
    "persons.HistoricalFrenchAssessment": _history("person"),
    "persons.HouseholdMember": Rule(
        via="person",
        action="anonymise",
        scope=_household_scope,
        blank={"first_names": "", "last_name": "", "birth_date": _year_only("birth_date")},
        kept=("relationship",),
        facts="household size",
    ),
    "persons.HistoricalHouseholdMember": Rule(via="person", action="delete", scope=_household_scope),
    "persons.Household": Rule(
        via="persons", action="anonymise", scope=_household_of, blank={"label": ""}, facts="household size"
    ),
    "persons.FamilyMemberAbroad": Rule(via="person", action="delete"),
    "persons.HistoricalFamilyMemberAbroad": _history("person"),
    "persons.Protection": Rule(
        via="person",
        action="anonymise",
        blank={"ofpra_number": ""},
        kept=("type", "deciding_body"),
        facts="protection type and dates",
    ),
    "persons.HistoricalProtection": _history("person"),
    "persons.ResidenceDocument": Rule(
        via="person",
        action="anonymise",
        blank={"mention": "", "number": ""},
        kept=("kind",),
        facts="document kind and dates",
    ),
    "persons.HistoricalResidenceDocument": _history("person"),
    "persons.Situation": Rule(
        via="person",
        action="anonymise",
        blank={"details": ""},
        kept=("domain", "status"),
        facts="situations at dates (housing, employment, training, language) and their commune",
    ),
    "persons.HistoricalSituation": _history("person"),
    # -- pathways ------------------------------------------------------------------------------------
    "pathways.Pathway": Rule(
        via="person",
        action="anonymise",
        blank={"oriented_by": ""},
        kept=("programme", "status", "exit_reason"),
        facts="programme, operator, entry, first interview, exit (populations, delays)",
    ),
    "pathways.HistoricalPathway": _history("person"),
    "pathways.PathwayTransition": Rule(
        via="pathway__person",
        action="anonymise",
        blank={"reason": ""},
        kept=("name", "from_status", "to_status"),
        facts="transition log (dates, states)",
    ),
    "pathways.DiagnosticItem": Rule(
        via="pathway__person",
        action="anonymise",
        blank={"situation": ""},
        kept=("domain",),
        facts="needs by domain",
    ),
    "pathways.HistoricalDiagnosticItem": _history("pathway__person"),
    "pathways.Objective": Rule(
        via="pathway__person", action="anonymise", blank={"title": ""}, kept=("theme", "status"), facts="plan themes"
    ),
    "pathways.HistoricalObjective": _history("pathway__person"),
    "pathways.PlanAction": Rule(
        via="objective__pathway__person", action="anonymise", blank={"title": ""}, kept=("status",), facts="plan"
    ),
    "pathways.HistoricalPlanAction": _history("objective__pathway__person"),
    "pathways.Note": Rule(via="person", action="delete"),
    "pathways.HistoricalNote": _history("person"),
    "pathways.Appointment": Rule(via="person", action="delete"),
    "pathways.HistoricalAppointment": _history("person"),
    # -- access --------------------------------------------------------------------------------------
    "access.Consent": Rule(
        via="person",
        action="anonymise",
        blank={"purpose": ""},
        kept=("sections", "text_version", "method"),
        facts="the consent a kept referral rests on (dates, sections)",
    ),
    # The history of the recipients before the history rows it points to.
    "access.HistoricalConsent_recipients": _history("history__person"),
    "access.HistoricalConsent": _history("person"),
    "access.Consent_recipients": Rule(via="consent__person", action="keep", facts="recipient organisations"),
    "access.AccessGrant": Rule(
        via="person", action="keep", kept=("sections", "origin"), facts="grants, revoked at archiving"
    ),
    # -- referrals -----------------------------------------------------------------------------------
    "referrals.Referral": Rule(
        via="person",
        action="anonymise",
        blank={"reason": "", "refusal_detail": "", "outcome": ""},
        kept=("sections", "status"),
        facts="referrals (service, dates, states) behind participations",
    ),
    "referrals.ReferralTransition": Rule(
        via="referral__person",
        action="anonymise",
        blank={"reason": ""},
        kept=("name", "from_status", "to_status"),
        facts="transition log",
    ),
    "referrals.ReferralLink": Rule(via="referral__person", action="delete"),
    "referrals.ReferralAttachment": Rule(via="referral__person", action="delete", files=("file",)),
    # -- steering ------------------------------------------------------------------------------------
    "steering.Participation": Rule(
        via="person", action="keep", kept=("source",), facts="participations in the contract's actions"
    ),
    # -- deadlines -----------------------------------------------------------------------------------
    "deadlines.Deadline": Rule(
        via="person",
        action="anonymise",
        blank={"note": ""},
        kept=("code", "source_key", "rule_label", "params", "status"),
        facts="deadlines (licence exchange coverage)",
    ),
    # -- employment ----------------------------------------------------------------------------------
    "employment.EmploymentProfile": Rule(
        via="person",
        action="anonymise",
        blank={"france_travail_id": ""},
        kept=("literacy", "licence_status", "licence_country", "mobility_means", "availability"),
        facts="licence status (rights figures)",
    ),
    "employment.HistoricalEmploymentProfile": _history("person"),
    "employment.Diploma": Rule(
        via="person",
        action="anonymise",
        blank={"title": "", "field": "", "recognition_outcome": ""},
        kept=("country", "recognition_status"),
        facts="diploma recognition",
    ),
    "employment.HistoricalDiploma": _history("person"),
    "employment.WorkExperience": Rule(
        via="person",
        action="anonymise",
        blank={"employer_name": "", "description": ""},
        kept=("rome_code", "country"),
        facts="ROME-coded experience",
    ),
    "employment.HistoricalWorkExperience": _history("person"),
    "employment.TargetOccupation": Rule(via="person", action="keep", kept=("rome_code",), facts="ROME targets"),
    "employment.Placement": Rule(
        via="person",
        action="anonymise",
        blank={"not_retained_detail": "", "match_reasons": []},
        kept=("status", "not_retained_reason", "contract_type"),
        facts="placements (contract start and type: results page, delays)",
    ),
    "employment.HistoricalPlacement": _history("person"),
    "employment.PlacementTransition": Rule(
        via="placement__person",
        action="anonymise",
        blank={"reason": ""},
        kept=("name", "from_status", "to_status"),
        facts="transition log",
    ),
    "employment.FollowUp": Rule(
        via="placement__person", action="anonymise", blank={"note": ""}, facts="still in post at 1, 3, 6, 12 months"
    ),
    # -- tracks --------------------------------------------------------------------------------------
    "tracks.SiaoRequest": Rule(
        via="person", action="anonymise", blank={"outcome": ""}, kept=("kind", "status"), facts="SIAO requests"
    ),
    "tracks.HistoricalSiaoRequest": _history("person"),
    "tracks.SocialHousingRequest": Rule(
        via="person", action="anonymise", blank={"sne_number": ""}, kept=("status",), facts="social housing requests"
    ),
    "tracks.HistoricalSocialHousingRequest": _history("person"),
    "tracks.SocialHousingRequest_desired_communes": Rule(
        via="socialhousingrequest__person", action="keep", facts="communes asked for"
    ),
    "tracks.HousingOffer": Rule(
        via="person",
        action="anonymise",
        # A refused offer must keep a non-empty reason (database constraint): a neutral dash.
        blank={"refusal_reason": REDACTED},
        kept=("landlord", "typology", "decision"),
        facts="housing offers and decisions",
    ),
    "tracks.HistoricalHousingOffer": _history("person"),
    "tracks.MobilityCandidacy": Rule(
        via="person", action="anonymise", blank={"proposed_place": ""}, kept=("status",), facts="national mobility"
    ),
    "tracks.StayExtension": Rule(via="person", action="keep", kept=("kind",), facts="stay extensions"),
    "tracks.HealthCoverage": Rule(
        via="person", action="keep", kept=("puma_status", "css_status"), facts="health coverage (PUMa, CSS)"
    ),
    "tracks.HistoricalHealthCoverage": _history("person"),
    "tracks.CafFile": Rule(
        via="person", action="anonymise", blank={"number": ""}, kept=("benefits",), facts="CAF file, benefits"
    ),
    "tracks.HistoricalCafFile": _history("person"),
    "tracks.BankAccount": Rule(
        via="person", action="anonymise", blank={"bank_name": ""}, kept=("step",), facts="bank account step"
    ),
    "tracks.HistoricalBankAccount": _history("person"),
    "tracks.CivicTraining": Rule(via="person", action="keep", facts="civic training (CIR)"),
    "tracks.LanguagePrescription": Rule(
        via="person", action="keep", kept=("target_level",), facts="OFII language prescription"
    ),
    "tracks.LanguageCourse": Rule(
        via="person", action="anonymise", blank={"title": ""}, kept=("status",), facts="language courses"
    ),
    # -- imports -------------------------------------------------------------------------------------
    # The line keeps its result (the import's report counts); its errors quote the raw cell values and
    # its fingerprint is a hash of the identity (re-identifiable by trying names): both go.
    "imports.ImportedLine": Rule(
        via="person", action="anonymise", blank={"errors": [], "fingerprint": ""}, kept=("status",)
    ),
    # -- linkage -------------------------------------------------------------------------------------
    # Pseudonymous already: random cluster keys, pairs with scores and level labels (no values). Kept so
    # that the person keeps being counted once (ADR 8); anonymised records are scored no more.
    "linkage.ClusterMember": Rule(via="person", action="keep", facts="counted once across partners"),
    "linkage.DuplicateCandidate": Rule(
        via="person_a",
        action="anonymise",
        scope=_pairs_of,
        blank={"reason": ""},
        kept=("evidence", "source", "status"),
        facts="pairs and decisions the clusters are built from",
    ),
    "linkage.PersonMerge": Rule(
        via="kept",
        action="anonymise",
        scope=_merges_of,
        # ``removed`` holds serialised rows for the undo: an anonymised record's merge cannot be undone.
        blank={"removed": [], "reason": ""},
        kept=("moved",),
    ),
    # -- audit ---------------------------------------------------------------------------------------
    # Append-only, in the ORM and in the database (triggers, migration audit 0003): never rewritten. Its
    # rows hold ids, typed event codes, code purposes and the user's IP; the writers put no personal
    # text in ``details`` (attachment events carry the attachment id, not the uploaded file's name). The
    # brute-force test scans this table too.
    "audit.AuditEvent": Rule(
        via="person",
        action="keep",
        kept=("action", "event", "object_type", "object_id", "purpose", "channel", "ip", "details"),
        facts="the access log (ids and codes)",
    ),
}
