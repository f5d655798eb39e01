"""Helpers shared by tests: CSRF-aware posting, signing in, the browser wrapper and axe-core."""
import re
import threading
import weakref
from pathlib import Path

from livesafe.auth.demo import ACCOUNTS, PASSWORD

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1.min.js"
EMAIL = {role: email for email, role in ACCOUNTS}


def csrf_token(client, url="/login"):
    page = client.get(url)
    match = TOKEN.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def post(client, url, data=None, token_from=None, **kwargs):
    """POST with a valid CSRF token taken from a page (default: the page being posted to)."""
    data = dict(data or {})
    data.setdefault("csrf_token", csrf_token(client, token_from or url))
    return client.post(url, data=data, **kwargs)


def sign_in(client, role=None, email=None, password=PASSWORD):
    email = email or EMAIL[role]
    response = post(client, "/login", {"email": email, "password": password}, token_from="/login")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


class Browser:
    """A Playwright browser context on the live server, phone-sized by default."""

    def __init__(self, chromium, base_url, javascript=True, viewport=None):
        self.base_url = base_url
        # bypass_csp only so the test can inject axe-core; the site's own CSP is checked elsewhere.
        self.context = chromium.new_context(
            viewport=viewport or {"width": 390, "height": 844},
            java_script_enabled=javascript,
            bypass_csp=True,
            base_url=base_url,
        )
        self.outside_requests = []
        self.context.route(re.compile(r"^https?://(?!127\.0\.0\.1)"), self._outside)
        self.page = self.context.new_page()

    def _outside(self, route):
        self.outside_requests.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<!doctype html><title>Weather</title><h1>Weather</h1>")

    def goto(self, path):
        return self.page.goto(self.base_url + path)

    def sign_in(self, role=None, email=None, password=PASSWORD):
        self.goto("/login")
        self.page.fill("input[name=email]", email or EMAIL[role])
        self.page.fill("input[name=password]", password)
        self.page.click("main button[type=submit]")
        self.page.wait_for_load_state()

    def axe(self):
        """Run axe-core with the WCAG 2.0/2.1/2.2 A and AA rules; return the violations."""
        self.page.add_script_tag(content=AXE.read_text())
        return self.page.evaluate(
            """async () => (await axe.run(document, {runOnly: {type: 'tag', values:
                ['wcag2a','wcag2aa','wcag21a','wcag21aa','wcag22a','wcag22aa']}})).violations
                .map(v => ({id: v.id, impact: v.impact, help: v.help,
                            nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))"""
        )

    def assert_accessible(self):
        violations = self.axe()
        assert violations == [], f"axe violations on {self.page.url}: {violations}"

    def close(self):
        self.context.close()


class QueryCounter:
    """Counts the SQL statements run while it is open (`with count_queries() as counted: ...; counted.n`)."""

    def __init__(self, engine):
        self.engine = engine
        self.statements: list[str] = []

    def _seen(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append(statement)

    @property
    def n(self) -> int:
        return len(self.statements)

    def __enter__(self):
        import sqlalchemy as sa

        sa.event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *exc):
        import sqlalchemy as sa

        sa.event.remove(self.engine, "before_cursor_execute", self._seen)


def count_queries():
    """Counts on every engine: rolled-back tests run their requests on a shared test engine, not db.engine."""
    from sqlalchemy.engine import Engine

    return QueryCounter(Engine)


def queries_for_page(client, url) -> int:
    """How many statements one GET of `url` runs (status 200 asserted), counted on a second GET: the first
    reloads whatever a commit in the test expired (the signed-in user...), which is not the page's cost."""
    assert client.get(url).status_code == 200, url
    with count_queries() as counted:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return counted.n


def assert_flat(client, url, add_rows, more=5):
    """A page's query count must not grow with its rows: count, add `more` rows with `add_rows(more)`, count again."""
    before = queries_for_page(client, url)
    add_rows(more)
    after = queries_for_page(client, url)
    assert after <= before, f"{url}: {before} queries, then {after} after adding {more} rows (one query per row?)"


