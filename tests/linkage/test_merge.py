"""person_merge keeps every item of both records and its undo restores them exactly (issue 11 §3)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import serializers
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from ancrage.access.models import AccessGrant, GrantOrigin
from ancrage.access.services import consent_record
from ancrage.audit.models import AuditEvent
from ancrage.employment.models import EmploymentProfile, TargetOccupation
from ancrage.linkage.merge import (
    HANDLED_OTHERWISE,
    MergeRefused,
    merge_preview,
    moved_relations,
    person_merge,
    person_merge_undo,
    person_relations,
)
from ancrage.linkage.models import CandidateStatus, DuplicateCandidate, PersonMerge
from ancrage.pathways.models import Note, Pathway
from ancrage.persons import models as pm
from ancrage.territory.models import Commune
from ancrage.tracks.models import BankAccount, CafFile, HealthCoverage

from ..factories import AppointmentFactory, NoteFactory, OpportunityFactory, PathwayFactory, PersonFactory

pytestmark = pytest.mark.django_db


# --- one builder per relation to Person: a new relation must get one (and a merge rule) ---------------


def _action(ctx):
    if "action" not in ctx:
        from ancrage.steering.models import Action, PriorityAxis
        from ancrage.steering.services import action_save, contract_create
        from ancrage.territory.models import Commune

        commune = Commune.objects.order_by("name").first()
        contract = contract_create(
            territory=commune.territory,
            title="CTAIR",
            signed_on=dt.date(2024, 1, 1),
            starts_on=dt.date(2024, 1, 1),
            ends_on=dt.date(2026, 12, 31),
        )
        ctx["action"] = action_save(
            Action(
                contract=contract,
                axis=PriorityAxis.objects.get(contract=contract, number=2),
                title="Accompagnement global",
                carrier=ctx["cast"].agir,
                status="running",
            )
        )
    return ctx["action"]


def _opportunity(ctx):
    if "opportunity" not in ctx:
        ctx["opportunity"] = OpportunityFactory(organisation=ctx["cast"].agir, title="Agent d'entretien")
    return ctx["opportunity"]


def _appellation(ctx):
    from ..factories import appellation_for

    return appellation_for("N1103")


def _consent(person, ctx):
    return consent_record(
        actor=ctx["cast"].amina.actor,
        person=person,
        sections=["language"],
        recipients=[ctx["cast"].france_travail],
        purpose="Inscription",
        given_on=dt.date.today(),
    )


def _referral(person, ctx):
    from ancrage.directory.models import Service, Structure
    from ancrage.referrals.services import referral_create

    service = Service.objects.create(
        structure=Structure.objects.create(name="France Travail", organisation=ctx["cast"].france_travail),
        name="Inscription",
        description="Inscription des demandeurs d'emploi.",
    )
    return referral_create(
        actor=ctx["cast"].amina.actor,
        person=person,
        service=service,
        reason="Emploi",
        sections=["language"],
        consent=_consent(person, ctx),
    )


def _placement(person, ctx):
    from ancrage.employment.services import placement_propose

    return placement_propose(actor=ctx["cast"].amina.actor, person=person, opportunity=_opportunity(ctx))


def _imported_line(person, ctx):
    from ancrage.imports.models import ImportedLine, ImportRun

    run = ImportRun.objects.create(
        organisation=ctx["cast"].agir, created_by=ctx["cast"].amina.user, file_name="suivi.xlsx", sha256="0" * 64
    )
    return ImportedLine.objects.create(run=run, organisation=ctx["cast"].agir, line=5, status="created", person=person)


def _household_member(person, ctx):
    household = pm.Household.objects.create(label="Foyer d'une autre personne")
    return pm.HouseholdMember.objects.create(
        household=household, person=person, first_names="Farid", relationship="spouse"
    )


def _merged_earlier(person, ctx):
    earlier = PersonFactory(name=("HAYDARI", "Farid"), created_by_organisation=ctx["cast"].agir)
    pm.Person.objects.filter(pk=earlier.pk).update(merged_into=person)
    return earlier


BUILDERS = {
    # The pathway grant comes with the pathway; a consent adds grants for its recipients.
    "access.AccessGrant.person": lambda p, c: AccessGrant.objects.filter(person=p, origin=GrantOrigin.PATHWAY).first(),
    "access.Consent.person": _consent,
    "employment.Diploma.person": lambda p, c: p.diplomas.create(title="Licence", country="AF", level=6),
    "employment.EmploymentProfile.person": lambda p, c: EmploymentProfile.objects.create(person=p),
    "employment.Placement.person": _placement,
    "employment.TargetOccupation.person": lambda p, c: TargetOccupation.objects.create(
        person=p, appellation=_appellation(c)
    ),
    "employment.WorkExperience.person": lambda p, c: p.work_experiences.create(
        appellation=_appellation(c), country="AF", years=Decimal("3")
    ),
    "imports.ImportedLine.person": _imported_line,
    "pathways.Appointment.person": lambda p, c: AppointmentFactory(
        person=p, organisation=c["cast"].agir, with_user=c["cast"].amina.user
    ),
    "pathways.Note.person": lambda p, c: NoteFactory(
        person=p,
        organisation=c["cast"].agir,
        author=c["cast"].amina.user,
        pathway=Pathway.objects.filter(person=p).first(),
    ),
    "pathways.Pathway.person": lambda p, c: PathwayFactory(person=p, operator=c["cast"].agir, programme="ctair"),
    "persons.FamilyMemberAbroad.person": lambda p, c: p.family_abroad.create(
        first_names="Leila", relationship="spouse", country="AF"
    ),
    "persons.FrenchAssessment.person": lambda p, c: p.french_assessments.create(
        assessed_on=dt.date(2025, 3, 1), level="A1", kind="tested"
    ),
    "persons.HouseholdMember.person": _household_member,
    "persons.Identity.person": lambda p, c: p.identities.create(last_name="حيدري", first_names="فريد", script="Arab"),
    "persons.Nationality.person": lambda p, c: p.nationalities.create(code="AF"),
    "persons.Person.merged_into": _merged_earlier,
    "persons.PersonLanguage.person": lambda p, c: p.languages.create(code="prs"),
    "persons.Protection.person": lambda p, c: p.protections.create(
        type="refugee", deciding_body="ofpra", ofpra_number="123456789"
    ),
    "persons.ResidenceDocument.person": lambda p, c: p.residence_documents.create(
        kind="recepisse", issue_date=dt.date(2025, 1, 10), expiry_date=dt.date(2026, 1, 9)
    ),
    "persons.Situation.person": lambda p, c: p.situations.create(
        domain="housing", status="cph", start_date=dt.date(2025, 1, 1)
    ),
    "referrals.Referral.person": _referral,
    "steering.Participation.person": lambda p, c: p.participations.create(
        action=_action(c), starts_on=dt.date(2025, 2, 1), source="carrier"
    ),
    "tracks.BankAccount.person": lambda p, c: BankAccount.objects.create(person=p),
    "tracks.CafFile.person": lambda p, c: CafFile.objects.create(person=p),
    "tracks.CivicTraining.person": lambda p, c: p.civic_trainings.create(session=1, attended_on=dt.date(2025, 2, 3)),
    "tracks.HealthCoverage.person": lambda p, c: HealthCoverage.objects.create(person=p),
    "tracks.HousingOffer.person": lambda p, c: p.housing_offers.create(
        landlord="Archipel Habitat",
        commune=Commune.objects.order_by("name").first(),
        typology="T2",
        rent=Decimal("420"),
        offered_on=dt.date(2025, 4, 1),
    ),
    "tracks.LanguageCourse.person": lambda p, c: p.language_courses.create(
        title="FLE A2", start_on=dt.date(2025, 5, 1)
    ),
    "tracks.LanguagePrescription.person": lambda p, c: p.language_prescriptions.create(
        prescribed_on=dt.date(2025, 1, 20), hours=200
    ),
    "tracks.MobilityCandidacy.person": lambda p, c: p.mobility_candidacies.create(submitted_on=dt.date(2025, 3, 3)),
    "tracks.SiaoRequest.person": lambda p, c: p.siao_requests.create(
        kind="insertion", requested_on=dt.date(2025, 1, 5)
    ),
    "tracks.SocialHousingRequest.person": lambda p, c: p.housing_requests.create(
        sne_number="035012345678", requested_on=dt.date(2025, 1, 6), household_size=2
    ),
    "tracks.StayExtension.person": lambda p, c: p.stay_extensions.create(kind="cph", granted_on=dt.date(2025, 6, 1)),
}

# Rows the kept record also has, so that the merge meets every kind of unique constraint: the same
# nationality, language, target job, civic day, participation and open placement, one-to-one rows
# (employment profile, health coverage, CAF file, bank account) and an open AGIR pathway in the same
# organisation (whose transitions, grant and notes must follow it).
KEPT_TOO = [
    "persons.Nationality.person",
    "persons.PersonLanguage.person",
    "employment.TargetOccupation.person",
    "tracks.CivicTraining.person",
    "steering.Participation.person",
    "employment.Placement.person",
    "employment.EmploymentProfile.person",
    "tracks.HealthCoverage.person",
    "tracks.CafFile.person",
    "tracks.BankAccount.person",
]


def test_every_relation_to_a_person_is_moved_or_handled_otherwise():
    """A model added later with a foreign key to Person must get a builder here (and so a merge rule)."""
    labels = {f"{m._meta.label}.{f.name}" for m, f in person_relations()}
    moved = {f"{m._meta.label}.{f.name}" for m, f in moved_relations()}
    assert labels == moved | set(HANDLED_OTHERWISE)
    assert not moved & set(HANDLED_OTHERWISE)
    assert set(BUILDERS) == moved, f"missing builders: {moved - set(BUILDERS)}; stale: {set(BUILDERS) - moved}"
    assert "audit.AuditEvent.person" not in labels
    assert not any(label.split(".")[1].startswith("Historical") for label in labels)


@pytest.fixture
def records(cast, rome):
    """Two records of one person at AGIR: every kind of item on the absorbed one, collisions on the kept one."""
    ctx = {"cast": cast}
    kept = PathwayFactory(
        operator=cast.agir, referent=cast.amina.user, person=PersonFactory(name=("HAIDARI", "Farid"))
    ).person
    absorbed = PathwayFactory(
        operator=cast.agir, referent=cast.amina.user, person=PersonFactory(name=("HAYDARI", "Farid"))
    ).person
    pm.Person.objects.filter(pk=absorbed.pk).update(phone="+33612345678", agdref_number="7501234567")
    absorbed.refresh_from_db()
    for build in BUILDERS.values():
        build(absorbed, ctx)
    for label in KEPT_TOO:
        BUILDERS[label](kept, ctx)
    return kept, absorbed


def _rows(person_ids):
    """Every row of every moved relation belonging to these persons, serialised (fields and pk)."""
    snapshot = {}
    for model, fk in moved_relations():
        if model is pm.Person:
            rows = model._base_manager.filter(merged_into__in=person_ids)
        else:
            rows = model._base_manager.filter(**{f"{fk.name}__in": person_ids})
        for row in serializers.serialize("python", rows.order_by("pk")):  # exact values, microseconds included
            if model is pm.Person:
                row["fields"] = {k: row["fields"][k] for k in ("merged_into",)}
            snapshot[(row["model"], row["pk"])] = row["fields"]
    return snapshot


def _count(person):
    return {
        f"{m._meta.label}.{f.name}": m._base_manager.filter(**{f.attname: person.pk}).count()
        for m, f in moved_relations()
    }


def test_merge_keeps_everything_and_undo_restores_it(cast, records):
    kept, absorbed = records
    before = _rows([kept.pk, absorbed.pk])
    kept_before, absorbed_before = _count(kept), _count(absorbed)
    assert all(absorbed_before.values()), "the absorbed record has an item of every kind"
    identities_before = set(pm.Identity.objects.filter(person__in=[kept, absorbed]).values_list("pk", "last_name"))

    merge = person_merge(actor=cast.amina.actor, kept=kept, absorbed=absorbed, reason="même AGDREF")

    removed = {}
    for entry in merge.removed:
        removed[entry["model"]] = removed.get(entry["model"], 0) + 1
    after = _count(kept)
    for label, count in after.items():
        model_label = label.rsplit(".", 1)[0].lower()
        expected = kept_before[label] + absorbed_before[label] - removed.get(model_label, 0)
        if label == "persons.Person.merged_into":
            expected += 1  # the absorbed record itself
        assert count == expected, label
    assert not any(_count(absorbed).values()), "nothing is left on the absorbed record"
    # Only rows the kept record already had were removed, one per collision, and each is serialised.
    assert removed == {
        "persons.nationality": 1,
        "persons.personlanguage": 1,
        "employment.targetoccupation": 1,
        "tracks.civictraining": 1,
        "steering.participation": 1,
        "employment.placement": 1,
        "employment.employmentprofile": 1,
        "tracks.healthcoverage": 1,
        "tracks.caffile": 1,
        "tracks.bankaccount": 1,
        "pathways.pathway": 1,
    }
    # Every spelling is kept; only the kept record's reference identity stays the reference.
    assert set(kept.identities.values_list("pk", "last_name")) == identities_before
    assert kept.identities.filter(is_reference=True).count() == 1
    assert kept.identities.get(is_reference=True).last_name == "HAIDARI"
    absorbed.refresh_from_db()
    kept.refresh_from_db()
    assert absorbed.merged_into_id == kept.pk
    assert kept.phone == "+33612345678" and kept.agdref_number == "7501234567"  # empty fields filled
    assert " haydari" in kept.search_folded and " haidari" in kept.search_folded
    assert kept.version == 2 and kept.history.count() >= 2
    assert set(AuditEvent.objects.filter(event="person.merge").values_list("person_id", flat=True)) == {
        kept.pk,
        absorbed.pk,
    }

    person_merge_undo(actor=cast.amina.actor, merge=merge)

    assert _rows([kept.pk, absorbed.pk]) == before
    assert _count(kept) == kept_before and _count(absorbed) == absorbed_before
    absorbed.refresh_from_db()
    kept.refresh_from_db()
    assert absorbed.merged_into_id is None
    assert kept.phone == "" and kept.agdref_number == ""
    assert absorbed.identities.get(is_reference=True).last_name == "HAYDARI"
    assert " haydari" not in kept.search_folded
    merge.refresh_from_db()
    assert merge.undone_at is not None and merge.undone_by == cast.amina.user
    assert AuditEvent.objects.filter(event="person.merge.undo").count() == 2


def test_merge_collisions_keep_the_kept_row_and_move_dependents(cast, records):
    """Two open AGIR pathways in one organisation: the kept one stays, the other's notes follow it."""
    kept, absorbed = records
    kept_agir = Pathway.objects.get(person=kept, programme="agir")
    absorbed_agir = Pathway.objects.get(person=absorbed, programme="agir")
    note = NoteFactory(person=absorbed, organisation=cast.agir, author=cast.amina.user, pathway=absorbed_agir)
    kept_profile = EmploymentProfile.objects.get(person=kept)

    merge = person_merge(actor=cast.amina.actor, kept=kept, absorbed=absorbed)

    assert not Pathway.objects.filter(pk=absorbed_agir.pk).exists()
    note.refresh_from_db()
    assert (note.person_id, note.pathway_id) == (kept.pk, kept_agir.pk)
    assert AccessGrant.objects.filter(pathway=kept_agir).count() == 2
    assert EmploymentProfile.objects.get(person=kept).pk == kept_profile.pk
    assert kept.nationalities.filter(code="AF").count() == 1

    person_merge_undo(actor=cast.amina.actor, merge=merge)

    restored = Pathway.objects.get(pk=absorbed_agir.pk)
    assert restored.person_id == absorbed.pk and restored.transitions.exists()
    note.refresh_from_db()
    assert (note.person_id, note.pathway_id) == (absorbed.pk, absorbed_agir.pk)
    assert restored.history.filter(history_type="+").count() == 2  # created, then recreated by the undo


