"""HITSM settings: one module, every value from the environment through typed helpers.

Embedded mode (default): SQLite under the data directory, in-memory channel layer, a Celery
broker on the filesystem. Production: PostgreSQL via DATABASE_URL, Redis via REDIS_URL.
"""

from __future__ import annotations

import ssl
from datetime import timedelta
from pathlib import Path

import dj_database_url

from config.env import (
    ImproperlyConfiguredEnv,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_str,
    env_url,
)
from config.storage import file_storage_from_env

BACKEND_DIR = Path(__file__).resolve().parent.parent
REPO_DIR = BACKEND_DIR.parent
DATA_DIR = Path(env_str("HITSM_DATA_DIR", str(REPO_DIR / "var"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

HITSM_VERSION = "0.1.0"
DEBUG = env_bool("HITSM_DEBUG", False)
TESTING = env_bool("HITSM_TESTING", False)
# Benchmark-only endpoints (/api/v1/bench/: a one-query JSON view and a one-INSERT view, the
# machine's limit reference in bench/load.py). Never set in production: off, they are not routed.
BENCH_ENDPOINTS = env_bool("HITSM_BENCH_ENDPOINTS", False)
# Server-Timing header (app, cpu, db) on every answer: for load tests and chasing a slow tail
SERVER_TIMING = env_bool("HITSM_SERVER_TIMING", False)

SECRET_KEY = env_str("HITSM_SECRET_KEY")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-development-key-never-use-in-production"  # noqa: S105
    else:
        raise ImproperlyConfiguredEnv(
            "HITSM_SECRET_KEY (or HITSM_SECRET_KEY_FILE) is required unless HITSM_DEBUG=true"
        )
if len(SECRET_KEY) < 32:
    raise ImproperlyConfiguredEnv("HITSM_SECRET_KEY must be at least 32 characters long")

ALLOWED_HOSTS = env_list("HITSM_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("HITSM_CSRF_TRUSTED_ORIGINS")
SITE_URL = env_url("HITSM_SITE_URL", "http://127.0.0.1:8000", schemes=("http", "https"))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "channels",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_python3_ldap",
    "hitsm.core",
    "hitsm.api",
    "hitsm.accounts",
    "hitsm.audit",
    "hitsm.cmdb",
    "hitsm.catalog",
    "hitsm.workflow",
    "hitsm.sla",
    "hitsm.servicedesk",
    "hitsm.knowledge",
    "hitsm.surveys",
    "hitsm.notifications",
    "hitsm.wecom",
    "hitsm.dashboards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "hitsm.core.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
if SERVER_TIMING:  # outermost, so that it times every other middleware too
    MIDDLEWARE.insert(0, "hitsm.core.middleware.ServerTimingMiddleware")

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env_url("DATABASE_URL", schemes=("postgres", "postgresql", "sqlite"))
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
        DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 5
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "hitsm.sqlite3"),
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the worker writes; IMMEDIATE transactions take the
    # write lock up front so two writers queue instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
    # A file, not shared-cache memory: concurrency tests need real SQLite locking semantics.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache, channel layer, Celery broker ---------------------------------------------
REDIS_URL = env_url("REDIS_URL", schemes=("redis", "rediss"))
# Namespace for keys, channel groups and the task queue when installations (or parallel test
# workers) share one Redis.
REDIS_PREFIX = env_str("HITSM_REDIS_PREFIX", "hitsm")
if REDIS_URL:
    CACHES: dict[str, dict[str, object]] = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": REDIS_PREFIX,
            # A frozen or unreachable Redis fails a cache call within a second instead of
            # holding the request forever (tests/reliability, docs/reliability.md).
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # capacity: pending frames per channel before channels_redis drops new ones. Its
            # default of 100 dropped whole board events for every client of a busy ASGI process
            # in the 50-board burst (bench/RESULTS.md); boards also re-read on reconnect and
            # every 5 minutes, so a late frame costs little and a lost one costs more.
            "CONFIG": {
                "hosts": [REDIS_URL],
                "prefix": REDIS_PREFIX,
                "capacity": env_int("HITSM_CHANNEL_CAPACITY", 2000, minimum=100, maximum=100_000),
                "expiry": 60,
            },
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
        "visibility_timeout": 3600,
        # No socket_timeout: the worker's consumer does not recover from one (it stops
        # consuming after a timed-out ack). Requests bound their wait for the broker themselves
        # (hitsm.core.breaker.call_bounded); a frozen Redis only pauses the worker.
        "socket_connect_timeout": 2,
    }
    CELERY_TASK_PUBLISH_RETRY_POLICY = {
        "max_retries": 1,
        "interval_start": 0,
        "interval_step": 0.2,
        "interval_max": 0.2,
    }
elif TESTING:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    # Embedded mode: the web process and the Celery worker (SLA scanner, jobs) share this cache
    # on disk, so a reference-data change made in one reaches the other within a second.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }
if not REDIS_URL:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    _broker_dir = DATA_DIR / "broker"
    _broker_dir.mkdir(exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        # Broadcast exchanges (worker control, per-queue fanout); kombu's default is a
        # "control" folder in the current directory.
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
# True when pushes from another process (a Celery worker) reach WebSocket clients directly.
REALTIME_CROSS_PROCESS = bool(REDIS_URL)

CELERY_TASK_ALWAYS_EAGER = env_bool("HITSM_CELERY_EAGER", False)
# One queue name per installation sharing a broker (and per test worker sharing Redis).
CELERY_TASK_DEFAULT_QUEUE = env_str("HITSM_CELERY_QUEUE", REDIS_PREFIX)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "beat-heartbeat": {
        "task": "hitsm.core.tasks.heartbeat",
        "schedule": float(env_int("HITSM_HEARTBEAT_SECONDS", 30, minimum=1, maximum=300)),
    },
    "realtime-purge": {"task": "hitsm.core.tasks.realtime_purge", "schedule": 600.0},
    "notifications-dispatch": {"task": "hitsm.notifications.tasks.dispatch", "schedule": 15.0},
    "wecom-dispatch": {"task": "hitsm.wecom.tasks.dispatch", "schedule": 10.0},
    "tickets-autoclose": {"task": "hitsm.servicedesk.tasks.autoclose", "schedule": 300.0},
    "attachments-sweep": {"task": "hitsm.servicedesk.tasks.sweep_orphans", "schedule": 3600.0},
    "kpis-warm": {"task": "hitsm.dashboards.tasks.warm_kpis", "schedule": 300.0},
    # SLA warnings, breaches and escalations (each fires once: hitsm.servicedesk.clocks)
    "sla-scan": {
        "task": "hitsm.servicedesk.tasks.sla_scan",
        "schedule": float(env_int("HITSM_SLA_SCAN_SECONDS", 20, minimum=5, maximum=30)),
    },
    "workflow-timers": {
        "task": "hitsm.workflow.tasks.fire_timers",
        "schedule": float(env_int("HITSM_WORKFLOW_TIMER_SECONDS", 10, minimum=2, maximum=30)),
    },
    # Satisfaction surveys: reminders once, expiry (docs/surveys.md); each claimed by an UPDATE
    "surveys-scan": {"task": "hitsm.surveys.tasks.scan", "schedule": 900.0},
    # The previous month's summary, stored at month start and again once it can no longer change
    "surveys-monthly-summary": {"task": "hitsm.surveys.tasks.monthly_summary", "schedule": 3600.0},
    # Seals new audit log rows into the hash chain (hitsm.audit.services, docs/admin/security.md)
    "audit-seal": {
        "task": "hitsm.audit.tasks.seal",
        "schedule": float(env_int("HITSM_AUDIT_SEAL_SECONDS", 300, minimum=30, maximum=3600)),
    },
}
# Rows are sealed once this much older than the oldest transaction still writing.
AUDIT_SEAL_MARGIN = timedelta(
    seconds=env_int("HITSM_AUDIT_SEAL_MARGIN_SECONDS", 120, minimum=10, maximum=3600)
)

# --- Authentication and 等保2.0 level 3 basics ------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LDAP_AUTH_URL = env_list("HITSM_LDAP_URL")
# LDAP / Active Directory sign-in (docs/admin/ldap.md), on when HITSM_LDAP_URL is set. The
# backend goes after axes (its lockout covers directory users too) and after ModelBackend (local
# accounts sign in without a round trip to the directory). django-python3-ldap reads LDAP_AUTH_*.
for _ldap_url in LDAP_AUTH_URL:
    if not _ldap_url.startswith(("ldap://", "ldaps://")):
        raise ImproperlyConfiguredEnv(
            f"HITSM_LDAP_URL: {_ldap_url!r} must start with ldap:// or ldaps://"
        )
LDAP_AUTH_SEARCH_BASE = env_str("HITSM_LDAP_SEARCH_BASE", required=bool(LDAP_AUTH_URL))
LDAP_AUTH_OBJECT_CLASS = env_str("HITSM_LDAP_OBJECT_CLASS", "inetOrgPerson")  # AD: user
LDAP_AUTH_USER_FIELDS = {
    "username": env_str("HITSM_LDAP_USERNAME_ATTRIBUTE", "uid"),  # AD: sAMAccountName
    "display_name": "displayName",  # falls back to cn (hitsm.accounts.ldap)
    "email": "mail",
    "employee_no": "employeeNumber",
    "phone_ext": "telephoneNumber",
    "mobile": "mobile",
    "title": "title",
}
LDAP_AUTH_USER_LOOKUP_FIELDS = ("username",)
LDAP_AUTH_CLEAN_USER_DATA = "hitsm.accounts.ldap.clean_user_data"
LDAP_AUTH_SYNC_USER_RELATIONS = "hitsm.accounts.ldap.sync_user_relations"
LDAP_AUTH_FORMAT_USERNAME = "hitsm.accounts.ldap.format_username"
LDAP_AUTH_FORMAT_SEARCH_FILTERS = "hitsm.accounts.ldap.format_search_filters"
LDAP_AUTH_ACTIVE_DIRECTORY_DOMAIN = env_str("HITSM_LDAP_ACTIVE_DIRECTORY_DOMAIN") or None
# Service account for searches (and `manage.py ldap_sync_users`); without one, each user's own
# bind searches. A DN, UPN or DOMAIN\name is used as is.
LDAP_AUTH_CONNECTION_USERNAME = env_str("HITSM_LDAP_BIND_DN") or None
LDAP_AUTH_CONNECTION_PASSWORD = env_str("HITSM_LDAP_BIND_PASSWORD") or None
LDAP_AUTH_CONNECT_TIMEOUT = env_int("HITSM_LDAP_CONNECT_TIMEOUT", 5, minimum=1, maximum=60)
LDAP_AUTH_RECEIVE_TIMEOUT = env_int("HITSM_LDAP_RECEIVE_TIMEOUT", 10, minimum=1, maximum=120)
# One pass over the servers: ldap3's default (True) retries forever while all are down.
LDAP_AUTH_POOL_ACTIVE = 1
# TLS: StartTLS on ldap:// with HITSM_LDAP_USE_TLS, or ldaps:// URLs. Certificates are always
# verified, against HITSM_LDAP_CA_FILE (PEM) or the system's CAs.
LDAP_AUTH_USE_TLS = env_bool("HITSM_LDAP_USE_TLS", False)
_ldap_ca_file = env_str("HITSM_LDAP_CA_FILE")
if _ldap_ca_file and not Path(_ldap_ca_file).is_file():
    raise ImproperlyConfiguredEnv(f"HITSM_LDAP_CA_FILE={_ldap_ca_file!r} is not a readable file")
LDAP_AUTH_TLS_VERSION = ssl.PROTOCOL_TLS_CLIENT
LDAP_AUTH_TLS_CIPHERS = None  # the library's default, "ALL", would allow weak ciphers
LDAP_AUTH_TLS_ARGS = {"validate": ssl.CERT_REQUIRED, "ca_certs_file": _ldap_ca_file or None}
LDAP_AUTH_CONNECT_ARGS: dict[str, object] = {}
if any(url.startswith("ldaps://") for url in LDAP_AUTH_URL):
    import ldap3

    LDAP_AUTH_CONNECT_ARGS["tls"] = ldap3.Tls(version=LDAP_AUTH_TLS_VERSION, **LDAP_AUTH_TLS_ARGS)
# HITSM's own: where the department code is, extra filter on entries, role of new users.
LDAP_DEPARTMENT_ATTRIBUTE = env_str("HITSM_LDAP_DEPARTMENT_ATTRIBUTE", "departmentNumber")
LDAP_USER_FILTER = env_str("HITSM_LDAP_USER_FILTER")
if LDAP_USER_FILTER:
    if not LDAP_USER_FILTER.startswith("("):
        LDAP_USER_FILTER = f"({LDAP_USER_FILTER})"
    if LDAP_USER_FILTER.count("(") != LDAP_USER_FILTER.count(")"):
        raise ImproperlyConfiguredEnv(f"HITSM_LDAP_USER_FILTER={LDAP_USER_FILTER!r}: unbalanced ()")
# Never admin: a directory entry alone must not make anyone a platform administrator.
LDAP_DEFAULT_ROLE = env_choice(
    "HITSM_LDAP_DEFAULT_ROLE",
    "requester",
    ["requester", "agent", "engineer", "sysadmin", "manager"],
)
if LDAP_AUTH_URL:
    AUTHENTICATION_BACKENDS.append("hitsm.accounts.ldap.HospitalLDAPBackend")

PASSWORD_MIN_LENGTH = env_int("HITSM_PASSWORD_MIN_LENGTH", 10, minimum=8, maximum=64)
PASSWORD_MAX_AGE_DAYS = env_int("HITSM_PASSWORD_MAX_AGE_DAYS", 90, minimum=0, maximum=3650)
PASSWORD_HISTORY = env_int("HITSM_PASSWORD_HISTORY", 5, minimum=0, maximum=24)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "hitsm.accounts.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "hitsm.accounts.validators.ComplexityValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "hitsm.accounts.validators.HistoryValidator", "OPTIONS": {"depth": PASSWORD_HISTORY}},
]

