"""A production start on loopback: migrate, collectstatic, gunicorn, then real HTTP requests."""

import json
import os
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PYTHON = sys.executable


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _database_url(tmp_path: Path) -> Iterator[str]:
    """A copy of the (already migrated) test database, of the same engine: a SQLite file in tmp or a new
    PostgreSQL database restored from its dump. ``migrate`` then only checks it is up to date."""
    from django.db import connection

    if connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(tmp_path / "prod.sqlite3")
        connection.connection.backup(target)
        target.close()
        yield f"sqlite:///{tmp_path / 'prod.sqlite3'}"
        return
    params = connection.settings_dict
    name = f"ancrage_prodtest_{secrets.token_hex(4)}"
    pg = ["-h", params.get("HOST") or "127.0.0.1", "-p", str(params.get("PORT") or 5432), "-U", params["USER"]]
    env = {**os.environ, "PGPASSWORD": params.get("PASSWORD") or ""}
    # A copy by dump and restore, not ``createdb -T``: a template database must have no other open
    # connection, and a worker's earlier live-server threads may still hold one.
    subprocess.run(["createdb", *pg, name], check=True, env=env)
    dump = subprocess.run(
        ["pg_dump", *pg, "--format=custom", "--no-owner", params["NAME"]], check=True, env=env, capture_output=True
    )
    subprocess.run(
        ["pg_restore", *pg, "--no-owner", "--exit-on-error", "-d", name], input=dump.stdout, check=True, env=env
    )
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    try:
        yield f"postgres://{params['USER']}{password}@{pg[1]}:{pg[3]}/{name}"
    finally:
        subprocess.run(["dropdb", *pg, "--if-exists", "--force", name], check=False, env=env)


def _get(url: str, headers: dict[str, str] | None = None):
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - loopback only
    try:
        return urllib.request.urlopen(request, timeout=10)  # noqa: S310
    except urllib.error.HTTPError as error:
        return error


@pytest.fixture
def production_server(transactional_db, tmp_path) -> Iterator[tuple[str, Path]]:
    port = _free_port()
    for database_url in _database_url(tmp_path):
        env = {
            **os.environ,
            "ANCRAGE_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(40),
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": database_url,
            "ANCRAGE_VAR_DIR": str(tmp_path / "var"),
            "SECURE_SSL_REDIRECT": "0",  # plain http on loopback; TLS is the reverse proxy's job
            "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_WORKERS": "2",
            "LOG_LEVEL": "WARNING",
        }
        env.pop("DJANGO_SETTINGS_MODULE", None)
        for command in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"]):
            subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True, timeout=120)
        server = subprocess.Popen(
            [str(Path(PYTHON).with_name("gunicorn")), "-c", "deploy/gunicorn.conf.py", "ancrage.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 20
            while True:
                try:
                    urllib.request.urlopen(f"{base}/healthz", timeout=1)  # noqa: S310
                    break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        pytest.fail(f"gunicorn did not start: {server.stderr.read().decode()[-3000:]}")
                    time.sleep(0.2)
            yield base, tmp_path / "var" / "staticfiles"
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            stderr = server.stderr.read().decode() if server.stderr else ""
            server.stderr and server.stderr.close()
        assert "Traceback" not in stderr, stderr[-3000:]


def test_gunicorn_serves_health_login_and_static_files_in_production(production_server):
    base, static_root = production_server

    health = _get(f"{base}/healthz")
    assert health.status == 200
    assert json.loads(health.read())["database"] == "ok"

    login = _get(f"{base}/comptes/connexion/")
    assert login.status == 200
    assert login.headers["X-Frame-Options"] == "DENY"
    assert login.headers["X-Content-Type-Options"] == "nosniff"
    assert login.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in login.headers  # plain http: no HSTS
    page = login.read().decode()
    assert "Connexion" in page

    # The hashed names of the manifest are what the page links to, and WhiteNoise serves them for a year+.
    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    css = manifest["ancrage/ancrage.css"]
    assert f"/static/{css}" in page
    static = _get(f"{base}/static/{css}", {"Accept-Encoding": "gzip"})
    assert static.status == 200
    assert "max-age=315360000" in static.headers["Cache-Control"]
    assert "immutable" in static.headers["Cache-Control"]
    assert static.headers["Content-Encoding"] == "gzip"
    assert _get(f"{base}/static/ancrage/nope.css").status == 404

    # Behind the TLS-terminating proxy: HSTS and secure cookies.
    secure = _get(f"{base}/comptes/connexion/", {"X-Forwarded-Proto": "https"})
    assert secure.status == 200
    assert "max-age=31536000" in secure.headers["Strict-Transport-Security"]
    assert all("Secure" in cookie for cookie in secure.headers.get_all("Set-Cookie") or [])

    # An unknown page is a French 404 page, not a debug page.
    missing = _get(f"{base}/nulle-part/")
    assert missing.status in (302, 404)
    assert "Traceback" not in missing.read().decode()
