"""Configuration: defaults per environment, read from the process environment when the app is created.

Nothing here reads `os.environ` at import: `load_config(environ, overrides)` does, once per
create_app, and `check_config` refuses a configuration that is unsafe to run (fails closed).
"""
import os
from urllib.parse import urlsplit

DEV_SECRET_KEY = "dev-only-not-secret"
MIN_SECRET_LENGTH = 32
FORM_OVERHEAD_BYTES = 1024 * 1024  # room for the other fields of an upload form beside the file
ENVIRONMENTS = ("development", "production")  # what PORTAL_ENV may name; tests pass TESTING instead


class ConfigurationError(RuntimeError):
    """The configuration is unsafe or malformed: the app refuses to start, saying what to set."""


class Config:
    """Development defaults: safe only on a developer's machine."""

    ENV_NAME = "development"
    SECRET_KEY = DEV_SECRET_KEY
    SQLALCHEMY_DATABASE_URI = None  # filled in by create_app from the instance folder
    # Pooled connections are replaced after five minutes. Testing each one before use (pre-ping)
    # costs a round trip per request, a fifth of a cached public page; turn it on where a proxy or
    # failover may drop idle connections (docs/decisions.md).
    DATABASE_POOL_RECYCLE = 300
    DATABASE_PRE_PING = False
    BABEL_DEFAULT_LOCALE = "zh_Hant_TW"
    BABEL_DEFAULT_TIMEZONE = "Asia/Taipei"
    LANGUAGES = ("zh_Hant_TW", "en")
    SITE_NAME_DOMAIN = "landuse-participation.tw"
    # Who runs the portal, in the footer of every page (issue 9, item 8); set for the deployment.
    SITE_OPERATOR = "內政部國土管理署"
    SITE_OPERATOR_EN = "National Land Management Agency, Ministry of the Interior"
    SITE_ADDRESS = "105404 臺北市松山區八德路二段342號"
    SITE_ADDRESS_EN = "No. 342, Sec. 2, Bade Rd., Songshan Dist., Taipei City 105404"
    SITE_PHONE = "(02) 8771-2345"
    SITE_EMAIL = "service@landuse-participation.tw"
    UPLOAD_MAX_BYTES = 25 * 1024 * 1024
    UPLOAD_FOLDER = None  # default: instance/uploads
    # Uploaded files in an S3-compatible object store instead of UPLOAD_FOLDER (several hosts): set the bucket.
    S3_BUCKET = ""
    S3_ENDPOINT_URL = ""  # empty: AWS; e.g. https://s3.example.gov.tw for MinIO, SeaweedFS or Ceph
    S3_REGION = "us-east-1"
    S3_PREFIX = ""  # e.g. "portal/": the portal's objects share the bucket with others under this prefix
    S3_ACCESS_KEY_ID = ""
    S3_SECRET_ACCESS_KEY = ""
    WTF_CSRF_TIME_LIMIT = 8 * 3600
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # How many reverse proxies in front of the app may set X-Forwarded-For/-Proto/-Host (ProxyFix).
    # 0 trusts none: the connecting address is the client, whatever headers it sends.
    TRUSTED_PROXIES = 0
    HSTS_MAX_AGE = 0  # seconds; production sends Strict-Transport-Security
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = "5 per minute;30 per hour"
    # A staff sign-in ends on the server after this long unused, or this long after it began.
    STAFF_SESSION_IDLE_MINUTES = 8 * 60
    STAFF_SESSION_MAX_HOURS = 7 * 24
    REGISTRATION_RATE_LIMIT = "10 per minute;60 per hour"
    MAIL_SERVER = "127.0.0.1"
    MAIL_PORT = 8025
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_DEFAULT_SENDER = "noreply@landuse-participation.tw"
    MAIL_TIMEOUT = 30  # seconds an SMTP connection may stay silent before the attempt fails
    MEETINGS_PER_PAGE = 20
    # The address every external link (mail, .ics, QR) starts with. Production refuses to start
    # without it, so that no Host header a client sends can put another site into a link. Without
    # it, development and tests use the request's host, or LOCAL_BASE_URL outside a request.
    PUBLIC_BASE_URL = None
    LOCAL_BASE_URL = "http://127.0.0.1:5000"


class ProductionConfig(Config):
    """Production: secure cookies, HSTS, and no start without a real secret key and public address."""

    ENV_NAME = "production"
    SECRET_KEY = None
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    HSTS_MAX_AGE = 365 * 24 * 3600
    LOCAL_BASE_URL = None


