"""Settings for haveyoursay, read from the environment.

Every value a council may change is an environment variable, validated loudly at start-up
so that a typo stops the server rather than quietly running with an unsafe default. The
defaults are the safe production ones; the `haveyoursay serve` and `demo` commands relax
only what a laptop on loopback needs (plain HTTP).
"""

import importlib.util
import os
import re
import secrets
import time
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parent


def env(name, default=None):
    value = os.environ.get(name)
    return default if value is None or value == "" else value


def envbool(name, default):
    value = env(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false (1/0, yes/no, on/off), not {value!r}.")


def envint(name, default):
    value = env(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def envlist(name, default):
    value = env(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


# Where the embedded database, uploaded documents and the generated secret key live.
DATA_DIR = Path(env("HAVEYOURSAY_DATA_DIR", Path.cwd() / "var")).resolve()

DEBUG = envbool("DEBUG", False)


def _secret_key():
    """SECRET_KEY from the environment, or one generated once and kept in DATA_DIR.

    A fresh laptop install needs no configuration; a production install sets SECRET_KEY
    (or keeps DATA_DIR on persistent storage, which comes to the same).
    """
    value = env("SECRET_KEY")
    if value:
        return value
    key_file = DATA_DIR / "secret_key"
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: when several workers start at once, exactly one writes the key.
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):
            value = key_file.read_text().strip()
            if value:
                return value
            time.sleep(0.01)  # the worker that created it is still writing
        raise ImproperlyConfigured(f"{key_file} is empty: delete it, or set SECRET_KEY.") from None
    value = secrets.token_urlsafe(50)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(value)
    return value


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "haveyoursay.hub",
    "haveyoursay.surveys",
    "haveyoursay.analysis",
    "haveyoursay.reports",
    "haveyoursay.jobs",
    "haveyoursay.accounts",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "haveyoursay.urls"
WSGI_APPLICATION = "haveyoursay.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "haveyoursay.hub.context_processors.council",
            ],
            "builtins": ["haveyoursay.hub.templatetags.hys"],
        },
    }
]
if not DEBUG:
    # Compiled templates are kept in memory: the hub renders in a fraction of the time.
    TEMPLATES[0]["APP_DIRS"] = False
    TEMPLATES[0]["OPTIONS"]["loaders"] = [
        (
            "django.template.loaders.cached.Loader",
            [
                "django.template.loaders.filesystem.Loader",
                "django.template.loaders.app_directories.Loader",
            ],
        )
    ]

# The database: SQLite in DATA_DIR unless DATABASE_URL names another (PostgreSQL in production).
_default_sqlite = f"sqlite:///{DATA_DIR / 'haveyoursay.sqlite3'}"
try:
    DATABASES = {
        "default": dj_database_url.parse(
            env("DATABASE_URL", _default_sqlite), conn_max_age=60, conn_health_checks=True
        )
    }
except ValueError as error:
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL Django understands: {error}") from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Connections stay open: opening one costs more than serving a cached page.
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers carry on while a writer commits; IMMEDIATE transactions take the
        # write lock up front, so two writers queue instead of failing with "database is locked".
        # synchronous=FULL: a response we have acknowledged survives a power cut, not only a crash.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
    if DATABASES["default"]["NAME"] != ":memory:":
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHE_URL = env("REDIS_URL")
if CACHE_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background work (reports, analysis, imports, emails) through django-tasks. "database" keeps
# the queue in the database: nothing more to install or run but `haveyoursay worker`. "rq"
# keeps it in Redis (REDIS_URL), for several workers on several machines. "immediate" runs
# each task at once, inside the web request: for development and tests, never production.
TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
TASKS_BACKEND = env("TASKS_BACKEND", "database").strip().lower()
if TASKS_BACKEND not in TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND must be one of {', '.join(TASK_BACKENDS)}, not {TASKS_BACKEND!r}."
    )
TASKS = {"default": {"BACKEND": TASK_BACKENDS[TASKS_BACKEND], "QUEUES": ["default"]}}
if TASKS_BACKEND == "rq":
    if not CACHE_URL:
        raise ImproperlyConfigured(
            "TASKS_BACKEND=rq keeps the queue in Redis: set REDIS_URL too, e.g. redis://localhost:6379/0."
        )
    if importlib.util.find_spec("django_tasks_rq") is None:
        raise ImproperlyConfigured(
            "TASKS_BACKEND=rq needs the Redis extras: pip install 'haveyoursay[redis]'."
        )
    INSTALLED_APPS.append("django_rq")
    # RQ stops a task after 3 minutes unless told otherwise; a large report takes longer.
    RQ_QUEUES = {"default": {"URL": CACHE_URL, "DEFAULT_TIMEOUT": 60 * 60}}
    RQ = {"JOB_CLASS": "django_tasks_rq.Job"}
# A job that has reported nothing for this long is shown to staff as stalled.
JOB_STALLED_AFTER_MINUTES = envint("JOB_STALLED_AFTER_MINUTES", 30)
if JOB_STALLED_AFTER_MINUTES < 1:
    raise ImproperlyConfigured(f"JOB_STALLED_AFTER_MINUTES must be 1 or more, not {JOB_STALLED_AFTER_MINUTES}.")

