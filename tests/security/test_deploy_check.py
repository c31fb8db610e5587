"""``manage.py check --deploy`` is clean with production settings, and the deployment knobs work.

Run in a subprocess: the settings module reads the environment once, at import.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ANCRAGE_", "SECURE_", "CSRF_"))}
    env.pop("DEBUG", None)
    env.update(
        {
            "ANCRAGE_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "ancrage.example.org",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy-check.sqlite3'}",
            "ANCRAGE_VAR_DIR": str(tmp_path),
            **extra,
        }
    )
    return env


def deploy_check(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PYTHON, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_settings(env: dict[str, str], *names: str) -> dict:
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {list(names)!r}}}, default=str))"
    )
    result = subprocess.run(
        [PYTHON, "-c", code],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "ancrage.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_deploy_check_is_clean_in_production(tmp_path):
    result = deploy_check(production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_deploy_check_would_catch_a_weakened_setting(tmp_path):
    """The check is not silenced wholesale: turning HTTPS redirection off makes it fail."""
    result = deploy_check(production_env(tmp_path, SECURE_SSL_REDIRECT="0", SECURE_HSTS_INCLUDE_SUBDOMAINS="0"))
    assert result.returncode != 0
    assert "security.W008" in result.stderr + result.stdout
    assert "security.W005" in result.stderr + result.stdout


def test_preload_is_an_opt_in_and_then_checked_normally(tmp_path):
    env = production_env(tmp_path, SECURE_HSTS_PRELOAD="1")
    result = deploy_check(env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "(0 silenced)" in result.stdout
    values = production_settings(env, "SECURE_HSTS_PRELOAD", "SILENCED_SYSTEM_CHECKS")
    assert values == {"SECURE_HSTS_PRELOAD": True, "SILENCED_SYSTEM_CHECKS": []}


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({}, {"SECURE_PROXY_SSL_HEADER": None, "CSRF_TRUSTED_ORIGINS": []}),
        (
            {
                "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
                "CSRF_TRUSTED_ORIGINS": "https://ancrage.example.org, https://www.ancrage.example.org",
            },
            {
                "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
                "CSRF_TRUSTED_ORIGINS": ["https://ancrage.example.org", "https://www.ancrage.example.org"],
            },
        ),
    ],
)
def test_proxy_header_and_trusted_origins_come_from_the_environment(tmp_path, extra, expected):
    values = production_settings(production_env(tmp_path, **extra), *expected)
    assert values == expected


def test_production_cookies_and_hsts(tmp_path):
    values = production_settings(
        production_env(tmp_path),
        "DEBUG",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    )
    assert values == {
        "DEBUG": False,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    }


def test_form_action_allows_proconnect_when_configured(tmp_path):
    env = production_env(tmp_path, PROCONNECT_ISSUER="https://auth.agentconnect.gouv.fr/api/v2")
    policy = production_settings(env, "CONTENT_SECURITY_POLICY")["CONTENT_SECURITY_POLICY"]
    assert policy["DIRECTIVES"]["form-action"] == ["'self'", "https://auth.agentconnect.gouv.fr"]
