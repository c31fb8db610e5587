"""Prepare the demo accounts for a load test (run with Django set up, by ``loadtest/run.py``).

For each active demo account (référents, partner agents, coordinators), give its TOTP device a fresh
key that the simulated users know, clear any login lockout, and write ``[{email, role, key}]`` to the
file given as argument. Refused when ``ANCRAGE_ENV=production``: it rewrites second-factor keys.
"""

import json
import secrets
import sys
from pathlib import Path


def main(output: Path) -> int:
    import django

    django.setup()
    from django.conf import settings
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from ancrage.demo.cast import DEMO_EMAIL_DOMAIN
    from ancrage.organisations.models import Membership, Role

    if settings.PRODUCTION:
        sys.stderr.write("Refusé : le test de charge réécrit les clés TOTP des comptes de démonstration.\n")
        return 2
    roles = {Role.REFERENT: "referent", Role.PARTNER_AGENT: "partner", Role.COORDINATOR: "coordinator"}
    accounts: dict[str, dict[str, str]] = {}
    memberships = (
        Membership.objects.active()
        .filter(user__email__endswith="@" + DEMO_EMAIL_DOMAIN, user__is_active=True, role__in=list(roles))
        .select_related("user")
        .order_by("user__email")
    )
    for membership in memberships:
        user = membership.user
        if user.email in accounts:
            continue
        key = secrets.token_hex(20)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
        if device is None:
            device = TOTPDevice(user=user, name="Application", confirmed=True)
        # A loaded server may take longer than one 30-second step to answer: accept codes 3 steps around.
        device.key, device.last_t, device.drift, device.tolerance = key, -1, 0, 3
        if hasattr(device, "throttling_failure_count"):
            device.throttling_failure_count, device.throttling_failure_timestamp = 0, None
        device.save()
        accounts[user.email] = {"email": user.email, "role": roles[membership.role], "key": key}
    try:
        from axes.models import AccessAttempt

        AccessAttempt.objects.filter(username__in=list(accounts)).delete()
    except Exception:  # noqa: BLE001, S110 - axes not installed or not migrated: nothing to clear
        pass
    output.write_text(json.dumps(list(accounts.values()), indent=1))
    counts: dict[str, int] = {}
    for account in accounts.values():
        counts[account["role"]] = counts.get(account["role"], 0) + 1
    sys.stdout.write(f"Comptes préparés : {counts}\n")
    return 0 if accounts else 1


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
