from pathlib import Path

from django.core.management.base import BaseCommand

from ancrage.territory.services import DEFAULT_GEOJSON, territory_load


class Command(BaseCommand):
    help = "Load a territory's communes (INSEE code, name, boundary) from a GeoJSON file."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=DEFAULT_GEOJSON)
        parser.add_argument("--name", default="Rennes Métropole")
        parser.add_argument("--siren", default="243500139")
        parser.add_argument("--departement", default="35")
        parser.add_argument("--cog", type=int, default=2018)

    def handle(self, *args, **options):
        territory, count = territory_load(
            path=options["file"],
            name=options["name"],
            siren=options["siren"],
            departement=options["departement"],
            cog_vintage=options["cog"],
        )
        self.stdout.write(f"{territory}: {count} communes loaded.")
