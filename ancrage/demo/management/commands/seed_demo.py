"""``seed_demo``: the synthetic Rennes Métropole territory used by ``make run`` and ``make demo``."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test.utils import override_settings

from ancrage.deadlines.engine import recompute_all
from ancrage.demo.employment import RomeNotLoaded, rome_missing_message
from ancrage.demo.generator import DemoGenerator
from ancrage.persons.models import Person
from ancrage.rome.models import RomeAppellation
from ancrage.territory.models import Commune
from ancrage.territory.services import territory_load


class Command(BaseCommand):
    help = "Crée un territoire de démonstration (Rennes Métropole) : organisations, comptes et personnes fictives."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--persons", type=int, default=5000, help="Nombre de personnes à créer (5000 par défaut).")
        parser.add_argument(
            "--if-empty", action="store_true", help="Ne rien faire si la base contient déjà des personnes."
        )
        parser.add_argument(
            "--seed", type=int, default=42, help="Graine du générateur : la même graine donne les mêmes personnes."
        )

    def handle(self, *args, persons: int, if_empty: bool, seed: int, **options) -> None:
        if not settings.DEMO_MODE:
            raise CommandError(
                "Mode démonstration désactivé (DEMO_MODE=False) : aucune donnée fictive n'est créée sur cette instance."
            )
        if persons < 0:
            raise CommandError("--persons doit être un nombre positif ou nul.")
        if if_empty and Person.objects.exists():
            self.stdout.write("La base contient déjà des personnes : données de démonstration non créées.")
            return
        if not RomeAppellation.objects.exists():
            raise CommandError(rome_missing_message())
        if not Commune.objects.exists():
            territory, count = territory_load()
            self.stdout.write(f"Territoire chargé : {territory} ({count} communes).")
        self.stdout.write(f"Création du territoire de démonstration : {persons} personnes (graine {seed})…")
        # The referrals and notifications seeded go through the services, which e-mail their recipients:
        # nobody is to receive them (hundreds of messages to the demo accounts, through the SMTP server
        # of a staging instance).
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            self._seed(persons, seed)

    def _seed(self, persons: int, seed: int) -> None:
        from ancrage.demo.duplicates import duplicate_count, seed_duplicates

        duplicates = duplicate_count(persons)  # second records, counted in --persons
        try:
            summary = DemoGenerator(persons=persons - duplicates, seed=seed, log=self.stdout.write).run()
        except RomeNotLoaded as error:
            raise CommandError(str(error)) from error
        # Second records of some persons (issue 11), before the deadlines so that they get theirs too.
        from ancrage.organisations.models import User

        amina = User.objects.filter(email="amina.referente@demo.ancrage.fr").values_list("pk", flat=True).first()
        summary["counts"].update(seed_duplicates(seed=seed, count=duplicates, amina_id=amina, log=self.stdout.write))
        self.stdout.write("Lignes créées :")
        for label, count in sorted(summary["counts"].items()):
            self.stdout.write(f"  {label:<38} {count:>10}")
        # Bulk writes send no signals: the deadlines (issue 5) are computed once everything is written.
        started = time.monotonic()
        written = recompute_all()
        self.stdout.write(f"Échéances calculées : {written} ({time.monotonic() - started:.1f} s).")
        # De-duplication (issue 11): train the model on the territory, store candidates and clusters.
        from ancrage.linkage.services import linkage_refresh

        report = linkage_refresh(train=True)
        self.stdout.write(
            f"Doublons probables : {report['candidates']} paires, {report['clusters']} groupes "
            f"({report['seconds']:.1f} s)."
        )
        if connection.vendor == "postgresql":
            # Planner statistics for the freshly bulk-loaded tables (autovacuum would only catch up later).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(self.style.SUCCESS(f"Terminé en {summary['elapsed']:.1f} s."))
