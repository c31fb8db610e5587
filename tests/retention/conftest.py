"""A territory's contract and persons with data in every app, last seen in 2023 (ADR 9).

The rows are created now (the real clock), so the tests run the job on a day two years and a day
after today (``LATER``): every trace of contact is then older than the cutoff.
"""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from ancrage.access.services import consent_record
from ancrage.core.enums import AssessmentKind, CEFRLevel
from ancrage.deadlines.models import Deadline
from ancrage.directory.models import Service, Structure
from ancrage.employment.models import Diploma, EmploymentProfile, FollowUp, Placement, TargetOccupation, WorkExperience
from ancrage.imports.models import ImportedLine, ImportRun
from ancrage.linkage.models import Cluster, ClusterMember, DuplicateCandidate, PersonMerge
from ancrage.pathways.models import (
    Appointment,
    AppointmentStatus,
    DiagnosticItem,
    Note,
    Objective,
    PathwayStatus,
    PathwayTransition,
    PlanAction,
)
from ancrage.persons.models import (
    FamilyMemberAbroad,
    FrenchAssessment,
    Household,
    HouseholdMember,
    Identity,
    Nationality,
    Person,
    PersonLanguage,
    Protection,
    ResidenceDocument,
    Script,
    Situation,
)
from ancrage.referrals.attachments import attachment_for_download
from ancrage.referrals.models import Referral, ReferralAttachment, ReferralLink, ReferralStatus, ReferralTransition
from ancrage.steering.models import Action, Participation, PriorityAxis
from ancrage.steering.services import contract_create
from ancrage.territory.models import Commune, Territory
from ancrage.tracks.models import (
    BankAccount,
    CafFile,
    CivicTraining,
    HealthCoverage,
    HousingOffer,
    LanguageCourse,
    LanguagePrescription,
    MobilityCandidacy,
    SiaoRequest,
    SocialHousingRequest,
    StayExtension,
)
from tests.factories import OpportunityFactory, PathwayFactory, PersonFactory, appellation_for

D = dt.date
# The day of the runs: two years and a day after the rows were written.
LATER = timezone.localdate() + dt.timedelta(days=731)
ENTRY = D(2023, 2, 1)


@dataclass(frozen=True)
class Secrets:
    """Every identifying string written for the person; none may survive anonymisation."""

    last_name: str = "ZARGHAMIQ"
    first_names: str = "Tahminehx Gulbadan"
    arabic: str = "زرغامیق"
    phone: str = "0611223344"
    email: str = "tahminehx.zq@example.net"
    agdref: str = "7512345678"
    ofpra: str = "OFPRA20191100123"
    residence: str = "RD99887766"
    france_travail: str = "FT7788990Q"
    caf: str = "CAF9876543"
    sne: str = "03522233344455566"
    address: str = "12 rue Xylophonique"
    birth_place: str = "Qalat-Herat"
    child: str = "Sarinaq"
    sibling: str = "Yalfarooq"

    def all(self) -> list[str]:
        return [
            self.last_name,
            *self.first_names.split(),
            self.arabic,
            self.phone,
            self.email,
            self.agdref,
            self.ofpra,
            self.residence,
            self.france_travail,
            self.caf,
            self.sne,
            self.address,
            self.birth_place,
            self.child,
            self.sibling,
        ]


SECRETS = Secrets()


@pytest.fixture
def contract(territory):
    territory_ = Territory.objects.first()
    return contract_create(
        territory=territory_,
        title="CTAIR 2022-2024",
        signed_on=D(2022, 1, 1),
        starts_on=D(2022, 1, 1),
        ends_on=D(2024, 12, 31),
        signatories="Préfet, présidente de la métropole",
    )


@pytest.fixture
def action(contract, cast):
    return Action.objects.create(
        contract=contract,
        axis=PriorityAxis.objects.get(contract=contract, number=2),
        title="Accompagnement global",
        carrier=cast.agir,
        starts_on=D(2022, 1, 1),
        ends_on=D(2024, 12, 31),
        status="running",
    )


def _exited_pathway(cast, person, entry: dt.date = ENTRY):
    pathway = PathwayFactory(
        operator=cast.agir, referent=cast.amina.user, person=person, entry_date=entry, first_interview_on=entry
    )
    pathway.status = PathwayStatus.EXITED
    pathway.exit_date = D(2023, 11, 30)
    pathway.exit_reason = "completed"
    pathway.save()
    return pathway