def test_changes_after_the_merge_stay_on_the_kept_record(cast, records):
    kept, absorbed = records
    merge = person_merge(actor=cast.amina.actor, kept=kept, absorbed=absorbed)
    later = NoteFactory(person=kept, organisation=cast.agir, author=cast.amina.user)
    person_merge_undo(actor=cast.amina.actor, merge=merge)
    later.refresh_from_db()
    assert later.person_id == kept.pk


def test_undo_is_refused_when_it_can_no_longer_be_exact(cast, records):
    kept, absorbed = records
    merge = person_merge(actor=cast.amina.actor, kept=kept, absorbed=absorbed)
    moved_note = Note.objects.filter(person=kept).exclude(pk__in=[]).first()
    assert moved_note is not None
    Note.objects.filter(pk=moved_note.pk).delete()
    with pytest.raises(MergeRefused, match="supprimés ou déplacés"):
        person_merge_undo(actor=cast.amina.actor, merge=merge)
    assert pm.Person.objects.get(pk=absorbed.pk).merged_into_id == kept.pk


def test_undo_is_refused_when_the_kept_record_was_merged_again(cast, records):
    kept, absorbed = records
    merge = person_merge(actor=cast.amina.actor, kept=kept, absorbed=absorbed)
    third = PathwayFactory(operator=cast.agir, person=PersonFactory(name=("HEIDARI", "Farid")), programme="cph").person
    person_merge(actor=cast.amina.actor, kept=third, absorbed=kept)
    with pytest.raises(MergeRefused, match="fusionné dans un autre dossier"):
        person_merge_undo(actor=cast.amina.actor, merge=merge)


