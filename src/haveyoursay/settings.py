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
from datetime import timedelta
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


def envredis(name):
    """A Redis address: redis://, rediss:// (TLS) or unix:// (a socket), with the database
    number as its path (redis://host:6379/1) or ?db=1."""
    value = env(name)
    if value is not None and not value.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(
            f"{name} must be a Redis address starting redis://, rediss:// or unix://, for example "
            f"redis://redis.internal:6379/0, not {value!r}."
        )
    return value


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
    "haveyoursay.decisions",
    "haveyoursay.outcomes",
    # Before accounts: the roles it syncs after migrating hold this app's permissions.
    "haveyoursay.privacy",
    "haveyoursay.accounts",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "csp",
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
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "haveyoursay.accounts.two_factor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a sign-in refused for too many failures into the lockout page.
    "axes.middleware.AxesMiddleware",
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

# "default" keeps copies of public pages: each process its own, unless Redis is configured.
# "limits" keeps the counts behind rate limits (haveyoursay/limits.py), which every worker must
# share and a restart must not reset: a table in the database (made by `haveyoursay migrate`),
# or Redis.
CACHE_URL = envredis("REDIS_URL")
if CACHE_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL},
        "limits": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL, "KEY_PREFIX": "limits",
        },
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "limits": {
            "BACKEND": "haveyoursay.limits.DatabaseCounterCache",
            "LOCATION": "haveyoursay_limits",
            # Culling would forget counts: keep far more than an hour's attempts can make.
            "OPTIONS": {"MAX_ENTRIES": 1_000_000},
        },
    }

# Background work (reports, analysis, imports, emails) through django-tasks. "database" keeps
# the queue in the database: nothing more to install or run but `haveyoursay worker`. "rq"
# keeps it in Redis (REDIS_URL, or TASKS_REDIS_URL), for several workers on several machines.
# "immediate" runs each task at once, inside the web request: for development and tests, never
# production.
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
# With "rq", the queue is kept in the Redis of REDIS_URL (beside the cache), unless
# TASKS_REDIS_URL names another: a second database of the same server, so the two never share
# keys, or a server of its own whose memory is never given over to cached pages
# (maxmemory-policy noeviction) while the cache's server evicts what it must (allkeys-lru).
TASKS_REDIS_URL = envredis("TASKS_REDIS_URL")
if TASKS_REDIS_URL and TASKS_BACKEND != "rq":
    raise ImproperlyConfigured(
        f"TASKS_REDIS_URL is where the queue is kept with TASKS_BACKEND=rq; TASKS_BACKEND is {TASKS_BACKEND!r}. "
        "Set TASKS_BACKEND=rq, or leave TASKS_REDIS_URL out."
    )
if TASKS_BACKEND == "rq":
    TASKS_REDIS_URL = TASKS_REDIS_URL or CACHE_URL
    if not TASKS_REDIS_URL:
        raise ImproperlyConfigured(
            "TASKS_BACKEND=rq keeps the queue in Redis: set REDIS_URL too, e.g. redis://localhost:6379/0 "
            "(or TASKS_REDIS_URL for a Redis of the queue's own)."
        )
    if importlib.util.find_spec("django_tasks_rq") is None:
        raise ImproperlyConfigured(
            "TASKS_BACKEND=rq needs the Redis extras: pip install 'haveyoursay[redis]'."
        )
    INSTALLED_APPS.append("django_rq")
    # RQ stops a task after 3 minutes unless told otherwise; a large report takes longer.
    RQ_QUEUES = {"default": {"URL": TASKS_REDIS_URL, "DEFAULT_TIMEOUT": 60 * 60}}
    RQ = {"JOB_CLASS": "django_tasks_rq.Job"}
# Save and return: a resume code or emailed link works for this many days after it is given
# (and never after the consultation closes). Say the same in the privacy notice.
RESUME_VALID_DAYS = envint("RESUME_VALID_DAYS", 30)
if not 1 <= RESUME_VALID_DAYS <= 366:
    raise ImproperlyConfigured(f"RESUME_VALID_DAYS must be between 1 and 366, not {RESUME_VALID_DAYS}.")

# Personal data in responses (names, email addresses, free text) is kept for this many months
# after a consultation closes, unless staff set another period for a consultation; then
# `haveyoursay apply_retention`, run daily, removes it. Say the same in the privacy notice.
RESPONSE_RETENTION_MONTHS = envint("RESPONSE_RETENTION_MONTHS", 24)
if not 1 <= RESPONSE_RETENTION_MONTHS <= 120:
    raise ImproperlyConfigured(
        f"RESPONSE_RETENTION_MONTHS must be between 1 and 120 (ten years), not {RESPONSE_RETENTION_MONTHS}."
    )

