"""Gate: every form and query parameter found on the demo site, as each role, is sent hostile values.

Never a 500; injected markup never comes back unescaped; a request without a CSRF token changes
nothing; a rejected request leaves saved data as it was; a 20 MB body gets 413.
"""
import hashlib
import re
from urllib.parse import urlencode, urlsplit

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from livesafe.extensions import db
from tests.gates.conftest import ROLES, client_for
from tests.gates.crawl import endpoint_of, query_params

SCRIPT = "<script>alert('x')</script>"
HOSTILE = [
    "",
    "x" * 100_000,
    "🔪😀 emoji ✨",
    "\u202eevil right-to-left \u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627",
    "nul\x00byte",
    SCRIPT,
    '"><img src=x onerror=alert(1)>',
    "' OR '1'='1'; DROP TABLE users; --",
    "-1",
    "99999999999999999999999999",
    "1e308",
    "2026-02-31",
    "31/13/2026 25:61",
    "[]{}%00%s%n",
]
# Tables whose changes are expected bookkeeping even for refused requests.
BOOKKEEPING = {"throttle_counts"}
WRITE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)', re.IGNORECASE)
CSRF_REFUSED = "The form had expired or was not sent from this site"


def _snapshot(app, only=None):
    """A fingerprint of each table (of `only`, when given) but the bookkeeping ones, read through the
    test's own transaction."""
    digest = {}
    with app.app_context():
        conn = db.session.connection()
        for table in db.metadata.sorted_tables:
            if table.name in BOOKKEEPING or (only is not None and table.name not in only):
                continue
            count = conn.execute(sa.select(sa.func.count()).select_from(table)).scalar()
            if count > 3000:
                digest[table.name] = count
                continue
            order = list(table.primary_key.columns) or list(table.columns)
            rows = conn.execute(sa.select(table).order_by(*order)).all()
            digest[table.name] = hashlib.sha256(repr([tuple(r) for r in rows]).encode()).hexdigest()
    return digest


class Saved:
    """The saved data while one form is attacked: one fingerprint for the form, and after a request that
    wrote, a new one of the tables it wrote to (of every table after a DELETE, which may cascade). Every
    statement goes through the test's one connection, so a table nobody wrote to cannot have changed."""

    def __init__(self, app):
        self.app = app
        self.before = _snapshot(app)
        self.wrote = set()
        with app.app_context():
            self.engine = db.engine

    def _seen(self, conn, cursor, statement, parameters, context, executemany):
        match = WRITE.match(statement)
        if match and match.group(2) not in BOOKKEEPING:
            self.wrote.add((match.group(1).split()[0].upper(), match.group(2)))

    def post(self, client, url, data):
        self.wrote = set()
        sa.event.listen(self.engine, "before_cursor_execute", self._seen)
        try:
            return client.post(url, data=data)
        finally:
            sa.event.remove(self.engine, "before_cursor_execute", self._seen)

    def changed(self):
        """The tables whose rows differ from the fingerprint; the fingerprint then follows them."""
        if not self.wrote:
            return []
        deleted = any(kind == "DELETE" for kind, _ in self.wrote)
        now = _snapshot(self.app, None if deleted else {table for _, table in self.wrote})
        changed = sorted(name for name, digest in now.items() if digest != self.before.get(name))
        self.before.update(now)
        return changed

    def check(self, response, where):
        """A rejected request left the saved data as it was; an accepted one may change it."""
        changed = self.changed()
        if response.status_code >= 400:
            assert changed == [], f"rejected {where} changed saved data in {changed}"


def _post_forms(walks, role):
    _, _, forms = walks[role]
    seen, unique = set(), []
    for form in forms:
        if form.method != "post" or form.action.startswith("/logout"):
            continue
        # One form per route and set of fields: the same form for another record runs the same code.
        key = (endpoint_of(walks[role][0].application, form.action), tuple(sorted(form.fields)))
        if key not in seen:
            seen.add(key)
            unique.append(form)
    return unique


def _token(client, form):
    page = client.get(form.page).get_data(as_text=True)
    from tests.helpers import TOKEN

    match = TOKEN.search(page)
    return match.group(1) if match else ""


class Poster:
    """Posts to one form with one CSRF token (taken again only if a post ended the session it belongs to,
    so every value still gets past the token check to the code behind it)."""

    def __init__(self, client, form, saved):
        self.client, self.form, self.saved = client, form, saved
        self.token = _token(client, form)

    def post(self, data):
        data = MultiDict(data)
        for attempt in (1, 2):
            data.setlist("csrf_token", [self.token])
            response = self.saved.post(self.client, self.form.action, data)
            if attempt == 1 and response.status_code == 400 and CSRF_REFUSED in response.get_data(as_text=True):
                self.token = _token(self.client, self.form)
                continue
            return response


def _assert_safe(response, where):
    assert response.status_code < 500, f"{response.status_code} from {where}"
    body = response.get_data(as_text=True)
    assert SCRIPT not in body, f"unescaped script reflected by {where}"
    assert "<img src=x onerror" not in body, f"unescaped markup reflected by {where}"


