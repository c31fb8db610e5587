"""Backups: an encrypted snapshot of the database and media, restored and proven identical."""

import base64
import secrets

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from ancrage.audit.models import AuditEvent
from ancrage.ops.backup import (
    HEADER_SIZE,
    BackupError,
    backup_create,
    backup_restore,
    database_digests,
    media_digests,
)
from ancrage.organisations.models import User
from ancrage.persons.models import Person
from ancrage.referrals.attachments import attachment_add
from ancrage.referrals.models import Referral
from ancrage.referrals.services import referral_transition
from tests.factories import PersonFactory

KEY = secrets.token_bytes(32)
PDF = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n"


@pytest.fixture
def _backup_key(settings):
    settings.BACKUP_KEY = base64.b64encode(KEY).decode()


@pytest.fixture
def _empty_audit_at_teardown(transactional_db):
    """SQLite's flush deletes row by row and the audit table refuses deletes: empty it with the trigger off."""
    yield
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER IF EXISTS audit_auditevent_no_delete")
            cursor.execute("DELETE FROM audit_auditevent")
            cursor.execute(
                "CREATE TRIGGER audit_auditevent_no_delete BEFORE DELETE ON audit_auditevent "
                "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;"
            )


@pytest.fixture
def activity(_empty_audit_at_teardown, cast, followed, draft, settings):
    """Amina's work: persons, a referral sent with an attachment (a media file), and their audit events."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    PersonFactory.create_batch(3)
    sent = referral_transition(actor=cast.amina.actor, referral=draft, name="send", expected_version=draft.version)
    attachment_add(
        actor=cast.amina.actor,
        referral=sent,
        upload=SimpleUploadedFile("bilan.pdf", PDF, content_type="application/pdf"),
    )
    return sent


def _tamper(path, offset):
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_backup_key")
def test_a_backup_restores_every_table_and_media_file_identically(activity, cast, tmp_path, settings):
    assert AuditEvent.objects.filter(event="referral.attachment.add").exists()
    before_media = media_digests(settings.MEDIA_ROOT)
    assert len(before_media) == 1

    result = backup_create(output_dir=tmp_path)
    before = result.manifest["tables"]
    assert before["persons_person"]["rows"] == Person.objects.count() >= 4
    assert before["audit_auditevent"]["rows"] == AuditEvent.objects.count() > 0
    assert result.manifest["media"] == before_media
    assert before == database_digests()  # the manifest describes the database as it was

    # Then things change: a referral and a person are edited, audit grows, the file is lost.
    Referral.objects.filter(pk=activity.pk).update(reason="Effacé")
    Person.objects.filter(pk=Person.objects.first().pk).update(birth_place="ÉCRASÉ")
    AuditEvent.objects.create(action="read", event="person.read")
    for entry in before_media:
        (settings.MEDIA_ROOT / entry["path"]).unlink()
    (settings.MEDIA_ROOT / "intrus.txt").write_text("not in the backup")
    changed = database_digests()
    assert changed != before

    with pytest.raises(BackupError, match="--force"):
        backup_restore(archive=result.path)
    assert database_digests() == changed  # refused: nothing touched

    restored = backup_restore(archive=result.path, force=True)
    assert restored.mismatches == []
    assert database_digests() == before
    assert media_digests(settings.MEDIA_ROOT) == before_media
    assert Referral.objects.get(pk=activity.pk).reason == "Inscription"
    assert User.objects.filter(email=cast.amina.user.email).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_backup_key")
def test_a_wrong_key_or_a_tampered_archive_is_refused_and_nothing_is_touched(activity, tmp_path, settings):
    archive = backup_create(output_dir=tmp_path).path
    Person.objects.update(birth_place="MODIFIÉ")
    state = database_digests()

    with pytest.raises(BackupError, match="n'est pas celle de cette archive"):
        backup_restore(archive=archive, force=True, key=secrets.token_bytes(32))
    for offset in (HEADER_SIZE + 10, archive.stat().st_size - 1):  # ciphertext, then the tag
        copy = tmp_path / f"tampered-{offset}.ancbak"
        copy.write_bytes(archive.read_bytes())
        _tamper(copy, offset)
        with pytest.raises(BackupError, match="altérée"):
            backup_restore(archive=copy, force=True)
    truncated = tmp_path / "truncated.ancbak"
    truncated.write_bytes(archive.read_bytes()[:-100])
    with pytest.raises(BackupError, match="altérée"):
        backup_restore(archive=truncated, force=True)
    assert database_digests() == state


@pytest.mark.django_db(transaction=True)
def test_commands_back_up_and_restore_and_explain_a_refusal(activity, tmp_path, settings, capsys):
    settings.BACKUP_KEY = ""
    settings.VAR_DIR = tmp_path / "var"
    call_command("backup_create", "--output", str(tmp_path / "out"))  # dev: a key file is made in var/
    assert (tmp_path / "var" / "backup.key").stat().st_mode & 0o077 == 0
    (archive,) = (tmp_path / "out").glob("*.ancbak")
    assert "Sauvegarde écrite" in capsys.readouterr().out
    call_command("backup_restore", str(archive), "--verify-only")
    assert "Archive authentique" in capsys.readouterr().out
    with pytest.raises(CommandError, match="--force"):
        call_command("backup_restore", str(archive))
    call_command("backup_restore", str(archive), "--force")
    assert "identiques au manifeste" in capsys.readouterr().out

    settings.BACKUP_KEY = base64.b64encode(secrets.token_bytes(32)).decode()
    with pytest.raises(CommandError, match="BACKUP_KEY"):
        call_command("backup_restore", str(archive), "--force")


def test_production_refuses_to_back_up_without_a_key(db, settings, tmp_path):
    settings.BACKUP_KEY = ""
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="BACKUP_KEY"):
        call_command("backup_create", "--output", str(tmp_path))
    assert not list(tmp_path.iterdir())


def test_a_malformed_key_is_explained(db, settings, tmp_path):
    settings.BACKUP_KEY = base64.b64encode(b"short").decode()
    with pytest.raises(CommandError, match="32 octets"):
        call_command("backup_create", "--output", str(tmp_path))
