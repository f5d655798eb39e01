"""Settings, read from the environment. Every setting is listed in the README."""
import os
from pathlib import Path

DEFAULT_SECRET_KEY = "dev-only-not-secret"


class ConfigError(RuntimeError):
    pass


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw else default


def normalise_database_url(url: str) -> str:
    """postgres:// and postgresql:// both mean "use psycopg 3"."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def from_environment(instance_path: str) -> dict:
    env = os.environ.get("LIVESAFE_ENV", "production")
    database_url = os.environ.get("DATABASE_URL") or (
        "sqlite:///" + str(Path(instance_path) / "livesafe.sqlite3")
    )
    return {
        "LIVESAFE_ENV": env,
        "SECRET_KEY": os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY if env != "production" else ""),
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
        "MAX_CONTENT_LENGTH": _int("MAX_CONTENT_LENGTH", 2 * 1024 * 1024),
        "WTF_CSRF_TIME_LIMIT": _int("WTF_CSRF_TIME_LIMIT", 8 * 3600),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool(os.environ.get("SESSION_COOKIE_SECURE"), env == "production"),
        "SESSION_COOKIE_NAME": "livesafe_session",
        "PERMANENT_SESSION_LIFETIME": _int("SESSION_LIFETIME_SECONDS", 8 * 3600),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "MAIL_HOST": os.environ.get("MAIL_HOST", "localhost"),
        "MAIL_PORT": _int("MAIL_PORT", 25),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": _bool(os.environ.get("MAIL_USE_TLS"), False),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "Live Safe <no-reply@livesafe.example.org>"),
        "MAIL_MAX_ATTEMPTS": _int("MAIL_MAX_ATTEMPTS", 8),
        "MAIL_RETRY_SECONDS": _int("MAIL_RETRY_SECONDS", 60),
        "MAIL_WATCH_SECONDS": _int("MAIL_WATCH_SECONDS", 5),
        "MAIL_RETENTION_DAYS": _int("MAIL_RETENTION_DAYS", 30),
        "BASE_URL": os.environ.get("BASE_URL", "http://127.0.0.1:5000"),
        "QUICK_EXIT_URL": os.environ.get("QUICK_EXIT_URL", "https://www.bbc.co.uk/weather"),
        "CONTENT_DIR": os.environ.get("CONTENT_DIR", str(Path(__file__).resolve().parent.parent / "content")),
        "SEARCH_INDEX_DIR": os.environ.get("SEARCH_INDEX_DIR", str(Path(instance_path) / "search-index")),
        "LOGIN_MAX_FAILURES_PER_ACCOUNT": _int("LOGIN_MAX_FAILURES_PER_ACCOUNT", 5),
        "LOGIN_MAX_FAILURES_PER_ADDRESS": _int("LOGIN_MAX_FAILURES_PER_ADDRESS", 20),
        "LOGIN_THROTTLE_SECONDS": _int("LOGIN_THROTTLE_SECONDS", 15 * 60),
        "RESET_TOKEN_SECONDS": _int("RESET_TOKEN_SECONDS", 3600),
        "INVITE_TOKEN_SECONDS": _int("INVITE_TOKEN_SECONDS", 7 * 24 * 3600),
        "PASSWORD_HASH_METHOD": "scrypt",
        "SUPPRESSION_THRESHOLD": _int("SUPPRESSION_THRESHOLD", 10),
        "DISCLOSURE_CELL_KEY": _bool(os.environ.get("DISCLOSURE_CELL_KEY"), True),
        "SURVEY_RELEASE_EVERY": max(20, _int("SURVEY_RELEASE_EVERY", 20)),
        "TRUSTED_PROXY_COUNT": _int("TRUSTED_PROXY_COUNT", 0),
        "LOGIN_ACCOUNT_DELAY_AFTER": _int("LOGIN_ACCOUNT_DELAY_AFTER", 5),
        "LOGIN_MAX_DELAY_SECONDS": _int("LOGIN_MAX_DELAY_SECONDS", 5),
        "REQUEST_LIMIT_SECONDS": _int("REQUEST_LIMIT_SECONDS", 3600),
        "REGISTER_MAX_PER_ADDRESS": _int("REGISTER_MAX_PER_ADDRESS", 10),
        "RESET_MAX_PER_ADDRESS": _int("RESET_MAX_PER_ADDRESS", 10),
        "MAIL_MAX_PER_EMAIL": _int("MAIL_MAX_PER_EMAIL", 3),
        "THROTTLE_RETENTION_SECONDS": _int("THROTTLE_RETENTION_SECONDS", 24 * 3600),
        "TWO_FACTOR_REQUIRED": _bool(os.environ.get("TWO_FACTOR_REQUIRED"), False),
        # Uploads (livesafe/uploads): stored outside static/, scanned by clamd before they are kept.
        "UPLOAD_DIR": os.environ.get("UPLOAD_DIR", str(Path(instance_path) / "uploads")),
        "UPLOAD_MAX_BYTES": _int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024),
        "CLAMD_SOCKET": os.environ.get("CLAMD_SOCKET", ""),  # a unix socket path; empty: TCP below
        "CLAMD_HOST": os.environ.get("CLAMD_HOST", "127.0.0.1"),
        "CLAMD_PORT": _int("CLAMD_PORT", 3310),
        "CLAMD_TIMEOUT": _int("CLAMD_TIMEOUT", 30),
        # Grants: who is alerted to a safeguarding incident in a monitoring return, and the 360Giving identifiers.
        "SAFEGUARDING_LEAD_EMAIL": os.environ.get("SAFEGUARDING_LEAD_EMAIL", ""),
        "GIVING_FUNDER_ID": os.environ.get("GIVING_FUNDER_ID", "360G-LLRVRN"),
        "GIVING_FUNDER_NAME": os.environ.get(
            "GIVING_FUNDER_NAME", "Leicester, Leicestershire and Rutland Violence Reduction Network"),
        "GIVING_PREFIX": os.environ.get("GIVING_PREFIX", "360G-LLRVRN"),
    }


MIN_SECRET_BITS = 128


def secret_bits(key: str) -> float:
    """A rough, cautious estimate of a key's randomness in bits: length x log2(distinct characters).

    Keys made of one short repeated run ("abcabc...") or of one long run of
    neighbouring characters ("0123456789...") count as no randomness at all.
    """
    import math

    if not key or key == DEFAULT_SECRET_KEY:
        return 0.0
    for period in range(1, len(key) // 2 + 1):
        if all(key[i] == key[i + period] for i in range(len(key) - period)):
            return 0.0
    steps = sum(1 for a, b in zip(key, key[1:]) if abs(ord(a) - ord(b)) <= 1)
    if steps > len(key) // 2:
        return 0.0
    distinct = len(set(key))
    return len(key) * math.log2(distinct) if distinct > 1 else 0.0


def check(config: dict) -> None:
    """Refuse to start in production with a missing, default or guessable secret key."""
    if config["LIVESAFE_ENV"] in {"development", "testing"}:
        return
    key = config.get("SECRET_KEY") or ""
    if secret_bits(key) < MIN_SECRET_BITS:
        raise ConfigError(
            "SECRET_KEY is missing, the development default or too easy to guess "
            f"(it needs at least {MIN_SECRET_BITS} bits of randomness). Set SECRET_KEY to a long random value, "
            "e.g. python -c 'import secrets; print(secrets.token_hex(32))' (or LIVESAFE_ENV=development for local work)."
        )
