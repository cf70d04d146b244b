"""SafetyOps settings: one module, every knob from the environment.

Development defaults need no services (SQLite, an embedded Celery broker under var/).
With DEBUG off the process refuses to start on an unsafe SECRET_KEY, empty ALLOWED_HOSTS
or a missing DATABASE_URL.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from safetyops.env import envbool, envint, envlist, envstorage, envstr

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(envstr("VAR_DIR", str(BASE_DIR / "var")))

DEV_SECRET_KEY = "dev-insecure-secret-key-do-not-use-in-production"  # noqa: S105 (the value production refuses)
DEBUG = envbool("DEBUG", True)
# `bin/run` serves from a checkout like production (DEBUG off, its own key under var/) but on plain
# HTTP, with SQLite under var/ and static files straight from the app folders (no collectstatic).
LOCAL_RUN = envbool("SAFETYOPS_LOCAL_RUN", False)
SECRET_KEY = envstr("SECRET_KEY", DEV_SECRET_KEY)
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

if not DEBUG:
    if SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("Production needs SECRET_KEY: a random string of 50+ characters.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("Production needs ALLOWED_HOSTS (comma-separated host names).")
    if not os.environ.get("DATABASE_URL") and not LOCAL_RUN:
        raise ImproperlyConfigured("Production needs DATABASE_URL (postgres://user:pass@host/db).")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "safetyops.core",
    "safetyops.orgs",
    "safetyops.dashboard",
    "safetyops.notify",
    "safetyops.evidence",
    "safetyops.exports",
    "safetyops.briefings",
    "inspections",
    "campaigns",
    "accountability",
]

if envbool("SAFETYOPS_BENCH", False):
    INSTALLED_APPS.append("bench")  # the benchmark's ceiling page (make bench)

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "safetyops.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

# Behind N reverse proxies (docker-compose: 1, Caddy), the client's address comes from X-Forwarded-For.
FORWARDED_FOR_PROXIES = envint("FORWARDED_FOR_PROXIES", 0)
if FORWARDED_FOR_PROXIES > 0:
    MIDDLEWARE.insert(0, "safetyops.core.proxy.ForwardedForMiddleware")

ROOT_URLCONF = "safetyops.urls"
WSGI_APPLICATION = "safetyops.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "safetyops.orgs.context_processors.site",
            ],
        },
    },
    {
        # The few hot fragments where Django's engine was the floor (safetyops/core/jinja.py).
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "safetyops.core.jinja.environment"},
    },
]

# Database: DATABASE_URL, or an SQLite file under var/ for development.
DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", f"sqlite:///{VAR_DIR / 'safetyops.sqlite3'}"),
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file (not memory) so that a Celery worker process sees the test database too.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
    # The covering index's INCLUDE columns exist on PostgreSQL only; SQLite builds the plain index.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
# A PostgreSQL read replica (streaming replication of default) for reports and exports: only the reads
# inside `reading_from_replica()` go there (safetyops.core.dbrouting); empty: none, all on default.
DATABASE_REPLICA_URL = envstr("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=envint("DB_CONN_MAX_AGE", 60), conn_health_checks=True
    )
    # A test run points the alias at default's test database instead of creating one.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["safetyops.core.dbrouting.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "orgs.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend, with the membership and the unread count loaded in the per-request user query.
    "safetyops.orgs.backends.RequestUserBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: lock a username+IP pair after AXES_FAILURE_LIMIT failures, and an IP address
# after AXES_IP_FAILURE_LIMIT failures across any usernames (password spraying), for the cool-off.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_IP_FAILURE_LIMIT = envint("AXES_IP_FAILURE_LIMIT", 20)
AXES_COOLOFF_TIME = envint("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "safetyops.core.axes.UsernameAndAddressLimitsHandler"
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = envbool("AXES_ENABLED", True)
AXES_VERBOSE = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(envstr("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(VAR_DIR / "media")))
# No MEDIA_URL is served: every file goes through a view that applies the user's scope.
MEDIA_URL = "/files-not-served-directly/"
# Uploaded and generated files: local files under MEDIA_ROOT (empty STORAGE_URL), or an S3 bucket
# shared by every web server and worker: STORAGE_URL=s3+https://KEY:SECRET@host:port/bucket[?region=…]
# (safetyops/env.py). The scoped views stream a file from the bucket, or, when
# STORAGE_SIGNED_URL_SECONDS > 0, answer with a link to it signed for that many seconds.
STORAGE_SIGNED_URL_SECONDS = envint("STORAGE_SIGNED_URL_SECONDS", 0)
if not 0 <= STORAGE_SIGNED_URL_SECONDS <= 7 * 24 * 3600:  # S3 signatures last at most 7 days
    raise ImproperlyConfigured("STORAGE_SIGNED_URL_SECONDS must be between 0 (stream) and 604800 (7 days).")
STORAGES = {
    "default": envstorage("STORAGE_URL"),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or LOCAL_RUN
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 20
IMPORT_MAX_BYTES = envint("IMPORT_MAX_BYTES", 20 * 1024 * 1024)
# Evidence photos and PDFs; phones shrink photos to ≤1920 px before upload, so 10 MB is generous.
EVIDENCE_MAX_BYTES = envint("EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)
IMPORT_MAX_ROWS = envint("IMPORT_MAX_ROWS", 50_000)
# A hostile .xlsx is small on disk and huge inside: refuse it from the zip's directory, unread.
# 50,000 real rows are about 45 MB of sheet XML at 18:1; a whitespace bomb is 1000:1.
IMPORT_MAX_UNCOMPRESSED_BYTES = envint("IMPORT_MAX_UNCOMPRESSED_BYTES", 150 * 1024 * 1024)
IMPORT_MAX_COMPRESSION_RATIO = envint("IMPORT_MAX_COMPRESSION_RATIO", 100)
# A photo is refused above this many pixels before it is decoded (a 12000 x 12000 PNG is 420 KB).
EVIDENCE_MAX_PIXELS = envint("EVIDENCE_MAX_PIXELS", 40_000_000)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Redis: when REDIS_URL is set it is the Celery broker, result backend and the cache.
REDIS_URL = envstr("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    # Sessions are read from Redis on every request and written through to the database.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
else:
    # On disk rather than in one process's memory: the web server and the Celery worker must see
    # the same cache (a worker's enterprise import invalidates the dashboards' cached counts).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
    # Embedded broker: kombu's filesystem transport, so a worker and beat run with no server.
    CELERY_BROKER_DIR = Path(envstr("CELERY_BROKER_DIR", str(VAR_DIR / "celery" / "broker")))
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR),
        "data_folder_out": str(CELERY_BROKER_DIR),
        "control_folder": str(CELERY_BROKER_DIR.parent / "control"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = envbool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = envint("CELERY_TASK_TIME_LIMIT", 600)
CELERY_TASK_SOFT_TIME_LIMIT = envint("CELERY_TASK_SOFT_TIME_LIMIT", 540)
# Workers recycle their child processes: after this many tasks, and after a task that left the
# child above this resident size (KiB): a large import or render otherwise keeps its memory.
CELERY_WORKER_MAX_TASKS_PER_CHILD = envint("WORKER_MAX_TASKS_PER_CHILD", 100)
CELERY_WORKER_MAX_MEMORY_PER_CHILD = envint("WORKER_MAX_MEMORY_PER_CHILD", 512_000)
# Jobs held by a worker (imports, briefing renders; safetyops/core/jobs.py): a heartbeat while they
# run; a job whose heartbeat is older than the stale limit, or whose process on this host has died,
# is taken over by the next delivery or by the sweeper (every JOB_SWEEP_INTERVAL_SECONDS and when a
# worker starts). A job that took its worker down JOB_MAX_ATTEMPTS times is recorded as failed.
JOB_HEARTBEAT_SECONDS = envint("JOB_HEARTBEAT_SECONDS", 15)
JOB_HEARTBEAT_STALE_SECONDS = envint("JOB_HEARTBEAT_STALE_SECONDS", 60)
JOB_SWEEP_INTERVAL_SECONDS = envint("JOB_SWEEP_INTERVAL_SECONDS", 60)
JOB_SWEEP_ON_START = envbool("JOB_SWEEP_ON_START", True)
JOB_MAX_ATTEMPTS = envint("JOB_MAX_ATTEMPTS", 3)
JOB_TEST_DELAY_SECONDS = envint("JOB_TEST_DELAY_SECONDS", 0)  # tests only: a job sleeps this long
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_QUEUES_NAMES = ("default", "mail", "reports")
# An Excel export of more rows than this runs in a worker (queue `reports`) with a download kept for
# a day (safetyops/exports); up to it, in the request as before.
EXPORT_SYNC_MAX_ROWS = envint("EXPORT_SYNC_MAX_ROWS", 3000)

CELERY_TASK_ROUTES = {
    "safetyops.notify.tasks.*": {"queue": "mail"},
    "safetyops.briefings.tasks.*": {"queue": "reports"},
    "safetyops.exports.tasks.run_export": {"queue": "reports"},
    "campaigns.tasks.render_summary": {"queue": "reports"},
}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celery" / "beat-schedule")
CELERY_BEAT_SCHEDULE = {
    "housekeeping-daily": {
        "task": "safetyops.core.tasks.housekeeping",
        "schedule": 24 * 60 * 60,
        "options": {"queue": "default"},
    },
    "requeue-stale-imports": {
        "task": "safetyops.orgs.tasks.enterprise_imports_requeue_stale_task",
        "schedule": JOB_SWEEP_INTERVAL_SECONDS,
        "options": {"queue": "default"},
    },
    "requeue-stale-exports": {
        "task": "safetyops.exports.tasks.requeue_stale_exports",
        "schedule": JOB_SWEEP_INTERVAL_SECONDS,
        "options": {"queue": "default"},
    },
    "requeue-stale-briefings": {
        "task": "safetyops.briefings.tasks.requeue_stale_briefings",
        "schedule": JOB_SWEEP_INTERVAL_SECONDS,
        "options": {"queue": "default"},  # not behind a long render on `reports`
    },
    "requeue-stale-summaries": {
        "task": "campaigns.tasks.requeue_stale_summaries",
        "schedule": JOB_SWEEP_INTERVAL_SECONDS,
        "options": {"queue": "default"},
    },
}

# The per-node hazard counts behind dashboards and the ledger (inspections/tally.py) are for one
# day: recount them all just after midnight, Asia/Shanghai.
CELERY_BEAT_SCHEDULE["hazard-tallies-nightly"] = {
    "task": "inspections.tasks.rebuild_hazard_tallies",
    "schedule": crontab(hour=0, minute=1),
    "options": {"queue": "default"},
}
# Active campaigns' target lists re-checked against their scope every night (campaigns/targets.py).
CELERY_BEAT_SCHEDULE["campaign-targets-nightly"] = {
    "task": "campaigns.tasks.sync_campaign_targets",
    "schedule": crontab(hour=0, minute=11),
    "options": {"queue": "default"},
}

# An inspection dated more than this many days back is a late entry (补录): it needs a reason.
INSPECTION_BACKDATE_DAYS = envint("INSPECTION_BACKDATE_DAYS", 30)
# 隐患统计报告 (第十四条): remind the enterprise this many days before the due date, daily until filed.
STATISTICS_REMINDER_DAYS_BEFORE = envint("STATISTICS_REMINDER_DAYS_BEFORE", 7)
# Off for a county that does not collect the statistics in the app yet (every enterprise would be late).
STATISTICS_REMINDERS = envbool("STATISTICS_REMINDERS", True)

# Reminders (safetyops/notify, rules in inspections/reminders.py): see the README's "Reminders".
REMINDER_DAYS_BEFORE = envint("REMINDER_DAYS_BEFORE", 3)  # remind this many days before a deadline
REMINDER_OFFICIAL_AFTER_DAYS = envint("REMINDER_OFFICIAL_AFTER_DAYS", 3)  # N days overdue: 催办, township official
REMINDER_LEADER_AFTER_DAYS = envint("REMINDER_LEADER_AFTER_DAYS", 7)  # M days overdue: 督办, township leader
REMINDER_VERIFICATION_WAIT_DAYS = envint("REMINDER_VERIFICATION_WAIT_DAYS", 10)
REMINDER_SCAN_HOUR = envint("REMINDER_SCAN_HOUR", 8)  # daily scan at this hour, Asia/Shanghai
REMINDER_SCAN_INTERVAL_SECONDS = envint("REMINDER_SCAN_INTERVAL_SECONDS", 0)  # >0: scan every N s instead
REMINDER_SCAN_ON_START = envbool("REMINDER_SCAN_ON_START", True)  # catch up when a worker starts
REMINDER_MAX_RETRIES = envint("REMINDER_MAX_RETRIES", 5)
REMINDER_WEBHOOK_TIMEOUT = envint("REMINDER_WEBHOOK_TIMEOUT", 10)
REMINDER_SMS_BACKEND = envstr("REMINDER_SMS_BACKEND", "")  # dotted path of an SMS adapter; empty = off
SITE_URL = envstr("SITE_URL", "http://127.0.0.1:8000")  # links in e-mails and robot messages
EMAIL_FILE_PATH = envstr("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))  # for the file-based e-mail backend
CELERY_BEAT_SCHEDULE["reminders-scan"] = {
    "task": "safetyops.notify.scan_reminders",
    "schedule": REMINDER_SCAN_INTERVAL_SECONDS or crontab(hour=REMINDER_SCAN_HOUR, minute=0),
    "options": {"queue": "default"},
}
# The daily 承诺公告 (accountability/daily/notices.py): its due hour is per county, so its reminders
# and the 承诺不实 safety net run every few minutes rather than with the 08:00 scan.
DAILY_PLEDGE_SCAN_MINUTES = envint("DAILY_PLEDGE_SCAN_MINUTES", 15)
CELERY_BEAT_SCHEDULE["daily-pledge-scan"] = {
    "task": "accountability.daily_pledge_scan",
    "schedule": DAILY_PLEDGE_SCAN_MINUTES * 60,
    "options": {"queue": "default"},
}
CELERY_BEAT_SCHEDULE["reminders-requeue-stale"] = {
    "task": "safetyops.notify.requeue_reminders",
    "schedule": 10 * 60,
    "options": {"queue": "default"},
}

# Briefings (safetyops/briefings): last month's briefing for every county and township, at 06:00.
BRIEFING_MONTHLY_DAY = envint("BRIEFING_MONTHLY_DAY", 1)  # day of the month the beat produces them
BRIEFING_CATCH_UP_ON_START = envbool("BRIEFING_CATCH_UP_ON_START", True)
BRIEFING_REQUESTS_PER_MINUTE = envint("BRIEFING_REQUESTS_PER_MINUTE", 5)  # renders one person may ask for
CELERY_BEAT_SCHEDULE["monthly-briefings"] = {
    "task": "safetyops.briefings.tasks.monthly_briefings",
    "schedule": crontab(day_of_month=BRIEFING_MONTHLY_DAY, hour=6, minute=0),
    "options": {"queue": "reports"},
}

# E-mail: SMTP when EMAIL_HOST is set, else one .log file per message in EMAIL_FILE_PATH (var/mail),
# a readable outbox.
EMAIL_HOST = envstr("EMAIL_HOST", "")
EMAIL_BACKEND = envstr(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "安全生产工作管理平台 <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security. Production defaults are strict; TLS is terminated by the proxy in front of gunicorn.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
HTTPS_ONLY = not DEBUG and not LOCAL_RUN
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", HTTPS_ONLY)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31_536_000 if HTTPS_ONLY else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS_ONLY
SECURE_HSTS_PRELOAD = HTTPS_ONLY
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", HTTPS_ONLY)
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", HTTPS_ONLY)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 12 * 60 * 60)
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; font-src 'self'; connect-src 'self'; frame-ancestors 'none'; "
    "form-action 'self'; base-uri 'self'; object-src 'none'"
)

SITE_NAME = envstr("SITE_NAME", "安全生产工作管理平台")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# In development WhiteNoise serves straight from the app folders; production uses collectstatic.
WHITENOISE_USE_FINDERS = DEBUG or LOCAL_RUN
WHITENOISE_AUTOREFRESH = DEBUG
