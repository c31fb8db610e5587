"""Encrypted, verifiable backups of the database and the media files.

One backup is one file: a gzipped tar holding ``manifest.json``, the database snapshot
(``database.sqlite3`` made with SQLite's online backup API, or ``database.pgdump`` made with
``pg_dump -Fc``) and ``media/…``, encrypted with AES-256-GCM.

File layout: ``MAGIC`` (8 bytes) · key check (8 bytes) · nonce (12 bytes) · ciphertext · GCM tag (16 bytes).
The header is authenticated with the ciphertext. The key check (an HMAC of a constant) tells a wrong
key from a tampered file before anything is decrypted.

The manifest lists, for every table, its row count and a SHA-256 of its rows in primary-key order
(each row as the database prints it: ``quote()`` on SQLite, ``ROW(...)::text`` on PostgreSQL), and
every media file with its size and SHA-256. A restore checks the tag first (a wrong key or a
tampered archive is refused and nothing is touched), restores, then recomputes everything and
compares it with the manifest.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.db import connection, connections, transaction
from django.utils.translation import gettext as _

from ancrage.audit.models import AuditAction
from ancrage.audit.services import audit_record

FORMAT_VERSION = 1
MAGIC = b"ANCRBAK1"
KEY_CHECK_SIZE = 8
NONCE_SIZE = 12
TAG_SIZE = 16
HEADER_SIZE = len(MAGIC) + KEY_CHECK_SIZE + NONCE_SIZE
CHUNK = 1024 * 1024
SUFFIX = ".ancbak"
MANIFEST = "manifest.json"
DB_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
MEDIA_PREFIX = "media"
DEV_KEY_FILE = "backup.key"


class BackupError(Exception):
    """A backup or a restore was refused or failed; the message is for the person at the terminal."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    manifest: dict[str, Any]


@dataclass(frozen=True)
class RestoreResult:
    manifest: dict[str, Any]
    tables: int
    rows: int
    media_files: int
    mismatches: list[str] = field(default_factory=list)


# --- keys -----------------------------------------------------------------------------------------


def backup_key_generate() -> str:
    """A new random key, base64 of 32 bytes (the value of ``BACKUP_KEY``)."""
    return base64.b64encode(secrets.token_bytes(32)).decode()


def _decode_key(value: str) -> bytes:
    try:
        key = base64.b64decode(value.strip(), altchars=b"-_" if ("-" in value or "_" in value) else None, validate=True)
    except ValueError as exc:
        raise BackupError(_("BACKUP_KEY n'est pas du base64 valide.")) from exc
    if len(key) != 32:
        raise BackupError(_("BACKUP_KEY doit encoder exactement 32 octets (AES-256)."))
    return key


def backup_key_load(*, create: bool = False) -> bytes:
    """The backup key: ``BACKUP_KEY``; outside production, a key file in ``var/`` (made if ``create``)."""
    if settings.BACKUP_KEY:
        return _decode_key(settings.BACKUP_KEY)
    if settings.PRODUCTION:
        raise BackupError(
            _("Aucune clé de sauvegarde : définissez BACKUP_KEY (générez-la avec « manage.py backup_key »).")
        )
    path = Path(settings.VAR_DIR) / DEV_KEY_FILE
    if path.exists():
        return _decode_key(path.read_text())
    if not create:
        raise BackupError(_("Aucune clé de sauvegarde : définissez BACKUP_KEY."))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(backup_key_generate() + "\n")
    return _decode_key(path.read_text())


def _key_check(key: bytes) -> bytes:
    return hmac.new(key, b"ancrage-backup-key-check", hashlib.sha256).digest()[:KEY_CHECK_SIZE]


# --- encryption -----------------------------------------------------------------------------------


