import json
from pathlib import Path

from django.core.management.base import BaseCommand

from ancrage.directory.exchange import export_directory


class Command(BaseCommand):
    help = "Exporte l'annuaire au format JSON data·inclusion (chaque fiche validée par data_inclusion.schema.v1)."

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="Fichier à écrire (« - » pour la sortie standard).")
        parser.add_argument("--active-only", action="store_true", help="Seulement les services actifs.")

    def handle(self, *args, output: str, active_only: bool, **options):
        data = export_directory(only_active=active_only)
        text = json.dumps(data, ensure_ascii=False, indent=2)
        if output == "-":
            self.stdout.write(text)
            return
        Path(output).write_text(text + "\n", encoding="utf-8")
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(data['structures'])} structures et {len(data['services'])} services exportés dans {output}."
            )
        )
