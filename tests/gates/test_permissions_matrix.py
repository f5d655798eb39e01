"""Gate: every route against every role (signed out included), checked against the declared table."""
import pytest

from tests.gates.conftest import ROLES, client_for
from tests.gates.permissions_table import PUBLIC, SAMPLES, TABLE


def _endpoints(app):
    return {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}


def test_every_route_is_in_the_table(demo_app):
    endpoints = _endpoints(demo_app)
    assert sorted(endpoints - set(TABLE)) == [], "routes missing from tests/gates/permissions_table.py"
    assert sorted(set(TABLE) - endpoints) == [], "table entries for routes that no longer exist"


def _samples(demo_app, walks):
    """For each endpoint: (method, url, role that found it)."""
    found = {}
    for role, (_, pages, forms) in walks.items():
        for url, page in pages.items():
            if page.endpoint and page.status < 400:
                found.setdefault(page.endpoint, {}).setdefault(role, ("GET", url))
        for form in forms:
            from tests.gates.crawl import endpoint_of

            endpoint = endpoint_of(demo_app, form.action)
            if endpoint:
                found.setdefault(endpoint, {}).setdefault(role, (form.method.upper(), form.action))
    for endpoint, (method, url) in SAMPLES.items():
        if callable(url):
            with demo_app.app_context():
                url = url()
        found.setdefault(endpoint, {}).setdefault(None, (method, url))
    return found


def test_every_route_is_reachable_for_the_gate(demo_app, walks):
    missing = sorted(_endpoints(demo_app) - set(_samples(demo_app, walks)))
    assert missing == [], "no page links to these routes; add a sample URL to SAMPLES"


def _allowed(rule, role):
    return rule == PUBLIC or (role is not None and role in rule)


def _request(client, method, url):
    if method == "GET":
        return client.get(url)
    from tests.helpers import csrf_token

    return client.post(url, data={"csrf_token": csrf_token(client, "/dashboard" if _signed_in(client) else "/login")})


def _signed_in(client):
    return client.get("/dashboard").status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_each_role_is_refused_what_the_table_refuses_and_allowed_the_rest(demo_app, walks, role):
    samples = _samples(demo_app, walks)
    client = client_for(demo_app, role)
    wrong = []
    for endpoint, rule in TABLE.items():
        by_role = samples.get(endpoint, {})
        if _allowed(rule, role):
            # Allowed: try the URL this role itself found (object-level checks may refuse others' objects).
            if role in by_role:
                method, url = by_role[role]
                response = _request(client, method, url)
                if response.status_code == 403 or (
                    response.status_code == 302 and "/login" in response.headers.get("Location", "")
                    and endpoint != "auth.logout"):
                    wrong.append((endpoint, url, response.status_code, "should be allowed"))
            continue
        for method, url in by_role.values():
            response = _request(client, method, url)
            refused = response.status_code in (401, 403, 404) or (
                role is None and response.status_code == 302 and response.headers["Location"].startswith("/login"))
            if not refused:
                wrong.append((endpoint, url, response.status_code, "should be refused"))
    assert wrong == []
