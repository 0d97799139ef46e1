"""The studio's settings and first-beheerder command, without a browser: Argon2, cookie flags
(Secure only behind TLS), PostgreSQL from configuration, and no account without a password
someone chose."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from ops.model_state import ROOT, rasa_env

PRINT_SETTINGS = """
import json, django
from django.conf import settings
django.setup()
from django.contrib.auth.hashers import make_password
print(json.dumps({"hasher": settings.PASSWORD_HASHERS[0], "hash": make_password("lang-genoeg-wachtwoord"),
  "db": settings.DATABASES["default"], "session_httponly": settings.SESSION_COOKIE_HTTPONLY,
  "session_samesite": settings.SESSION_COOKIE_SAMESITE, "csrf_samesite": settings.CSRF_COOKIE_SAMESITE,
  "session_secure": settings.SESSION_COOKIE_SECURE, "csrf_secure": settings.CSRF_COOKIE_SECURE,
  "hsts": getattr(settings, "SECURE_HSTS_SECONDS", 0), "debug": settings.DEBUG,
  "middleware": settings.MIDDLEWARE}))
"""


def studio_python(code: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    environ = {**rasa_env(), "DJANGO_SETTINGS_MODULE": "studio.settings", "STUDIO_SECRET_KEY": "test-" + "x" * 40,
               "STUDIO_SQLITE": str(tmp_path / "studio.db"), **env}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True)


def settings_with(tmp_path: Path, **env: str) -> dict:
    proc = studio_python(PRINT_SETTINGS, tmp_path, **env)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_defaults_argon2_sqlite_and_cookie_flags(tmp_path: Path) -> None:
    s = settings_with(tmp_path)
    assert s["hasher"].endswith("Argon2PasswordHasher") and s["hash"].startswith("argon2$argon2id$")
    assert s["db"]["ENGINE"] == "django.db.backends.sqlite3"
    assert s["session_httponly"] and s["session_samesite"] == "Lax" and s["csrf_samesite"] == "Strict"
    assert not s["session_secure"] and not s["debug"]
    assert "django.middleware.csrf.CsrfViewMiddleware" in s["middleware"]
    assert "django.contrib.auth.middleware.LoginRequiredMiddleware" in s["middleware"]


def test_behind_tls_cookies_are_secure_and_postgresql_from_configuration(tmp_path: Path) -> None:
    s = settings_with(tmp_path, STUDIO_TLS="1",
                      STUDIO_DATABASE_URL="postgresql://studio:geheim%21@db.example:5433/redactie")
    assert s["session_secure"] and s["csrf_secure"] and s["hsts"] > 0
    assert {k: s["db"][k] for k in ("ENGINE", "NAME", "USER", "PASSWORD", "HOST", "PORT")} == {
        "ENGINE": "django.db.backends.postgresql", "NAME": "redactie", "USER": "studio",
                       "PASSWORD": "geheim!", "HOST": "db.example", "PORT": "5433"}


def test_first_beheerder_only_with_a_chosen_strong_password(tmp_path: Path) -> None:
    def command(**env: str) -> subprocess.CompletedProcess:
        environ = {**rasa_env(), "STUDIO_SECRET_KEY": "test-" + "x" * 40,
                   "STUDIO_SQLITE": str(tmp_path / "studio.db"), **env}
        subprocess.run([sys.executable, "-m", "studio", "migrate", "-v", "0"], cwd=ROOT, env=environ, check=True)
        return subprocess.run([sys.executable, "-m", "studio", "maak_beheerder", "--uit-omgeving"], cwd=ROOT,
                              env=environ, capture_output=True, text=True)

    missing = command()
    assert missing.returncode != 0 and "STUDIO_BEHEERDER_WACHTWOORD" in missing.stderr
    weak = command(STUDIO_BEHEERDER="anna", STUDIO_BEHEERDER_WACHTWOORD="welkom")
    assert weak.returncode != 0 and "niet sterk genoeg" in weak.stderr
    made = command(STUDIO_BEHEERDER="anna", STUDIO_BEHEERDER_WACHTWOORD="een-lang-eigen-wachtwoord")
    assert made.returncode == 0 and "Beheerder 'anna' is aangemaakt." in made.stdout
    again = command(STUDIO_BEHEERDER="anna", STUDIO_BEHEERDER_WACHTWOORD="nog-een-ander-wachtwoord")
    assert again.returncode == 0 and "er is niets veranderd" in again.stdout


def test_postgresql_by_configuration_migrates_and_keeps_the_accounts(tmp_path: Path) -> None:
    """STUDIO_DATABASE_URL on a real (throw-away) PostgreSQL: migrations, the first beheerder."""
    from urllib.parse import quote

    from tests.scaleout.services import PostgresServer

    with PostgresServer(db="studio", user="studio") as pg:
        url = f"postgresql://{pg.user}:{quote(pg.password, safe='')}@{pg.host}:{pg.port}/{pg.db}"
        environ = {**rasa_env(), "STUDIO_SECRET_KEY": "test-" + "x" * 40, "STUDIO_DATABASE_URL": url,
                   "STUDIO_BEHEERDER": "anna", "STUDIO_BEHEERDER_WACHTWOORD": "een-lang-eigen-wachtwoord"}
        subprocess.run([sys.executable, "-m", "studio", "migrate", "-v", "0"], cwd=ROOT, env=environ, check=True)
        made = subprocess.run([sys.executable, "-m", "studio", "maak_beheerder", "--uit-omgeving"], cwd=ROOT,
                              env=environ, capture_output=True, text=True)
        assert made.returncode == 0, made.stderr
        with pg.connect() as connection, connection.cursor() as cursor:
            cursor.execute("SELECT username, password FROM auth_user")
            (username, hashed), = cursor.fetchall()
            cursor.execute("SELECT action, subject FROM studio_auditentry")
            audit = cursor.fetchall()
        assert username == "anna" and hashed.startswith("argon2$argon2id$")
        assert ("account", "anna") in audit
