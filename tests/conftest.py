"""Fixtures: an app on a clean database per test, signed-in clients, a live server, a browser.

The suite runs on SQLite by default and on PostgreSQL when DATABASE_URL is set.
The schema is built by the migrations (never create_all), once per session.
"""
import http.server
import os
import threading

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from livesafe import create_app
from livesafe.config import normalise_database_url
from livesafe.extensions import db
from tests.helpers import Browser

SECRET = "test-secret-key-that-is-long-enough"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = os.environ.get("DATABASE_URL")
    if url:
        return normalise_database_url(url)
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")


class _NeutralPage(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"<!doctype html><title>Weather</title><h1>Weather</h1>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def neutral_site():
    """Where the quick exit goes in tests: a page on loopback under another host name. The exit route
    redirects there, and Playwright cannot fake the target of a redirect, so it must really answer."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _NeutralPage)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://localhost:{server.server_port}/weather"
    server.shutdown()


@pytest.fixture(scope="session")
def base_config(database_url, tmp_path_factory, neutral_site):
    return {
        "LIVESAFE_ENV": "testing",
        "SECRET_KEY": SECRET,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SESSION_COOKIE_SECURE": False,
        "SEARCH_INDEX_DIR": str(tmp_path_factory.mktemp("search") / "index"),
        "MAIL_HOST": "127.0.0.1",
        "MAIL_PORT": 1,
        "BASE_URL": "http://localhost",
        "QUICK_EXIT_URL": neutral_site,
        # Still scrypt, with lighter parameters so the suite is not spent hashing.
        "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
    }


@pytest.fixture(scope="session")
def schema(base_config):
    """Drop everything and build the schema by running the migrations."""
    from flask_migrate import upgrade

    app = create_app(base_config)
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "postgresql":
            with engine.begin() as conn:
                conn.execute(sa.text("DROP SCHEMA public CASCADE"))
                conn.execute(sa.text("CREATE SCHEMA public"))
        else:
            db.drop_all()
            with engine.begin() as conn:
                conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()
        db.engine.dispose()
    return True


def _empty_tables():
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture
def app(schema, base_config):
    app = create_app(dict(base_config))
    with app.app_context():
        _empty_tables()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def ctx(app):
    """An application context for tests that call logic directly."""
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def demo_users(app):
    from livesafe.auth import demo

    with app.app_context():
        demo.load()


@pytest.fixture
def live_server(app):
    """The app served on loopback in a thread, for the real browser."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
        )
        yield browser
        browser.close()


@pytest.fixture
def browser(chromium, live_server):
    """A fresh browser context (phone-sized unless a test resizes it)."""
    session = Browser(chromium, live_server)
    yield session
    session.close()
