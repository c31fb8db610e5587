"""``backup_restore FILE [--force]``: restore an archive made by ``backup_create``, then verify it."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ancrage.ops.backup import BackupError, backup_restore, backup_verify


class Command(BaseCommand):
    help = "Restaure une sauvegarde (base de données et fichiers déposés) puis la vérifie contre son manifeste."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--force", action="store_true", help="Remplacer une base de données qui contient déjà des données."
        )
        parser.add_argument(
            "--verify-only", action="store_true", help="Vérifier l'archive (clé, intégrité) sans rien restaurer."
        )

    def handle(self, *args, **options) -> None:
        try:
            if options["verify_only"]:
                manifest = backup_verify(archive=options["archive"])
                self.stdout.write(
                    _("Archive authentique, créée le %(date)s (%(vendor)s).")
                    % {"date": manifest["created_at"], "vendor": manifest["database"]["vendor"]}
                )
                return
            result = backup_restore(archive=options["archive"], force=options["force"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _(
                "Sauvegarde du %(date)s restaurée et vérifiée : %(tables)d tables, %(rows)d lignes, "
                "%(media)d fichiers identiques au manifeste."
            )
            % {
                "date": result.manifest["created_at"],
                "tables": result.tables,
                "rows": result.rows,
                "media": result.media_files,
            }
        )