class TestConfig(Config):
    """Tests: hermetic (the process environment is not read); rate limits off unless a test turns them on."""

    ENV_NAME = "test"
    TESTING = True
    SECRET_KEY = "test-secret-key"
    RATELIMIT_ENABLED = False
    WTF_CSRF_ENABLED = False
    LOCAL_BASE_URL = "http://localhost"


CLASSES = {"development": Config, "production": ProductionConfig}


def _text(raw: str) -> str:
    return raw


def _whole(raw: str) -> int:
    return int(raw.strip())


TRUE_WORDS, FALSE_WORDS = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def _bool(raw: str) -> bool:
    word = raw.strip().lower()
    if word not in TRUE_WORDS + FALSE_WORDS:  # a typo must not turn a protection off ("ture", "enabled")
        raise ValueError(f"not one of {', '.join(TRUE_WORDS + FALSE_WORDS)}")
    return word in TRUE_WORDS


# Environment variable -> (setting, parser). Only variables that are set override a default.
ENVIRONMENT = {
    "SECRET_KEY": ("SECRET_KEY", _text),
    "DATABASE_URL": ("DATABASE_URL", _text),
    "DATABASE_POOL_RECYCLE": ("DATABASE_POOL_RECYCLE", _whole),
    "DATABASE_PRE_PING": ("DATABASE_PRE_PING", _bool),
    "SITE_DOMAIN": ("SITE_NAME_DOMAIN", _text),
    **{name: (name, _text) for name in ("SITE_OPERATOR", "SITE_OPERATOR_EN", "SITE_ADDRESS", "SITE_ADDRESS_EN",
                                       "SITE_PHONE", "SITE_EMAIL")},
    "UPLOAD_MAX_BYTES": ("UPLOAD_MAX_BYTES", _whole),
    "UPLOAD_FOLDER": ("UPLOAD_FOLDER", _text),
    "S3_BUCKET": ("S3_BUCKET", _text),
    "S3_ENDPOINT_URL": ("S3_ENDPOINT_URL", _text),
    "S3_REGION": ("S3_REGION", _text),
    "S3_PREFIX": ("S3_PREFIX", _text),
    "S3_ACCESS_KEY_ID": ("S3_ACCESS_KEY_ID", _text),
    "S3_SECRET_ACCESS_KEY": ("S3_SECRET_ACCESS_KEY", _text),
    "SESSION_COOKIE_SECURE": ("SESSION_COOKIE_SECURE", _bool),
    "TRUSTED_PROXIES": ("TRUSTED_PROXIES", _whole),
    "HSTS_MAX_AGE": ("HSTS_MAX_AGE", _whole),
    "RATELIMIT_ENABLED": ("RATELIMIT_ENABLED", _bool),
    "RATELIMIT_STORAGE_URI": ("RATELIMIT_STORAGE_URI", _text),
    "LOGIN_RATE_LIMIT": ("LOGIN_RATE_LIMIT", _text),
    "STAFF_SESSION_IDLE_MINUTES": ("STAFF_SESSION_IDLE_MINUTES", _whole),
    "STAFF_SESSION_MAX_HOURS": ("STAFF_SESSION_MAX_HOURS", _whole),
    "REGISTRATION_RATE_LIMIT": ("REGISTRATION_RATE_LIMIT", _text),
    "MAIL_SERVER": ("MAIL_SERVER", _text),
    "MAIL_PORT": ("MAIL_PORT", _whole),
    "MAIL_USE_TLS": ("MAIL_USE_TLS", _bool),
    "MAIL_USE_SSL": ("MAIL_USE_SSL", _bool),
    "MAIL_USERNAME": ("MAIL_USERNAME", _text),
    "MAIL_PASSWORD": ("MAIL_PASSWORD", _text),
    "MAIL_DEFAULT_SENDER": ("MAIL_DEFAULT_SENDER", _text),
    "MAIL_TIMEOUT": ("MAIL_TIMEOUT", _whole),
    "OUTBOX_LEASE_SECONDS": ("OUTBOX_LEASE_SECONDS", _whole),
    "PUBLIC_BASE_URL": ("PUBLIC_BASE_URL", _text),
}


def environment_name(environ) -> str:
    """The environment PORTAL_ENV names; unset or any other name is refused (`make run` sets development)."""
    name = environ.get("PORTAL_ENV")
    if name is None:  # never run the development key and plain cookies by omission
        raise ConfigurationError("PORTAL_ENV is not set: set PORTAL_ENV=production on a server (with SECRET_KEY "
                                 "and PUBLIC_BASE_URL), or PORTAL_ENV=development on your own machine "
                                 "(`make run` sets it).")
    if name not in ENVIRONMENTS:
        raise ConfigurationError(f"PORTAL_ENV={name!r} is not a known environment: set it to "
                                 + " or ".join(repr(known) for known in ENVIRONMENTS) + " (exactly, in lower case).")
    return name