def _facts(cast, person, action, commune, *, level=CEFRLevel.A1, housing="social_rental"):
    """What the figures read: pathway, participation, situations, CEFR levels, protection, rights."""
    pathway = _exited_pathway(cast, person)
    Participation.objects.create(
        person=person, action=action, starts_on=D(2023, 2, 1), ends_on=D(2023, 11, 30), source="pathway"
    )
    Nationality.objects.create(person=person, code="AF")
    Protection.objects.create(person=person, type="refugee", deciding_body="ofpra", decision_date=D(2022, 6, 1))
    Situation.objects.create(
        person=person, domain="housing", status="cph", start_date=D(2022, 7, 1), end_date=D(2023, 5, 31)
    )
    Situation.objects.create(person=person, domain="housing", status=housing, start_date=D(2023, 6, 1), commune=commune)
    Situation.objects.create(person=person, domain="employment", status="cdi", start_date=D(2023, 9, 1))
    FrenchAssessment.objects.create(person=person, assessed_on=D(2023, 2, 10), level=level, kind=AssessmentKind.TESTED)
    FrenchAssessment.objects.create(
        person=person, assessed_on=D(2023, 10, 10), level=CEFRLevel.B1, kind=AssessmentKind.CERTIFIED
    )
    HealthCoverage.objects.create(person=person, puma_status="open", puma_opened_on=D(2023, 3, 1))
    CafFile.objects.create(person=person, registered_on=D(2023, 3, 1), benefits=["rsa"])
    BankAccount.objects.create(person=person, step="open", opened_on=D(2023, 3, 15))
    return pathway


@dataclass
class World:
    person: Person
    merged: Person
    cohort: list[Person]
    attachment_name: str
    service: Service


