from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ancrage.directory.exchange import import_directory


class Command(BaseCommand):
    help = (
        'Importe un fichier JSON data·inclusion {"structures": [...], "services": [...]}. Vérifie toutes les '
        "fiches et n'importe rien si l'une est invalide. Simulation par défaut : --wet-run pour écrire."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--wet-run", action="store_true", help="Écrire dans la base (sinon : simulation).")

    def handle(self, *args, file: str, wet_run: bool, **options):
        try:
            text = Path(file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Lecture impossible de {file} : {error}") from error
        report = import_directory(text, wet_run=wet_run)
        if report.problems:
            for problem in report.problems:
                self.stderr.write(problem)
            raise CommandError(f"{len(report.problems)} problème(s) : rien n'a été importé. Corrigez le fichier.")
        if not wet_run:
            self.stdout.write(self.style.WARNING("Simulation : le fichier est valide, rien n'a été écrit (--wet-run)."))
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Structures : {report.structures_created} créées, {report.structures_updated} mises à jour. "
                f"Services : {report.services_created} créés, {report.services_updated} mis à jour."
            )
        )
