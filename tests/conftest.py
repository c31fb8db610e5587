"""Personas from product.md, shared by every test module.

Amina (référente, association running AGIR), Marc (France Travail partner agent), Claire
(Rennes Métropole coordinator), Yves (DDETS coordinator), Sofia (platform admin), plus Olivier
(organisation admin of Amina's association) and Hugo (référent of another association).
"""

import time
from dataclasses import dataclass

import pytest
from django.test import Client

from ancrage.organisations.actor import SESSION_KEY, Actor
from ancrage.organisations.models import Membership, Organisation, OrganisationKind, Role, User
from ancrage.organisations.session_expiry import LAST_ACTIVITY_SESSION_KEY
from ancrage.territory.services import territory_load

from .factories import MembershipFactory, OrganisationFactory, PathwayFactory, PersonFactory, UserFactory


@dataclass
class Persona:
    user: User
    membership: Membership | None

    @property
    def actor(self) -> Actor:
        return Actor(user=self.user, membership=self.membership)

    @property
    def organisation(self) -> Organisation | None:
        return self.membership.organisation if self.membership else None


@dataclass
class Cast:
    agir: Organisation
    other_association: Organisation
    france_travail: Organisation
    metropole: Organisation
    ddets: Organisation
    amina: Persona
    olivier: Persona
    hugo: Persona
    marc: Persona
    claire: Persona
    yves: Persona
    sofia: Persona

    def all(self) -> dict[str, Persona]:
        return {name: getattr(self, name) for name in ("amina", "olivier", "hugo", "marc", "claire", "yves", "sofia")}


def _persona(
    email: str, first: str, last: str, organisation: Organisation | None, role: str | None, **extra
) -> Persona:
    user = UserFactory(email=email, first_name=first, last_name=last, is_staff=extra.pop("is_staff", False))
    membership = MembershipFactory(user=user, organisation=organisation, role=role, **extra) if organisation else None
    return Persona(user=user, membership=membership)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Reference data every test needs, loaded once into the test database."""
    with django_db_blocker.unblock():
        territory_load()


@pytest.fixture(scope="session")
def _rome_session(django_db_setup, django_db_blocker) -> None:
    """The ROME takes a couple of seconds to load: only sessions that use the ``rome`` fixture pay it."""
    from ancrage.rome.services import rome_load

    with django_db_blocker.unblock():
        rome_load()


@pytest.fixture
def rome(db, _rome_session) -> None:
    """The ROME v4.60 in the test database (loaded again after a test that flushed it)."""
    from ancrage.rome.models import RomeAppellation
    from ancrage.rome.services import rome_load

    if not RomeAppellation.objects.exists():
        rome_load()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path_factory):
    """Uploaded files go to a throwaway folder, never to var/media."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture
def territory(db):
    """The communes of Rennes Métropole (loaded once per session; again after a flushing test)."""
    from ancrage.territory.models import Commune

    if not Commune.objects.exists():
        territory_load()


@pytest.fixture
def cast(db, territory) -> Cast:
    agir = OrganisationFactory(
        name="Coallia — plateforme AGIR 35", short_name="AGIR 35", kind=OrganisationKind.ASSOCIATION
    )
    other = OrganisationFactory(name="Association Un Toit", kind=OrganisationKind.ASSOCIATION)
    ft = OrganisationFactory(name="France Travail Rennes", kind=OrganisationKind.EMPLOYMENT)
    metropole = OrganisationFactory(name="Rennes Métropole", kind=OrganisationKind.COLLECTIVITY)
    ddets = OrganisationFactory(name="DDETS d'Ille-et-Vilaine", kind=OrganisationKind.STATE)
    return Cast(
        agir=agir,
        other_association=other,
        france_travail=ft,
        metropole=metropole,
        ddets=ddets,
        amina=_persona(
            "amina.referente@demo.ancrage.fr", "Amina", "Benali", agir, Role.REFERENT, can_access_health=True
        ),
        olivier=_persona("olivier.admin@example.org", "Olivier", "Le Goff", agir, Role.ORG_ADMIN),
        hugo=_persona("hugo.referent@example.org", "Hugo", "Martin", other, Role.REFERENT),
        marc=_persona("marc.conseiller@demo.ancrage.fr", "Marc", "Le Bris", ft, Role.PARTNER_AGENT),
        claire=_persona("claire.coordination@demo.ancrage.fr", "Claire", "Morel", metropole, Role.COORDINATOR),
        yves=_persona("yves.etat@demo.ancrage.fr", "Yves", "Tanguy", ddets, Role.COORDINATOR),
        sofia=_persona("sofia.admin@demo.ancrage.fr", "Sofia", "Durand", None, None, is_staff=True),
    )


@pytest.fixture
def followed(cast):
    """A person Amina's organisation accompanies (AGIR pathway, Amina as referent)."""
    pathway = PathwayFactory(
        operator=cast.agir, referent=cast.amina.user, person=PersonFactory(name=("HAIDARI", "Farid"))
    )
    return pathway.person


def verified_device(user: User):
    """The user's confirmed TOTP device (created if missing), as if they had enrolled."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Application de test", confirmed=True)


def verify_session(client: Client, user: User) -> Client:
    """Mark the client's session verified by the second factor, as ``django_otp.login`` does."""
    from django_otp import DEVICE_ID_SESSION_KEY

    session = client.session
    session[DEVICE_ID_SESSION_KEY] = verified_device(user).persistent_id
    session.save()
    return client


def login(client: Client, persona: Persona | User, *, verified: bool = True) -> Client:
    """Sign ``persona`` in (password and, unless ``verified=False``, the second factor)."""
    user = persona.user if isinstance(persona, Persona) else persona
    membership = persona.membership if isinstance(persona, Persona) else None
    client.force_login(user)
    if verified:
        verify_session(client, user)
    session = client.session
    # Just signed in: the first request need not record the activity (keeps query counts steady).
    session[LAST_ACTIVITY_SESSION_KEY] = int(time.time())
    if membership:
        session[SESSION_KEY] = membership.pk
    session.save()
    return client


@pytest.fixture
def as_persona(client):
    def _login(persona: Persona) -> Client:
        return login(client, persona)

    return _login
