"""Answering a referral without an account: a signed, single-use, expiring link sent to the service's contact."""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Referral, ReferralLink

SALT = "ancrage.referrals.link"


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def link_issue(*, referral: Referral, base_url: str | None = None) -> str | None:
    """Create the link and e-mail it to the service's referral contact (no personal data in the e-mail)."""
    base_url = settings.SITE_URL if base_url is None else base_url
    email = referral.service.contact_email
    if not email:
        return None
    secret = secrets.token_urlsafe(32)
    link = ReferralLink.objects.create(
        referral=referral,
        token_hash=_hash(secret),
        email=email,
        expires_at=(referral.expires_at or timezone.now()) + dt.timedelta(days=1),
    )
    token = signing.dumps({"l": link.pk, "s": secret}, salt=SALT)
    url = base_url + reverse("referrals:link", args=[token])
    body = _(
        "Une orientation vers « %(service)s » vous est adressée via Ancrage. Ce lien personnel permet d'en prendre "
        "connaissance et d'y répondre une seule fois, jusqu'au %(date)s :\n\n%(url)s\n\nNe le transférez pas."
    ) % {"service": referral.service.name, "date": timezone.localtime(link.expires_at).strftime("%d/%m/%Y"), "url": url}
    transaction.on_commit(
        lambda: send_mail(
            _("Ancrage — une orientation vous est adressée"),
            body,
            settings.DEFAULT_FROM_EMAIL,
            [email],
            fail_silently=True,
        )
    )
    return token


class LinkInvalid(Exception):
    """The link is forged, expired or already used: it grants nothing."""


def link_resolve(token: str) -> ReferralLink:
    try:
        data = signing.loads(token, salt=SALT, max_age=dt.timedelta(days=settings.REFERRAL_EXPIRY_DAYS + 1))
    except signing.BadSignature as error:
        raise LinkInvalid(_("Ce lien n'est pas valide ou a expiré.")) from error
    link = (
        ReferralLink.objects.select_related("referral__service__structure", "referral__person")
        .filter(pk=data.get("l"), token_hash=_hash(str(data.get("s", ""))))
        .first()
    )
    if link is None or link.expires_at <= timezone.now():
        raise LinkInvalid(_("Ce lien n'est pas valide ou a expiré."))
    if link.used_at is not None:
        raise LinkInvalid(
            _("Ce lien a déjà servi : une réponse a été enregistrée. Il ne peut être utilisé qu'une fois.")
        )
    return link


def link_consume(link: ReferralLink) -> bool:
    """Mark the link used; False when somebody used it first (single use, even under concurrency)."""
    return bool(ReferralLink.objects.filter(pk=link.pk, used_at__isnull=True).update(used_at=timezone.now()))
