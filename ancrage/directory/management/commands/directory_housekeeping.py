from django.core.management.base import BaseCommand

from ancrage.directory.housekeeping import directory_stale_reminders


class Command(BaseCommand):
    help = "Remind organisations whose directory services have not been updated for six months."

    def handle(self, *args, **options):
        count = directory_stale_reminders()
        self.stdout.write(f"{count} organisation(s) reminded.")
