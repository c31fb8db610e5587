"""The demo territory generator (``seed_demo``) and the ``demo_accounts`` table."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from ancrage.access.models import AccessGrant, Consent, GrantOrigin
from ancrage.access.sections import ALL_SECTIONS
from ancrage.demo.cast import ACCOUNTS, DEMO_PASSWORD
from ancrage.organisations.models import Membership, Organisation, Role, User
from ancrage.pathways.models import Appointment, Note, Pathway, PathwayStatus, PlanAction
from ancrage.persons.models import (
    FamilyMemberAbroad,
    Household,
    Identity,
    Nationality,
    Person,
    Protection,
    ResidenceDocument,
    Script,
    Situation,
)
from ancrage.territory.models import Commune

AMINA = "amina.referente@demo.ancrage.fr"
MARC = "marc.conseiller@demo.ancrage.fr"


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def seeded(territory):
    seed(persons=200)


def test_demo_accounts_authenticate_with_the_demo_password(seeded):
    from django.test import RequestFactory

    for account in ACCOUNTS:
        # The sign-in lockout backend (django-axes) needs the request, as the login form passes it.
        request = RequestFactory().post("/comptes/connexion/")
        assert authenticate(request, username=account.email, password=DEMO_PASSWORD) is not None, account.email
    amina = Membership.objects.get(user__email=AMINA)
    assert amina.role == Role.REFERENT
    assert amina.can_access_health
    assert amina.organisation.short_name == "AGIR 35"
    assert Membership.objects.get(user__email=MARC).organisation.name == "France Travail Rennes"
    sofia = User.objects.get(email="sofia.admin@demo.ancrage.fr")
    assert sofia.is_staff
    assert not sofia.memberships.exists()
    assert Membership.objects.filter(user__email="nadia.multi@demo.ancrage.fr").count() == 2


def test_seeding_twice_keeps_one_copy_of_accounts_and_organisations(seeded):
    organisations, users = Organisation.objects.count(), User.objects.filter(email__in=[a.email for a in ACCOUNTS])
    seed(persons=10)
    assert Organisation.objects.count() == organisations
    assert User.objects.filter(email__in=[a.email for a in ACCOUNTS]).count() == users.count() == len(ACCOUNTS)
    assert Person.objects.count() == 210


def test_every_pathway_has_its_pathway_grant(seeded):
    grants = AccessGrant.objects.filter(origin=GrantOrigin.PATHWAY)
    assert grants.count() == Pathway.objects.count()
    for pathway in Pathway.objects.prefetch_related("grants"):
        (grant,) = [g for g in pathway.grants.all() if g.origin == GrantOrigin.PATHWAY]
        assert grant.organisation_id == pathway.operator_id
        assert grant.person_id == pathway.person_id
        assert grant.sections == sorted(ALL_SECTIONS)
        assert grant.revoked_at is None


def test_pathways_cover_every_stage_and_exits_are_complete(seeded):
    statuses = set(Pathway.objects.values_list("status", flat=True))
    assert {PathwayStatus.ORIENTED, PathwayStatus.ACCOMPANIMENT, PathwayStatus.EXITED} <= statuses
    today = timezone.localdate()
    for pathway in Pathway.objects.all():
        exited = pathway.status == PathwayStatus.EXITED
        assert exited == (pathway.exit_date is not None) == bool(pathway.exit_reason)
        assert pathway.entry_date <= today
        if exited:
            assert pathway.entry_date <= pathway.exit_date <= today
        assert pathway.transitions.first().to_status == PathwayStatus.ORIENTED
        assert pathway.transitions.last().to_status == pathway.status


def test_referents_authors_and_hosts_belong_to_the_organisation(seeded):
    not_referent = Pathway.objects.exclude(
        Exists(
            Membership.objects.filter(
                user=OuterRef("referent"), organisation=OuterRef("operator"), role__in=[Role.REFERENT, Role.ORG_ADMIN]
            )
        )
    )
    assert not not_referent.exists()
    assert not Note.objects.exclude(
        Exists(Membership.objects.filter(user=OuterRef("author"), organisation=OuterRef("organisation")))
    ).exists()
    assert not Appointment.objects.exclude(
        Exists(Membership.objects.filter(user=OuterRef("with_user"), organisation=OuterRef("organisation")))
    ).exists()


def test_amina_has_a_caseload_and_the_agir_platform_a_large_share(seeded):
    amina = User.objects.get(email=AMINA)
    assert Pathway.objects.open().filter(referent=amina).exists()
    agir = Organisation.objects.get(short_name="AGIR 35")
    assert Pathway.objects.filter(operator=agir).count() > Pathway.objects.count() / 3


def test_france_travail_sees_persons_through_consent(seeded):
    france_travail = Organisation.objects.get(name="France Travail Rennes")
    grants = AccessGrant.objects.filter(organisation=france_travail, origin=GrantOrigin.CONSENT)
    assert grants.active().exists()
    for grant in grants.select_related("consent"):
        assert grant.consent.recipients.filter(pk=france_travail.pk).exists()
        assert grant.sections == grant.consent.sections
        assert (grant.revoked_at is None) == (grant.consent.withdrawn_on is None)
    assert not AccessGrant.objects.filter(organisation=france_travail, origin=GrantOrigin.PATHWAY).exists()
    assert Consent.objects.filter(purpose="Inscription et accompagnement vers l'emploi").exists()


def test_each_person_has_one_reference_identity_and_fresh_search_keys(seeded):
    counts = Person.objects.annotate(references=Count("identities", filter=Q(identities__is_reference=True)))
    assert set(counts.values_list("references", flat=True)) == {1}
    for person in Person.objects.prefetch_related("identities"):
        stored = (person.search_folded, person.search_skeleton, person.display_name)
        person.refresh_search_keys()
        assert (person.search_folded, person.search_skeleton, person.display_name) == stored
        assert person.display_name


@pytest.mark.parametrize(
    ("script", "countries"),
    [
        (Script.ARABIC, {"AF", "SY", "SD", "IR", "XXA"}),
        (Script.ETHIOPIC, {"ER", "ET"}),
        (Script.CYRILLIC, {"UA", "RU"}),
    ],
)
def test_original_script_identities(seeded, script, countries):
    identities = Identity.objects.filter(script=script)
    assert identities.exists()
    assert all(not i.is_reference for i in identities)
    nationalities = set(Nationality.objects.filter(person__identities__script=script).values_list("code", flat=True))
    assert nationalities <= countries


def test_search_finds_arabic_and_latin_spellings(seeded):
    found = Person.objects.matching("Mohammed")
    names = set(Identity.objects.filter(person__in=found).values_list("first_names", flat=True))
    assert "محمد" in names
    assert names & {"Mohammad", "Muhammad", "Mohamed", "Mohamad"}


def test_generated_rows_pass_model_validation(seeded):
    """The bulk loader skips full_clean: check it would have passed (validators, choices, clean())."""
    for model in (
        Organisation,
        Person,
        Identity,
        Protection,
        ResidenceDocument,
        Situation,
        FamilyMemberAbroad,
        Pathway,
        PlanAction,
        Appointment,
        Consent,
        AccessGrant,
    ):
        for obj in model.objects.all()[:300]:
            obj.full_clean(validate_constraints=False)


def test_journal_stays_within_what_may_be_written(seeded):
    """No asylum story, no grounds of persecution, nothing medical (product.md, "Minimise")."""
    forbidden = (
        "persécut",
        "récit",
        "menace",
        "torture",
        "traumat",
        "psychi",
        "psycho",
        "médica",
        "maladie",
        "religio",
        "ethni",
        "politique",
        "orientation sexuelle",
        "enceinte",
    )
    bodies = set(Note.objects.values_list("body", flat=True))
    assert bodies
    for body in bodies:
        assert not any(word in body.lower() for word in forbidden), body


def test_journal_agrees_with_the_housing_history(seeded):
    for note in Note.objects.filter(body__startswith="Bail signé"):
        housing = (
            Situation.objects.filter(person=note.person_id, domain="housing", start_date__lte=note.created_at.date())
            .order_by("-start_date")
            .first()
        )
        assert housing.status == "social_rental"


def test_ids_continue_after_the_demo(seeded):
    """The loader chooses ids itself: the sequences must have moved past them (PostgreSQL)."""
    person = Person.objects.first()
    identity = Identity.objects.create(person=person, last_name="Nouveau", first_names="Nom", source="declared")
    household = Household.objects.create(label="Nouveau foyer")
    assert identity.pk > Identity.objects.exclude(pk=identity.pk).order_by("-pk").first().pk
    assert household.pk > Household.objects.exclude(pk=household.pk).order_by("-pk").first().pk


def test_seeding_e_mails_nobody(territory, mailoutbox, monkeypatch):
    from ancrage.referrals.models import Referral

    # The services send their messages on commit: at once here, as with the commits of a real run.
    monkeypatch.setattr("django.db.transaction.on_commit", lambda func, using=None, robust=False: func())
    seed(persons=200)
    assert Referral.objects.exists()  # referrals were sent through the services, which e-mail...
    assert mailoutbox == []  # ... but not while seeding


def test_if_empty_does_nothing_when_persons_exist(seeded):
    persons, notes = Person.objects.count(), Note.objects.count()
    output = seed(persons=50, if_empty=True)
    assert "déjà" in output
    assert (Person.objects.count(), Note.objects.count()) == (persons, notes)


def test_refuses_outside_demo_mode(territory, settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="démonstration"):
        seed(persons=5)
    assert not Person.objects.exists()


def test_loads_the_territory_when_missing(db):
    Commune.objects.all().delete()  # the session's reference data; rolled back after the test
    output = seed(persons=5)
    assert "Territoire chargé" in output
    assert Person.objects.count() == 5


def test_same_seed_same_persons(territory):
    seed(persons=40, seed=7)
    seed(persons=40, seed=7)
    seed(persons=40, seed=8)
    names = list(Person.objects.order_by("id").values_list("display_name", flat=True))
    assert names[:40] == names[40:80]
    assert names[:40] != names[80:]


def test_demo_accounts_table(territory):
    out = StringIO()
    call_command("demo_accounts", stdout=out)
    assert "pas chargée" in out.getvalue()
    assert DEMO_PASSWORD not in out.getvalue()
    seed(persons=5)
    out = StringIO()
    call_command("demo_accounts", stdout=out)
    table = out.getvalue()
    assert DEMO_PASSWORD in table
    assert AMINA in table
    assert "AGIR 35" in table
    assert "France Travail Rennes" in table


def test_demo_accounts_silent_outside_demo_mode(settings, db):
    settings.DEMO_MODE = False
    out = StringIO()
    call_command("demo_accounts", stdout=out)
    assert DEMO_PASSWORD not in out.getvalue()