# A job that has reported nothing for this long is shown to staff as stalled.
JOB_STALLED_AFTER_MINUTES = envint("JOB_STALLED_AFTER_MINUTES", 30)
if JOB_STALLED_AFTER_MINUTES < 1:
    raise ImproperlyConfigured(f"JOB_STALLED_AFTER_MINUTES must be 1 or more, not {JOB_STALLED_AFTER_MINUTES}.")

# Background work runs at this CPU niceness (0 to 19, higher yields more): on a machine it
# shares with the web server, respondents' pages are served before reports and imports.
# `haveyoursay worker` raises its own niceness to it (the work it forks inherits it); 0 leaves
# it as started. deploy/systemd/haveyoursay-worker@.service sets Nice= and CPUWeight= to match.
WORKER_NICENESS = envint("WORKER_NICENESS", 10)
if not 0 <= WORKER_NICENESS <= 19:
    raise ImproperlyConfigured(f"WORKER_NICENESS must be between 0 and 19, not {WORKER_NICENESS}.")

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
# Font files (TrueType or OpenType) the PDF may use besides those that come with the software,
# for text in a script none of those has: comma-separated paths.
REPORT_FONT_FILES = envlist("REPORT_FONT_FILES", [])
for _font_file in REPORT_FONT_FILES:
    if not os.path.isfile(_font_file):
        raise ImproperlyConfigured(f"REPORT_FONT_FILES names {_font_file!r}, which is not a file.")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sign-in attempts are counted (django-axes, in the database, so every worker sees them): after
# SIGN_IN_FAILURE_LIMIT wrong passwords for one account, or SIGN_IN_ADDRESS_FAILURE_LIMIT from
# one address (higher: a whole office may share one), that account or address is refused for
# SIGN_IN_LOCKOUT_MINUTES, even with the right password, unless a consultation lead unlocks the
# account (the staff "People" page) or `haveyoursay axes_reset` is run. A successful sign-in
# clears the count. AxesStandaloneBackend comes first so that it refuses a locked-out sign-in
# before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
SIGN_IN_FAILURE_LIMIT = envint("SIGN_IN_FAILURE_LIMIT", 6)
if SIGN_IN_FAILURE_LIMIT < 1:
    raise ImproperlyConfigured(f"SIGN_IN_FAILURE_LIMIT must be 1 or more, not {SIGN_IN_FAILURE_LIMIT}.")
SIGN_IN_ADDRESS_FAILURE_LIMIT = envint("SIGN_IN_ADDRESS_FAILURE_LIMIT", 30)
if SIGN_IN_ADDRESS_FAILURE_LIMIT < SIGN_IN_FAILURE_LIMIT:
    raise ImproperlyConfigured(
        f"SIGN_IN_ADDRESS_FAILURE_LIMIT must be at least SIGN_IN_FAILURE_LIMIT ({SIGN_IN_FAILURE_LIMIT}), "
        f"not {SIGN_IN_ADDRESS_FAILURE_LIMIT}."
    )
SIGN_IN_LOCKOUT_MINUTES = envint("SIGN_IN_LOCKOUT_MINUTES", 30)
if SIGN_IN_LOCKOUT_MINUTES < 1:
    raise ImproperlyConfigured(f"SIGN_IN_LOCKOUT_MINUTES must be 1 or more, not {SIGN_IN_LOCKOUT_MINUTES}.")
AXES_HANDLER = "haveyoursay.accounts.signin.SignInAttempts"
AXES_FAILURE_LIMIT = SIGN_IN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=SIGN_IN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "haveyoursay.accounts.signin.lockout_response"
AXES_CLIENT_IP_CALLABLE = "haveyoursay.accounts.signin.client_address"
# Masked in axes' log lines and in what it stores of a failed attempt (passwords always are).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address"]

