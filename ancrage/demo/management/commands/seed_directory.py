from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ancrage.demo.directory import seed_directory


class Command(BaseCommand):
    help = "Crée ou met à jour les services de démonstration de l'annuaire (environ 150, déterministes)."

    def handle(self, *args, **options):
        if not settings.DEMO_MODE:
            raise CommandError("Mode démonstration désactivé : aucune donnée fictive n'est créée sur cette instance.")
        counts = seed_directory()
        self.stdout.write(
            self.style.SUCCESS(f"{counts['structures']} structures et {counts['services']} services de démonstration.")
        )
