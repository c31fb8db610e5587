"""Minimal sections: the employment history travels without the housing applications or the rights.

Marc (France Travail) receives a referral that shares the employment and training history: he sees
those situations on the record page and through the API, and nowhere an SNE number, a housing offer,
a rent, a CAF number or a bank. With the housing section he sees the housing track. The table in
``access.sections`` is checked against the models, and the data migration that split "situations"
is replayed on rows written with the old codes.
"""

import datetime as dt
import json
from decimal import Decimal
from importlib import import_module

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.urls import reverse
from django.utils.html import escape

from ancrage.access import perms
from ancrage.access.models import AccessGrant, Consent, GrantOrigin, validate_sections
from ancrage.access.sections import (
    ALL_SECTIONS,
    CONTENTS,
    HINTS,
    Section,
    section_of_item,
    section_of_model,
    situation_domains_in,
)
from ancrage.access.services import consent_record
from ancrage.deadlines.models import Deadline, RuleCode
from ancrage.deadlines.selectors import open_deadlines
from ancrage.directory.models import Service, Structure
from ancrage.organisations.actor import Actor
from ancrage.persons.models import Person, ResidenceDocument, Situation, SituationDomain
from ancrage.referrals.models import Referral
from ancrage.referrals.services import referral_create, referral_transition
from ancrage.territory.models import Commune
from ancrage.tracks.models import BankAccount, CafFile, HousingOffer, SocialHousingRequest
from ancrage.www.persons.forms import ITEM_KINDS, ConsentForm

TODAY = dt.date.today()
SNE = "035012345678"
RENT = "487.65"
CAF_NUMBER = "7654321"
BANK = "Banque Solidaire du Couesnon"
EMPLOYMENT_STATUS = "Parcours HOPE"  # training
JOB_STATUS = "Demandeur d'emploi"  # employment
FRENCH_STATUS = "Cours de FLE"  # French learning
HOUSING_STATUS = "Hébergé(e) par un tiers"
DOCUMENT_NUMBER = "3501234567"

HIDDEN_HOUSING = (SNE, RENT, HOUSING_STATUS)
HIDDEN_RIGHTS = (CAF_NUMBER, BANK)


# --- the table -------------------------------------------------------------------------------------


def test_every_model_domain_and_rule_of_the_table_exists_and_belongs_to_one_section():
    seen_models: list[str] = []
    seen_domains: list[str] = []
    seen_rules: list[str] = []
    for section, content in CONTENTS.items():
        assert section in Section.values
        for label in content.models:
            apps.get_model(label)  # LookupError for a model that does not exist
        seen_models += content.models
        seen_domains += content.situation_domains
        seen_rules += content.deadline_rules
    assert len(seen_models) == len(set(seen_models))
    # Every domain of the situation history and every deadline rule has exactly one section.
    assert sorted(seen_domains) == sorted(SituationDomain.values)
    assert sorted(seen_rules) == sorted(RuleCode.values)


def test_every_person_item_of_the_tracks_has_a_section():
    for model in apps.get_app_config("tracks").get_models():
        if any(f.name == "person" for f in model._meta.fields) and not model.__name__.startswith("Historical"):
            assert section_of_model(model) in Section.values, model


def test_each_section_has_a_hint_and_the_old_code_is_refused():
    assert set(HINTS) == ALL_SECTIONS
    assert "situations" not in ALL_SECTIONS
    with pytest.raises(ValidationError):
        validate_sections(["identity", "situations"])
    validate_sections(["identity", "employment_history", "housing", "rights"])


def test_situations_belong_to_the_section_of_their_domain():
    assert section_of_item(Situation(domain="housing")) == Section.HOUSING
    for domain in ("employment", "training", "language"):
        assert section_of_item(Situation(domain=domain)) == Section.EMPLOYMENT_HISTORY
    assert section_of_item(CafFile()) == Section.RIGHTS
    assert section_of_item(BankAccount()) == Section.RIGHTS
    assert section_of_item(ResidenceDocument()) == Section.PROTECTION
    assert situation_domains_in({"identity", "employment_history"}) == ["employment", "training", "language"]
    assert situation_domains_in({"identity", "housing"}) == ["housing"]
    assert situation_domains_in({"identity", "protection", "rights"}) == []


