"""``backup_key``: print a new random backup key (the value of ``BACKUP_KEY``)."""

from django.core.management.base import BaseCommand

from ancrage.ops.backup import backup_key_generate


class Command(BaseCommand):
    help = "Affiche une nouvelle clé de sauvegarde aléatoire (base64 de 32 octets) pour BACKUP_KEY."

    def handle(self, *args, **options) -> None:
        self.stdout.write(backup_key_generate())