def test_undo_is_refused_when_a_moved_spelling_became_the_reference(cast, records):
    kept, absorbed = records
    merge = person_merge(actor=cast.amina.actor, kept=kept, absorbed=absorbed)
    pm.Identity.objects.filter(person=kept, is_reference=True).update(is_reference=False)
    pm.Identity.objects.filter(person=kept, last_name="HAYDARI").update(is_reference=True)
    with pytest.raises(MergeRefused, match="identité de référence"):
        person_merge_undo(actor=cast.amina.actor, merge=merge)


def test_a_merged_record_cannot_be_merged_or_undone_twice(cast, records):
    kept, absorbed = records
    merge = person_merge(actor=cast.amina.actor, kept=kept, absorbed=absorbed)
    # The absorbed record's grants moved with it: nobody accompanies it any more.
    with pytest.raises(PermissionDenied):
        person_merge(actor=cast.amina.actor, kept=kept, absorbed=absorbed)
    person_merge_undo(actor=cast.amina.actor, merge=merge)
    with pytest.raises(MergeRefused, match="déjà été annulée"):
        person_merge_undo(actor=cast.amina.actor, merge=merge)


def test_merge_needs_both_records_accompanied(cast):
    mine = PathwayFactory(operator=cast.agir, person=PersonFactory(name=("NOURI", "Sara"))).person
    theirs = PathwayFactory(operator=cast.other_association, person=PersonFactory(name=("NOURI", "Sara"))).person
    for persona in (cast.amina, cast.hugo, cast.marc, cast.claire):
        with pytest.raises(PermissionDenied):
            person_merge(actor=persona.actor, kept=mine, absorbed=theirs)
    assert not PersonMerge.objects.exists()