# --- a person with something in every part of the old "situations" and of the rights ----------------


@pytest.fixture
def person(cast, followed):
    commune = Commune.objects.order_by("name").first()
    for domain, status, start in (
        ("housing", "third_party", dt.date(2025, 6, 30)),
        ("employment", "job_seeker", dt.date(2025, 7, 1)),
        ("training", "hope", dt.date(2025, 9, 1)),
        ("language", "fle_course", dt.date(2025, 8, 1)),
    ):
        Situation.objects.create(person=followed, domain=domain, status=status, start_date=start)
    request = SocialHousingRequest.objects.create(
        person=followed, sne_number=SNE, requested_on=dt.date(2025, 1, 6), household_size=2
    )
    HousingOffer.objects.create(
        person=followed,
        request=request,
        landlord="Archipel Habitat",
        commune=commune,
        typology="T2",
        rent=Decimal(RENT),
        offered_on=dt.date(2025, 10, 1),
    )
    CafFile.objects.create(person=followed, number=CAF_NUMBER, registered_on=dt.date(2025, 2, 1), benefits=["rsa"])
    BankAccount.objects.create(person=followed, step="open", opened_on=dt.date(2025, 3, 1), bank_name=BANK)
    for code, due in ((RuleCode.SNE_RENEWAL, TODAY + dt.timedelta(days=10)),):
        deadline = Deadline.objects.filter(person=followed, code=code).first() or Deadline(
            person=followed, code=code, source_key=f"test:{code}", rule_label=f"{code}@test", anchor_on=TODAY
        )
        deadline.due_on, deadline.opens_on, deadline.status = due, None, "open"
        deadline.save()
    return followed


@pytest.fixture
def service(cast):
    structure = Structure.objects.create(name="France Travail Rennes Nord", organisation=cast.france_travail)
    return Service.objects.create(structure=structure, name="Inscription et accompagnement", description="Suivi.")


def refer_to_marc(cast, person, service, sections: list[str]) -> Referral:
    """Amina refers the person to France Travail, sharing these sections; only the referral's grant counts."""
    consent = consent_record(
        actor=cast.amina.actor,
        person=person,
        sections=sections,
        recipients=[cast.france_travail],
        purpose="Orientation emploi",
        given_on=TODAY,
    )
    referral = referral_create(
        actor=cast.amina.actor, person=person, service=service, reason="Inscription", sections=sections, consent=consent
    )
    AccessGrant.objects.filter(consent=consent).delete()
    return referral_transition(
        actor=cast.amina.actor, referral=referral, name="send", expected_version=referral.version
    )


def shows(text: str, value: str) -> bool:
    """The value in a JSON answer or in a page (where an apostrophe is escaped)."""
    return value in text or escape(value) in text


def marc_actor(cast) -> Actor:
    return Actor(user=cast.marc.user, membership=cast.marc.membership)


def everything_marc_reads(cast, person, client) -> str:
    """The record page, the installation page, the record and tracks in the API, deadlines, to-do list."""
    pages = [
        client.get(reverse("persons:detail", args=[person.pk])),
        client.get(reverse("tracks:overview", args=[person.pk])),
        client.get(f"/api/v1/persons/{person.pk}"),
        client.get(f"/api/v1/persons/{person.pk}/tracks"),
        client.get(f"/api/v1/persons/{person.pk}/deadlines"),
        client.get(reverse("agenda:todo")),
    ]
    for page in pages:
        assert page.status_code == 200, page
    return "\n".join(page.content.decode() for page in pages)