@pytest.fixture
def world(cast, contract, action, rome) -> World:
    """One person with data in every app (plus a record merged into it), and five more persons of
    the same cohort so that the figures are above the disclosure threshold."""
    s = SECRETS
    communes = list(Commune.objects.filter(territory=contract.territory).order_by("pk")[:3])
    household = Household.objects.create(label=f"Foyer {s.last_name}")
    person = PersonFactory(
        name=(s.last_name, s.first_names),
        sex="F",
        birth_date=D(1988, 9, 14),
        birth_country="AF",
        birth_place=s.birth_place,
        phone=s.phone,
        email=s.email,
        agdref_number=s.agdref,
        address=s.address,
        commune=communes[0],
        cir_signed_on=D(2023, 1, 15),
        household=household,
        created_by_organisation=cast.agir,
    )
    Identity.objects.create(person=person, last_name=s.arabic, first_names="تهمینه", script=Script.ARABIC)
    person.save()  # a history row with every field
    PersonLanguage.objects.create(person=person, code="prs", proficiency="native")
    HouseholdMember.objects.create(
        household=household, person=person, first_names="Tahminehx", last_name=s.last_name, relationship="other"
    )
    HouseholdMember.objects.create(
        household=household, first_names=s.child, last_name=s.last_name, relationship="child", birth_date=D(2015, 4, 3)
    )
    FamilyMemberAbroad.objects.create(
        person=person, first_names=s.sibling, last_name=s.last_name, relationship="sibling", consulate="Islamabad"
    )
    ResidenceDocument.objects.create(
        person=person,
        kind="carte_resident",
        number=s.residence,
        mention=f"Titulaire {s.last_name}",
        issue_date=D(2022, 7, 1),
    )
    pathway = _facts(cast, person, action, communes[0])
    Protection.objects.filter(person=person).update(ofpra_number=s.ofpra)
    Protection.objects.get(person=person).save()  # a history row with the number
    Situation.objects.filter(person=person, domain="housing", end_date__isnull=True).update(
        details=f"Bail au nom de {s.last_name}"
    )
    pathway.oriented_by = f"Mme {s.last_name} (OFII)"
    pathway.save()
    PathwayTransition.objects.create(
        pathway=pathway, name="exit", from_status="accompaniment", to_status="exited", reason=f"{s.last_name} installée"
    )
    item = DiagnosticItem.objects.create(
        pathway=pathway,
        domain="housing",
        situation=f"{s.first_names} vit chez sa sœur",
        assessed_on=D(2023, 2, 1),
        need_level=2,
    )
    objective = Objective.objects.create(pathway=pathway, theme="housing", title=f"Logement pour {s.last_name}")
    PlanAction.objects.create(objective=objective, title=f"Appeler {s.phone}")
    assert item.pk
    Note.objects.create(
        person=person,
        pathway=pathway,
        author=cast.amina.user,
        organisation=cast.agir,
        body=f"Entretien avec {s.first_names} {s.last_name}, joignable au {s.phone}.",
    )
    starts = timezone.make_aware(dt.datetime(2023, 3, 1, 10))
    Appointment.objects.create(
        person=person,
        pathway=pathway,
        organisation=cast.agir,
        with_user=cast.amina.user,
        subject=f"RDV {s.last_name}",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
        location=s.address,
        status=AppointmentStatus.HELD,
    )
    # access and referrals
    consent = consent_record(
        actor=cast.amina.actor,
        person=person,
        sections=["language"],
        recipients=[cast.france_travail],
        purpose=f"Orientation de {s.last_name}",
        given_on=D(2023, 3, 1),
    )
    structure = Structure.objects.create(name="France Travail Rennes Nord", organisation=cast.france_travail)
    service = Service.objects.create(structure=structure, name="Inscription", description="Inscription et suivi.")
    sent = timezone.make_aware(dt.datetime(2023, 3, 2, 9))
    referral = Referral.objects.create(
        person=person,
        pathway=pathway,
        sender_organisation=cast.agir,
        sender=cast.amina.user,
        service=service,
        target_organisation=cast.france_travail,
        reason=f"{s.first_names} cherche un emploi ({s.phone})",
        sections=["language"],
        consent=consent,
        status=ReferralStatus.DONE,
        sent_at=sent,
        expires_at=sent + dt.timedelta(days=30),
        answered_at=sent,
        closed_at=sent,
        outcome=f"{s.last_name} inscrite",
        refusal_detail="",
    )
    ReferralTransition.objects.create(
        referral=referral, name="complete", from_status="accepted", to_status="done", reason=f"Vu {s.last_name}"
    )
    ReferralLink.objects.create(
        referral=referral,
        token_hash="f" * 64,
        email="accueil@partenaire.example",
        expires_at=timezone.now() + dt.timedelta(days=3),
    )
    attachment_name = f"attestation_{s.last_name}.pdf"
    attachment = ReferralAttachment(
        referral=referral,
        name=attachment_name,
        content_type="application/pdf",
        size=9,
        sha256="0" * 64,
        uploaded_by=cast.amina.user,
        uploaded_by_organisation=cast.agir,
    )
    attachment.file.save("x.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    attachment.save()
    # The real download path writes its audit event: it must hold ids only (the file is named after her).
    attachment_for_download(actor=cast.amina.actor, referral=referral, attachment_pk=attachment.pk)
    # deadlines, employment, tracks
    Deadline.objects.create(
        person=person,
        code="sne_renewal",
        source_key="x",
        rule_label="SNE 2023",
        anchor_on=D(2023, 1, 1),
        due_on=D(2024, 1, 1),
        note=f"Rappeler {s.last_name}",
    )
    EmploymentProfile.objects.create(person=person, france_travail_id=s.france_travail, licence_status="none")
    Diploma.objects.create(
        person=person,
        title=f"Licence de {s.first_names}",
        country="AF",
        level=6,
        field="Lettres",
        recognition_outcome="Attestation ENIC-NARIC au nom de " + s.last_name,
    )
    cleaning = appellation_for("K2204")
    WorkExperience.objects.create(
        person=person,
        appellation=cleaning,
        rome_code="K2204",
        country="AF",
        years=2,
        employer_name=f"Atelier {s.last_name}",
        description=f"Chez {s.last_name}",
    )
    TargetOccupation.objects.create(person=person, appellation=cleaning, rome_code="K2204")
    opportunity = OpportunityFactory(organisation=cast.agir)
    placement = Placement.objects.create(
        person=person,
        opportunity=opportunity,
        organisation=cast.agir,
        proposed_by=cast.amina.user,
        proposed_on=D(2023, 8, 1),
        status="hired",
        contract_start=D(2023, 9, 1),
        contract_type="cdi",
        decided_on=D(2023, 8, 15),
        not_retained_detail="",
        match_reasons=[f"Parle dari ({s.last_name})"],
    )
    FollowUp.objects.create(placement=placement, month=1, due_on=D(2023, 10, 1), note=f"{s.first_names} va bien")
    CafFile.objects.filter(person=person).update(number=s.caf)
    CafFile.objects.get(person=person).save()
    SiaoRequest.objects.create(
        person=person, kind="insertion", requested_on=D(2022, 7, 1), outcome=f"CHRS pour {s.last_name}"
    )
    request = SocialHousingRequest.objects.create(
        person=person, sne_number=s.sne, requested_on=D(2022, 8, 1), household_size=2
    )
    request.desired_communes.add(communes[0])
    HousingOffer.objects.create(
        person=person,
        request=request,
        landlord="Archipel Habitat",
        commune=communes[0],
        typology="T2",
        rent=420,
        offered_on=D(2023, 4, 1),
        decision="refused",
        decided_on=D(2023, 4, 10),
        refusal_reason=f"{s.last_name} trop loin de l'école",
    )
    MobilityCandidacy.objects.create(person=person, submitted_on=D(2022, 9, 1), proposed_place=f"Chez {s.last_name}")
    StayExtension.objects.create(person=person, kind="cph", granted_on=D(2023, 1, 1))
    CivicTraining.objects.create(person=person, session=1, attended_on=D(2023, 2, 1))
    LanguagePrescription.objects.create(person=person, prescribed_on=D(2023, 1, 20), hours=200)
    LanguageCourse.objects.create(person=person, title=f"FLE {s.last_name}", start_on=D(2023, 2, 1))
    # imports, linkage
    run = ImportRun.objects.create(
        organisation=cast.agir, created_by=cast.amina.user, file_name="suivi.xlsx", sha256="1" * 64
    )
    ImportedLine.objects.create(
        run=run,
        organisation=cast.agir,
        line=2,
        status="created",
        person=person,
        fingerprint="ab" * 32,
        errors=[{"column": "Nom", "value": s.last_name, "message": "?"}],
    )
    merged = PersonFactory(
        name=(s.last_name, "Tahmineh"), phone=s.phone, created_by_organisation=cast.agir, merged_into=person
    )
    PersonMerge.objects.create(
        kept=person,
        absorbed=merged,
        merged_by=cast.amina.user,
        merged_for=cast.agir,
        removed=[{"model": "persons.identity", "fields": {"last_name": s.last_name}}],
        reason=f"Même {s.last_name}",
    )
    other = PersonFactory(name=("AHMADI", "Karim"), created_by_organisation=cast.agir)
    pair = sorted([person.pk, other.pk])
    DuplicateCandidate.objects.create(
        person_a_id=pair[0],
        person_b_id=pair[1],
        match_probability=0.97,
        match_weight=9.1,
        source="daily",
        evidence=[{"field": "phone", "label": "Téléphone", "code": "exact", "level": "identique", "weight": 5.0}],
        reason="",
    )
    ClusterMember.objects.create(person=person, cluster=Cluster.objects.create())
    # The cohort: five more persons followed in 2023, so that the figures are shown.
    cohort = []
    for i, (sex, birth) in enumerate(
        [
            ("M", D(1999, 3, 2)),
            ("F", D(1980, 12, 31)),
            ("M", D(1975, 1, 1)),
            ("F", D(2001, 7, 7)),
            ("M", D(1990, 6, 15)),
        ]
    ):
        member = PersonFactory(
            name=(f"COHORTE{i}", "Anonyme"),
            sex=sex,
            birth_date=birth,
            commune=communes[i % 3],
            cir_signed_on=D(2023, 1, 10),
            created_by_organisation=cast.agir,
        )
        _facts(cast, member, action, communes[i % 3], level=CEFRLevel.A2 if i % 2 else CEFRLevel.A1)
        cohort.append(member)
    return World(person=person, merged=merged, cohort=cohort, attachment_name=attachment.file.name, service=service)