def _plausible(name: str, kind: str, values: list) -> str:
    """A value likely to pass validation, so hostile values reach the code behind it."""
    if values and values[0]:
        return values[0]
    lowered = name.lower()
    if kind == "email" or "email" in lowered:
        return "hostile.test@example.org"
    if kind == "password" or "password" in lowered or lowered == "confirm":
        return "a long passphrase"
    if kind == "number" or any(w in lowered for w in ("amount", "number", "count", "pence", "budget")):
        return "1"
    if kind == "date" or "date" in lowered:
        return "2026-12-01"
    if kind == "datetime-local":
        return "2026-12-01T10:00"
    if kind == "select" and len(values) > 1:
        return values[1]
    return "Plain words"


HOSTILE_PER_FIELD = [v for v in HOSTILE if v not in ("-1", "1e308")]


# Admin last: its forms can deactivate the other demo accounts (each test is rolled back anyway).
@pytest.mark.parametrize("role", ROLES)
def test_every_form_survives_hostile_values(demo_app, walks, role):
    client = client_for(demo_app, role)
    for form in _post_forms(walks, role):
        editable = [name for name, kind in form.kinds.items() if name != "csrf_token" and kind != "submit"]
        baseline = {name: _plausible(name, form.kinds.get(name, "text"), values) for name, values in form.fields.items()}
        saved = Saved(demo_app)
        poster = Poster(client, form, saved)
        # One field at a time, the rest plausible, so each value gets past the other fields' validation.
        for name in editable:
            for value in HOSTILE_PER_FIELD:
                where = f"{form.action} with {name}={value[:20]!r}"
                response = poster.post(dict(baseline, **{name: value}))
                _assert_safe(response, where)
                saved.check(response, where)
        # Missing fields, then every field twice.
        response = poster.post({})
        _assert_safe(response, f"{form.action} with no fields")
        saved.check(response, f"{form.action} with no fields")
        response = poster.post([(name, v) for name in editable for v in ("1", SCRIPT)])
        _assert_safe(response, f"{form.action} with duplicated fields")
        saved.check(response, f"{form.action} with duplicated fields")


@pytest.mark.parametrize("role", ROLES)
def test_posts_without_or_with_a_wrong_csrf_token_change_nothing(demo_app, walks, role):
    client = client_for(demo_app, role)
    for form in _post_forms(walks, role):
        saved = Saved(demo_app)
        data = {name: (values[0] if values else "") for name, values in form.fields.items() if name != "csrf_token"}
        for token in (None, "wrong-token"):
            response = saved.post(client, form.action, dict(data, **({"csrf_token": token} if token else {})))
            assert response.status_code in (400, 403, 302), f"{form.action} accepted a post without a valid token"
            changed = saved.changed()
            assert changed == [], f"{form.action} changed {changed} without a CSRF token"


@pytest.mark.parametrize("role", ROLES)
def test_huge_bodies_get_413(walks, role):
    client = walks[role][0]
    actions = {form.action for form in _post_forms(walks, role)}
    for action in actions:
        response = client.post(action, data={"field": "x" * (20 * 1024 * 1024)})
        assert response.status_code == 413, action


@pytest.mark.parametrize("role", ROLES)
def test_every_query_parameter_survives_hostile_values(walks, role):
    client, pages, _ = walks[role]
    samples = {}
    for url, page in pages.items():
        samples.setdefault(page.endpoint, url)
        for name, _ in query_params(url):
            samples.setdefault((page.endpoint, name), url)
    for url in samples.values():
        path = urlsplit(url).path
        params = dict(query_params(url))
        names = set(params) | {"page", "q"}
        for value in HOSTILE:
            if len(value) > 10_000:
                value = value[:5_000]
            query = urlencode({name: value for name in names})
            _assert_safe(client.get(f"{path}?{query}"), f"{path}?{query[:60]}")


# Property-based: arbitrary Unicode (control characters, surrogates' neighbours, huge code points)
# into the public query parameters and the sign-in form finds what a fixed list would not.
ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=300)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=ANY_TEXT, audience=ANY_TEXT, page=ANY_TEXT)
def test_search_and_filters_take_any_text(demo_app, query, audience, page):
    client = demo_app.test_client()
    for url in ("/search", "/services", "/you-said-we-did", "/local-places"):
        response = client.get(url, query_string={"q": query, "audience": audience, "page": page,
                                                 "age": page, "area": audience, "kind": query})
        assert response.status_code < 500, url
        if "<" in query and len(query.strip()) > 3:
            assert query not in response.get_data(as_text=True), f"{url} reflected {query!r} unescaped"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(email=ANY_TEXT, password=ANY_TEXT)
def test_sign_in_takes_any_text(demo_app, email, password):
    from tests.helpers import csrf_token

    client = demo_app.test_client()
    response = client.post("/login", data={"csrf_token": csrf_token(client), "email": email, "password": password})
    assert response.status_code in (422, 429)
