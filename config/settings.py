"""laborgrid settings, driven by environment variables.

Defaults run the Dafang demo on SQLite under ``var/``. ``LABORGRID_ENV=production`` turns on the
production hardening and refuses to start with the demo secret key or with DEBUG on.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("LABORGRID_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


ENVIRONMENT = os.environ.get("LABORGRID_ENV", "demo")  # demo | development | production
PRODUCTION = ENVIRONMENT == "production"

DEMO_SECRET_KEY = "laborgrid-demo-secret-key-do-not-use-in-production"  # noqa: S105
SECRET_KEY = os.environ.get("SECRET_KEY", DEMO_SECRET_KEY)
# DEBUG is on only for developers (LABORGRID_ENV=development): the demo is what a new user sees,
# so it answers a wrong or forbidden address with the app's own Chinese 404/403 pages, never
# Django's English debug page listing the URL patterns (issue 23). Static files need no DEBUG:
# whitenoise serves them from the app folders outside production.
DEBUG = env_bool("DEBUG", ENVIRONMENT == "development")
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get(
        "ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver"
    ).split(",")
    if h.strip()
]

if PRODUCTION:
    # MLPS level 3: a production install never runs with a known key or with tracebacks shown.
    if SECRET_KEY == DEMO_SECRET_KEY or len(SECRET_KEY) < 40:
        raise ImproperlyConfigured(
            "LABORGRID_ENV=production needs SECRET_KEY set to a random value of 40+ characters "
            "(the demo secret key is refused)."
        )
    if DEBUG:
        raise ImproperlyConfigured("LABORGRID_ENV=production refuses to start with DEBUG on.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("LABORGRID_ENV=production needs ALLOWED_HOSTS.")

# --- Field encryption of personal numbers (SECURITY.md, laborgrid.lib.crypto) ------------------
# ID and phone numbers are encrypted by the application (AES-256-GCM, or SM4-GCM for 商用密码
# deployments: ``python -m laborgrid.lib.crypto --algorithm sm4-gcm``) and looked up through a
# keyed hash. The demo runs on a published key ring, which production refuses.
DEMO_FIELD_KEYS = (
    "current=demo;demo=aes-256-gcm:vGaBEHWc_u5TOvUg2DTpwmYazZ-h_cXkTtaB3fWjfJk;"
    "index=hmac-sha256:4jwR1_2PxjpAQPxmWM99hp13f_CuG8MmKblbJNpXIOQ"
)
LABORGRID_FIELD_KEYS = os.environ.get("LABORGRID_FIELD_KEYS", "" if PRODUCTION else DEMO_FIELD_KEYS)
if PRODUCTION and LABORGRID_FIELD_KEYS in ("", DEMO_FIELD_KEYS):
    raise ImproperlyConfigured(
        "LABORGRID_ENV=production needs LABORGRID_FIELD_KEYS (generate one with "
        "`python -m laborgrid.lib.crypto`); the demo key ring is refused."
    )

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "ninja",  # serves the API docs from its bundled static files (no CDN)
    "django_tasks",
    "django_tasks_db",
    "simple_history",
    "django_filters",
    "laborgrid.core",
    "laborgrid.audit",
    "laborgrid.accounts",
    "laborgrid.grids",
    "laborgrid.employers",
    "laborgrid.coverage",
    "laborgrid.registers",
    "laborgrid.workdays",
    "laborgrid.documents",
    "laborgrid.collection",
    "laborgrid.notifications",
    "laborgrid.deadlines",
    "laborgrid.cases",
    "laborgrid.incidents",
    "laborgrid.assessment",
    "laborgrid.rectifications",
    "laborgrid.reports",
    "laborgrid.inspections",
    "laborgrid.projects",
    "laborgrid.ratings",
    "laborgrid.reviews",
    "laborgrid.portal",
    "laborgrid.site",
    "django.forms",  # its widget templates, for FORM_RENDERER below
]

MIDDLEWARE = [
    "laborgrid.api.middleware.ApiJsonErrorsMiddleware",
    "laborgrid.core.middleware.RejectNulMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "laborgrid.accounts.middleware.SessionPolicyMiddleware",
    # Employer accounts reach only the portal; staff never the employer area (issue 17 §7).
    "laborgrid.portal.middleware.PortalAreaMiddleware",
    "laborgrid.core.middleware.MissingFileMiddleware",
    # AxesMiddleware must be last: it turns lockouts into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "laborgrid" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "laborgrid.core.context_processors.shell",
                "laborgrid.grids.context_processors.grid_switcher",
                "laborgrid.portal.context_processors.account_layout",
            ],
        },
    }
]

# Widgets render through the project's templates, so laborgrid/templates/django/forms/ can
# override one: the select option shows 请选择 instead of Django's "---------" placeholder.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Database -------------------------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'laborgrid.sqlite3'}")
_db = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("LABORGRID_DB_CONN_MAX_AGE", 0))
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the background worker writes; IMMEDIATE transactions
    # take the write lock up front so two writers queue instead of failing with "database is locked".
    _db["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA busy_timeout=10000;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
elif _db["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: its compilation (~40 ms, measured at a million employers) costs more than the
    # short queries of a web request save; nothing here runs long analytical queries on-line.
    _db.setdefault("OPTIONS", {})
    _db["OPTIONS"]["options"] = (_db["OPTIONS"].get("options", "") + " -c jit=off").strip()
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth and login security (SECURITY.md §1 身份鉴别) -----------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "site:home"
LOGOUT_REDIRECT_URL = "accounts:login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("LABORGRID_PASSWORD_MIN_LENGTH", 10)},
    },
    {
        "NAME": "laborgrid.accounts.validators.CharacterClassesValidator",
        "OPTIONS": {"min_classes": 3},
    },
    {"NAME": "laborgrid.accounts.validators.NotUsernameValidator"},
    # Common words, pinyin, place names (LABORGRID_PASSWORD_CONTEXT_WORDS: the county's name in
    # pinyin, comma-separated), the username with digits/symbols around it, keyboard runs, and the
    # published demo password.
    {
        "NAME": "laborgrid.accounts.validators.CommonPatternValidator",
        "OPTIONS": {
            "context_words": [
                w.strip()
                for w in os.environ.get("LABORGRID_PASSWORD_CONTEXT_WORDS", "dafang").split(",")
                if w.strip()
            ]
        },
    },
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Maximum password age in days (等保 requires periodic change); 0 switches the check off.
LABORGRID_PASSWORD_MAX_AGE_DAYS = env_int("LABORGRID_PASSWORD_MAX_AGE_DAYS", 90)

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "laborgrid.accounts.backends.LaborgridBackend",
]
# Lockout: N failures within the window, keyed on username + IP (not username alone, so a
# stranger cannot lock an inspector out from elsewhere: ASVS 6.1.1).
AXES_FAILURE_LIMIT = env_int("LABORGRID_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LABORGRID_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Behind nginx every request comes from the proxy: list its addresses here so the client address
# (audit log, lockout key) is read from X-Forwarded-For, and only when the request came via them.
LABORGRID_TRUSTED_PROXIES = [
    p.strip() for p in os.environ.get("LABORGRID_TRUSTED_PROXIES", "").split(",") if p.strip()
]
AXES_CLIENT_IP_CALLABLE = "laborgrid.audit.services.client_ip"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False

# Idle timeout: the session lives 30 minutes after the last request.
SESSION_COOKIE_AGE = env_int("LABORGRID_SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Absolute lifetime: a session ends this many hours after sign-in, active or not.
LABORGRID_SESSION_MAX_HOURS = env_int("LABORGRID_SESSION_MAX_HOURS", 12)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False

# Two-factor sign-in (password + TOTP, 等保 身份鉴别 d): required for every account in production;
# in the demo it is optional (anyone may enrol from the user menu) and the login page says so.
# An account that has enrolled must always give its code.
LABORGRID_MFA_REQUIRED = env_bool("LABORGRID_MFA_REQUIRED", PRODUCTION)
OTP_TOTP_ISSUER = os.environ.get("LABORGRID_OTP_ISSUER", "laborgrid")
OTP_TOTP_THROTTLE_FACTOR = 1  # each failure doubles the wait before the next try (1 s, 2 s, 4 s…)

LABORGRID_API_TOKEN_HOURS = env_int("LABORGRID_API_TOKEN_HOURS", 8)
# The demo accounts exist only when seed_demo is run; their password comes from here.
# Address-space cap of a background worker (MB; 0 = none), applied before its first task: parsing
# an untrusted workbook cannot take the machine's memory (issue 21 item 1).
LABORGRID_JOB_MEMORY_MB = env_int("LABORGRID_JOB_MEMORY_MB", 3072)
# A background worker writes its heartbeat every tenth of this; silent this long, it is gone and a
# worker that starts (or lives on another node) takes over its jobs (issue 21 item 8).
LABORGRID_WORKER_SILENT_SECONDS = env_int("LABORGRID_WORKER_SILENT_SECONDS", 60)
# 剩余信息保护 (SECURITY.md): an export's result file is deleted this many days after it was made;
# an uploaded register file that was never imported, this many days after its upload
# (``manage.py purge_files``, run daily).
LABORGRID_EXPORT_RETENTION_DAYS = env_int("LABORGRID_EXPORT_RETENTION_DAYS", 7)
LABORGRID_UPLOAD_RETENTION_DAYS = env_int("LABORGRID_UPLOAD_RETENTION_DAYS", 30)
# The audit chain is keyed (HMAC-SHA256 seals) with a key kept outside the database; default: one
# derived from SECRET_KEY. The anchor file (append-only, outside the database) records the newest
# event periodically (`anchor_audit_chain`); empty = no anchoring.
LABORGRID_AUDIT_KEY = os.environ.get("LABORGRID_AUDIT_KEY", "")
LABORGRID_AUDIT_ANCHOR_FILE = os.environ.get("LABORGRID_AUDIT_ANCHOR_FILE", "")
LABORGRID_DEMO_PASSWORD = os.environ.get("LABORGRID_DEMO_PASSWORD", "Dafang@2026")
# Coverage (底数清): subtrees of more employers than this keep their figures cached this long.
LABORGRID_COVERAGE_CACHE_MIN_EMPLOYERS = env_int("LABORGRID_COVERAGE_CACHE_MIN_EMPLOYERS", 20000)
LABORGRID_COVERAGE_CACHE_SECONDS = env_int("LABORGRID_COVERAGE_CACHE_SECONDS", 300)
# Dashboard (laborgrid/reports/README.md): its pre-aggregated figures are counted again in the
# background when older than this; 0 = count on every view (tests, tiny installs).
LABORGRID_REPORTS_REFRESH_SECONDS = env_int("LABORGRID_REPORTS_REFRESH_SECONDS", 300)

# --- Complaints and cases (laborgrid/cases/README.md) --------------------------------------
# Flood limits of the public intake (page and API together), attachments, routing, the notifier
# that tells complainants (a class with send(case=, complainant=, message=)), and what documents
# (文书) print.
LABORGRID_INTAKE_PER_IP_PER_HOUR = env_int("LABORGRID_INTAKE_PER_IP_PER_HOUR", 10)
LABORGRID_INTAKE_PER_PHONE_PER_DAY = env_int("LABORGRID_INTAKE_PER_PHONE_PER_DAY", 5)
LABORGRID_TRACKING_PER_IP_PER_HOUR = env_int("LABORGRID_TRACKING_PER_IP_PER_HOUR", 60)
LABORGRID_INTAKE_MAX_FILE_MB = env_int("LABORGRID_INTAKE_MAX_FILE_MB", 5)
LABORGRID_INTAKE_MAX_FILES = env_int("LABORGRID_INTAKE_MAX_FILES", 5)
LABORGRID_INTAKE_GRID = os.environ.get("LABORGRID_INTAKE_GRID", "")
LABORGRID_CASE_NOTIFIER = os.environ.get(
    "LABORGRID_CASE_NOTIFIER", "laborgrid.cases.notifier.LoggingNotifier"
)
LABORGRID_BUREAU_NAME = os.environ.get("LABORGRID_BUREAU_NAME", "大方县人力资源和社会保障局")
LABORGRID_BUREAU_ADDRESS = os.environ.get(
    "LABORGRID_BUREAU_ADDRESS", "大方县人力资源和社会保障局劳动保障监察大队"
)
LABORGRID_BUREAU_CONTACT = os.environ.get("LABORGRID_BUREAU_CONTACT", "")
LABORGRID_RECONSIDERATION_BODY = os.environ.get(
    "LABORGRID_RECONSIDERATION_BODY", "大方县人民政府或毕节市人力资源和社会保障局"
)
LABORGRID_COURT = os.environ.get("LABORGRID_COURT", "大方县人民法院")
# D19: service by public notice (公告送达) is deemed made this many days after publication (a
# local rule: 60 by 青岛 Art. 33); the party's periods run from then.
LABORGRID_PUBLIC_NOTICE_SERVICE_DAYS = env_int("LABORGRID_PUBLIC_NOTICE_SERVICE_DAYS", 60)
LABORGRID_FINE_PAYMENT = os.environ.get("LABORGRID_FINE_PAYMENT", "指定银行或电子支付渠道")
LABORGRID_DOCUMENT_NUMBER_PATTERN = os.environ.get(
    "LABORGRID_DOCUMENT_NUMBER_PATTERN", "大人社监〔{year}〕{abbr}字第{seq}号"
)
# How long another process may serve the working-day calendar before it sees an edit.
LABORGRID_WORKDAYS_CACHE_SECONDS = env_int("LABORGRID_WORKDAYS_CACHE_SECONDS", 10)
# The written review's "due soon" reminder: days before the window closes (reviews.reminders).
LABORGRID_REVIEW_REMIND_DAYS = env_int("LABORGRID_REVIEW_REMIND_DAYS", 7)

# --- Cache -----------------------------------------------------------------------------------
# Shared by every process (the web workers and the background worker): coverage figures counted
# in the background, and the public intake's flood limits, must be seen by all of them. The
# database cache needs no extra server; its table is created by ``migrate``. LABORGRID_CACHE=
# locmem keeps it per process (one-process setups only).
CACHES: dict[str, dict[str, Any]] = {
    "default": (
        {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
        if os.environ.get("LABORGRID_CACHE", "db") == "locmem"
        else {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "laborgrid_cache",
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    )
}

# --- Background tasks ------------------------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- i18n: Chinese first ---------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "laborgrid" / "locale"]
# zh-Hans renders dates for <input type="date"> in ISO (Django's first format, 2026/12/06, is
# rejected by the browser and the field showed empty): laborgrid/formats/zh_Hans/formats.py
FORMAT_MODULE_PATH = ["laborgrid.formats"]
USE_I18N = True
# Dates render ISO in every language: <input type="date"> accepts nothing else (issue 15).
FORMAT_MODULE_PATH = ["laborgrid.core.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

# --- Static files ----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "laborgrid" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"
# Outside production, whitenoise serves straight from the app's static folders (no collectstatic).
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# --- HTTP hardening --------------------------------------------------------------------------
# Content-Security-Policy: scripts only from our own static files (no inline script, no CDN).
# Styles allow inline attributes (Tabler and ECharts set element styles); images allow data:/blob:
# for the map's PNG export.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("LABORGRID_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("LABORGRID_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = False
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_TRUSTED_ORIGINS = [
        o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
    ]
    SILENCED_SYSTEM_CHECKS = ["security.W021"]  # HSTS preload is a per-deployment decision

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LABORGRID_LOG_LEVEL", "WARNING")},
}