def test_marc_with_the_employment_history_sees_jobs_and_training_but_no_housing_nor_rights(
    cast, person, service, as_persona
):
    refer_to_marc(cast, person, service, ["employment_history"])
    assert perms.visible_sections(marc_actor(cast), person.pk) == {"identity", "employment_history"}
    client = as_persona(cast.marc)

    page = client.get(reverse("persons:detail", args=[person.pk]))
    labels = [label for label, _items in page.context["situations"]]
    assert labels == ["Emploi", "Formation", "Apprentissage du français"]
    html = page.content.decode()
    for shown in (JOB_STATUS, EMPLOYMENT_STATUS, FRENCH_STATUS):
        assert shows(html, shown), shown

    record = client.get(f"/api/v1/persons/{person.pk}").json()
    assert record["sections"] == ["identity", "employment_history"]
    assert sorted(s["domain"] for s in record["situations"]) == ["employment", "language", "training"]

    tracks = client.get(f"/api/v1/persons/{person.pk}/tracks").json()
    assert tracks["housing"] is None
    assert tracks["rights"] is None
    assert client.get(f"/api/v1/persons/{person.pk}/deadlines").json()["count"] == 0
    assert open_deadlines(marc_actor(cast), Person.objects.filter(pk=person.pk)) == []

    everything = everything_marc_reads(cast, person, client)
    for hidden in (*HIDDEN_HOUSING, *HIDDEN_RIGHTS, "Archipel Habitat", "sne_renewal"):
        assert not shows(everything, hidden), hidden
    # Marc does not accompany the person: no export (access requests stay with the accompanying team).
    assert client.get(reverse("persons:export_json", args=[person.pk])).status_code == 404


def test_marc_with_the_housing_section_sees_the_housing_track_but_no_rights(cast, person, service, as_persona):
    refer_to_marc(cast, person, service, ["housing"])
    client = as_persona(cast.marc)
    everything = everything_marc_reads(cast, person, client)
    for shown in (SNE, "487", "Archipel Habitat", HOUSING_STATUS):
        assert shows(everything, shown), shown
    for hidden in (*HIDDEN_RIGHTS, JOB_STATUS, EMPLOYMENT_STATUS, FRENCH_STATUS):
        assert not shows(everything, hidden), hidden
    tracks = client.get(f"/api/v1/persons/{person.pk}/tracks").json()
    assert tracks["housing"] is not None
    assert tracks["rights"] is None
    deadlines = client.get(f"/api/v1/persons/{person.pk}/deadlines").json()["results"]
    assert [d["code"] for d in deadlines] == ["sne_renewal"]
    assert [d.code for d in open_deadlines(marc_actor(cast), Person.objects.filter(pk=person.pk))] == ["sne_renewal"]


def test_residence_documents_without_the_rights_show_no_caf_nor_bank(cast, person, service, as_persona):
    ResidenceDocument.objects.create(
        person=person, kind="carte_temporaire", number=DOCUMENT_NUMBER, issue_date=dt.date(2025, 2, 1)
    )
    refer_to_marc(cast, person, service, ["protection"])
    client = as_persona(cast.marc)
    tracks = client.get(f"/api/v1/persons/{person.pk}/tracks").json()
    kinds = {item["kind"] for item in tracks["rights"]["items"]}
    assert kinds == {"titre"}
    everything = everything_marc_reads(cast, person, client)
    assert "Titres de séjour" in everything
    for hidden in (*HIDDEN_RIGHTS, *HIDDEN_HOUSING):
        assert not shows(everything, hidden), hidden


def test_the_rights_section_shows_caf_and_bank(cast, person, service, as_persona):
    refer_to_marc(cast, person, service, ["rights"])
    client = as_persona(cast.marc)
    tracks = client.get(f"/api/v1/persons/{person.pk}/tracks").json()
    assert {item["kind"] for item in tracks["rights"]["items"]} == {"caf", "banque"}
    page = client.get(reverse("tracks:overview", args=[person.pk])).content.decode()
    assert CAF_NUMBER in page and BANK in page
    assert "Titres de séjour" not in page


def test_the_accompanying_team_exports_every_part(cast, person, as_persona):
    data = json.loads(as_persona(cast.amina).get(reverse("persons:export_json", args=[person.pk])).content)
    assert {s["domain"] for s in data["situations"]} == {"Logement", "Emploi", "Formation", "Apprentissage du français"}
    assert data["social_housing_requests"][0]["sne_number"] == SNE
    assert data["caf"][0]["number"] == CAF_NUMBER
    assert data["bank_account"][0]["bank_name"] == BANK


