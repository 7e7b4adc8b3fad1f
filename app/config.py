"""Configuration classes, read from the environment."""
import os

DEV_SECRET_KEY = "dev-only-not-secret"


def _database_url(default):
    url = os.environ.get("DATABASE_URL", default)
    # psycopg 3 is the driver we ship; accept the plain URLs people paste.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _bool(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    """Development defaults: safe only on a developer's machine."""

    ENV_NAME = "development"
    SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = None  # filled in by create_app from the instance folder
    # Pooled connections are replaced after five minutes. Testing each one before use (pre-ping)
    # costs a round trip per request, a fifth of a cached public page; turn it on where a proxy or
    # failover may drop idle connections (docs/decisions.md).
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_recycle": int(os.environ.get("DATABASE_POOL_RECYCLE", 300)),
                                 "pool_pre_ping": _bool("DATABASE_PRE_PING", False)}
    BABEL_DEFAULT_LOCALE = "zh_Hant_TW"
    BABEL_DEFAULT_TIMEZONE = "Asia/Taipei"
    LANGUAGES = ("zh_Hant_TW", "en")
    SITE_NAME_DOMAIN = os.environ.get("SITE_DOMAIN", "landuse-participation.tw")
    MAX_CONTENT_LENGTH = 26 * 1024 * 1024
    UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", 25 * 1024 * 1024))
    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER")  # default: instance/uploads
    WTF_CSRF_TIME_LIMIT = 8 * 3600
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "5 per minute;30 per hour")
    REGISTRATION_RATE_LIMIT = os.environ.get("REGISTRATION_RATE_LIMIT", "10 per minute;60 per hour")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "127.0.0.1")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", 8025))
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", False)
    MAIL_USE_SSL = _bool("MAIL_USE_SSL", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "noreply@landuse-participation.tw")
    MEETINGS_PER_PAGE = 20
    # The address links in e-mails start with; in production set it, so that no Host header a
    # client sends can put another site's address into a confirmation link.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL")

    @classmethod
    def database_url(cls, instance_path):
        """The database URL: DATABASE_URL, else an SQLite file in the instance folder."""
        return _database_url(f"sqlite:///{os.path.join(instance_path, 'portal.sqlite3')}")


class ProductionConfig(Config):
    """Production: secure cookies, and no start without a real secret key."""

    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    PREFERRED_URL_SCHEME = "https"


class TestConfig(Config):
    """Tests: fast password hashing is not used; limits off unless a test turns them on."""

    ENV_NAME = "test"
    TESTING = True
    SECRET_KEY = "test-secret-key"
    RATELIMIT_ENABLED = False
    WTF_CSRF_ENABLED = False
    SERVER_NAME_FOR_TESTS = "localhost"


def config_for_environment():
    """The config class that PORTAL_ENV names (development by default)."""
    return {"production": ProductionConfig, "development": Config}.get(
        os.environ.get("PORTAL_ENV", "development"), Config
    )


def check_production_secret(config):
    """Refuse to run in production with a missing, default or short SECRET_KEY."""
    key = config.get("SECRET_KEY") or ""
    if config.get("ENV_NAME") == "production" and (key == DEV_SECRET_KEY or len(key) < 32):
        raise RuntimeError(
            "SECRET_KEY must be set to a random value of at least 32 characters in production "
            "(for example: python -c 'import secrets; print(secrets.token_hex(32))')."
        )