def from_environment(environ) -> dict:
    """The settings the environment variables that are set give, parsed (a malformed number is refused)."""
    settings = {}
    for variable, (setting, parse) in ENVIRONMENT.items():
        if variable in environ:
            try:
                settings[setting] = parse(environ[variable])
            except ValueError as error:
                what = "true or false (1/0, true/false, yes/no, on/off)" if parse is _bool else "a whole number"
                raise ConfigurationError(f"{variable}={environ[variable]!r} is not {what}.") from error
    return settings


def load_config(environ, overrides: dict, instance_path: str) -> dict:
    """Every setting: the environment's class defaults, then its variables, then `overrides`; checked.

    A truthy TESTING in `overrides` selects the hermetic TestConfig, which reads no variable.
    """
    testing = bool(overrides.get("TESTING"))
    base = TestConfig if testing else CLASSES[environment_name(environ)]
    config = {key: getattr(base, key) for key in dir(base) if key.isupper()}
    if not testing:
        config.update(from_environment(environ))
    config.update(overrides)
    _derive(config, overrides, instance_path)
    check_config(config)
    return config


def _derive(config: dict, overrides: dict, instance_path: str):
    """Settings that follow from others, unless `overrides` set them explicitly."""
    if not config.get("SQLALCHEMY_DATABASE_URI"):
        config["SQLALCHEMY_DATABASE_URI"] = database_url(
            config.get("DATABASE_URL") or f"sqlite:///{os.path.join(instance_path, 'portal.sqlite3')}")
    config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_recycle": config["DATABASE_POOL_RECYCLE"],
                                                    "pool_pre_ping": config["DATABASE_PRE_PING"]})
    if "MAX_CONTENT_LENGTH" not in overrides:
        config["MAX_CONTENT_LENGTH"] = config["UPLOAD_MAX_BYTES"] + FORM_OVERHEAD_BYTES
    if "REMEMBER_COOKIE_SECURE" not in overrides:
        config["REMEMBER_COOKIE_SECURE"] = config["SESSION_COOKIE_SECURE"]


def database_url(url: str) -> str:
    """The URL with psycopg 3 named as the driver of plain PostgreSQL URLs (the ones people paste)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def check_config(config: dict):
    """Refuse to run with a missing, empty, known or short key in production, an empty key anywhere,
    a production without an https PUBLIC_BASE_URL, or a negative TRUSTED_PROXIES."""
    production = config.get("ENV_NAME") == "production"
    key = config.get("SECRET_KEY")
    if key is not None and not str(key).strip():
        raise ConfigurationError("SECRET_KEY is set but empty: set it to a random value of at least "
                                 f"{MIN_SECRET_LENGTH} characters" + ("." if production else
                                                                      ", or unset it in development."))
    if production and (not key or key == DEV_SECRET_KEY or len(key) < MIN_SECRET_LENGTH):
        raise ConfigurationError(
            f"SECRET_KEY must be set to a random value of at least {MIN_SECRET_LENGTH} characters in production "
            "(for example: python3 -c 'import secrets; print(secrets.token_hex(32))').")
    _check_base_url(config.get("PUBLIC_BASE_URL"), production)
    for name in ("STAFF_SESSION_IDLE_MINUTES", "STAFF_SESSION_MAX_HOURS"):
        if config.get(name, 1) < 1:
            raise ConfigurationError(f"{name} must be a whole number of at least 1.")
    if config.get("TRUSTED_PROXIES", 0) < 0:
        raise ConfigurationError("TRUSTED_PROXIES must be 0 (no proxy) or the number of proxies in front of the app.")


def _check_base_url(base: str | None, production: bool):
    if not base:
        if production:
            raise ConfigurationError(
                "PUBLIC_BASE_URL must be set in production, e.g. https://participation.example.gov.tw: "
                "links in e-mails and calendar files are built from it, never from a request's Host header.")
        return
    parts = urlsplit(base)
    schemes = ("https",) if production else ("http", "https")
    if parts.scheme not in schemes or not parts.hostname or parts.query or parts.fragment or "@" in parts.netloc:
        raise ConfigurationError(f"PUBLIC_BASE_URL={base!r} must be an address such as "
                                 f"{'https' if production else 'http(s)'}://participation.example.gov.tw "
                                 "(optionally with a path), without user, query or fragment.")
