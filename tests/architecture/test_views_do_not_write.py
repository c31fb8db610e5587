"""Views and API modules read through selectors and write through services (issue 17 §8).

The services own the transaction and the audit event (``referrals.services`` is the model): a view or an
API function that saves a model, updates a queryset or writes an audit event itself is a rule of its own
that the next maintainer will not find. Every module of ``ancrage/www`` and ``ancrage/api`` (but the API's
own ``services.py``) is parsed, and each function's direct writes are listed.

``KNOWN`` is the debt found when the rule was written down: the test fails on any write that is not in
it (new code follows the rule) and on any entry no longer found (the list only shrinks, as issue 17
moves these writes into services).
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("ancrage/www", "ancrage/api")
EXEMPT = {"ancrage/api/services.py"}  # the API's own services: tokens, with their audit events
MANAGER_WRITES = {"create", "get_or_create", "update_or_create", "bulk_create", "bulk_update", "update", "delete"}
AUDIT_WRITERS = {"audit_record", "audit_read", "AuditEvent"}

KNOWN = frozenset(
    {
        "ancrage/www/agenda/views.py::todo: audit_read",
        "ancrage/www/coverage/views.py::index: audit_record",
        "ancrage/www/dashboard/views.py::index: audit_record",
        "ancrage/www/employment/matching_views.py::matches_for_person: audit_read",
        "ancrage/www/employment/opportunity_views.py::opportunity_detail: audit_read",
        "ancrage/www/employment/placement_views.py::get_placement_for_user: audit_read",
        "ancrage/www/employment/profile_views.py::cv: audit_record",
        "ancrage/www/employment/profile_views.py::commitment_contract: audit_record",
        "ancrage/www/employment/results_views.py::results: audit_record",
        "ancrage/www/imports/views.py::_audit_read: audit_record",
        "ancrage/www/imports/views.py::import_rejected: audit_record",
        "ancrage/www/linkage/views.py::queue: audit_read",
        "ancrage/www/linkage/views.py::_audit_pair: audit_read",
        "ancrage/www/linkage/views.py::merge_list: audit_read",
        "ancrage/www/linkage/views.py::merge_detail: audit_read",
        "ancrage/www/pathways/views.py::get_pathway_for_user: audit_read",
        "ancrage/www/pathways/views.py::agenda: audit_read",
        "ancrage/www/persons/views.py::person_list: audit_read",
        "ancrage/www/persons/views.py::person_create_view: audit_read",
        "ancrage/www/referrals/views.py::inbox: audit_read",
        "ancrage/www/referrals/views.py::outbox: audit_read",
        "ancrage/www/referrals/views.py::link_answer: audit_record",
        "ancrage/www/steering/carrier_views.py::my_actions: audit_record",
        "ancrage/www/steering/carrier_views.py::carrier_action: audit_read",
        "ancrage/www/steering/carrier_views.py::participation_add: audit_read",
        "ancrage/www/steering/dashboard_views.py::_audit: audit_record",
        "ancrage/www/steering/diagnosis_views.py::diagnosis: audit_record",
        "ancrage/www/steering/diagnosis_views.py::diagnosis_csv: audit_record",
        "ancrage/www/steering/manage_views.py::_read: audit_record",
        "ancrage/www/steering/manage_views.py::_write: audit_record",
        "ancrage/www/steering/manage_views.py::contract_create_view: audit_record",
        "ancrage/www/steering/manage_views.py::targets_edit: target.delete()",
        "ancrage/www/steering/manage_views.py::targets_edit: target.save()",
        "ancrage/www/steering/report_views.py::report: audit_record",
        "ancrage/www/steering/report_views.py::report_status: audit_record",
        "ancrage/www/steering/report_views.py::report_download: audit_record",
        "ancrage/api/agenda.py::list_agenda: audit_record",
        "ancrage/api/coverage.py::coverage: audit_record",
        "ancrage/api/employment_matches.py::person_matches: audit_read",
        "ancrage/api/employment_matches.py::employment_results: audit_record",
        "ancrage/api/employment_opportunities.py::_get_placement: audit_read",
        "ancrage/api/employment_opportunities.py::list_placements: audit_record",
        "ancrage/api/persons.py::list_persons: audit_record",
        "ancrage/api/referrals.py::list_referrals: audit_record",
        "ancrage/api/steering.py::indicators: audit_record",
        "ancrage/api/steering.py::contract_actions: audit_record",
        "ancrage/api/steering.py::contract_budget: audit_record",
    }
)


def _chain(node: ast.AST) -> list[str]:
    """``a.b(...).c`` → ["a", "b", "c"]: the names along an attribute chain."""
    names: list[str] = []
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            names.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Name):
            names.append(node.id)
            break
        else:
            break
    return names[::-1]


def _write(call: ast.Call) -> str | None:
    """What the call writes, if it is a model or audit write; None otherwise."""
    func = call.func
    if isinstance(func, ast.Name):
        return func.id if func.id in AUDIT_WRITERS else None
    if not isinstance(func, ast.Attribute):
        return None
    names, attr = _chain(func), func.attr
    if attr in AUDIT_WRITERS:
        return attr
    if "objects" in names[:-1] and attr in MANAGER_WRITES:
        return f"{names[0]}.objects...{attr}"
    if attr in {"update", "delete"} and any(name in names[:-1] for name in ("filter", "exclude", "all")):
        return f"queryset.{attr}"
    deferred = any(
        k.arg == "commit" and isinstance(k.value, ast.Constant) and k.value.value is False for k in call.keywords
    )
    if (
        attr in {"save", "delete"}
        and not call.args
        and not deferred
        and "session" not in names[:-1]
        and names[-2:-1] != ["response"]
    ):
        return f"{'.'.join(names[-2:])}()"
    return None


def direct_writes(source: str, path: str) -> set[str]:
    found = set()
    for function in ast.walk(ast.parse(source)):
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            for node in ast.walk(function):
                if isinstance(node, ast.Call) and (what := _write(node)):
                    found.add(f"{path}::{function.name}: {what}")
    return found


def _scan() -> set[str]:
    found: set[str] = set()
    for base in SCANNED:
        for path in sorted((ROOT / base).rglob("*.py")):
            relative = str(path.relative_to(ROOT))
            if relative not in EXEMPT:
                found |= direct_writes(path.read_text(encoding="utf-8"), relative)
    return found


def test_no_new_direct_write_in_views_or_api() -> None:
    new = sorted(_scan() - KNOWN)
    assert not new, "write through a service (which audits), not in the view or API:\n" + "\n".join(new)


def test_the_known_debt_only_shrinks() -> None:
    fixed = sorted(KNOWN - _scan())
    assert not fixed, "no longer found: remove from KNOWN:\n" + "\n".join(fixed)


@pytest.mark.parametrize(
    ("line", "what"),
    [
        ("Person.objects.create(sex='F')", "Person.objects...create"),
        ("Note.objects.filter(pk=1).update(body='')", "Note.objects...update"),
        ("person.notes.filter(pk=1).delete()", "queryset.delete"),
        ("note.save()", "note.save()"),
        ("form.save()", "form.save()"),
        ("audit_record(actor=a, action='read', event='x')", "audit_record"),
        ("AuditEvent(event='x')", "AuditEvent"),
    ],
)
def test_each_kind_of_write_is_seen(line: str, what: str) -> None:
    assert direct_writes(f"def view(request):\n    {line}\n", "v.py") == {f"v.py::view: {what}"}


@pytest.mark.parametrize(
    "line",
    [
        "request.session.save()",
        "context.update({'a': 1})",
        "response.delete_cookie('x')",
        "cache.delete('k')",
        "form.save(commit=False)",
    ],
)
def test_what_is_not_a_model_write_is_not_reported(line: str) -> None:
    assert direct_writes(f"def view(request):\n    {line}\n", "v.py") == set()
