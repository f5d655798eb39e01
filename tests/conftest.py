"""Fixtures: an app per test, signed-in clients, a live server, a browser.

The suite runs on SQLite by default and on PostgreSQL when DATABASE_URL is set; under pytest-xdist
each worker has its own database (a SQLite file each; DATABASE_URL's database name + `_gw0`, `_gw1`...,
created if missing). The schema is built by the migrations (never create_all), once per session.

Isolation: an ordinary test runs in one outer transaction that every session joins through a
SAVEPOINT and that is rolled back at its end (tests.helpers.Rollback). Tests that need rows really
committed, because a thread, a server or a subprocess reads them through its own connection, run on
committed data and get every table emptied before and after: they are marked `commits`, explicitly or
found here (the live_server/browser/demo_server fixtures, or a test that, itself or through its module's
functions, starts threads, servers, subprocesses or its own connections: COMMITS_FIXTURES, COMMITS_CALLS).
A rolled-back test that opens a second connection fails with NeedsCommits rather than reading stale rows.
"""
import http.server
import inspect
import os
import threading

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from livesafe import create_app
from livesafe.config import normalise_database_url
from livesafe.extensions import db
from tests.helpers import Browser, Rollback, sqlite_savepoints

SECRET = "test-secret-key-that-is-long-enough"

# A test using one of these fixtures, or whose body calls one of these, needs real commits.
COMMITS_FIXTURES = {"live_server", "browser", "demo_server"}
COMMITS_CALLS = ("at_once(", "Thread(", "Popen(", "gunicorn(", "make_server(", "engine.connect(",
                 "engine.begin(", "inspect(db.engine", "sqlite3.connect(")


def _search_data_read_once():
    """Every test builds an app, and every app parsed content/search/*.yaml again (a third of creating
    it): parse each folder's files once per session, again only if one of them changes."""
    from pathlib import Path

    from livesafe.search import vocabulary

    read, parsed = vocabulary.load_search_data, {}

    def load_search_data(content_dir):
        folder = Path(content_dir) / "search"
        files = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
        key = (str(folder.resolve()), tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in files))
        if key not in parsed:
            parsed[key] = read(content_dir)
        return parsed[key]

    vocabulary.load_search_data = load_search_data


_search_data_read_once()


def _url_builders_compiled_once():
    """Creating an app compiles two URL-building functions per route (werkzeug builds and compiles
    Python code for each: the other half of creating an app). The code depends only on the rule's parts,
    so compile each distinct one once per session; every app still gets its own bound copies."""
    from werkzeug.routing import Rule

    compile_builder, compiled = Rule._compile_builder, {}

    def _compile_builder(self, append_unknown=True):
        key = (self.rule, self.host, self.subdomain, append_unknown, tuple(self._trace),
               tuple(sorted((name, type(c).__qualname__) for name, c in self._converters.items())),
               repr(sorted((self.defaults or {}).items())))
        if key not in compiled:
            compiled[key] = compile_builder(self, append_unknown)
        return compiled[key]

    Rule._compile_builder = _compile_builder


_url_builders_compiled_once()


def _templates_compiled_once():
    """Each app has its own Jinja environment, so every test compiled every template it rendered again:
    share the compiled code (Jinja's bytecode cache, checked against each template's source) across apps.
    Every app's environment is configured the same way by create_app."""
    import jinja2
    from flask import Flask

    class InMemory(jinja2.BytecodeCache):
        def __init__(self):
            self.codes = {}

        def load_bytecode(self, bucket):
            if bucket.key in self.codes:
                bucket.bytecode_from_string(self.codes[bucket.key])

        def dump_bytecode(self, bucket):
            self.codes[bucket.key] = bucket.bytecode_to_string()

    cache, create = InMemory(), Flask.create_jinja_environment

    def create_jinja_environment(self):
        environment = create(self)
        environment.bytecode_cache = cache
        return environment

    Flask.create_jinja_environment = create_jinja_environment


_templates_compiled_once()


def pytest_configure(config):
    config.addinivalue_line("markers", "commits: runs on really committed data (threads, servers, subprocesses, "
                                       "other connections); tables are emptied before and after instead of rolled back")


def _names(code) -> set:
    """Every global name a function's code (nested functions and lambdas included) refers to."""
    names = set(code.co_names)
    for const in code.co_consts:
        if inspect.iscode(const):
            names |= _names(const)
    return names


def _sources(function, module):
    """The test function's source and that of the module's own functions it calls, and so on."""
    todo, seen = [function], set()
    while todo and len(seen) < 30:
        function = todo.pop()
        if function in seen:
            continue
        seen.add(function)
        try:
            yield inspect.getsource(function)
        except (OSError, TypeError):
            continue
        code = getattr(inspect.unwrap(function), "__code__", None)
        for name in _names(code) if code else ():
            called = getattr(module, name, None)
            if inspect.isfunction(called) and called.__module__ == module.__name__:
                todo.append(called)


def _needs_commits(item) -> bool:
    if COMMITS_FIXTURES & set(getattr(item, "fixturenames", ())):
        return True
    function, module = getattr(item, "function", None), getattr(item, "module", None)
    if function is None or module is None:
        return False
    return any(call in source for source in _sources(function, module) for call in COMMITS_CALLS)


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.get_closest_marker("commits") is None and _needs_commits(item):
            item.add_marker(pytest.mark.commits)
        if "demo_app" in getattr(item, "fixturenames", ()):
            # The gates share one demo site per worker: keep them on one worker so it is built once; the
            # browser gates (minutes of axe-core) on another, which builds its own, so neither waits.
            browser = item.get_closest_marker("browser") is not None
            item.add_marker(pytest.mark.xdist_group("demo_browser" if browser else "demo"))


def worker_database(url: str, suffix: str) -> str:
    """DATABASE_URL's database with `_<suffix>` appended, created on the server if missing."""
    parsed = sa.engine.make_url(url)
    name = f"{parsed.database}_{suffix}"
    admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar()
            if not exists:
                conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


def database_for(tmp_path_factory, purpose: str = "") -> str:
    """This session's (this worker's) database for `purpose` ("" for the ordinary tests)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    url = os.environ.get("DATABASE_URL")
    if url:
        url = normalise_database_url(url)
        suffix = "_".join(part for part in (worker, purpose) if part)
        return worker_database(url, suffix) if suffix else url
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / f"{purpose or 'test'}.sqlite3")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    return database_for(tmp_path_factory)


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


def build_schema(config: dict) -> None:
    """Drop everything and build the schema by running the migrations; leave every table empty."""
    from flask_migrate import upgrade

    app = create_app(config)
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
        empty_tables()  # what a migration seeds, a test makes itself (as when every test emptied the tables)
        db.engine.dispose()


@pytest.fixture(scope="session")
def schema(base_config):
    build_schema(base_config)
    return True


def empty_tables():
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())


_empty_tables = empty_tables  # the old name


@pytest.fixture(scope="session")
def rollback_engine(schema, base_config):
    """One engine for every rolled-back test, so SQLAlchemy compiles each statement once per session
    rather than once per test (its compiled-statement cache belongs to the engine)."""
    app = create_app(dict(base_config))
    with app.app_context():
        engine = db.engine
    sqlite_savepoints(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def app(schema, base_config, request):
    app = create_app(dict(base_config))
    with app.app_context():
        engine = db.engine
    if request.node.get_closest_marker("commits"):
        with app.app_context():
            empty_tables()
        yield app
        with app.app_context():
            db.session.remove()
            empty_tables()
    else:
        with Rollback(request.getfixturevalue("rollback_engine"), also_guard=(engine,)):
            yield app
    engine.dispose()


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