def test_undo_is_refused_to_another_organisation(cast):
    kept = PathwayFactory(operator=cast.agir, person=PersonFactory(name=("NOURI", "Sara"))).person
    absorbed = PathwayFactory(operator=cast.agir, person=PersonFactory(name=("NOURY", "Sara"))).person
    PathwayFactory(operator=cast.other_association, person=absorbed, programme="cph")
    merge = person_merge(actor=cast.amina.actor, kept=kept, absorbed=absorbed)
    # Hugo's association now accompanies the kept record too (its pathway moved), but did not merge.
    with pytest.raises(PermissionDenied):
        person_merge_undo(actor=cast.hugo.actor, merge=merge)
    with pytest.raises(PermissionDenied):
        person_merge_undo(actor=cast.marc.actor, merge=merge)
    person_merge_undo(actor=cast.olivier.actor, merge=merge)


def test_merge_decides_the_pair_same_and_undo_leaves_it_same_unmerged(cast):
    kept = PathwayFactory(operator=cast.agir, person=PersonFactory(name=("NOURI", "Sara"))).person
    absorbed = PathwayFactory(operator=cast.agir, person=PersonFactory(name=("NOURY", "Sara"))).person
    a, b = sorted([kept.pk, absorbed.pk])
    candidate = DuplicateCandidate.objects.create(
        person_a_id=a, person_b_id=b, match_probability=0.97, match_weight=9.1, source="daily"
    )
    merge = person_merge(actor=cast.amina.actor, kept=kept, absorbed=absorbed, candidate=candidate)
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.SAME and candidate.decided_by == cast.amina.user
    person_merge_undo(actor=cast.amina.actor, merge=merge)
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.SAME
    assert not candidate.merges.filter(undone_at__isnull=True).exists()


