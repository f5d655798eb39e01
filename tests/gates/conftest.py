"""The gates' demo site, built once per session (once per xdist worker; the gates are kept on one worker).

It has its own database (SQLite file, or DATABASE_URL's database + `_demo`), migrated and loaded with
the demo data once, and each role's walk of it is crawled once. Every gate test that uses it runs in a
rolled-back transaction on it (tests.helpers.Rollback), so whatever one gate posts is gone before the
next one starts. The browser gates, whose server answers from other threads, use it committed: they
only read, apart from the bookkeeping of signing in.
"""
import pytest

from livesafe import create_app
from livesafe.auth import roles
from livesafe.extensions import db
from tests.conftest import build_schema, database_for
from tests.gates.crawl import crawl
from tests.helpers import Rollback, sign_in, sqlite_savepoints

ROLES = (None,) + roles.ALL


@pytest.fixture(scope="session")
def demo_app(base_config, tmp_path_factory):
    """One app on the full demo data for every gate (loading it is slow)."""
    config = dict(base_config, SQLALCHEMY_DATABASE_URI=database_for(tmp_path_factory, "demo"))
    build_schema(config)
    app = create_app(config)
    with app.app_context():
        sqlite_savepoints(db.engine)
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _demo_rolled_back(request):
    """A gate test on the demo site leaves it as it found it."""
    if "demo_app" not in request.fixturenames or request.node.get_closest_marker("commits"):
        yield
        return
    app = request.getfixturevalue("demo_app")
    if "walks" in request.fixturenames:
        request.getfixturevalue("walks")  # crawled on the committed demo data, before the test's transaction
    with app.app_context():
        engine = db.engine
    with Rollback(engine):
        yield


def client_for(app, role):
    client = app.test_client()
    if role:
        sign_in(client, role)
    return client


@pytest.fixture(scope="session")
def walks(demo_app):
    """Each role's walk of the site: {role: (client, pages, forms)}."""
    result = {}
    for role in ROLES:
        client = client_for(demo_app, role)
        pages, forms = crawl(demo_app, client, start=("/", "/dashboard") if role else ("/",))
        result[role] = (client, pages, forms)
    return result


@pytest.fixture(scope="module")
def demo_server(demo_app):
    """The demo app served on loopback for the real browser, for a whole module."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, demo_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def html_pages(pages, per_endpoint=None):
    """The full HTML pages of a walk (no redirects, downloads or fragments), at most
    `per_endpoint` of each route when given."""
    chosen, counts = [], {}
    for url, page in pages.items():
        if page.status != 200 or "text/html" not in page.headers.get("Content-Type", "") or "<!doctype html>" not in page.body:
            continue
        counts[page.endpoint] = counts.get(page.endpoint, 0) + 1
        if per_endpoint is None or counts[page.endpoint] <= per_endpoint:
            chosen.append(url)
    return chosen
