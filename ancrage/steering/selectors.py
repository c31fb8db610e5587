"""Which contract a page is about: the one asked for, else the territory's current one."""

import datetime as dt

from django.utils import timezone

from .models import Contract


def current_contract(today: dt.date | None = None) -> Contract | None:
    """The contract running today (the latest started, amendments included), else the latest one."""
    today = today or timezone.localdate()
    contracts = list(Contract.objects.select_related("territory").order_by("-starts_on", "-id")[:20])
    running = [c for c in contracts if c.starts_on <= today <= c.effective_ends_on]
    if running:
        return running[0]
    return contracts[0] if contracts else None


def default_year(contract: Contract, today: dt.date | None = None) -> int:
    """The year a page shows by default: this year while the contract runs, else its last year."""
    today = today or timezone.localdate()
    last = contract.effective_ends_on.year
    return min(max(today.year, contract.starts_on.year), last)