def test_a_pair_decided_different_cannot_be_merged(cast):
    kept = PathwayFactory(operator=cast.agir, person=PersonFactory(name=("NOURI", "Sara"))).person
    absorbed = PathwayFactory(operator=cast.agir, person=PersonFactory(name=("NOURY", "Sara"))).person
    a, b = sorted([kept.pk, absorbed.pk])
    candidate = DuplicateCandidate.objects.create(
        person_a_id=a,
        person_b_id=b,
        match_probability=0.9,
        match_weight=5,
        source="daily",
        status=CandidateStatus.DIFFERENT,
        decided_at=timezone.now(),
    )
    with pytest.raises(MergeRefused, match="personnes différentes"):
        person_merge(actor=cast.amina.actor, kept=kept, absorbed=absorbed, candidate=candidate)


def test_preview_lists_what_will_move_and_writes_nothing(cast, records):
    kept, absorbed = records
    events = AuditEvent.objects.count()
    preview = merge_preview(actor=cast.amina.actor, kept=kept, absorbed=absorbed)
    assert not preview.refusal
    labels = {line.label: line for line in preview.lines}
    assert labels["identités"].moved == 2
    assert labels["nationalités"].removed == 1
    assert "téléphone" in preview.filled
    assert not PersonMerge.objects.exists()
    assert pm.Person.objects.get(pk=absorbed.pk).merged_into_id is None
    assert AuditEvent.objects.count() == events


