from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ancrage.rome.services import DEFAULT_DIR, RomeFilesError, rome_load


class Command(BaseCommand):
    help = (
        "Load (or refresh) the ROME job fiches and appellations of France Travail from "
        "referentiel_code_rome_v<version>.csv and referentiel_appellation_v<version>.csv."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dir", type=Path, default=DEFAULT_DIR, help="Directory holding both CSV files.")

    def handle(self, *args, **options):
        try:
            report = rome_load(directory=options["dir"])
        except RomeFilesError as error:
            raise CommandError(str(error))
        for problem in report.problems:
            self.stderr.write(f"Skipped: {problem}")
        self.stdout.write(
            f"ROME {report.version}: {report.occupations} fiches "
            f"({report.created_occupations} new, {report.updated_occupations} updated), "
            f"{report.appellations} appellations "
            f"({report.created_appellations} new, {report.updated_appellations} updated)"
            + (f", {len(report.problems)} rows skipped" if report.problems else "")
            + (
                f"; kept from an earlier load: {report.stale_occupations} fiches, "
                f"{report.stale_appellations} appellations"
                if report.stale_occupations or report.stale_appellations
                else ""
            )
            + "."
        )
