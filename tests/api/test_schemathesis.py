"""Property-based test of the whole API against its own OpenAPI document (schemathesis).

Every operation is called through the WSGI application, in-process (so inside the test's database
transaction), with Amina's personal token and a small territory (persons her organisation accompanies, a
referral, an opportunity and a placement, a contract). Requests are generated from the document, valid and
invalid; each answer must be no server error, a documented status code, the documented content type and a
body that matches the documented schema; invalid requests must be refused. Path identifiers are generated
at random (a 404 is then the expected answer) and, for each case, also replaced by the ids of real rows so
that the handlers' 200 bodies are checked too.

Bounded: a fixed number of examples per operation, derandomized (the same cases on every run), no shrinking.
"""

from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from ancrage.employment.services import placement_propose
from ancrage.organisations.models import ApiToken
from tests.factories import OpportunityFactory, PathwayFactory, PersonFactory

MAX_EXAMPLES = 25
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@pytest.fixture
def territory_data(cast, followed, sent) -> dict[str, Any]:
    """What Amina's organisation holds: three persons, a referral sent to France Travail, an opportunity."""
    persons = [followed] + [
        PathwayFactory(operator=cast.agir, referent=cast.amina.user, person=PersonFactory()).person for _ in range(2)
    ]
    opportunity = OpportunityFactory(
        kind="training",
        title="Français à visée professionnelle",
        organisation=cast.agir,
        employer=None,
        appellation=None,
        contract_type="",
        training_type="work_french",
    )
    placement = placement_propose(actor=cast.amina.actor, person=followed, opportunity=opportunity)
    return {
        "person_id": followed.pk,
        "referral_id": sent.pk,
        "opportunity_id": opportunity.pk,
        "placement_id": placement.pk,
        "service_id": sent.service_id,
        "consent_id": sent.consent_id,
        "persons": [p.pk for p in persons],
    }


@pytest.fixture
def token(cast) -> str:
    _token, key = ApiToken.issue(membership=cast.amina.membership, name="schemathesis")
    return key


@pytest.fixture
def api_schema(db, territory_data):
    from django.core.wsgi import get_wsgi_application

    # The WSGI handler closes "old" connections around each request, which would close the test's
    # connection (inside its transaction); the test client disconnects them the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _with_real_ids(case, data: dict[str, Any]):
    """The same case, its path identifiers replaced by those of real rows (None if it has none)."""
    params = dict(case.path_parameters or {})
    replaced = {name: data[name] for name in params if name in data}
    if not replaced:
        return None
    return case.operation.Case(
        path_parameters=params | replaced,
        query=case.query,
        headers=case.headers,
        body=case.body,
        media_type=case.media_type,
    )


def _run(operation, mode: GenerationMode, headers: dict[str, str], data: dict[str, Any]) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        database=None,
        report_multiple_bugs=False,
    )
    def check(case) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)
        real = _with_real_ids(case, data)
        if real is not None:
            real.call_and_validate(headers=headers, checks=CHECKS)

    check()


def test_the_api_keeps_its_contract(api_schema, token, territory_data):
    headers = {"Authorization": f"Bearer {token}"}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 25
    failures = []
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _run(operation, mode, headers, territory_data)
            except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 (one run reports every broken operation)
                failures.append(f"{operation.label} [{mode.value}]: {error}")
    assert not failures, "\n\n".join(failures)
