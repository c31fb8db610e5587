"""``linkage_refresh [--train]``: the daily de-duplication run, by hand.

It writes candidate pairs (for review) and the pseudonymous clusters, and never merges a record:
merging is a reviewer's decision. Running it twice does no harm (the second run changes nothing).
"""

from django.core.management.base import BaseCommand, CommandParser

from ancrage.linkage.services import linkage_refresh


class Command(BaseCommand):
    help = (
        "Recherche les doublons probables parmi toutes les fiches (paires à examiner et groupes de fiches) ; "
        "ne fusionne jamais rien."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--train", action="store_true", help="Réentraîner d'abord le modèle sur les fiches du territoire."
        )

    def handle(self, *args, train: bool, **options) -> None:
        report = linkage_refresh(train=train)
        self.stdout.write(
            f"Fiches comparées : {report['records']} ; paires proposées : {report['candidates']} "
            f"(à examiner : {report['pending']}) ; groupes : {report['clusters']} "
            f"({report['clustered_records']} fiches) ; {report['seconds']} s."
        )