if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast tests only

# Lockout is enforced by the login API itself (errors in the API envelope), so axes'
# middleware, which answers with its own page, is not installed.
AXES_FAILURE_LIMIT = env_int("HITSM_LOGIN_FAILURE_LIMIT", 5, minimum=3, maximum=20)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("HITSM_LOCKOUT_MINUTES", 30, minimum=1, maximum=1440))
# Lock the account, not the address: wards share NAT'd IPs, and 等保 asks for account lockout.
# Per-address brute force is limited by the login throttle (HITSM_LOGIN_RATE) instead.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006", "axes.W002"]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False
# Reverse proxies in front of HITSM that append to X-Forwarded-For; 0 = the header is ignored.
# One rule for the audit log, the lockout and the login throttle (hitsm/core/netaddr.py).
TRUSTED_PROXY_COUNT = env_int("HITSM_PROXY_COUNT", 0, minimum=0, maximum=5)
AXES_CLIENT_IP_CALLABLE = "hitsm.core.netaddr.client_ip"

SESSION_IDLE_MINUTES = env_int("HITSM_SESSION_IDLE_MINUTES", 30, minimum=5, maximum=720)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True  # idle timeout: every request extends the session
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("HITSM_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = False  # the single-page apps read it to send X-CSRFToken
SESSION_COOKIE_NAME = "hitsm_session"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "SAMEORIGIN"
OTP_TOTP_ISSUER = "HITSM"
API_TOKEN_MAX_DAYS = env_int("HITSM_API_TOKEN_MAX_DAYS", 365, minimum=1, maximum=3650)

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "hitsm.accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "hitsm.accounts.permissions.PasswordNotExpired",
    ],
    "DEFAULT_PAGINATION_CLASS": "hitsm.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "hitsm.api.exceptions.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_THROTTLE_RATES": {"login": env_str("HITSM_LOGIN_RATE", "30/min")},
    # the throttle's client address: X-Forwarded-For only as far as our own proxies vouch for it
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "HITSM API",
    "DESCRIPTION": "医院IT服务管理平台 HITSM — REST API. Errors share one envelope: "
    "{error: {code, message, fields, request_id}}.",
    "VERSION": HITSM_VERSION,
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",  # served locally: hospitals run without internet
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ArticleStatusEnum": "hitsm.knowledge.models.ArticleStatus",
        "QuestionChannelEnum": "hitsm.knowledge.models.Channel",
        "TicketKindEnum": "hitsm.catalog.choices.TicketKind",
        "CatalogItemKindEnum": "hitsm.catalog.choices.SERVICE_KIND_CHOICES",
        "ProcessTaskKindEnum": "hitsm.workflow.models.TaskKind",
        "ProcessTaskStatusEnum": "hitsm.workflow.models.TaskStatus",
        "TicketStatusEnum": "hitsm.servicedesk.choices.TicketStatus",
        "TicketChannelEnum": "hitsm.servicedesk.choices.Channel",
        "PendingReasonEnum": "hitsm.servicedesk.choices.PendingReason",
        "ResolutionCodeEnum": "hitsm.servicedesk.choices.ResolutionCode",
        "EscalationKindEnum": "hitsm.servicedesk.choices.EscalationKind",
        "AttachmentKindEnum": "hitsm.servicedesk.models.AttachmentKind",
        "EventKindEnum": "hitsm.servicedesk.choices.EventKind",
        "DepartmentKindEnum": "hitsm.accounts.models.DepartmentKind",
        "UserSourceEnum": "hitsm.accounts.models.UserSource",
        "JobStatusEnum": "hitsm.core.models.JobStatus",
        "NotificationKindEnum": "hitsm.notifications.models.NotificationKind",
        "NotificationChannelEnum": "hitsm.notifications.models.NotificationChannel",
        "CIStatusEnum": "hitsm.cmdb.models.CIStatus",
        "PriorityEnum": "hitsm.catalog.choices.Priority",
        "ImpactEnum": "hitsm.catalog.choices.Impact",
        "UrgencyEnum": "hitsm.catalog.choices.Urgency",
        "StakeholderRoleEnum": "hitsm.catalog.choices.StakeholderRole",
        "SlaMetricEnum": "hitsm.sla.models.SlaMetric",
        "CalendarDayKindEnum": "hitsm.sla.models.DayKind",
        "SlaNoticeKindEnum": "hitsm.servicedesk.models.NoticeKind",
        "ObashiLayerEnum": "hitsm.cmdb.models.ObashiLayer",
        "KpiLayerEnum": "hitsm.dashboards.kpis.KpiLayer",
        "ChangeLogActionEnum": "hitsm.core.models.ChangeAction",
        "LoginEventKindEnum": "hitsm.accounts.models.LoginEventKind",
        "AuditResultEnum": "hitsm.audit.choices.AuditResult",
    },
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums"],
}

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BACKEND_DIR / "locale"]
TIME_ZONE = env_str("HITSM_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static files and uploads ---------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
FRONTEND_DIR = REPO_DIR / "frontend"
FRONTEND_APPS = {"web": FRONTEND_DIR / "apps/web/dist", "h5": FRONTEND_DIR / "apps/h5/dist"}
STATICFILES_DIRS = [(name, path) for name, path in FRONTEND_APPS.items() if path.is_dir()]
# Uploaded files (attachments, thumbnails, playable audio, imports): local disk under
# MEDIA_ROOT, or an S3-compatible bucket with HITSM_STORAGE_BACKEND=s3 (config/storage.py,
# docs/admin/server.md). Downloads always pass HITSM's permission checks.
FILE_STORAGE = file_storage_from_env(site_url=SITE_URL)
STORAGE_BACKEND = FILE_STORAGE.backend
S3_DOWNLOADS = FILE_STORAGE.downloads  # "stream" through HITSM, or "redirect" to a signed URL
S3_URL_SECONDS = FILE_STORAGE.url_seconds
S3_PUBLIC_ORIGIN = FILE_STORAGE.public_origin
STORAGES = {
    "default": FILE_STORAGE.storage,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not (DEBUG or TESTING)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
IMPORT_MAX_BYTES = env_int("HITSM_IMPORT_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
# Voice messages browsers cannot play (WeCom's AMR, Ogg, WebM) get an MP3 copy made by ffmpeg
# in the worker; without ffmpeg they stay download-only (hitsm.servicedesk.playback).
FFMPEG = env_str("HITSM_FFMPEG", "ffmpeg")
TRANSCODE_TIMEOUT = env_int("HITSM_TRANSCODE_TIMEOUT", 120, minimum=5, maximum=3600)

# --- E-mail (optional transport for notifications) ------------------------------------------
# A notification claimed for sending longer ago than this (its worker died) is sent again by the
# dispatcher; keep it well above the slowest transport's timeout (e-mail 10 s, WeCom 5 s).
NOTIFICATION_SENDING_LEASE = env_int(
    "HITSM_NOTIFICATION_LEASE_SECONDS", 300, minimum=30, maximum=3600
)
EMAIL_HOST = env_str("HITSM_EMAIL_HOST")
EMAIL_ENABLED = bool(EMAIL_HOST)
EMAIL_PORT = env_int("HITSM_EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("HITSM_EMAIL_USER")
EMAIL_HOST_PASSWORD = env_str("HITSM_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("HITSM_EMAIL_TLS", False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env_str("HITSM_EMAIL_FROM", "hitsm@localhost")

# --- Service desk ---------------------------------------------------------------------------
# Process webhooks (docs/workflow.md): only these hosts may be called ("host" or "host:port");
# none by default. Each request is signed with HMAC-SHA256 of its body when a secret is set.
WORKFLOW_WEBHOOK_HOSTS = env_list("HITSM_WEBHOOK_ALLOWED_HOSTS")
WORKFLOW_WEBHOOK_SECRET = env_str("HITSM_WEBHOOK_SECRET")
WORKFLOW_WEBHOOK_TIMEOUT = env_int("HITSM_WEBHOOK_TIMEOUT", 10, minimum=1, maximum=60)
WORKFLOW_WEBHOOK_PROXY = env_str("HITSM_WEBHOOK_PROXY") or None

# Knowledge base (docs/knowledge.md): the auto-answer answers directly at or above this confidence.
KNOWLEDGE_ANSWER_THRESHOLD = (
    env_int("HITSM_KNOWLEDGE_THRESHOLD_PERCENT", 60, minimum=10, maximum=100) / 100
)

# Speech-to-text for voice messages (hitsm/servicedesk/transcribe.py): off unless a hospital
# names its own transcriber class; nothing is downloaded at run time.
SPEECH_TRANSCRIBER = env_str("HITSM_SPEECH_TRANSCRIBER")

TICKET_AUTOCLOSE_DAYS = env_int("HITSM_TICKET_AUTOCLOSE_DAYS", 3, minimum=1, maximum=60)
TICKET_REOPEN_DAYS = env_int("HITSM_TICKET_REOPEN_DAYS", 7, minimum=0, maximum=90)
TICKET_UNACCEPTED_MINUTES = env_int("HITSM_UNACCEPTED_MINUTES", 30, minimum=1, maximum=1440)

# Satisfaction surveys (docs/surveys.md): a survey may be answered until it expires, reminded
# once after SURVEY_REMIND_HOURS, and an answer may be changed for SURVEY_EDIT_HOURS.
SURVEY_EXPIRY_DAYS = env_int("HITSM_SURVEY_EXPIRY_DAYS", 7, minimum=1, maximum=60)
SURVEY_REMIND_HOURS = env_int("HITSM_SURVEY_REMIND_HOURS", 24, minimum=1, maximum=1440)
SURVEY_EDIT_HOURS = env_int("HITSM_SURVEY_EDIT_HOURS", 24, minimum=0, maximum=720)
if SURVEY_REMIND_HOURS >= SURVEY_EXPIRY_DAYS * 24:
    raise ImproperlyConfiguredEnv(
        f"HITSM_SURVEY_REMIND_HOURS={SURVEY_REMIND_HOURS} must be shorter than the survey's life "
        f"(HITSM_SURVEY_EXPIRY_DAYS={SURVEY_EXPIRY_DAYS} days)"
    )

LOG_LEVEL = env_choice("HITSM_LOG_LEVEL", "INFO", ["DEBUG", "INFO", "WARNING", "ERROR"])
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "axes": {"level": "WARNING"},
        "django.db.backends": {"level": "INFO"},
        # SpiffWorkflow logs every task state change at INFO: thousands of lines per process.
        "spiff": {"level": "WARNING"},
    },
}

# --- WeCom (企业微信) ------------------------------------------------------------------------
# Administrators enter the connection on the 企业微信 page (secrets stored sealed); a value set
# here wins over the page (and the page shows it as coming from the environment).
WECOM_ENV = {
    "enabled": env_bool("HITSM_WECOM_ENABLED", False),
    "corp_id": env_str("HITSM_WECOM_CORP_ID"),
    "agent_id": env_str("HITSM_WECOM_AGENT_ID"),
    "secret": env_str("HITSM_WECOM_SECRET"),
    "token": env_str("HITSM_WECOM_TOKEN"),
    "aes_key": env_str("HITSM_WECOM_AES_KEY"),
    "base_url": env_str("HITSM_WECOM_BASE_URL"),
    "oauth_base_url": env_str("HITSM_WECOM_OAUTH_BASE_URL"),
    "proxy": env_str("HITSM_WECOM_PROXY"),
}
WECOM_TIMEOUT = env_int("HITSM_WECOM_TIMEOUT", 5, minimum=1, maximum=30)
# Callbacks older or newer than this many seconds are refused (replays).
WECOM_MAX_CLOCK_SKEW = env_int("HITSM_WECOM_MAX_CLOCK_SKEW", 300, minimum=30, maximum=3600)
# Messages from one person within this many minutes join the same draft ticket.
WECOM_DRAFT_MINUTES = env_int("HITSM_WECOM_DRAFT_MINUTES", 10, minimum=1, maximum=120)