# An invitation to the staff site: its link to set a first password works once, for this long.
PASSWORD_RESET_TIMEOUT = envint("INVITATION_VALID_DAYS", 3) * 24 * 60 * 60
if PASSWORD_RESET_TIMEOUT < 24 * 60 * 60:
    raise ImproperlyConfigured("INVITATION_VALID_DAYS must be 1 or more.")

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
# With S3_BUCKET, uploaded documents, generated reports and files of responses waiting to be
# imported are kept in that bucket of any S3-compatible object store instead, where every web
# server and worker finds them. The bucket stays private: files are still only ever served
# through the site's own views (docs/decisions/0018-several-machines.md), so there is
# no public address or custom domain to configure. Static files stay with whitenoise.
S3_BUCKET = env("S3_BUCKET")
if S3_BUCKET:
    if importlib.util.find_spec("storages") is None or importlib.util.find_spec("boto3") is None:
        raise ImproperlyConfigured("S3_BUCKET keeps files in object storage: pip install 'haveyoursay[s3]'.")
    if bool(env("S3_ACCESS_KEY_ID")) != bool(env("S3_SECRET_ACCESS_KEY")):
        raise ImproperlyConfigured(
            "Set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or neither (to use the machine's own AWS credentials)."
        )
    _s3_endpoint = env("S3_ENDPOINT_URL")
    if _s3_endpoint is not None and not re.fullmatch(r"https?://[^/?#\s]+/?", _s3_endpoint):
        raise ImproperlyConfigured(
            f"S3_ENDPOINT_URL must be the object store's address, like https://s3.example.net, not {_s3_endpoint!r}."
        )
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": _s3_endpoint,
            "region_name": env("S3_REGION"),
            "access_key": env("S3_ACCESS_KEY_ID"),
            "secret_key": env("S3_SECRET_ACCESS_KEY"),
            # Several sites may share a bucket, each under its own prefix.
            "location": env("S3_PREFIX", "").strip("/"),
            # Two documents called the same never replace each other, as on a disk.
            "file_overwrite": False,
            # No ACL is sent: objects are as private as the bucket, and providers that refuse
            # ACLs (S3 with "bucket owner enforced") accept the uploads.
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 300,
            # A file read whole (a report's parts, a file of responses) spills to disk past 10 MB.
            "max_memory_size": 10 * 1024 * 1024,
        },
    }
