"""How long a large spreadsheet import takes (issue 11: 50,000 lines in at most 2 minutes on SQLite).

``bench_import(lines)`` builds a throwaway database (a test database in a temporary file, so the demo
is never touched), generates a CSV of ``lines`` persons with every mapped column, and times the dry
run, the wet run and a re-import of the same file (idempotent: nothing created). ``make bench`` calls
it; on its own::

    .venv/bin/python -m ancrage.imports.bench --lines 50000
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import tempfile
import time
from typing import Any

import django

FIRST = ["Mohammad", "Ahmad", "Zahra", "Fatima", "Ali", "Aster", "Olena", "Yousef", "Mariama", "Idriss", "Sara", "Omar"]
LAST = ["AHMADI", "HAIDARI", "TESFAY", "KOVALENKO", "DIALLO", "RAHIMI", "NOORI", "KAMARA", "AL HASSAN", "BARRY"]
NATIONALITIES = ["afghane", "érythréenne", "syrienne", "ukrainienne", "guinéenne", "soudanaise"]
COMMUNES = ["Rennes", "Cesson-Sévigné", "Bruz", "Chantepie", "Saint-Jacques-de-la-Lande"]
HOUSING = ["CADA", "115", "hébergée chez un tiers", "logement social"]
LEVELS = ["A1", "A2", "B1", "non scolarisé"]
LANGUAGES = ["dari, pachto", "tigrigna", "arabe", "ukrainien / russe", "peul, soussou"]
PROTECTIONS = ["réfugié", "protection subsidiaire", "protection temporaire"]
HEADER = [
    "N° dossier",
    "Nom",
    "Prénom",
    "Sexe",
    "Date de naissance",
    "Nationalité",
    "Protection",
    "Téléphone",
    "Commune",
    "Hébergement",
    "Niveau de français",
    "Langues parlées",
    "Date d'entrée",
    "Programme",
]


def synthetic_csv(lines: int, *, seed: int = 11) -> bytes:
    """A Windows-1252-free UTF-8 CSV (``;``) of ``lines`` distinct persons."""
    rng = random.Random(seed)  # noqa: S311 — synthetic test data, not secrets
    out = [";".join(HEADER)]
    for n in range(lines):
        born = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(16000))
        entry = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(600))
        row = [
            f"B-{n:06d}",
            rng.choice(LAST),
            f"{rng.choice(FIRST)} {n}",
            rng.choice("FM"),
            born.strftime("%d/%m/%Y"),
            rng.choice(NATIONALITIES),
            rng.choice(PROTECTIONS),
            f"06 {n // 10000 % 100:02d} {n // 100 % 100:02d} {n % 100:02d} {rng.randrange(100):02d}",
            rng.choice(COMMUNES),
            rng.choice(HOUSING),
            rng.choice(LEVELS),
            rng.choice(LANGUAGES),
            entry.strftime("%d/%m/%Y"),
            "AGIR",
        ]
        out.append(";".join(row))
    return ("\r\n".join(out) + "\r\n").encode("utf-8")


def bench_import(lines: int = 50_000, *, verbose: bool = False) -> dict[str, Any]:
    """Time an import of ``lines`` persons in a throwaway database; returns the figures (seconds)."""
    from django.conf import settings
    from django.db import connection

    from ancrage.imports import services
    from ancrage.organisations.actor import Actor
    from ancrage.organisations.models import Membership, Organisation, OrganisationKind, Role, User
    from ancrage.persons.models import Person
    from ancrage.territory.services import territory_load

    # As the worker runs in production: with DEBUG, every statement would be formatted and kept for the
    # debug page (a tenth of the wet run's time).
    debug, settings.DEBUG = settings.DEBUG, False
    old_name = connection.settings_dict["NAME"]
    folder = tempfile.mkdtemp(prefix="ancrage-bench-")
    if connection.vendor == "sqlite":
        connection.settings_dict.setdefault("TEST", {})["NAME"] = os.path.join(folder, "import-bench.sqlite3")
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        territory_load()
        organisation = Organisation.objects.create(name="Banc d'essai AGIR", kind=OrganisationKind.ASSOCIATION)
        user = User.objects.create_user(email="bench.referente@example.org", password=None)
        membership = Membership.objects.create(user=user, organisation=organisation, role=Role.REFERENT)
        actor = Actor(user=user, membership=membership)
        data = synthetic_csv(lines)

        started = time.perf_counter()
        run = services.import_run_create(actor=actor, name="banc.csv", data=data)
        run = services.import_run_map_columns(actor=actor, run=run, mapping=run.column_mapping)
        read = time.perf_counter()
        run = services.import_run_check(actor=actor, run=run)
        checked = time.perf_counter()
        if verbose:
            print(f"dry run: {run.counters}")  # noqa: T201 — a benchmark reports on the console
        cpu = time.process_time()
        run = services.import_run_execute(actor=actor, run=run)
        written = time.perf_counter()
        cpu = time.process_time() - cpu
        created = Person.objects.count()
        again = services.import_run_create(actor=actor, name="banc.csv", data=data)
        again = services.import_run_map_columns(actor=actor, run=again, mapping=again.column_mapping)
        again = services.import_run_execute(actor=actor, run=services.import_run_check(actor=actor, run=again))
        reimported = time.perf_counter()
        figures = {
            "lines": lines,
            "database": connection.vendor,
            "read_s": round(read - started, 2),
            "dry_run_s": round(checked - read, 2),
            "wet_run_s": round(written - checked, 2),
            # The machine may be shared: the CPU time of the wet run says what it costs on its own.
            "wet_run_cpu_s": round(cpu, 2),
            "total_s": round(written - started, 2),
            "lines_per_s": round(lines / max(written - started, 1e-9)),
            "created": created,
            "rejected": run.counters.get("rejected", 0),
            "reimport_s": round(reimported - written, 2),
            "reimport_created": again.counters.get("created", 0),
            "target_s": 120 * lines / 50_000,
        }
        figures["within_target"] = figures["total_s"] <= figures["target_s"]
        return figures
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        settings.DEBUG = debug


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ancrage.settings")
    django.setup()
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=50_000)
    args = parser.parse_args()
    figures = bench_import(args.lines, verbose=True)
    print(  # noqa: T201 — a benchmark reports on the console
        f"import of {figures['lines']:,} lines ({figures['database']}): read {figures['read_s']} s, dry run "
        f"{figures['dry_run_s']} s, wet run {figures['wet_run_s']} s "
        f"(CPU {figures['wet_run_cpu_s']} s), total {figures['total_s']} s "
        f"({figures['lines_per_s']:,} lines/s; target ≤ {figures['target_s']:.0f} s: "
        f"{'ok' if figures['within_target'] else 'MISSED'}); re-import {figures['reimport_s']} s, "
        f"{figures['reimport_created']} created"
    )


if __name__ == "__main__":
    main()