def test_deadlines_follow_the_merge_and_the_undo(cast):
    from ancrage.deadlines.models import Deadline

    kept = PathwayFactory(operator=cast.agir, person=PersonFactory(name=("NOURI", "Sara")), programme="cph").person
    absorbed = PathwayFactory(operator=cast.agir, person=PersonFactory(name=("NOURY", "Sara"))).person
    today = timezone.localdate()
    document = absorbed.residence_documents.create(
        kind="carte_temporaire", issue_date=today - dt.timedelta(days=300), expiry_date=today + dt.timedelta(days=60)
    )
    source = f"document:{document.pk}"
    assert Deadline.objects.get(person=absorbed, source_key=source).status == "open"

    merge = person_merge(actor=cast.amina.actor, kept=kept, absorbed=absorbed)
    assert Deadline.objects.get(person=kept, source_key=source).status == "open"
    assert Deadline.objects.get(person=absorbed, source_key=source).status == "cancelled"

    person_merge_undo(actor=cast.amina.actor, merge=merge)
    assert Deadline.objects.get(person=absorbed, source_key=source).status == "open"
    assert Deadline.objects.get(person=kept, source_key=source).status == "cancelled"


def test_the_absorbed_record_keeps_its_name_for_the_history(cast):
    kept = PathwayFactory(operator=cast.agir, person=PersonFactory(name=("NOURI", "Sara"))).person
    absorbed = PathwayFactory(operator=cast.agir, person=PersonFactory(name=("NOURY", "Sara"))).person
    person_merge(actor=cast.amina.actor, kept=kept, absorbed=absorbed)
    assert pm.Person.objects.get(pk=absorbed.pk).display_name == "NOURY Sara"


def test_moved_items_keep_their_field_history(cast):
    kept = PathwayFactory(operator=cast.agir, person=PersonFactory(name=("NOURI", "Sara"))).person
    absorbed = PathwayFactory(operator=cast.agir, person=PersonFactory(name=("NOURY", "Sara"))).person
    identity = absorbed.identities.get()
    merge = person_merge(actor=cast.amina.actor, kept=kept, absorbed=absorbed)
    history = identity.history.order_by("history_date", "history_id")
    assert [(h.person_id, h.is_reference) for h in history] == [(absorbed.pk, True), (kept.pk, False)]
    assert history.last().history_change_reason == "fusion de dossiers"
    person_merge_undo(actor=cast.amina.actor, merge=merge)
    assert identity.history.order_by("history_date", "history_id").last().is_reference is True
