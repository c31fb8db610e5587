from django.core.management.base import BaseCommand

from ancrage.referrals.housekeeping import referrals_housekeeping


class Command(BaseCommand):
    help = "Remind recipients of referrals about to expire, and expire those left unanswered."

    def add_arguments(self, parser):
        parser.add_argument("--base-url", default=None, help="e.g. https://ancrage.example.org, for links in e-mails")

    def handle(self, *args, **options):
        report = referrals_housekeeping(base_url=options["base_url"])
        self.stdout.write(f"{report.reminded} reminder(s) sent, {report.expired} referral(s) expired.")
