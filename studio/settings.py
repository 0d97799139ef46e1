"""Django settings of the editors' studio. Everything that differs per installation comes
from the environment (see docs/editors.md, "De studio installeren"):

    STUDIO_SECRET_KEY      secret for sessions and CSRF; else one is kept in .env.local
    STUDIO_DATABASE_URL    postgresql://user:password@host:5432/name (default: SQLite studio.db)
    STUDIO_TLS=1           behind HTTPS: cookies only over TLS, HSTS, proxy header trusted
    STUDIO_ALLOWED_HOSTS   host names the studio answers to (default: localhost 127.0.0.1)
    STUDIO_CONTENT_ROOT    the checkout whose data/faq it edits (default: this repository)
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import unquote, urlsplit

BASE_DIR = Path(__file__).resolve().parent
REPO_ROOT = BASE_DIR.parent
ENV_FILE = REPO_ROOT / ".env.local"


def _secret_key() -> str:
    """STUDIO_SECRET_KEY, else a random key kept in .env.local (git-ignored, mode 600)."""
    if os.environ.get("STUDIO_SECRET_KEY"):
        return os.environ["STUDIO_SECRET_KEY"]
    if ENV_FILE.exists():
        for line in ENV_FILE.read_text(encoding="utf-8").splitlines():
            if line.startswith("STUDIO_SECRET_KEY="):
                return line.split("=", 1)[1].strip()
    key = secrets.token_urlsafe(50)
    with open(ENV_FILE, "a", encoding="utf-8") as f:
        f.write(f"STUDIO_SECRET_KEY={key}\n")
    os.chmod(ENV_FILE, 0o600)
    return key


def _database() -> dict:
    url = os.environ.get("STUDIO_DATABASE_URL", "").strip()
    if not url:
        path = os.environ.get("STUDIO_SQLITE", str(REPO_ROOT / "studio.db"))
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": path}
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise SystemExit("STUDIO_DATABASE_URL: alleen postgresql://… wordt ondersteund (of laat hem leeg voor SQLite).")
    return {"ENGINE": "django.db.backends.postgresql", "NAME": parts.path.lstrip("/"),
            "USER": unquote(parts.username or ""), "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "", "PORT": str(parts.port or "")}


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("STUDIO_DEBUG") == "1"
ALLOWED_HOSTS = os.environ.get("STUDIO_ALLOWED_HOSTS", "localhost 127.0.0.1").replace(",", " ").split()
CONTENT_ROOT = Path(os.environ.get("STUDIO_CONTENT_ROOT", str(REPO_ROOT))).resolve()

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "studio.apps.StudioConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "studio.middleware.ContentSecurityPolicy",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "studio.root_urls"
WSGI_APPLICATION = "studio.wsgi.application"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [],
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
        "studio.roles.role_context",
    ]},
}]

DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Passwords: Argon2 (memory-hard) first; the others only to read hashes made elsewhere.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "studio.passwords.MinimumLength", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "studio:login"
LOGIN_REDIRECT_URL = "studio:topics"
LOGOUT_REDIRECT_URL = "studio:login"

# Login attempts (django-axes): after 5 wrong passwords for one account from one address,
# that combination waits 15 minutes; every attempt is recorded.
AXES_FAILURE_LIMIT = int(os.environ.get("STUDIO_LOGIN_FAILURES", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("STUDIO_LOGIN_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "studio/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False

# Sessions and CSRF: cookies unreadable by scripts, not sent by other sites; over TLS only
# when STUDIO_TLS=1 (behind the gemeente's HTTPS proxy).
TLS = os.environ.get("STUDIO_TLS") == "1"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_NAME = "studio_sessie"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_NAME = "studio_csrf"
CSRF_FAILURE_VIEW = "studio.views.accounts.csrf_failure"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = TLS
if TLS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000
CSRF_TRUSTED_ORIGINS = os.environ.get("STUDIO_CSRF_TRUSTED_ORIGINS", "").replace(",", " ").split()
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands")]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = REPO_ROOT / "build" / "studio_static"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