def encrypt_file(*, source: Path, target: Path, key: bytes) -> None:
    """Encrypt ``source`` into ``target`` (streamed; the header is authenticated too)."""
    nonce = secrets.token_bytes(NONCE_SIZE)
    header = MAGIC + _key_check(key) + nonce
    encryptor = Cipher(algorithms.AES(key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(header)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with source.open("rb") as src, os.fdopen(fd, "wb") as dst:
        dst.write(header)
        while chunk := src.read(CHUNK):
            dst.write(encryptor.update(chunk))
        dst.write(encryptor.finalize())
        dst.write(encryptor.tag)


def decrypt_file(*, source: Path, target: Path, key: bytes) -> None:
    """Decrypt ``source`` into ``target``; raise ``BackupError`` (and remove ``target``) unless authentic."""
    size = source.stat().st_size
    with source.open("rb") as src:
        header = src.read(HEADER_SIZE)
        if size < HEADER_SIZE + TAG_SIZE or not header.startswith(MAGIC):
            raise BackupError(_("%(file)s n'est pas une sauvegarde Ancrage.") % {"file": source})
        if not hmac.compare_digest(header[len(MAGIC) : len(MAGIC) + KEY_CHECK_SIZE], _key_check(key)):
            raise BackupError(
                _("La clé de sauvegarde (BACKUP_KEY) n'est pas celle de cette archive : rien n'a été modifié.")
            )
        nonce = header[len(MAGIC) + KEY_CHECK_SIZE :]
        decryptor = Cipher(algorithms.AES(key), modes.GCM(nonce)).decryptor()
        decryptor.authenticate_additional_data(header)
        remaining = size - HEADER_SIZE - TAG_SIZE
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "wb") as dst:
                while remaining > 0:
                    chunk = src.read(min(CHUNK, remaining))
                    if not chunk:
                        break
                    remaining -= len(chunk)
                    dst.write(decryptor.update(chunk))
                tag = src.read(TAG_SIZE)
                decryptor.finalize_with_tag(tag)
        except (InvalidTag, ValueError) as exc:
            target.unlink(missing_ok=True)
            raise BackupError(
                _("L'archive est altérée ou incomplète (échec de l'authentification AES-GCM) : rien n'a été modifié.")
            ) from exc


# --- digests --------------------------------------------------------------------------------------


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sqlite_tables(cursor: Any) -> list[str]:
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    return [row[0] for row in cursor.fetchall()]


def _sqlite_rows(cursor: Any, table: str) -> Iterator[str]:
    cursor.execute(f"PRAGMA table_info({_quote(table)})")
    info = cursor.fetchall()
    columns = [row[1] for row in info]
    pk = [row[1] for row in sorted((r for r in info if r[5]), key=lambda r: r[5])]
    order = ", ".join(_quote(c) for c in (pk or columns))
    select = ", ".join(f"quote({_quote(c)})" for c in columns)
    cursor.execute(f"SELECT {select} FROM {_quote(table)} ORDER BY {order}")  # noqa: S608 - names from the schema
    while rows := cursor.fetchmany(2000):
        for row in rows:
            yield ",".join(row)


def _pg_tables(cursor: Any) -> list[str]:
    cursor.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema() ORDER BY c.relname"
    )
    return [row[0] for row in cursor.fetchall()]


def _pg_rows(cursor: Any, table: str) -> Iterator[str]:
    cursor.execute(
        "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
        "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = %s::regclass AND i.indisprimary "
        "ORDER BY array_position(i.indkey, a.attnum)",
        [_quote(table)],
    )
    pk = [row[0] for row in cursor.fetchall()]
    order = ", ".join(f"_r.{_quote(c)}" for c in pk) if pk else "ROW(_r.*)::text"
    cursor.execute(f"SELECT ROW(_r.*)::text FROM {_quote(table)} AS _r ORDER BY {order}")  # noqa: S608
    while rows := cursor.fetchmany(2000):
        for row in rows:
            yield row[0]


