import pytest

from livesafe import create_app
from livesafe.auth import roles
from tests.conftest import _empty_tables
from tests.gates.crawl import crawl
from tests.helpers import sign_in

ROLES = (None,) + roles.ALL


@pytest.fixture(scope="module")
def demo_app(schema, base_config):
    """One app with the full demo data for a whole gate module (loading it is slow)."""
    app = create_app(dict(base_config))
    with app.app_context():
        _empty_tables()
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    yield app
    from livesafe.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def client_for(app, role):
    client = app.test_client()
    if role:
        sign_in(client, role)
    return client


@pytest.fixture(scope="module")
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
