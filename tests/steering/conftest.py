import datetime as dt

import pytest

from ancrage.organisations.models import Organisation, OrganisationKind
from ancrage.steering.models import Action, PriorityAxis
from ancrage.steering.services import contract_create
from ancrage.territory.models import Commune, Territory

D = dt.date


@pytest.fixture
def place(db):
    territory = Territory.objects.create(name="Métropole test", departement="99", cog_vintage=2024)
    communes = [
        Commune.objects.create(insee_code=code, name=name, territory=territory)
        for code, name in (("99001", "Alpha"), ("99002", "Bêta"), ("99003", "Gamma"))
    ]
    return territory, communes


@pytest.fixture
def contract(place):
    territory, _communes = place
    return contract_create(
        territory=territory,
        title="CTAIR test 2020-2023",
        signed_on=D(2020, 12, 9),
        starts_on=D(2020, 12, 9),
        ends_on=D(2023, 12, 8),
        signatories="Préfet, présidente de la métropole, maire",
    )


@pytest.fixture
def carriers(db):
    return (
        Organisation.objects.create(name="Porteur Un", kind=OrganisationKind.ASSOCIATION, siret="73282932000074"),
        Organisation.objects.create(name="Porteur Deux", kind=OrganisationKind.ASSOCIATION, siret="44306184100047"),
    )


def make_action(contract, carrier, axis_number: int = 2, title: str = "Action") -> Action:
    from ancrage.steering.services import action_save

    return action_save(
        Action(
            contract=contract,
            axis=PriorityAxis.objects.get(contract=contract, number=axis_number),
            title=title,
            carrier=carrier,
            starts_on=D(2021, 1, 1),
            ends_on=D(2023, 12, 1),
            status="running",
        )
    )
