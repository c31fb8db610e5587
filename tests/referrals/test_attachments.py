"""Documents joined to a referral: checked on the way in, served only through the access rule, audited."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from ancrage.access.models import AccessGrant
from ancrage.audit.models import AuditEvent
from ancrage.referrals.attachments import attachment_add, attachment_delete, sweep_orphan_files
from ancrage.referrals.links import link_issue
from ancrage.referrals.models import ReferralAttachment
from ancrage.referrals.services import referral_transition
from tests.conftest import login

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def pdf(name="prescription.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def sent(cast, draft):
    return referral_transition(actor=cast.amina.actor, referral=draft, name="send", expected_version=draft.version)


def test_sender_joins_a_pdf_stored_under_a_random_name_and_audited(cast, sent):
    attachment = attachment_add(actor=cast.amina.actor, referral=sent, upload=pdf("Ordonnance Farid.pdf"))
    assert attachment.name == "Ordonnance_Farid.pdf"
    assert attachment.content_type == "application/pdf"
    assert attachment.size == len(PDF)
    assert "Farid" not in attachment.file.name  # the stored name says nothing about the person
    assert default_storage.exists(attachment.file.name)
    event = AuditEvent.objects.get(event="referral.attachment.add")
    assert event.person_id == sent.person_id and event.details["sha256"] == attachment.sha256


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("cv.pdf", b"MZ\x90\x00 this is a program", "n'est pas un fichier accepté"),
        ("photo.png", b"", "est vide"),
        ("page.html", b"<html><script>alert(1)</script>", "n'est pas un fichier accepté"),
    ],
)
def test_the_type_is_read_from_the_content_not_the_name(cast, sent, name, content, message):
    with pytest.raises(ValidationError) as error:
        attachment_add(actor=cast.amina.actor, referral=sent, upload=SimpleUploadedFile(name, content))
    assert message in " ".join(error.value.messages)
    assert not ReferralAttachment.objects.exists()


def test_a_png_named_pdf_is_stored_as_png(cast, sent):
    attachment = attachment_add(actor=cast.amina.actor, referral=sent, upload=pdf("scan.pdf", PNG))
    assert attachment.content_type == "image/png" and attachment.name == "scan.png"


def test_size_and_count_limits(cast, sent, settings):
    settings.REFERRAL_ATTACHMENT_MAX_BYTES = 100
    with pytest.raises(ValidationError, match="trop volumineux"):
        attachment_add(actor=cast.amina.actor, referral=sent, upload=pdf(content=PDF + b"x" * 100))
    settings.REFERRAL_ATTACHMENTS_MAX = 2
    attachment_add(actor=cast.amina.actor, referral=sent, upload=pdf())
    attachment_add(actor=cast.marc.actor, referral=sent, upload=pdf())
    with pytest.raises(ValidationError, match="déjà 2 pièces jointes"):
        attachment_add(actor=cast.amina.actor, referral=sent, upload=pdf())


def test_outsiders_and_closed_referrals_take_no_documents(cast, sent):
    with pytest.raises(PermissionDenied):
        attachment_add(actor=cast.hugo.actor, referral=sent, upload=pdf())
    with pytest.raises(PermissionDenied):
        attachment_add(actor=cast.claire.actor, referral=sent, upload=pdf())
    closed = referral_transition(actor=cast.amina.actor, referral=sent, name="cancel", expected_version=sent.version)
    with pytest.raises(PermissionDenied):
        attachment_add(actor=cast.amina.actor, referral=closed, upload=pdf())


def test_only_the_organisation_that_joined_a_document_removes_it(cast, sent):
    attachment = attachment_add(actor=cast.amina.actor, referral=sent, upload=pdf())
    stored = attachment.file.name
    with pytest.raises(PermissionDenied):
        attachment_delete(actor=cast.marc.actor, attachment=attachment)
    with django_capture_on_commit():
        attachment_delete(actor=cast.olivier.actor, attachment=attachment)
    assert not ReferralAttachment.objects.exists()
    assert not default_storage.exists(stored)
    assert AuditEvent.objects.filter(event="referral.attachment.delete", person_id=sent.person_id).exists()


def django_capture_on_commit():
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)


def test_download_is_an_audited_attachment_for_both_sides(client, cast, sent):
    attachment = attachment_add(actor=cast.amina.actor, referral=sent, upload=pdf())
    url = reverse("referrals:attachment_download", args=[sent.pk, attachment.pk])
    for persona in (cast.amina, cast.marc):
        response = login(client, persona).get(url)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == PDF
        assert AuditEvent.objects.filter(
            event="referral.attachment.read", user=persona.user, person_id=sent.person_id, action="export"
        ).exists()
    assert login(client, cast.hugo).get(url).status_code == 404


def test_recipient_loses_documents_when_the_grant_lapses_the_sender_keeps_them(client, cast, sent):
    attachment = attachment_add(actor=cast.amina.actor, referral=sent, upload=pdf())
    url = reverse("referrals:attachment_download", args=[sent.pk, attachment.pk])
    referral = referral_transition(actor=cast.marc.actor, referral=sent, name="accept", expected_version=sent.version)
    referral = referral_transition(
        actor=cast.marc.actor, referral=referral, name="complete", expected_version=referral.version
    )
    assert login(client, cast.marc).get(url).status_code == 200  # closed, but within the sharing delay
    past = timezone.now() - dt.timedelta(days=60)
    AccessGrant.objects.filter(referral_id=referral.pk).update(starts_at=past, expires_at=past + dt.timedelta(days=30))
    assert login(client, cast.marc).get(url).status_code == 404
    page = client.get(reverse("referrals:detail", args=[referral.pk]))
    assert b"prescription.pdf" not in page.content
    assert "ne sont plus accessibles" in page.content.decode()
    assert login(client, cast.amina).get(url).status_code == 200


def test_a_valid_answer_link_serves_the_documents_once_used_nothing(client, cast, sent, service):
    from ancrage.directory.models import Service

    Service.objects.filter(pk=service.pk).update(contact_email="accueil@example.org")
    sent.service.refresh_from_db()
    attachment = attachment_add(actor=cast.amina.actor, referral=sent, upload=pdf())
    token = link_issue(referral=sent)
    url = reverse("referrals:link_attachment", args=[token, attachment.pk])
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert AuditEvent.objects.filter(event="referral.attachment.read", user=None).exists()
    page = client.get(reverse("referrals:link", args=[token]))
    assert url in page.content.decode()
    client.post(reverse("referrals:link", args=[token]), {"answer": "accept"})
    assert client.get(url).status_code == 410
    assert client.get(reverse("referrals:link_attachment", args=[token + "x", attachment.pk])).status_code == 410


def test_the_referral_form_sends_documents_with_the_referral(client, cast, followed, service, consent):
    login(client, cast.amina)
    url = reverse("referrals:create", args=[followed.pk])
    data = {"service": service.pk, "reason": "Cours", "sections": ["language"], "consent": consent.pk, "send": "1"}
    bad = client.post(url, {**data, "attachments": [SimpleUploadedFile("virus.pdf", b"MZ\x90")]})
    assert bad.status_code == 200
    assert "virus.pdf » n&#x27;est pas un fichier accepté" in bad.content.decode()
    assert "Cours" in bad.content.decode()  # the rest of the form is kept
    assert not followed.referrals.exists()
    good = client.post(url, {**data, "attachments": [pdf(), pdf("bilan.pdf")]})
    referral = followed.referrals.get()
    assert good.status_code == 302 and referral.status == "sent"
    assert sorted(referral.attachments.values_list("name", flat=True)) == ["bilan.pdf", "prescription.pdf"]


def test_the_detail_page_adds_and_lists_documents(client, cast, sent):
    login(client, cast.marc)
    response = client.post(reverse("referrals:attachment_add", args=[sent.pk]), {"files": [pdf("attestation.pdf")]})
    assert response.status_code == 302
    page = client.get(reverse("referrals:detail", args=[sent.pk])).content.decode()
    assert "attestation.pdf" in page
    refused = client.post(reverse("referrals:attachment_add", args=[sent.pk]), {"files": [pdf(content=b"GIF89a")]})
    assert refused.status_code == 302
    assert sent.attachments.count() == 1


def test_api_lists_and_serves_documents_under_the_same_rules(client, cast, sent):
    attachment = attachment_add(actor=cast.amina.actor, referral=sent, upload=pdf())
    detail = login(client, cast.marc).get(reverse("api:referral_detail", args=[sent.pk])).json()
    assert [a["name"] for a in detail["attachments"]] == ["prescription.pdf"]
    download = client.get(reverse("api:referral_attachment", args=[sent.pk, attachment.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert (
        login(client, cast.hugo).get(reverse("api:referral_attachment", args=[sent.pk, attachment.pk])).status_code
        == 404
    )


def test_sweep_removes_files_left_by_a_rolled_back_upload(cast, sent):
    kept = attachment_add(actor=cast.amina.actor, referral=sent, upload=pdf())
    orphan = default_storage.save(f"referrals/{sent.pk}/orphan.pdf", pdf())
    assert sweep_orphan_files(older_than=dt.timedelta(0)) == 1
    assert not default_storage.exists(orphan) and default_storage.exists(kept.file.name)
