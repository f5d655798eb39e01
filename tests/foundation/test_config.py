import pytest

from livesafe import create_app
from livesafe.config import ConfigError


def test_production_refuses_missing_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("LIVESAFE_ENV", "production")
    with pytest.raises(ConfigError):
        create_app()


def test_production_refuses_the_default_secret_key(monkeypatch):
    monkeypatch.setenv("LIVESAFE_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "dev-only-not-secret")
    with pytest.raises(ConfigError):
        create_app()


@pytest.mark.parametrize("key", [
    "x" * 64,                                   # long but one character
    "abcd" * 16,                                # a short pattern repeated
    "0123456789abcdefghijklmnopqrstuvwxyz",     # a run of neighbouring characters
    "dev-only-not-secret",                      # the development default
    "3f9a1c7e5b2d4a6c",                         # random but far too short (64 bits)
])
def test_production_refuses_a_guessable_secret_key(monkeypatch, key):
    monkeypatch.setenv("LIVESAFE_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", key)
    with pytest.raises(ConfigError, match="128 bits"):
        create_app()


def test_secret_key_estimate_accepts_generated_keys():
    import secrets

    from livesafe.config import MIN_SECRET_BITS, secret_bits

    for _ in range(20):
        assert secret_bits(secrets.token_hex(32)) >= MIN_SECRET_BITS
        assert secret_bits(secrets.token_urlsafe(32)) >= MIN_SECRET_BITS


def test_production_starts_with_a_real_key_and_secure_cookies(monkeypatch):
    import secrets

    monkeypatch.setenv("LIVESAFE_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", secrets.token_hex(32))
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_development_defaults_to_sqlite_in_the_instance_folder(monkeypatch):
    monkeypatch.setenv("LIVESAFE_ENV", "development")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite:///" + app.instance_path + "/livesafe.sqlite3"
    assert app.config["SESSION_COOKIE_SECURE"] is False


def test_database_url_switches_to_postgresql_with_psycopg(monkeypatch):
    monkeypatch.setenv("LIVESAFE_ENV", "development")
    monkeypatch.setenv("DATABASE_URL", "postgresql://someone@127.0.0.1:5432/livesafe")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://someone@127.0.0.1:5432/livesafe"
