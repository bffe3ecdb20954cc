"""Settings for KT News.

With no environment variables set, the site runs as a development site on an
embedded SQLite database. Production differs only by environment variables
(see the README's deployment section); nothing here touches the disk or the
network on import.
"""

from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from js_asset import static_lazy

from ktnews.environment import env_bool, env_int, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", default=True)

SECRET_KEY = env_secret("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. With DJANGO_DEBUG off, set DJANGO_SECRET_KEY "
            "(or DJANGO_SECRET_KEY_FILE) to a long random string, e.g. the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS is not set. With DJANGO_DEBUG off, set it to the site's "
        "host names, comma-separated, e.g. DJANGO_ALLOWED_HOSTS=news.example.ac.kr"
    )
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# The site's address for links in mail (a mail has no request to take it from): scheme and host, no path.
SITE_URL = (
    env_str("KTNEWS_SITE_URL") or ("http://127.0.0.1:8000" if DEBUG else f"https://{ALLOWED_HOSTS[0].lstrip('.')}")
).rstrip("/")

INSTALLED_APPS = [
    # modeltranslation must come before the admin to patch its forms.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "solo",
    "django_prose_editor",
    "reversion",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.kakao",
    "allauth.socialaccount.providers.naver",
    "allauth.socialaccount.providers.google",
    "articles",
]

MIDDLEWARE = [
    "log_request_id.middleware.RequestIDMiddleware",
    # Text the site cannot read or store (another charset, NUL, bytes that are not UTF-8) is refused before
    # anything reads the request: the page cache, the CSRF check, a view's query. After the request id, so
    # that the one log line and the 400 page carry it.
    "ktnews.request_checks.RequestTextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Anonymous readers' pages from the cache: before what only a rendered page needs (see the module).
    "articles.page_cache.PageCacheMiddleware",
    "ktnews.security.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "ktnews.urls"
WSGI_APPLICATION = "ktnews.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "articles.context_processors.site_navigation",
            ],
        },
    },
]

# Database: an embedded SQLite file unless DATABASE_URL names another server.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that drops packets instead of refusing: readers get the 503 page in seconds, not a worker
    # killed by gunicorn's timeout.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several writers at once: WAL lets readers go on while one writes, the
    # timeout waits for the lock instead of failing, and IMMEDIATE takes the
    # write lock at BEGIN so a read-then-write transaction can't deadlock into
    # "database is locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

# The cache holds what every process must agree on (kept pages and their generations, flood limits,
# sign-in pauses, who has a story open): Redis in production, shared by every app server. Without
# REDIS_URL (the embedded default), files in one folder, which every worker on the machine shares: a
# story taken down through one worker, or from `manage.py shell`, is gone from all of them at once.
REDIS_URL = env_str("REDIS_URL")
CACHES = {
    "default": {
        "BACKEND": "ktnews.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "ktnews",
        # A Redis that hangs costs a request one second, then is left alone for a while (ktnews/cache.py).
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
    if REDIS_URL
    else {
        "BACKEND": "ktnews.cache.FolderCache",
        "LOCATION": env_str("KTNEWS_CACHE_DIR") or BASE_DIR / "cache",
        "KEY_PREFIX": "ktnews",
        # Past this many files the expired go first, then a random third (each write lists the folder).
        "OPTIONS": {"MAX_ENTRIES": 5_000},
    }
}

# Sessions: in the database, read through the shared cache when there is one, so that every app
# server knows a signed-in reader and a cache restart signs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db" if REDIS_URL else "django.contrib.sessions.backends.db"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: Korean is the default and has no URL prefix; English lives under /en/.
LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", _("Korean")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["ktnews.formats"]

MODELTRANSLATION_DEFAULT_LANGUAGE = "ko"
# An empty translation shows the other language instead of a blank.
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("ko",), "ko": ("en",)}

STATIC_URL = "static/"
# The story body editor's own extension: one of the story's photos between paragraphs (articles/richtext.py).
# The processor is named by path: settings import no app code. Story bodies are sanitized by the project's own
# sanitizer, so django-prose-editor never calls it.
DJANGO_PROSE_EDITOR_EXTENSIONS = [
    {
        "js": [static_lazy("articles/story-photo.js")],
        "extensions": {"StoryPhoto": "articles.richtext.allow_story_photos"},
    }
]
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT") or BASE_DIR / "media")
# Django serves MEDIA_ROOT itself unless a web server in front does (set KTNEWS_SERVE_MEDIA=false then).
SERVE_MEDIA = env_bool("KTNEWS_SERVE_MEDIA", default=True)
# The photographers' original files: kept for new renditions, never served (see articles/photos.py).
PRIVATE_MEDIA_ROOT = Path(env_str("DJANGO_PRIVATE_MEDIA_ROOT") or BASE_DIR / "private")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "originals": {"BACKEND": "ktnews.storage.PrivateFileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "ktnews.storage.StaticFilesStorage"
    },
}