# Reports: in anything published, counts of fewer than this many respondents are withheld.
REPORT_DISCLOSURE_THRESHOLD = envint("REPORT_DISCLOSURE_THRESHOLD", 5)
if REPORT_DISCLOSURE_THRESHOLD < 1:
    raise ImproperlyConfigured(f"REPORT_DISCLOSURE_THRESHOLD must be 1 or more, not {REPORT_DISCLOSURE_THRESHOLD}.")
# The paragraphs that end every report: how to get it in another format or language.
# Paragraphs are separated by a blank line. The default is the demo council's own.
REPORT_ALTERNATIVE_FORMATS_FILE = env(
    "REPORT_ALTERNATIVE_FORMATS_FILE", str(PACKAGE_DIR / "reports" / "text" / "alternative_formats.txt")
)
if not os.path.isfile(REPORT_ALTERNATIVE_FORMATS_FILE):
    raise ImproperlyConfigured(f"REPORT_ALTERNATIVE_FORMATS_FILE {REPORT_ALTERNATIVE_FORMATS_FILE!r} is not a file.")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "staff:login"
LOGIN_REDIRECT_URL = "staff:consultations"
LOGOUT_REDIRECT_URL = "hub:index"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j F Y, g:ia"

STATIC_URL = "/static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", DATA_DIR / "static"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Uploaded documents live outside the static folder and are only ever served by a view
# that checks the consultation is published and sets safe headers.
MEDIA_ROOT = Path(env("MEDIA_ROOT", DATA_DIR / "media"))
MEDIA_URL = None
FILE_UPLOAD_PERMISSIONS = 0o640
HAVEYOURSAY_MAX_UPLOAD_MB = envint("HAVEYOURSAY_MAX_UPLOAD_MB", 50)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Security. HTTPS is assumed unless told otherwise; `haveyoursay serve` on loopback says otherwise.
HTTPS = envbool("HAVEYOURSAY_HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and envbool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
if envbool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 60 * 60
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = []
if SECURE_HSTS_SECONDS and not SECURE_HSTS_PRELOAD:
    # Preload is a one-way door for a council's whole domain; it is the council's choice.
    SILENCED_SYSTEM_CHECKS.append("security.W021")



def _site_url(value):
    """The address the public reach this site at, for links in documents that leave it (the
    report's PDF and Word files): scheme and host, perhaps a path, no trailing slash."""
    if value is None:
        return ""
    found = re.fullmatch(r"(https?)://([^/?#\s]+)(/[^?#\s]*)?", value.strip())
    if found is None:
        raise ImproperlyConfigured(
            f"SITE_URL must be the site's address, like https://haveyoursay.example.gov.uk, not {value!r}."
        )
    return value.strip().rstrip("/")


# Links in reports are built from this; without it, documents carry no links back to the site.
SITE_URL = _site_url(env("SITE_URL"))

# The council running this site: its name, logo and colour theme every page.
COUNCIL_NAME = env("COUNCIL_NAME", "Leicestershire County Council")
COUNCIL_URL = env("COUNCIL_URL", "https://www.leicestershire.gov.uk")
COUNCIL_LOGO = env("COUNCIL_LOGO")  # a path under the static files, or an absolute URL
COUNCIL_COLOUR = env("COUNCIL_COLOUR", "#1d70b8")
if not re.fullmatch(r"#[0-9a-fA-F]{6}", COUNCIL_COLOUR):
    raise ImproperlyConfigured(f"COUNCIL_COLOUR must be a colour like #1d70b8, not {COUNCIL_COLOUR!r}.")


def _contrast_with_white(hex_colour):
    """WCAG contrast ratio of white text on this colour."""
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 1.05 / (luminance + 0.05)


if _contrast_with_white(COUNCIL_COLOUR) < 4.5:
    raise ImproperlyConfigured(
        f"COUNCIL_COLOUR {COUNCIL_COLOUR} is too light: white text on it has a contrast ratio of "
        f"{_contrast_with_white(COUNCIL_COLOUR):.1f}:1, and WCAG needs at least 4.5:1. Choose a darker shade."
    )
SITE_NAME = env("SITE_NAME", "Have your say")
PRIVACY_URL = env("PRIVACY_URL")
ACCESSIBILITY_CONTACT_EMAIL = env("ACCESSIBILITY_CONTACT_EMAIL")
HUB_PAGE_SIZE = envint("HUB_PAGE_SIZE", 20)

# Email: SMTP when EMAIL_HOST is set; otherwise messages are written as files in DATA_DIR/outbox,
# so a laptop demo can show them without sending anything or logging addresses.
EMAIL_HOST = env("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = envint("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = DATA_DIR / "outbox"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "haveyoursay@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        # Request logs can carry query strings typed by residents; keep them at warning.
        "django.request": {"level": "WARNING"},
        # WeasyPrint reports each step of every PDF at INFO: about 150 lines a report.
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "WARNING"},
    },
}

FORM_RENDERER = "haveyoursay.govuk_forms.GovukFormRenderer"
CSRF_FAILURE_VIEW = "haveyoursay.hub.errors.csrf_failure"