def walk_workflow(workflow, make, users, values=None):
    """The table-driven check of a workflow: for every transition, every state and every user, `apply()`
    succeeds exactly when the table says so (the state is a source and the permission allows the user).

    `make(state)` returns a new object in that state for which the transition's guards hold; `users` maps a
    name (a role) to a user; `values(transition)` gives what a person would send with it (an amount)."""
    from livesafe.kernel import RuleError, apply, can

    outcomes = []
    for transition in workflow.transitions:
        for state in workflow.states:
            for name, user in users.items():
                obj = make(state)
                expected = state in transition.sources and bool(can(transition.permission, user, obj))
                try:
                    apply(workflow, obj, transition.action, user, **(values(transition) if values else {}))
                    took = True
                except RuleError:
                    took = False
                assert took == expected, (
                    f"{workflow.name}.{transition.action} from {state} by {name}: "
                    f"{'took' if took else 'refused'}, the table says {'allowed' if expected else 'refused'}")
                if took:
                    assert workflow.state_of(obj) == transition.target
                outcomes.append((transition.action, state, name, took))
    assert any(o[3] for o in outcomes) and not all(o[3] for o in outcomes)
    return outcomes


def at_once(app, count, work):
    """Run work(index) in `count` threads released together; return what each returned or raised."""
    if Rollback.active is not None:
        raise NeedsCommits("at_once needs committed data and real connections: mark the test @pytest.mark.commits")
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(index):
        from livesafe.extensions import db

        with app.app_context():
            barrier.wait()
            try:
                results[index] = work(index)
            except Exception as error:  # noqa: BLE001 - reported to the test
                results[index] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


class NeedsCommits(AssertionError):
    """Raised when a rolled-back test opens a second connection: mark it `@pytest.mark.commits`."""


class Rollback:
    """Run a test inside one outer transaction on one connection, rolled back at the end.

    Every session joins that transaction through a SAVEPOINT (SQLAlchemy's `join_transaction_mode=
    "create_savepoint"`): the test's own session, each request's (the test client runs requests in their
    own app contexts), CLI commands'. So the kernel's commit after a successful POST and any logic that
    commits releases a savepoint, a rollback returns to it, and nothing is ever really written: the next
    test starts from the same tables without deleting anything.

    Real threads, servers and subprocesses cannot share one connection and cannot see uncommitted rows;
    tests that use them run on committed data (tests/conftest.py marks them `commits`). A second
    connection opened on the engine while this is in force raises NeedsCommits rather than letting a
    test read stale rows and pass."""

    active: "Rollback | None" = None

    def __init__(self, engine, also_guard=()):
        """`engine` gives the connection; a second connection on it or on `also_guard` is refused."""
        self.engine = engine
        self.guarded = {id(e): e for e in (engine, *also_guard)}.values()

    def __enter__(self):
        import sqlalchemy as sa
        from flask_sqlalchemy.session import Session

        from livesafe.extensions import db

        class JoinedSession(Session):
            def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
                return bind or self.bind

        sqlite_savepoints(self.engine)
        self.connection = self.engine.connect()
        self.outer = self.connection.begin()
        self.saved = db.session
        db.session = db._make_scoped_session(
            {"class_": JoinedSession, "bind": self.connection, "join_transaction_mode": "create_savepoint"})
        for engine in self.guarded:
            sa.event.listen(engine, "engine_connect", self._second_connection)
        Rollback.active = self
        return self

    def _second_connection(self, connection):
        raise NeedsCommits(
            "this test opened a second database connection while running in a rolled-back transaction, "
            "where it would read stale rows; mark it @pytest.mark.commits")

    def __exit__(self, *exc):
        import sqlalchemy as sa

        from livesafe.extensions import db

        Rollback.active = None
        for engine in self.guarded:
            sa.event.remove(engine, "engine_connect", self._second_connection)
        try:
            for session in list(db.session.registry.registry.values()):  # app contexts still open
                session.close()
        finally:
            db.session = self.saved
            if self.outer.is_active:
                self.outer.rollback()
            self.connection.close()


_SAVEPOINT_ENGINES: "weakref.WeakSet" = weakref.WeakSet()


def sqlite_savepoints(engine):
    """pysqlite's own transaction handling breaks SAVEPOINT (a RELEASE of the first savepoint would commit);
    the documented workaround: let SQLAlchemy emit BEGIN itself. Once per engine; no-op elsewhere."""
    import sqlalchemy as sa

    if engine.dialect.name != "sqlite" or engine in _SAVEPOINT_ENGINES:
        return
    _SAVEPOINT_ENGINES.add(engine)

    @sa.event.listens_for(engine, "connect")
    def _no_pysqlite_transactions(dbapi_connection, record):
        dbapi_connection.isolation_level = None

    @sa.event.listens_for(engine, "begin")
    def _begin(connection):
        connection.exec_driver_sql("BEGIN")

    engine.dispose()  # connections made before the events would keep pysqlite's handling
