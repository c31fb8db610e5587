"""Documents joined to a referral: checked on the way in, served only through an access check.

The type is read from the file's first bytes, never trusted from its name or the browser's claim;
the stored name is random; every addition, download and removal is audited.
"""

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from ancrage.access import perms
from ancrage.audit.models import AuditAction
from ancrage.audit.services import audit_record
from ancrage.organisations.actor import Actor

from .models import Referral, ReferralAttachment


@dataclass(frozen=True)
class FileType:
    content_type: str
    extension: str
    magic: tuple[bytes, ...]


ACCEPTED_TYPES = (
    FileType("application/pdf", ".pdf", (b"%PDF-",)),
    FileType("image/jpeg", ".jpg", (b"\xff\xd8\xff",)),
    FileType("image/png", ".png", (b"\x89PNG\r\n\x1a\n",)),
)
ACCEPTED_LABEL = "PDF, JPEG, PNG"


def sniff(head: bytes) -> FileType | None:
    """The accepted type whose signature starts the file, if any."""
    for file_type in ACCEPTED_TYPES:
        if any(head.startswith(magic) for magic in file_type.magic):
            return file_type
    return None


def check_upload(upload: UploadedFile) -> FileType:
    """Size and type of one uploaded file, with a message in French naming the file."""
    name = upload.name or "?"
    if not upload.size:
        raise ValidationError(_("« %(name)s » est vide.") % {"name": name})
    if upload.size > settings.REFERRAL_ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _("« %(name)s » est trop volumineux (%(size)s) : %(max)s au plus.")
            % {
                "name": name,
                "size": filesizeformat(upload.size),
                "max": filesizeformat(settings.REFERRAL_ATTACHMENT_MAX_BYTES),
            }
        )
    upload.seek(0)
    file_type = sniff(upload.read(16))
    upload.seek(0)
    if file_type is None:
        raise ValidationError(
            _("« %(name)s » n'est pas un fichier accepté (%(types)s).") % {"name": name, "types": ACCEPTED_LABEL}
        )
    return file_type


def _clean_name(name: str, file_type: FileType) -> str:
    stem = (name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    safe = get_valid_filename(stem[:100]) if stem.strip(" .") else "document"
    return f"{safe}{file_type.extension}"


@transaction.atomic
def attachment_add(*, actor: Actor, referral: Referral, upload: UploadedFile) -> ReferralAttachment:
    if not perms.can_attach_to_referral(actor, referral):
        raise PermissionDenied
    # Lock the referral row so two uploads at once cannot pass the count together.
    Referral.objects.select_for_update().filter(pk=referral.pk).first()
    if referral.attachments.count() >= settings.REFERRAL_ATTACHMENTS_MAX:
        raise ValidationError(
            _("Cette orientation a déjà %(max)s pièces jointes : retirez-en une avant d'en ajouter.")
            % {"max": settings.REFERRAL_ATTACHMENTS_MAX}
        )
    file_type = check_upload(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    name = _clean_name(upload.name or "", file_type)
    attachment = ReferralAttachment(
        referral=referral,
        name=name,
        content_type=file_type.content_type,
        size=upload.size or 0,
        sha256=digest.hexdigest(),
        uploaded_by=actor.user,
        uploaded_by_organisation_id=actor.org_id,
    )
    attachment.file.save(name, upload, save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        event="referral.attachment.add",
        person_id=referral.person_id,
        obj=referral,
        # Ids and codes only: the uploaded file's name may name the person, and audit rows are never rewritten.
        details={"attachment": attachment.pk, "size": attachment.size, "sha256": attachment.sha256},
    )
    return attachment


@transaction.atomic
def attachment_delete(*, actor: Actor, attachment: ReferralAttachment) -> None:
    """The organisation that added a document removes it while the referral is open."""
    referral = attachment.referral
    if not perms.can_attach_to_referral(actor, referral) or attachment.uploaded_by_organisation_id != actor.org_id:
        raise PermissionDenied
    stored = attachment.file.name
    details = {"attachment": attachment.pk}
    attachment.delete()
    transaction.on_commit(lambda: default_storage.delete(stored))
    audit_record(
        actor=actor,
        action=AuditAction.DELETE,
        event="referral.attachment.delete",
        person_id=referral.person_id,
        obj=referral,
        details=details,
    )


def attachment_for_download(
    *, actor: Actor | None, referral: Referral, attachment_pk: int, via_link: int | None = None
) -> ReferralAttachment:
    """The attachment, once the access rule allows it (or a valid answer link does), audited as an export."""
    if via_link is None and (actor is None or not perms.can_view_referral_attachments(actor, referral)):
        raise Http404
    attachment = referral.attachments.filter(pk=attachment_pk).first()
    if attachment is None:
        raise Http404
    audit_record(
        actor=actor,
        action=AuditAction.EXPORT,
        event="referral.attachment.read",
        person_id=referral.person_id,
        obj=referral,
        details={"attachment": attachment.pk} | ({"link": via_link} if via_link else {}),
    )
    return attachment


def attachment_response(attachment: ReferralAttachment) -> FileResponse:
    """Always a download (never rendered inline), never cached, never type-sniffed by the browser."""
    response = FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.name, content_type=attachment.content_type
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def sweep_orphan_files(*, older_than: dt.timedelta = dt.timedelta(hours=1)) -> int:
    """Remove stored files no attachment points to (an upload whose transaction rolled back)."""
    known = set(ReferralAttachment.objects.values_list("file", flat=True))
    removed = 0
    cutoff = timezone.now() - older_than
    try:
        folders, _files = default_storage.listdir("referrals")
    except FileNotFoundError:
        return 0
    for folder in folders:
        _dirs, files = default_storage.listdir(f"referrals/{folder}")
        for filename in files:
            path = f"referrals/{folder}/{filename}"
            if path not in known and default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
                removed += 1
    return removed
