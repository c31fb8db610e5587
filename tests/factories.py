"""Factories with traits; personas of product.md live in conftest.py."""

import datetime as dt

import factory
from django.utils import timezone

from ancrage.access.models import AccessGrant, GrantOrigin
from ancrage.access.sections import ALL_SECTIONS
from ancrage.organisations.models import Membership, Organisation, OrganisationKind, Role, User
from ancrage.pathways.models import Appointment, Note, Pathway, PathwayTransition, Programme
from ancrage.persons.models import Identity, Person


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Association {n}")
    kind = OrganisationKind.ASSOCIATION


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    first_name = "Prénom"
    last_name = factory.Sequence(lambda n: f"Nom{n}")
    password = factory.PostGenerationMethodCall("set_password", "demo-ancrage")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.REFERENT


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    sex = "M"
    birth_date = dt.date(1990, 5, 17)
    created_by_organisation = factory.SubFactory(OrganisationFactory)

    @factory.post_generation
    def name(obj, create, extracted, **kwargs):
        last, first = extracted or ("AHMADI", "Karim")
        Identity.objects.create(person=obj, last_name=last, first_names=first, is_reference=True)
        obj.refresh_search_keys()
        Person.objects.filter(pk=obj.pk).update(
            search_folded=obj.search_folded, search_skeleton=obj.search_skeleton, display_name=obj.display_name
        )


class PathwayFactory(factory.django.DjangoModelFactory):
    """A pathway, with the pathway grant its operator gets (as pathway_create does)."""

    class Meta:
        model = Pathway
        skip_postgeneration_save = True

    person = factory.SubFactory(PersonFactory)
    operator = factory.SubFactory(OrganisationFactory)
    programme = Programme.AGIR
    entry_date = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))

    @factory.post_generation
    def grant(obj, create, extracted, **kwargs):
        if create:
            PathwayTransition.objects.create(pathway=obj, name="orient", from_status="", to_status=obj.status)
            AccessGrant.objects.create(
                person=obj.person,
                organisation=obj.operator,
                sections=sorted(ALL_SECTIONS),
                origin=GrantOrigin.PATHWAY,
                pathway=obj,
            )


class NoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Note

    body = "Point d'étape."


class AppointmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appointment

    subject = "Rendez-vous de suivi"
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=2))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=1))


# --- professional integration (issue 4); they need the ROME loaded (the ``rome`` fixture) ---------


def appellation(code: str = "10200"):
    """A ROME appellation by its OGR code (loaded by the ``rome`` fixture)."""
    from ancrage.rome.models import RomeAppellation

    return RomeAppellation.objects.select_related("occupation").get(code_ogr=code)


def appellation_for(rome_code: str):
    """The first (common) appellation of a ROME fiche."""
    from ancrage.rome.models import RomeAppellation

    return (
        RomeAppellation.objects.select_related("occupation")
        .filter(occupation__code=rome_code, rarely_used=False)
        .order_by("code_ogr")
        .first()
    )


class EmployerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "employment.Employer"

    name = factory.Sequence(lambda n: f"Entreprise {n}")
    organisation = factory.SubFactory(OrganisationFactory)


class OpportunityFactory(factory.django.DjangoModelFactory):
    """A job offer by default (pass ``appellation=appellation_for("F1703")``); ``kind="training"`` with a
    ``training_type`` for a training session."""

    class Meta:
        model = "employment.Opportunity"

    kind = "job"
    title = factory.Sequence(lambda n: f"Offre {n}")
    organisation = factory.SubFactory(OrganisationFactory)
    employer = factory.SubFactory(EmployerFactory, organisation=factory.SelfAttribute("..organisation"))
    appellation = factory.LazyFunction(lambda: appellation_for("K2204"))  # cleaning
    contract_type = "cdi"
    opened_on = factory.LazyFunction(dt.date.today)