MEDIA_URL = None
FILE_UPLOAD_PERMISSIONS = 0o640
HAVEYOURSAY_MAX_UPLOAD_MB = envint("HAVEYOURSAY_MAX_UPLOAD_MB", 50)
# A file of responses is read by a background job, never in a web request, and within these
# bounds: a small file can unpack to a great deal (an Excel workbook is a zip), and a few bytes
# can stand for millions of empty rows.
HAVEYOURSAY_IMPORT_MAX_UNPACKED_MB = envint("HAVEYOURSAY_IMPORT_MAX_UNPACKED_MB", 200)
HAVEYOURSAY_IMPORT_MAX_SHARED_TEXT_MB = envint("HAVEYOURSAY_IMPORT_MAX_SHARED_TEXT_MB", 25)
HAVEYOURSAY_IMPORT_MAX_ROWS = envint("HAVEYOURSAY_IMPORT_MAX_ROWS", 100_000)
HAVEYOURSAY_IMPORT_MAX_COLUMNS = envint("HAVEYOURSAY_IMPORT_MAX_COLUMNS", 1_000)
HAVEYOURSAY_IMPORT_MAX_SECONDS = envint("HAVEYOURSAY_IMPORT_MAX_SECONDS", 600)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Security. HTTPS is assumed unless told otherwise; `haveyoursay serve` on loopback says otherwise.
HTTPS = envbool("HAVEYOURSAY_HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and envbool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
BEHIND_PROXY = envbool("BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 60 * 60
if CACHE_URL:
    # Sessions are read from Redis and written through to the database, so that every web
    # server sees them and a Redis restart or eviction signs nobody out and loses no import
    # under way (docs/decisions/0018-several-machines.md). Without Redis, the database.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
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

# Content-Security-Policy on every response (django-csp): scripts and styles only from our own
# static files, never inline, so text that slipped past escaping still could not run. A view
# that sets its own policy (document and report downloads: stricter, sandboxed) keeps it.
# Images may also be data: URLs (the empty favicon) and the council's logo where it is hosted.
_logo_origin = re.match(r"https?://[^/]+", COUNCIL_LOGO or "")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *([_logo_origin.group()] if _logo_origin else [])],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

SITE_NAME = env("SITE_NAME", "Have your say")
PRIVACY_URL = env("PRIVACY_URL")
# The council's template privacy notice for a consultation's page; staff adapt it for each one.
# It names the lawful basis, says how long the information is kept and sets out residents'
# rights: a council adapts it to its own data protection officer and notice. What the site
# itself does is said beside every notice, from how the site works now, whenever the notice
# was written (templates/privacy/): the date personal details will be removed, from the
# consultation's retention period, and what happens to email addresses given for outcome
# emails and updates. Leave those out of the template, or notices say them twice.
PRIVACY_NOTICE_TEMPLATE = env(
    "PRIVACY_NOTICE_TEMPLATE",
    f"{COUNCIL_NAME} is the data controller for the information you give in this consultation. Your "
    "responses will be stored in line with the UK General Data Protection Regulation (UK GDPR) and the Data "
    "Protection Act 2018.\n\n"
    "Why we use it, and our lawful basis: we use your answers to understand people's views and to inform the "
    "decision the council makes. This is a task carried out in the public interest (UK GDPR Article 6(1)(e)). "
    "The questions about you, such as your age, ethnicity, religion, sexual orientation or any disability, are "
    "optional; we use the answers only to check that we have heard from a wide range of people, for reasons of "
    "substantial public interest (UK GDPR Article 9(2)(g) and the Data Protection Act 2018, Schedule 1, "
    "paragraph 8, equality of opportunity or treatment).\n\n"
    "Who sees it: the officers running the consultation and the partner organisations named on this page. "
    "Where you have shared your experiences, responses may be used in the form of anonymous quotes to help "
    "illustrate key issues that have been highlighted through this consultation. We will only publish your "
    "name if you ask us to. We never publish email addresses or phone numbers, and we never sell your "
    "information.\n\n"
    "How long we keep it: your name, contact details and any personal details in your comments are removed at "
    "the end of the period shown below, counted from the day the consultation closes. The anonymous counts in "
    "the published report are kept.\n\n"
    "Your rights: you can ask for a copy of everything we hold about you, ask us to correct it, ask us to "
    "delete your response, or object to how we use it. Contact the team named on this page, or the council's "
    "data protection officer, giving your response's reference if you have it. We reply within one month. If "
    "you are unhappy with how we have used your information, you can complain to the Information "
    "Commissioner's Office: ico.org.uk/make-a-complaint or 0303 123 1113.",
)
ACCESSIBILITY_CONTACT_EMAIL = env("ACCESSIBILITY_CONTACT_EMAIL")
HUB_PAGE_SIZE = envint("HUB_PAGE_SIZE", 20)

# Two-factor sign-in for staff (a code from an authenticator app): anyone may turn it on;
# with STAFF_TWO_FACTOR_REQUIRED every member of staff must, before any staff or admin page.
STAFF_TWO_FACTOR_REQUIRED = envbool("STAFF_TWO_FACTOR_REQUIRED", False)
OTP_TOTP_ISSUER = f"{SITE_NAME} ({COUNCIL_NAME})"

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
# Or through GOV.UK Notify (`pip install haveyoursay[notify]`): its API key, and the id of a
# plain-text email template whose subject is ((subject)) and whose body is ((body)). It then
# sends every email the site sends, in place of SMTP. NOTIFY_REPLY_TO_ID names one of the
# service's reply-to addresses; NOTIFY_BASE_URL is for Notify's own test environments.
NOTIFY_API_KEY = env("NOTIFY_API_KEY")
NOTIFY_TEMPLATE_ID = env("NOTIFY_TEMPLATE_ID")
NOTIFY_REPLY_TO_ID = env("NOTIFY_REPLY_TO_ID")
NOTIFY_BASE_URL = env("NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
if NOTIFY_API_KEY:
    _uuid = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    if not re.fullmatch(rf".+-{_uuid}-{_uuid}", NOTIFY_API_KEY.strip()):
        raise ImproperlyConfigured(
            "NOTIFY_API_KEY must be a GOV.UK Notify API key as Notify shows it: its name, then two long codes "
            "joined by hyphens."
        )
    if not NOTIFY_TEMPLATE_ID or not re.fullmatch(_uuid, NOTIFY_TEMPLATE_ID.strip()):
        raise ImproperlyConfigured(
            "NOTIFY_TEMPLATE_ID must be the id of a GOV.UK Notify email template (like "
            "f33517ff-2a88-4f6e-b855-c550268ce08a) whose subject is ((subject)) and whose body is ((body))."
        )
    if importlib.util.find_spec("notifications_python_client") is None:
        raise ImproperlyConfigured("NOTIFY_API_KEY is set, but GOV.UK Notify's client is not installed: "
                                   "pip install haveyoursay[notify]")
    EMAIL_BACKEND = "haveyoursay.govuk_notify.NotifyEmailBackend"

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
        # Sign-in failures and lockouts are warnings (with the username and address masked);
        # every successful sign-in at INFO would be noise.
        "axes": {"level": "WARNING"},
    },
}

FORM_RENDERER = "haveyoursay.govuk_forms.GovukFormRenderer"
CSRF_FAILURE_VIEW = "haveyoursay.hub.errors.csrf_failure"
