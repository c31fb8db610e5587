"""``demo_accounts``: the table of demo accounts printed by ``make run``.

It also pre-enrols every demo account (``@demo.ancrage.fr``) that has no second factor yet with a TOTP
device, so a visitor can sign in: on the verification page, in demo mode only, a notice shows the
account's current code (``ancrage.organisations.two_factor.demo_code_notice``).
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from ancrage.demo.cast import ACCOUNTS, DEMO_EMAIL_DOMAIN, DEMO_PASSWORD
from ancrage.organisations.models import Membership, User
from ancrage.organisations.two_factor import TOTP_DEVICE_NAME


def enrol_demo_accounts() -> int:
    """A confirmed TOTP device for each demo account without one (idempotent); returns how many were made."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    users = User.objects.filter(email__endswith=f"@{DEMO_EMAIL_DOMAIN}", is_active=True).exclude(
        totpdevice__confirmed=True
    )
    devices = [TOTPDevice(user=user, name=TOTP_DEVICE_NAME, confirmed=True) for user in users]
    TOTPDevice.objects.bulk_create(devices, batch_size=500)
    return len(devices)


class Command(BaseCommand):
    help = "Affiche les comptes de démonstration et leur mot de passe."

    def handle(self, *args, **options) -> None:
        if not settings.DEMO_MODE:
            self.stdout.write("Mode démonstration désactivé : pas de comptes de démonstration.")
            return
        emails = [account.email for account in ACCOUNTS]
        users = {u.email: u for u in User.objects.filter(email__in=emails, is_active=True)}
        if not users:
            self.stdout.write("La démonstration n'est pas chargée : lancez « make demo » pour la créer.")
            return
        enrol_demo_accounts()
        memberships: dict[int, list[Membership]] = {}
        for membership in (
            Membership.objects.filter(user__in=users.values(), is_active=True)
            .select_related("organisation")
            .order_by("organisation__name")
        ):
            memberships.setdefault(membership.user_id, []).append(membership)
        rows = []
        for account in sorted(ACCOUNTS, key=lambda a: not a.headline):
            user = users.get(account.email)
            if user is None:
                continue
            own = memberships.get(user.pk, [])
            if own:
                for index, membership in enumerate(own):
                    rows.append(
                        (
                            account.email if index == 0 else "",
                            membership.get_role_display(),
                            membership.organisation.display_name,
                        )
                    )
            else:
                rows.append((account.email, account.label or "Administrateur de la plateforme", "—"))
        header = ("Adresse électronique", "Rôle", "Organisation")
        widths = [max(len(str(row[i])) for row in (header, *rows)) for i in range(3)]
        line = "  ".join("-" * w for w in widths)
        self.stdout.write("")
        self.stdout.write(f"Comptes de démonstration — mot de passe pour tous : {DEMO_PASSWORD}")
        self.stdout.write(
            "Double authentification : la page de vérification affiche le code du moment (démonstration seulement)."
        )
        self.stdout.write(line)
        for row in (header, None, *rows):
            if row is None:
                self.stdout.write(line)
                continue
            self.stdout.write("  ".join(str(cell).ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
        self.stdout.write(line)
        generated = User.objects.filter(email__startswith="referent.", email__endswith=f"@{DEMO_EMAIL_DOMAIN}").count()
        if generated:
            self.stdout.write(
                f"Et {generated} autres référents générés (referent.<organisation>.<numéro>@{DEMO_EMAIL_DOMAIN}), "
                "même mot de passe."
            )
        self.stdout.write("")
