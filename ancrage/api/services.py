"""Personal API tokens: issue and revoke, each with its audit event; their last use, kept to the minute."""

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ancrage.audit.models import AuditAction
from ancrage.audit.services import audit_record
from ancrage.organisations.actor import Actor
from ancrage.organisations.models import ApiToken, Membership

# The last use of a token is written at most once a minute: not one UPDATE per API call.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@transaction.atomic
def api_token_issue(*, actor: Actor, name: str, expires_at: datetime | None = None) -> tuple[ApiToken, str]:
    """A new token bound to the actor's current membership; returns it with its key (shown once)."""
    membership = actor.membership
    if membership is None or not Membership.objects.active().filter(pk=membership.pk, user=actor.user).exists():
        raise PermissionDenied(_("Vous devez travailler pour une organisation pour créer un jeton d'API."))
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Donnez un nom au jeton.")})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_on": _("La date d'expiration doit être dans le futur.")})
    token, key = ApiToken.issue(membership=membership, name=name)
    if expires_at is not None:
        token.expires_at = expires_at
        token.save(update_fields=["expires_at"])
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        event="api_token.issue",
        obj=token,
        details={"name": name, "prefix": token.prefix, "expires_at": expires_at.isoformat() if expires_at else None},
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, actor: Actor, token: ApiToken) -> ApiToken:
    """Revoke one of the actor's own tokens, at once."""
    if token.membership.user_id != actor.user.pk:
        raise PermissionDenied
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action=AuditAction.REVOKE,
            event="api_token.revoke",
            obj=token,
            details={"prefix": token.prefix},
        )
    return token


def api_token_used(token: ApiToken, now: datetime) -> None:
    """Record that ``token`` was just used (shown to its owner); no audit event: the call itself has one."""
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