def table_digests(cursor: Any, vendor: str) -> dict[str, dict[str, Any]]:
    """Row count and SHA-256 of the rows (in primary-key order) of every table the cursor sees."""
    tables, rows_of = (_sqlite_tables, _sqlite_rows) if vendor == "sqlite" else (_pg_tables, _pg_rows)
    result: dict[str, dict[str, Any]] = {}
    for table in tables(cursor):
        digest = hashlib.sha256()
        count = 0
        for text in rows_of(cursor, table):
            digest.update(text.encode("utf-8", "surrogatepass"))
            digest.update(b"\n")
            count += 1
        result[table] = {"rows": count, "sha256": digest.hexdigest()}
    return result


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _media_files(root: Path) -> Iterable[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def media_digests(root: Path) -> list[dict[str, Any]]:
    """Every file under ``root``: relative POSIX path, size and SHA-256, sorted by path."""
    return [
        {"path": p.relative_to(root).as_posix(), "size": p.stat().st_size, "sha256": _sha256_file(p)}
        for p in _media_files(root)
    ]


def database_digests() -> dict[str, dict[str, Any]]:
    """``table_digests`` of the configured database, read in one consistent transaction."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        return table_digests(cursor, connection.vendor)


# --- snapshot -------------------------------------------------------------------------------------


def _pg_env(settings_dict: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if settings_dict.get(key):
            env[var] = str(settings_dict[key])
    return env


def _run(args: list[str], *, env: dict[str, str]) -> None:
    try:
        completed = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError as exc:
        raise BackupError(
            _("Commande introuvable : %(cmd)s (installez le client PostgreSQL).") % {"cmd": args[0]}
        ) from exc
    if completed.returncode != 0:
        raise BackupError(
            _("%(cmd)s a échoué : %(error)s") % {"cmd": args[0], "error": completed.stderr.strip()[-2000:]}
        )


def _snapshot_sqlite(target: Path) -> dict[str, dict[str, Any]]:
    connection.ensure_connection()
    live = connection.connection
    destination = sqlite3.connect(target)
    try:
        live.backup(destination)  # one step: a consistent copy even while others write (WAL)
    finally:
        destination.close()
    snapshot = sqlite3.connect(target)
    try:
        return table_digests(snapshot.cursor(), "sqlite")
    finally:
        snapshot.close()


def _snapshot_postgresql(target: Path) -> dict[str, dict[str, Any]]:
    """``pg_dump`` and the digests read the same exported snapshot: they describe the same data."""
    reader = connections.create_connection("default")
    try:
        reader.ensure_connection()
        raw = reader.connection
        raw.autocommit = False
        with raw.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            (snapshot_id,) = cursor.fetchone()
            settings_dict = reader.settings_dict
            _run(
                ["pg_dump", "-Fc", "--no-owner", f"--snapshot={snapshot_id}", "-f", str(target), settings_dict["NAME"]],
                env=_pg_env(settings_dict),
            )
            digests = table_digests(cursor, "postgresql")
        raw.rollback()
        return digests
    finally:
        reader.close()


def _tar_add_media(archive: tarfile.TarFile, root: Path, listing: list[dict[str, Any]]) -> None:
    for entry in listing:
        archive.add(root / entry["path"], arcname=f"{MEDIA_PREFIX}/{entry['path']}", recursive=False)


def backup_create(*, output_dir: Path | None = None, key: bytes | None = None) -> BackupResult:
    """Snapshot the database and the media files into one encrypted archive in ``output_dir``."""
    key = key if key is not None else backup_key_load(create=True)
    vendor = connection.vendor
    if vendor not in DB_MEMBERS:
        raise BackupError(_("Base de données non prise en charge : %(vendor)s.") % {"vendor": vendor})
    output_dir = Path(output_dir or settings.BACKUP_DIR)
    output_dir.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC)
    with transaction.atomic():
        audit_record(actor=None, action=AuditAction.EXPORT, event="backup.create", details={"at": now.isoformat()})
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="ancrage-backup-") as tmp:
        work = Path(tmp)
        db_file = work / DB_MEMBERS[vendor]
        tables = _snapshot_sqlite(db_file) if vendor == "sqlite" else _snapshot_postgresql(db_file)
        media = media_digests(media_root)
        manifest: dict[str, Any] = {
            "format": FORMAT_VERSION,
            "application": "ancrage",
            "created_at": now.isoformat(),
            "database": {
                "vendor": vendor,
                "engine": connection.settings_dict["ENGINE"],
                "file": DB_MEMBERS[vendor],
                "sha256": _sha256_file(db_file),
            },
            "tables": tables,
            "media": media,
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False))
        plain = work / "backup.tar.gz"
        with tarfile.open(plain, "w:gz") as archive:
            archive.add(work / MANIFEST, arcname=MANIFEST)
            archive.add(db_file, arcname=DB_MEMBERS[vendor])
            _tar_add_media(archive, media_root, media)
        target = output_dir / f"ancrage-{now:%Y%m%d-%H%M%S}-{secrets.token_hex(3)}{SUFFIX}"
        encrypt_file(source=plain, target=target, key=key)
    return BackupResult(path=target, manifest=manifest)


# --- restore --------------------------------------------------------------------------------------


def _safe_members(archive: tarfile.TarFile, db_member: str) -> list[tarfile.TarInfo]:
    members = archive.getmembers()
    for member in members:
        path = PurePosixPath(member.name)
        allowed = member.name in (MANIFEST, db_member) or (path.parts[:1] == (MEDIA_PREFIX,) and len(path.parts) > 1)
        if not member.isfile() or path.is_absolute() or ".." in path.parts or not allowed:
            raise BackupError(_("Contenu inattendu dans l'archive : %(name)s.") % {"name": member.name})
    return members


def _read_manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    try:
        handle: IO[bytes] | None = archive.extractfile(MANIFEST)
    except KeyError as exc:
        raise BackupError(_("L'archive ne contient pas de manifeste.")) from exc
    assert handle is not None
    manifest: dict[str, Any] = json.loads(handle.read())
    if manifest.get("format") != FORMAT_VERSION or manifest.get("application") != "ancrage":
        raise BackupError(_("Version d'archive non prise en charge."))
    return manifest


def database_is_empty() -> bool:
    """No account, no person and no access-log event: nothing a restore could overwrite by mistake."""
    from ancrage.audit.models import AuditEvent
    from ancrage.organisations.models import User
    from ancrage.persons.models import Person

    try:
        return not (User.objects.exists() or Person.objects.exists() or AuditEvent.objects.exists())
    except Exception:  # noqa: BLE001 - tables not created yet: an empty database
        return True


def _restore_sqlite(db_file: Path) -> None:
    connection.ensure_connection()
    live = connection.connection
    source = sqlite3.connect(db_file)
    try:
        source.backup(live)  # replaces every page of the live database, schema included
    finally:
        source.close()


def _restore_postgresql(db_file: Path) -> None:
    settings_dict = connection.settings_dict
    connection.close()
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "-d",
            settings_dict["NAME"],
            str(db_file),
        ],
        env=_pg_env(settings_dict),
    )


def _restore_media(source: Path, media_root: Path) -> None:
    """Put the archived media in place of MEDIA_ROOT's contents (swap by rename, then remove the old)."""
    media_root.parent.mkdir(parents=True, exist_ok=True)
    staged = media_root.with_name(media_root.name + ".restoring")
    old = media_root.with_name(media_root.name + ".previous")
    shutil.rmtree(staged, ignore_errors=True)
    shutil.rmtree(old, ignore_errors=True)
    if source.is_dir():
        shutil.copytree(source, staged)
    else:
        staged.mkdir()
    if media_root.exists():
        media_root.rename(old)
    staged.rename(media_root)
    shutil.rmtree(old, ignore_errors=True)


def backup_verify(*, archive: Path, key: bytes | None = None) -> dict[str, Any]:
    """Authenticate an archive and return its manifest, touching nothing."""
    key = key if key is not None else backup_key_load()
    with tempfile.TemporaryDirectory(prefix="ancrage-restore-") as tmp:
        plain = Path(tmp) / "backup.tar.gz"
        decrypt_file(source=Path(archive), target=plain, key=key)
        with tarfile.open(plain, "r:gz") as tar:
            return _read_manifest(tar)


def backup_restore(*, archive: Path, force: bool = False, key: bytes | None = None) -> RestoreResult:
    """Restore an archive over the configured database and MEDIA_ROOT, then check it against its manifest.

    Refused (nothing touched) when the key is wrong, the file was altered, the archive comes from
    another database engine, or the database already holds data and ``force`` is not given.
    """
    key = key if key is not None else backup_key_load()
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(_("Fichier introuvable : %(file)s.") % {"file": archive})
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="ancrage-restore-") as tmp:
        work = Path(tmp)
        plain = work / "backup.tar.gz"
        decrypt_file(source=archive, target=plain, key=key)
        with tarfile.open(plain, "r:gz") as tar:
            manifest = _read_manifest(tar)
            vendor = manifest["database"]["vendor"]
            if vendor != connection.vendor:
                raise BackupError(
                    _("Cette sauvegarde vient d'une base %(archive)s ; la base configurée est %(current)s.")
                    % {"archive": vendor, "current": connection.vendor}
                )
            db_member = DB_MEMBERS[vendor]
            members = _safe_members(tar, db_member)
            if not force and not database_is_empty():
                raise BackupError(
                    _(
                        "La base de données contient déjà des données : relancez avec --force pour la remplacer "
                        "par la sauvegarde."
                    )
                )
            tar.extractall(work / "content", members=members, filter="data")
        content = work / "content"
        db_file = content / db_member
        if _sha256_file(db_file) != manifest["database"]["sha256"]:
            raise BackupError(_("L'instantané de la base ne correspond pas au manifeste : rien n'a été modifié."))
        if vendor == "sqlite":
            _restore_sqlite(db_file)
        else:
            _restore_postgresql(db_file)
        _restore_media(content / MEDIA_PREFIX, media_root)
    return _compare(manifest, database_digests(), media_digests(media_root))


def _compare(manifest: dict[str, Any], tables: dict[str, dict[str, Any]], media: list[dict[str, Any]]) -> RestoreResult:
    expected: dict[str, dict[str, Any]] = manifest["tables"]
    mismatches = [name for name in sorted(set(expected) | set(tables)) if expected.get(name) != tables.get(name)]
    if media != manifest["media"]:
        mismatches.append(MEDIA_PREFIX)
    result = RestoreResult(
        manifest=manifest,
        tables=len(tables),
        rows=sum(t["rows"] for t in tables.values()),
        media_files=len(media),
        mismatches=mismatches,
    )
    if mismatches:
        raise BackupError(
            _("Restauration effectuée mais différente du manifeste pour : %(names)s.")
            % {"names": ", ".join(mismatches)}
        )
    return result