# Media on S3-compatible storage (AWS, Cloudflare R2, MinIO, NCloud…) instead of local folders:
# renditions in a public bucket, photographers' originals in a private one (never the same bucket).
# Credentials come from the usual AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY variables.
MEDIA_S3_BUCKET = env_str("KTNEWS_MEDIA_S3_BUCKET")
if MEDIA_S3_BUCKET:
    ORIGINALS_S3_BUCKET = env_str("KTNEWS_ORIGINALS_S3_BUCKET")
    if not ORIGINALS_S3_BUCKET or ORIGINALS_S3_BUCKET == MEDIA_S3_BUCKET:
        raise ImproperlyConfigured(
            "KTNEWS_MEDIA_S3_BUCKET is set: set KTNEWS_ORIGINALS_S3_BUCKET to another, private bucket "
            "for the photographers' original files (they keep GPS positions and must never be public)."
        )
    S3_OPTIONS = {"endpoint_url": env_str("KTNEWS_S3_ENDPOINT_URL") or None,
                  "region_name": env_str("KTNEWS_S3_REGION") or None, "file_overwrite": False}  # fmt: skip
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **S3_OPTIONS, "bucket_name": MEDIA_S3_BUCKET, "querystring_auth": False,
            "custom_domain": env_str("KTNEWS_MEDIA_DOMAIN") or None,
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }  # fmt: skip
    STORAGES["originals"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {**S3_OPTIONS, "bucket_name": ORIGINALS_S3_BUCKET, "default_acl": "private"},
    }
    SERVE_MEDIA = False

EMAIL_BACKEND = (
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG and not env_str("DJANGO_EMAIL_HOST")
    else "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = env_str("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("DJANGO_EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_secret("DJANGO_EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", default=True)
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "KT News <news@ktnews.example>")
# A slow mail server delays the page that queued a mail by at most this long; the mail then waits for the timer
# (articles.outbox).
EMAIL_TIMEOUT = env_int("DJANGO_EMAIL_TIMEOUT", 5)

# Security. Production (DEBUG off) is HTTPS-only unless told otherwise.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # scripts read the token from the page (base.html), never the cookie
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
# Joining the browsers' HSTS preload list is the domain owner's decision (the
# university's, for a subdomain), not a default: opt in with the variable above.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
# Load balancers ask for /healthz over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if env_bool("DJANGO_BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies of ours stand in front of Django (nginx: 1; a load balancer and nginx: 2). Only
# their entries in X-Forwarded-For are believed: see ktnews/client_ip.py. 0: the connection's address.
TRUSTED_PROXY_COUNT = env_int("KTNEWS_TRUSTED_PROXIES", 0)
# The addresses our proxies connect from (gunicorn reads the same variable for X-Forwarded-Proto).
TRUSTED_PROXY_IPS = env_list("KTNEWS_PROXY_IPS", ["127.0.0.1"])

# Nothing on the site needs the camera, the microphone, the reader's position or payments.
PERMISSIONS_POLICY = {
    feature: []
    for feature in ("accelerometer", "camera", "geolocation", "gyroscope", "magnetometer", "microphone", "payment",
                    "usb", "browsing-topics")
}  # fmt: skip

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        # The admin's rich-text editor (Tiptap) injects one fixed <style>
        # element; it is allowed by its hash, nothing else inline is.
        "style-src": [SELF, "'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        # Signing in with Kakao, Naver or Google posts a form that redirects to
        # the provider; Chromium holds that redirect to form-action too.
        "form-action": [SELF, "https://kauth.kakao.com", "https://nid.naver.com", "https://accounts.google.com"],
        "frame-ancestors": [NONE],
    },
}


# Readers: django-allauth accounts (username, email, password; verified email),
# and Kakao, Naver and Google once an editor adds their keys in the admin.
# One backend checks passwords, for readers and the newsroom: one lookup and one password check per sign-in
# (ktnews/accounts.py). The two after it only keep sessions signed in through them, before it, signed in.
AUTHENTICATION_BACKENDS = [
    "ktnews.accounts.AccountBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "articles:home"
ACCOUNT_LOGOUT_REDIRECT_URL = "articles:home"
ACCOUNT_LOGIN_METHODS = {"email"}
# No username at sign-up: "that username is taken" would tell anyone who has an account. Everyone signs in to
# the site with their email (allauth makes a username for readers, and never shows it: ACCOUNT_USER_DISPLAY);
# the newsroom's staff sign in to the admin with their usernames.
ACCOUNT_USER_DISPLAY = "articles.models.people.display_name"
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "articles.forms.NicknameSignupForm"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
# Confirming in the browser that signed up signs the reader in and takes them back where they started.
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
# A password reset for an address nobody has sends nothing: mail to strangers' mailboxes is ours to avoid.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
# Failed sign-ins are counted by ktnews.signin_guard, for readers and the admin alike.
ACCOUNT_ADAPTER = "ktnews.account_adapter.AccountAdapter"
ACCOUNT_RATE_LIMITS = {"login_failed": None}
SIGNIN_FAILURES_PER_ACCOUNT = env_int("KTNEWS_SIGNIN_FAILURES_PER_ACCOUNT", 5)
SIGNIN_FAILURES_PER_ADDRESS = env_int("KTNEWS_SIGNIN_FAILURES_PER_ADDRESS", 30)
SIGNIN_LOCKOUT_MINUTES = env_int("KTNEWS_SIGNIN_LOCKOUT_MINUTES", 15)
# Mails' subjects begin with the paper's name in the reader's language (SiteSettings; the account adapter).
ACCOUNT_EMAIL_SUBJECT_PREFIX = None
# A social sign-up still asks for the nickname shown on comments.
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_LOGIN_ON_GET = False  # the buttons post (CSRF kept); a GET would need a page of its own
# A provider's sign-in with an address that has an account here signs in to that account only when the
# provider says it verified the address (and connects the provider to it); otherwise the reader is asked to
# sign in to the account first.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
# A provider whose keys are not in the admin yet answers 404 at its sign-in address, not 500.
SOCIALACCOUNT_ADAPTER = "ktnews.social_providers.SocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS = {
    "kakao": {"SCOPE": ["profile_nickname", "account_email"]},
    "naver": {},
    "google": {"SCOPE": ["profile", "email"], "AUTH_PARAMS": {"access_type": "online"}},
}

