"""``manage.py retention_run [--apply] [--today YYYY-MM-DD]``: dry unless ``--apply`` (ADR 9)."""

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ancrage.retention.services import retention_run


class Command(BaseCommand):
    help = "Archive the records without contact for two years, anonymise those archived for the grace period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--apply", action="store_true", help="Change the data (a dry run otherwise).")
        parser.add_argument("--today", help="The reference day, YYYY-MM-DD (today by default).")
        parser.add_argument("--json", action="store_true", help="Print the whole report as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options["today"]:
            try:
                today = dt.date.fromisoformat(options["today"])
            except ValueError as error:
                raise CommandError("--today: a date YYYY-MM-DD is expected.") from error
        run = retention_run(today=today, apply=options["apply"], trigger="command")
        report = run.report
        if options["json"]:
            self.stdout.write(json.dumps(report, indent=2, ensure_ascii=False))
            return
        mode = "APPLIED" if options["apply"] else "DRY RUN (nothing changed; --apply to change the data)"
        self.stdout.write(f"Retention run {run.pk} for {report['today']} — {mode}")
        self.stdout.write(f"  last contact before {report['cutoff']}; grace {report['grace_days']} days")
        self.stdout.write(f"  archived: {report['archived']['count']}")
        self.stdout.write(f"  anonymised: {report['anonymised']['count']}")
        self.stdout.write(f"  kept for an open pathway: {report['open_pathways_kept']}")
        for label, counts in report["rows"].items():
            self.stdout.write(f"    {label}: {counts['changed']} changed, {counts['deleted']} deleted")
        self.stdout.write(f"  files: {report['files']}")
