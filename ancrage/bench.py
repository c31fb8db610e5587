"""`make bench`: query counts and p50/p95 timings of the main pages and API lists, in one run.

Runs against the configured database (the demo in var/ by default, or DATABASE_URL). Reports, for
each page, the number of SQL queries on its first and on a far page and the ratio of their timings:
a bounded page has the same query count whatever the number of rows.

    make bench BENCH_ARGS="--runs 30"
"""

import argparse
import os
import statistics
import time

import django


def signed_in_client(membership):
    """A test client signed in as the membership's user, second factor verified (with the account's
    TOTP device, made on the demo database if it has none) and organisation chosen, as after a login."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from ancrage.organisations.actor import SESSION_KEY
    from ancrage.organisations.session_expiry import LAST_ACTIVITY_SESSION_KEY

    device = TOTPDevice.objects.filter(user=membership.user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=membership.user, name="Banc d'essai", confirmed=True)
    client = Client()
    client.force_login(membership.user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[SESSION_KEY] = membership.pk
    session[LAST_ACTIVITY_SESSION_KEY] = int(time.time())
    session.save()
    return client


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ancrage.settings")
    django.setup()
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from ancrage.organisations.models import Membership
    from ancrage.pathways.models import Pathway
    from ancrage.persons.models import Person

    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--email", default="amina.referente@demo.ancrage.fr")
    args = parser.parse_args()

    membership = Membership.objects.active().select_related("user").filter(user__email=args.email).first()
    if membership is None:
        raise SystemExit(f"No active membership for {args.email}: load the demo first (make demo).")
    client = signed_in_client(membership)

    pathway = Pathway.objects.filter(operator=membership.organisation).order_by("pk").first()
    person_id = pathway.person_id if pathway else Person.objects.values_list("pk", flat=True).first()
    pages = {
        "caseload, page 1": reverse("persons:list"),
        "caseload, page 40": reverse("persons:list") + "?page=40",
        "caseload, search": reverse("persons:list") + "?q=mohammed",
        "person record": reverse("persons:detail", args=[person_id]),
        "API persons, page 1": "/api/v1/persons",
        "API persons, page 20": "/api/v1/persons?page=20",
        "API person": f"/api/v1/persons/{person_id}",
    }
    print(f"database: {connection.vendor}, persons: {Person.objects.count():,}, runs: {args.runs}")
    print(f"{'page':28} {'queries':>8} {'p50 ms':>9} {'p95 ms':>9}")
    results = {}
    for label, url in pages.items():
        timings = []
        reset_queries()  # each request resets the log: start the capture from an empty one
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (label, response.status_code)
        for _ in range(args.runs):
            start = time.perf_counter()
            client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
        timings.sort()
        p50 = statistics.median(timings)
        p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
        results[label] = p50
        print(f"{label:28} {len(queries):>8} {p50:>9.1f} {p95:>9.1f}")
    ratio = results["caseload, page 40"] / results["caseload, page 1"]
    print(f"ratio caseload page 40 / page 1: {ratio:.2f}")
    ratio = results["API persons, page 20"] / results["API persons, page 1"]
    print(f"ratio API page 20 / page 1: {ratio:.2f}")
    _bench_matching(args.runs, membership)
    _bench_steering(args.runs)


# --- explained matching (issue 4 §4): one person against 2,000 opportunities, one opportunity against
# 10,000 candidates. Synthetic rows are created inside a transaction that is rolled back at the end. ---

MATCHING_OPPORTUNITIES = 2_000
MATCHING_CANDIDATES = 10_000


def _bench_matching(runs: int, membership) -> None:
    import datetime as dt

    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from ancrage.access.models import AccessGrant, GrantOrigin
    from ancrage.access.sections import ALL_SECTIONS
    from ancrage.employment.matching import candidate_ids, rank_candidates, rank_opportunities
    from ancrage.employment.models import Opportunity, TargetOccupation
    from ancrage.organisations.actor import Actor
    from ancrage.pathways.models import Pathway
    from ancrage.persons.models import FrenchAssessment, Person
    from ancrage.rome.models import RomeAppellation

    appellations = list(
        RomeAppellation.objects.filter(rarely_used=False)
        .order_by("code_ogr")
        .values_list("pk", "occupation__code")[::40]
    )
    if not appellations:
        print("matching: the ROME is not loaded (manage.py rome_load), skipped")
        return
    actor = Actor(user=membership.user, membership=membership)
    organisation = membership.organisation
    today = timezone.localdate()

    def measure(label: str, call) -> None:
        with CaptureQueriesContext(connection) as queries:
            call()
        timings = []
        for _ in range(runs):
            actor.cache.clear()
            start = time.perf_counter()
            call()
            timings.append((time.perf_counter() - start) * 1000)
        timings.sort()
        p50 = statistics.median(timings)
        p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
        print(f"{label:46} {len(queries):>8} {p50:>9.1f} {p95:>9.1f}")

    with transaction.atomic():
        missing = MATCHING_OPPORTUNITIES - Opportunity.objects.open().count()
        Opportunity.objects.bulk_create(
            [
                Opportunity(
                    kind="job",
                    title=f"Bench offre {i}",
                    organisation=organisation,
                    appellation_id=appellations[i % len(appellations)][0],
                    rome_code=appellations[i % len(appellations)][1],
                    contract_type="cdi",
                    min_french_level=("A2", "B1", "")[i % 3],
                    licence_required=i % 7 == 0,
                    opened_on=today,
                )
                for i in range(max(0, missing))
            ],
            batch_size=500,
        )
        missing = MATCHING_CANDIDATES - len(candidate_ids(actor))
        actor.cache.clear()
        if missing > 0:
            persons = Person.objects.bulk_create(
                [
                    Person(sex="MF"[i % 2], created_by_organisation=organisation, display_name=f"BENCH {i}")
                    for i in range(missing)
                ],
                batch_size=500,
            )
            pathways = Pathway.objects.bulk_create(
                [
                    Pathway(person=p, programme="agir", operator=organisation, entry_date=today - dt.timedelta(days=60))
                    for p in persons
                ],
                batch_size=500,
            )
            AccessGrant.objects.bulk_create(
                [
                    AccessGrant(
                        person_id=pw.person_id,
                        organisation=organisation,
                        sections=sorted(ALL_SECTIONS),
                        origin=GrantOrigin.PATHWAY,
                        pathway=pw,
                    )
                    for pw in pathways
                ],
                batch_size=500,
            )
            TargetOccupation.objects.bulk_create(
                [
                    TargetOccupation(
                        person=p,
                        appellation_id=appellations[i % len(appellations)][0],
                        rome_code=appellations[i % len(appellations)][1],
                    )
                    for i, p in enumerate(persons)
                ],
                batch_size=500,
            )
            FrenchAssessment.objects.bulk_create(
                [
                    FrenchAssessment(person=p, assessed_on=today, level=("A1", "A2", "B1")[i % 3], kind="tested")
                    for i, p in enumerate(persons)
                ],
                batch_size=500,
            )
        person_id = candidate_ids(actor)[0]
        actor.cache.clear()
        opportunity = Opportunity.objects.open().order_by("pk").first()
        print(f"{'matching':46} {'queries':>8} {'p50 ms':>9} {'p95 ms':>9}")
        measure(
            f"rank {Opportunity.objects.open().count():,} open opportunities",
            lambda: rank_opportunities(person_id, include_blocked=True),
        )
        measure(
            f"rank candidates among {len(candidate_ids(actor)):,} persons",
            lambda: rank_candidates(actor, opportunity, include_blocked=True),
        )
        transaction.set_rollback(True)  # the synthetic rows never stay


# --- the territorial contract (issue 6): the coordinators' overview and the annual report, computed
# from the records on every request (no pre-aggregation). ---


def _bench_steering(runs: int, email: str = "claire.coordination@demo.ancrage.fr") -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from ancrage.organisations.models import Membership
    from ancrage.steering.models import Participation
    from ancrage.steering.report import build_report_data, render_pdf, render_xlsx
    from ancrage.steering.selectors import current_contract, default_year

    contract = current_contract()
    membership = Membership.objects.active().select_related("user").filter(user__email=email).first()
    if contract is None or membership is None:
        print("steering: no demo contract or no coordinator account, skipped")
        return
    client = signed_in_client(membership)
    year = default_year(contract)
    action = contract.actions.order_by("pk").first()
    commune = (
        Participation.objects.filter(action__contract=contract, person__commune__isnull=False)
        .values_list("person__commune_id", flat=True)
        .first()
    )

    def measure(label: str, call, repeat: int) -> None:
        with CaptureQueriesContext(connection) as queries:
            call()
        timings = []
        for _ in range(repeat):
            start = time.perf_counter()
            call()
            timings.append((time.perf_counter() - start) * 1000)
        timings.sort()
        p50 = statistics.median(timings)
        p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
        print(f"{label:46} {len(queries):>8} {p50:>9.1f} {p95:>9.1f}")

    def page(url: str):
        def get() -> None:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return get

    participations = Participation.objects.filter(action__contract=contract).count()
    print(f"steering: {contract.actions.count()} actions, {participations:,} participations")
    print(f"{'contract (coordinator)':46} {'queries':>8} {'p50 ms':>9} {'p95 ms':>9}")
    # Computed on read over the whole population: seconds per request on 100,000 persons, so few runs.
    runs = min(runs, 5)
    overview = reverse("steering:overview")
    measure(f"overview {year}", page(f"{overview}?annee={year}"), runs)
    measure("overview, whole contract", page(f"{overview}?annee=tout"), 3)
    if action is not None:
        measure("action page", page(reverse("steering:action", args=[action.pk]) + f"?annee={year}"), runs)
    if commune:
        measure("commune page", page(reverse("steering:commune", args=[commune]) + f"?annee={year}"), runs)
    repeat = 2
    measure(f"annual report {year}: figures", lambda: build_report_data(contract, year), repeat)
    data = build_report_data(contract, year)
    measure(f"annual report {year}: XLSX", lambda: render_xlsx(data), repeat)
    measure(f"annual report {year}: PDF", lambda: render_pdf(data), repeat)


if __name__ == "__main__":
    main()