# Comments: flood control per reader and per address (ktnews/rate_limits.py), and an optional closing
# time after publication. An address's limits are for many accounts posting from one place; a campus
# behind one NAT address shares them, hence far above one reader's.
COMMENTS_PER_MINUTE = env_int("KTNEWS_COMMENTS_PER_MINUTE", 3)
COMMENTS_PER_DAY = env_int("KTNEWS_COMMENTS_PER_DAY", 50)
COMMENTS_PER_ADDRESS_PER_MINUTE = env_int("KTNEWS_COMMENTS_PER_ADDRESS_PER_MINUTE", 20)
COMMENTS_PER_ADDRESS_PER_HOUR = env_int("KTNEWS_COMMENTS_PER_ADDRESS_PER_HOUR", 200)
COMMENTS_CLOSE_AFTER_DAYS = env_int("KTNEWS_COMMENTS_CLOSE_AFTER_DAYS", 0)  # 0: never
# Right of reply: requests the whole site takes in an hour (each mails a receipt to an unconfirmed address).
REPLY_REQUESTS_PER_HOUR = env_int("KTNEWS_REPLY_REQUESTS_PER_HOUR", 60)
COMMENTS_EDIT_WINDOW_SECONDS = env_int("KTNEWS_COMMENTS_EDIT_WINDOW_SECONDS", 60)
# The same text from the same reader again within this time is refused (a double click, a pasted repeat).
COMMENTS_DUPLICATE_WINDOW_SECONDS = env_int("KTNEWS_COMMENTS_DUPLICATE_WINDOW_SECONDS", 10 * 60)
# Photo uploads: larger files, or more pixels (however small the file), are refused.
PHOTO_MAX_UPLOAD_BYTES = env_int("KTNEWS_PHOTO_MAX_UPLOAD_MB", 25) * 1024 * 1024
PHOTO_MAX_PIXELS = env_int("KTNEWS_PHOTO_MAX_MEGAPIXELS", 50) * 1_000_000

# BEST: up to three comments shown above the list, each with at least this many recommendations.
COMMENTS_BEST_MIN_RECOMMENDATIONS = env_int("KTNEWS_COMMENTS_BEST_MIN_RECOMMENDATIONS", 5)

# Deleted stories wait this many days in the trash, where editors can restore them, before
# `manage.py empty_trash` (run daily, see deploy/systemd) deletes them for good.
STORY_TRASH_DAYS = env_int("KTNEWS_STORY_TRASH_DAYS", 30)
# The story form saves itself this many seconds after the last keystroke (a draft copy, not a revision).
STORY_AUTOSAVE_SECONDS = env_int("KTNEWS_STORY_AUTOSAVE_SECONDS", 3)

# django-solo keeps the site settings row in the cache and refreshes it on save.
SOLO_CACHE = "default"
SOLO_CACHE_TIMEOUT = 24 * 60 * 60

# Every log line carries the request's id, also sent back as X-Request-ID, so that a reader's
# report ("error abc123…") leads to the traceback. The id nginx made is kept only behind our proxies.
REQUEST_ID_RESPONSE_HEADER = "X-Request-ID"
if TRUSTED_PROXY_COUNT:
    LOG_REQUEST_ID_HEADER = "HTTP_X_REQUEST_ID"
    GENERATE_REQUEST_ID_IF_NOT_IN_HEADER = True
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "log_request_id.filters.RequestIDFilter"}},
    "formatters": {
        "line": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": "line"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "WARNING")},
}

# modeltranslation's language tabs need jQuery UI; serve our own copy, never a CDN's.
JQUERY_UI_URL = "articles/vendor/jquery-ui-1.14.2/jquery-ui.min.js"
