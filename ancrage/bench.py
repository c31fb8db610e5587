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


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ancrage.settings")
    django.setup()
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from ancrage.organisations.actor import SESSION_KEY
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
    client = Client()
    client.force_login(membership.user)
    session = client.session
    session[SESSION_KEY] = membership.pk
    session.save()

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


if __name__ == "__main__":
    main()
