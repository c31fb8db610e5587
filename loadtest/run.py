"""``make loadtest``: start the production server on loopback and drive it with Locust, headless.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ancrage_load make loadtest
    LOADTEST_USERS=50 LOADTEST_TIME=10m LOADTEST_SPAWN_RATE=1 (defaults: users start one a second)

The database must hold the demo (``seed_demo --persons 5000``); its demo accounts get new TOTP keys.
The server is gunicorn with ``deploy/gunicorn.conf.py``, DEBUG off, static files collected into a
temporary folder and served by WhiteNoise. Plain http on 127.0.0.1, so the HTTPS-only cookie settings of
``ANCRAGE_ENV=production`` are not used. Prints p50/p95/max per page; exits non-zero on any error.
"""

import csv
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _step(title: str, args: list[str], env: dict[str, str]) -> None:
    _say(f"→ {title}")
    subprocess.run(args, cwd=ROOT, env=env, check=True)  # noqa: S603


def _wait_healthy(base: str, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn stopped before answering /healthz")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2):  # noqa: S310 - loopback
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not answer /healthz in time")


def _report(stats_file: Path) -> int:
    rows = list(csv.DictReader(stats_file.open(encoding="utf-8")))
    width = max(len(r["Name"]) for r in rows)
    _say(f"\n{'page':<{width}}  {'requests':>8}  {'errors':>6}  {'p50 ms':>7}  {'p95 ms':>7}  {'max ms':>7}  req/s")
    failures = 0
    for row in rows:
        name = row["Name"] if row["Name"] != "Aggregated" else "ALL"
        failures += int(row["Failure Count"]) if row["Name"] != "Aggregated" else 0
        _say(
            f"{name:<{width}}  {row['Request Count']:>8}  {row['Failure Count']:>6}  {row['50%']:>7}  "
            f"{row['95%']:>7}  {float(row['Max Response Time']):>7.0f}  {float(row['Requests/s']):>6.1f}"
        )
    return failures


def main() -> int:
    users = os.environ.get("LOADTEST_USERS", "50")
    duration = os.environ.get("LOADTEST_TIME", "10m")
    spawn_rate = os.environ.get("LOADTEST_SPAWN_RATE", "1")
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        _say("Attention : DATABASE_URL n'est pas PostgreSQL ; la cible du test de charge est PostgreSQL.")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="ancrage-loadtest-") as tmp:
        work = Path(tmp)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "ancrage.settings",
            "PYTHONPATH": str(ROOT),
            "DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
            "STATIC_ROOT": str(work / "static"),
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
            "LOADTEST_ACCOUNTS": str(work / "accounts.json"),
        }
        env.pop("ANCRAGE_ENV", None)
        _step("migrate", [PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env)
        _step("collectstatic", [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env)
        _step("demo accounts (TOTP keys)", [PYTHON, "loadtest/setup_accounts.py", env["LOADTEST_ACCOUNTS"]], env)
        access_log = (work / "gunicorn.log").open("wb")
        server = subprocess.Popen(  # noqa: S603
            [str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "ancrage.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=access_log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_healthy(base, server)
            _say(f"→ locust: {users} users for {duration} on {base}")
            locust = subprocess.run(  # noqa: S603
                [
                    str(BIN / "locust"),
                    "-f",
                    "loadtest/locustfile.py",
                    "--headless",
                    "--only-summary",
                    "-u",
                    users,
                    "-r",
                    spawn_rate,
                    "-t",
                    duration,
                    "--host",
                    base,
                    "--csv",
                    str(work / "stats"),
                    "--stop-timeout",
                    "10",
                    "--loglevel",
                    "WARNING",
                ],
                cwd=ROOT,
                env=env,
                check=False,
            )
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
            access_log.close()
        failures = _report(work / "stats_stats.csv")
        failures_file = work / "stats_failures.csv"
        if failures_file.exists() and len(failures_file.read_text(encoding="utf-8").splitlines()) > 1:
            _say("\nErrors:\n" + failures_file.read_text(encoding="utf-8"))
        errors = [line for line in (work / "gunicorn.log").read_text(errors="replace").splitlines() if "Error" in line]
        if errors:
            _say("\nServer errors:\n" + "\n".join(errors[-20:]))
    if failures or locust.returncode:
        _say(f"\nÉCHEC : {failures} erreur(s).")
        return 1
    _say("\nOK : aucune erreur.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