def test_the_export_reads_each_block_with_its_section(cast, person):
    from ancrage.persons.export import person_export_data

    amina = cast.amina.actor
    # The accompanying team's grant, narrowed: the export follows the table block by block.
    AccessGrant.objects.filter(person=person, origin=GrantOrigin.PATHWAY).update(
        sections=["identity", "employment_history"]
    )
    data = person_export_data(amina, person)
    assert {s["domain"] for s in data["situations"]} == {"Emploi", "Formation", "Apprentissage du français"}
    assert data["social_housing_requests"] == [] and data["housing_offers"] == []
    assert data["caf"] == [] and data["bank_account"] == []
    assert data["deadlines"] == []


# --- forms ----------------------------------------------------------------------------------------


def test_the_consent_form_offers_the_new_sections_with_hints_and_refuses_the_old_code(cast):
    form = ConsentForm(organisation=cast.agir, can_share_health=False)
    choices = dict(form.fields["sections"].choices)
    assert {"employment_history", "housing", "rights"} <= set(choices)
    assert "situations" not in choices and "identity" not in choices and "health" not in choices
    assert "Ni le logement ni les droits" in str(choices["employment_history"])
    assert "fr-hint-text" in str(choices["housing"])
    posted = ConsentForm(
        {
            "recipients": [cast.france_travail.pk],
            "sections": ["situations"],
            "purpose": "Inscription",
            "given_on": TODAY.isoformat(),
            "method": "written",
            "confirm": "on",
        },
        organisation=cast.agir,
        can_share_health=False,
    )
    assert not posted.is_valid()
    assert "sections" in posted.errors


def test_the_referral_form_starts_minimal_and_offers_the_employment_history(cast, followed, as_persona):
    page = as_persona(cast.amina).get(reverse("referrals:create", args=[followed.pk]))
    assert page.status_code == 200
    field = page.context["form"]["sections"]
    assert not field.value()  # nothing ticked: identity only
    assert "employment_history" in dict(field.field.choices)
    assert "Emploi et formation : situations" in page.content.decode()


def test_the_situation_form_offers_only_the_domains_whose_section_is_seen(db):
    form = ITEM_KINDS["situation"].form_class(frozenset({"identity", "employment_history"}))()
    assert [code for code, _label in form.fields["domain"].choices if code] == ["employment", "training", "language"]
    groups = [group for group, _statuses in form.fields["status"].choices if group]
    assert "Logement" not in groups
    form = ITEM_KINDS["situation"].form_class(frozenset({"identity", "housing"}))(
        {"domain": "employment", "status": "cdi", "start_date": "2025-01-01"}
    )
    assert not form.is_valid()
    assert "domain" in form.errors


def test_an_editor_without_a_domain_section_gets_404_for_its_situations(cast, person, as_persona):
    AccessGrant.objects.filter(person=person, origin=GrantOrigin.PATHWAY).update(sections=["identity", "housing"])
    housing = Situation.objects.get(person=person, domain="housing")
    job = Situation.objects.get(person=person, domain="employment")
    client = as_persona(cast.amina)
    assert client.get(reverse("persons:item_edit", args=[person.pk, "situation", housing.pk])).status_code == 200
    assert client.get(reverse("persons:item_edit", args=[person.pk, "situation", job.pk])).status_code == 404
    assert client.post(reverse("persons:item_delete", args=[person.pk, "situation", job.pk])).status_code == 404
    assert Situation.objects.filter(pk=job.pk).exists()


# --- the data migration ------------------------------------------------------------------------------

AFTER = ("access", "0004_split_situations_section")
MIGRATION = import_module("ancrage.access.migrations.0004_split_situations_section")


def _run(direction: str) -> None:
    """Run the migration's function on the historical models of its state (the migrator pattern).

    The migration changes no schema, so the tables at its state are today's: rows are written with
    the old codes, then the function runs as ``migrate`` would run it (on SQLite and PostgreSQL alike,
    inside the test's transaction).
    """
    # The models as the migration sees them: its dependencies applied (access 0003, referrals 0004).
    state = MigrationLoader(connection).project_state(AFTER, at_end=False)
    getattr(MIGRATION, direction)(state.apps, None)


def test_the_migration_is_applied_after_the_referrals_table(db):
    loader = MigrationLoader(connection)
    assert AFTER in loader.applied_migrations
    # Referrals store their sections too: their table must exist when the lists are rewritten.
    assert ("referrals", "0004_attachments") in {parent.key for parent in loader.graph.node_map[AFTER].parents}


