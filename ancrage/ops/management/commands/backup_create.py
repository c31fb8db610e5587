"""``backup_create [--output DIR]``: an encrypted archive of the database and the media files."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ancrage.ops.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Sauvegarde chiffrée (AES-256-GCM) de la base de données et des fichiers déposés."

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, help="Dossier de destination (BACKUP_DIR par défaut).")

    def handle(self, *args, **options) -> None:
        try:
            result = backup_create(output_dir=options["output"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        tables = result.manifest["tables"]
        self.stdout.write(
            _("Sauvegarde écrite : %(path)s (%(tables)d tables, %(rows)d lignes, %(media)d fichiers).")
            % {
                "path": result.path,
                "tables": len(tables),
                "rows": sum(t["rows"] for t in tables.values()),
                "media": len(result.manifest["media"]),
            }
        )
