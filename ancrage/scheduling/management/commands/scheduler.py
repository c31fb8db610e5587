import time

from django.core.management.base import BaseCommand

from ancrage.scheduling.jobs import DAILY_JOBS, tick


class Command(BaseCommand):
    help = "Enqueue the daily jobs for the task worker (run beside `manage.py db_worker`)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="One tick, then exit (for cron or a test).")
        parser.add_argument("--interval", type=int, default=60, help="Seconds between ticks.")

    def handle(self, *args, **options):
        jobs = ", ".join(f"{job.name} ({job.hour} h)" for job in DAILY_JOBS)
        self.stdout.write(f"Daily jobs: {jobs}")
        while True:
            for name in tick():
                self.stdout.write(f"Enqueued {name}.")
            if options["once"]:
                return
            time.sleep(options["interval"])