def test_the_migration_splits_situations_and_gives_rights_to_protection_holders(cast, person, service, as_persona):
    consent = consent_record(
        actor=cast.amina.actor,
        person=person,
        sections=["language"],
        recipients=[cast.france_travail],
        purpose="Orientation emploi",
        given_on=TODAY,
    )
    referral = referral_create(
        actor=cast.amina.actor, person=person, service=service, reason="Inscription", sections=[], consent=consent
    )
    marc_grant = AccessGrant.objects.get(consent=consent)
    pathway_grant = AccessGrant.objects.get(person=person, origin=GrantOrigin.PATHWAY)
    # Rows as the old code wrote them.
    old_all = sorted(({*ALL_SECTIONS} - {"employment_history", "housing", "rights"}) | {"situations"})
    AccessGrant.objects.filter(pk=pathway_grant.pk).update(sections=old_all)
    AccessGrant.objects.filter(pk=marc_grant.pk).update(sections=["identity", "situations"])
    Consent.objects.filter(pk=consent.pk).update(sections=["identity", "protection", "situations"])
    Referral.objects.filter(pk=referral.pk).update(sections=["identity", "protection"])

    _run("forwards")

    for row in (pathway_grant, marc_grant, consent, referral):
        row.refresh_from_db()
        validate_sections(row.sections)
    assert pathway_grant.sections == sorted(ALL_SECTIONS)
    assert marc_grant.sections == ["employment_history", "housing", "identity"]
    assert consent.sections == ["employment_history", "housing", "identity", "protection", "rights"]
    assert referral.sections == ["identity", "protection", "rights"]

    # Marc's grant from "situations" sees what "situations" showed: every domain and the housing
    # track, and still no CAF nor bank (they were in "protection").
    client = as_persona(cast.marc)
    record = client.get(f"/api/v1/persons/{person.pk}").json()
    assert sorted(s["domain"] for s in record["situations"]) == ["employment", "housing", "language", "training"]
    everything = everything_marc_reads(cast, person, client)
    assert SNE in everything and "Archipel Habitat" in everything
    for hidden in HIDDEN_RIGHTS:
        assert not shows(everything, hidden), hidden

    _run("forwards")  # running twice changes nothing
    marc_grant.refresh_from_db()
    assert marc_grant.sections == ["employment_history", "housing", "identity"]

    _run("backwards")
    for row in (pathway_grant, marc_grant, consent, referral):
        row.refresh_from_db()
    assert marc_grant.sections == ["identity", "situations"]
    assert consent.sections == ["identity", "protection", "situations"]
    assert referral.sections == ["identity", "protection"]
    assert pathway_grant.sections == old_all


def test_a_grant_holding_protection_keeps_seeing_the_caf_after_the_migration(cast, person, service, as_persona):
    consent = consent_record(
        actor=cast.amina.actor,
        person=person,
        sections=["language"],
        recipients=[cast.france_travail],
        purpose="Accompagnement",
        given_on=TODAY,
    )
    AccessGrant.objects.filter(consent=consent).update(sections=["identity", "protection"])
    _run("forwards")
    client = as_persona(cast.marc)
    everything = everything_marc_reads(cast, person, client)
    for shown in HIDDEN_RIGHTS:
        assert shows(everything, shown), shown
    for hidden in (*HIDDEN_HOUSING, JOB_STATUS):
        assert not shows(everything, hidden), hidden


def test_going_back_never_widens_a_list_written_after_the_split():
    migration = MIGRATION
    # Half of a former section: dropped rather than widened to the whole of it.
    assert migration.join_codes(["employment_history", "identity"]) == ["identity"]
    assert migration.join_codes(["housing", "identity"]) == ["identity"]
    # Protection without the rights: the old protection showed the CAF file and the bank.
    assert migration.join_codes(["identity", "protection"]) == ["identity"]
    assert migration.join_codes(["identity", "rights"]) == ["identity"]
    assert migration.join_codes(["employment_history", "housing", "identity", "protection", "rights"]) == [
        "identity",
        "protection",
        "situations",
    ]
    assert migration.split_codes(migration.join_codes(sorted(ALL_SECTIONS))) == sorted(ALL_SECTIONS)
