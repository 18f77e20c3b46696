"""OncoLens settings. Everything that differs between a laptop, CI and production
comes from the environment; the defaults are the embedded set-up (SQLite and a
SQLAlchemy-on-SQLite Celery broker) that needs no server."""

from pathlib import Path

import dj_database_url

from .env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("ONCOLENS_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
# The fallback key is for laptops and tests only; `manage.py check --deploy` flags it.
SECRET_KEY = env_str("SECRET_KEY", "django-insecure-local-only-set-SECRET_KEY-in-production")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "auditlog",
    "records",
    "guidelines",
    "frontend",
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
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "backend.urls"
WSGI_APPLICATION = "backend.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'oncolens.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The web process and the worker share the file: wait for a lock instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# WhiteNoise serves static files from the app folders in every mode (no collectstatic
# needed for `make run` or the browser tests); gzip copies are made by collectstatic.
WHITENOISE_USE_FINDERS = True
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns on every start when it is missing
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    # Uploaded originals are encrypted at rest (see the security section below).
    "default": {"BACKEND": "records.storage.EncryptedFileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# FILE_STORAGE=s3 keeps the (still encrypted) originals in an S3-compatible bucket, so
# web and worker machines share them without a shared disk.
FILE_STORAGE = env_str("FILE_STORAGE", "local")
if FILE_STORAGE == "s3":
    STORAGES["default"] = {
        "BACKEND": "records.storage_s3.EncryptedS3Storage",
        "OPTIONS": {
            "bucket_name": env_str("AWS_STORAGE_BUCKET_NAME", "oncolens-records"),
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL", "") or None,
            "region_name": env_str("AWS_S3_REGION_NAME", "") or None,
            "access_key": env_str("AWS_ACCESS_KEY_ID", "") or None,
            "secret_key": env_str("AWS_SECRET_ACCESS_KEY", "") or None,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
MEDIA_ROOT = Path(env_str("STORAGE_PATH", str(VAR_DIR / "media")))
MEDIA_URL = "/media-not-served/"

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# Uploads: limits a person hits get a clear message, not a server error.
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 25 * 1024 * 1024)
UPLOAD_MAX_PAGES = env_int("UPLOAD_MAX_PAGES", 200)
UPLOAD_MAX_FILES = env_int("UPLOAD_MAX_FILES", 20)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
OCR_LANGUAGE = env_str("OCR_LANGUAGE", "eng")
OCR_DPI = env_int("OCR_DPI", 300)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so an anonymous API call gets 401 with a WWW-Authenticate header.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # AutoSchema plus the 400/401/403/404/429 answers every view gives (tests/fuzz/).
    "DEFAULT_SCHEMA_CLASS": "records.api.schema.ErrorAwareSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "OncoLens API",
    "DESCRIPTION": "Medical-record intake, clinical extraction and audit.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
}

# Celery. Embedded default: a SQLAlchemy transport on a SQLite file, which needs no
# server but is a real queue consumed by a real worker process.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", f"sqla+sqlite:///{VAR_DIR / 'broker.sqlite3'}")
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env_int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", 1_500_000)
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # Unacked tasks come back after this long; it must exceed the longest task.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600)
    }
TASK_SOFT_TIME_LIMIT = env_int("TASK_SOFT_TIME_LIMIT", 600)
TASK_TIME_LIMIT = env_int("TASK_TIME_LIMIT", 660)

AUDITLOG_DISABLE_REMOTE_ADDR = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# Guidelines retrieval index (passages, BM25, embeddings); built on first use if missing.
GUIDELINES_INDEX_DIR = Path(env_str("GUIDELINES_INDEX_DIR", str(VAR_DIR / "guidelines-index")))

# ClinicalTrials.gov: the offline snapshot by default; the live v2 API only when asked.
CTGOV_LIVE = env_bool("CTGOV_LIVE", False)
CTGOV_BASE_URL = env_str("CTGOV_BASE_URL", "https://clinicaltrials.gov/api/v2")

# ---------------------------------------------------------------- security (hardening)
# Safe over plain http on localhost (`make run`, the tests); backend/settings_production
# turns on the https-only parts and refuses insecure keys (its docstring lists the env).
import base64  # noqa: E402
import hashlib  # noqa: E402
from datetime import timedelta  # noqa: E402

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 12 * 3600)
# https-only settings, off here so http://127.0.0.1 works; on in settings_production.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Behind a TLS-terminating proxy: SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https".
_proxy_ssl_header = env_list("SECURE_PROXY_SSL_HEADER", [])
SECURE_PROXY_SSL_HEADER = tuple(_proxy_ssl_header) if len(_proxy_ssl_header) == 2 else None

# Encryption at rest of uploaded originals (records/storage.py): Fernet keys, newest
# first. Without FILE_ENCRYPTION_KEYS a key derived from SECRET_KEY is used (laptops
# and tests only; settings_production refuses to start without real keys).
FILE_ENCRYPTION_KEYS = env_list("FILE_ENCRYPTION_KEYS", []) or [
    base64.urlsafe_b64encode(
        hashlib.sha256(b"oncolens-file-encryption-v1:" + SECRET_KEY.encode()).digest()
    ).decode()
]
# Read files stored before encryption at rest as they are (dev convenience);
# `manage.py rotate_file_keys` encrypts them.
FILE_ENCRYPTION_READ_PLAINTEXT = env_bool("FILE_ENCRYPTION_READ_PLAINTEXT", DEBUG)
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750

# Patient data is never cached by browsers or proxies (records/middleware.py).
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "records.middleware.NoStoreMiddleware",
)

# Brute-force lockout (django-axes): AXES_FAILURE_LIMIT wrong passwords for one
# username from one address lock that pair for AXES_COOLOFF_MINUTES. API tokens are
# not passwords and are not affected. Reset by hand: `manage.py axes_reset_username`.
INSTALLED_APPS.append("axes")
MIDDLEWARE.append("axes.middleware.AxesMiddleware")  # last, as axes asks
AUTHENTICATION_BACKENDS = [
    "records.security.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_SENSITIVE_PARAMETERS = ["password"]
AXES_VERBOSE = False  # no banner on every start; lockouts are still logged
# Behind proxies REMOTE_ADDR is the proxy: TRUSTED_PROXY_COUNT=N (the number of proxies
# that append to X-Forwarded-For) makes the client's address count instead.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "records.security.client_ip"

# Per-user rate limits (records/security.py), "N/second|minute|hour|day", or "off".
# Counted in the default cache: set CACHE_URL=redis://... when several processes serve.
def _rate(name: str, default: str) -> str | None:
    value = env_str(name, default).strip()
    return None if value.lower() in {"", "off", "none", "0"} else value


REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {
    "upload": _rate("THROTTLE_UPLOAD_RATE", "120/hour"),
    "ask": _rate("THROTTLE_ASK_RATE", "60/hour"),
}
_cache_url = env_str("CACHE_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _cache_url}
        if _cache_url.startswith(("redis://", "rediss://"))
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
