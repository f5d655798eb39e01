"""Speed of the public accountability page (and the export and item search) with 5,000 items, on a
throwaway SQLite database; PostgreSQL too when BENCH_DATABASE_URL names an empty database to fill.
The page keeps its figures for a minute (warm); the cold figure is the five aggregate queries themselves.

Run alone with `python bench/accountability.py`; bench/run.py calls run().
"""
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ITEMS = 5000
REPEATS = 30


def _timed(action, repeats=REPEATS) -> tuple[float, float]:
    """Median and 95th percentile in milliseconds, after one warm-up call."""
    action()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def _seed():
    """5,000 items over two years in every state, written in bulk (the figures read only the tables)."""
    import sqlalchemy as sa
    from werkzeug.security import generate_password_hash

    from livesafe import places
    from livesafe.auth import roles
    from livesafe.auth.models import User
    from livesafe.clock import utcnow
    from livesafe.extensions import db
    from livesafe.panels import finding, logic
    from livesafe.panels.models import Feedback, FeedbackArea, FeedbackEvent

    staff = User(email="staff@example.org", role=roles.STAFF, name="Staff", password_hash=generate_password_hash("x"))
    member = User(email="member@example.org", role=roles.PANEL_MEMBER, name="Member",
                  password_hash=generate_password_hash("x"))
    db.session.add_all([staff, member])
    db.session.flush()
    panels = [logic.create_panel(name, "", staff) for name in ("City panel", "County panel", "Rutland panel")]
    areas, concerns = list(places.KEYS), list(logic.CONCERNS)
    paths = [["received"], ["received", "under_review"], ["received", "under_review", "response_published"],
             ["received", "under_review", "response_published", "action_agreed"],
             ["received", "under_review", "response_published", "action_agreed", "done"],
             ["received", "not_taken_forward"]]
    start = utcnow() - timedelta(days=730)
    items, events, item_areas = [], [], []
    for n in range(1, ITEMS + 1):
        path = paths[n % len(paths)]
        received = start + timedelta(hours=n * 3.5)
        answered = received + timedelta(days=5 + n % 40) if len(path) > 2 or path[-1] == "not_taken_forward" else None
        items.append({"id": n, "panel_id": panels[n % 3].id, "author_id": member.id, "title": f"Recommendation {n}",
                      "concerns": concerns[n % len(concerns)], "what_seen": "Something seen near the park. " * 5,
                      "recommendation": "Something to do. " * 5, "urgency": "medium", "show_name": False,
                      "state": path[-1], "created_at": received, "submitted_at": received,
                      "owner_id": staff.id, "response_deadline": (received + timedelta(days=30)).date() if n % 2 else None,
                      "response": "Our answer. " * 10 if answered and path[-1] != "not_taken_forward" else "",
                      "decision_reason": "Outside our remit." if path[-1] == "not_taken_forward" else "",
                      "answered_at": answered, "public": bool(answered), "published_at": answered,
                      "progress": (n * 7) % 101 if path[-1] in ("action_agreed", "done") else None,
                      "progress_note": "", "hidden_reason": ""})
        item_areas.append({"feedback_id": n, "area": areas[n % len(areas)]})
        before = "draft"
        for step, state in enumerate(path):
            at = received if step == 0 else (answered or received) + timedelta(days=step)
            events.append({"feedback_id": n, "from_state": before, "to_state": state, "note": "", "at": at,
                           "actor_id": staff.id})
            before = state
    db.session.execute(sa.insert(Feedback), items)
    db.session.execute(sa.insert(FeedbackArea), item_areas)
    db.session.execute(sa.insert(FeedbackEvent), events)
    finding.rebuild_all()
    db.session.commit()


def _measure(database_url: str, folder: str, label: str) -> list[dict]:
    from flask_migrate import upgrade

    from livesafe import create_app
    from tests.helpers import count_queries

    app = create_app({"LIVESAFE_ENV": "testing", "SECRET_KEY": "bench-secret-key-long-enough",
                      "SQLALCHEMY_DATABASE_URI": database_url, "SEARCH_INDEX_DIR": f"{folder}/index"})
    with app.app_context():
        upgrade()
        _seed()
    from livesafe.panels import accountability

    with app.app_context():
        cold_median, _ = _timed(accountability.figures, repeats=10)
        with count_queries() as counted:
            accountability.figures()
    client = app.test_client()
    assert client.get("/accountability").status_code == 200
    page_median, page_p95 = _timed(lambda: client.get("/accountability"))
    panel_median, _ = _timed(lambda: client.get("/accountability/panels/1"))
    export_median, _ = _timed(lambda: client.get("/you-said-we-did/export.json"), repeats=5)
    search_median, _ = _timed(lambda: client.get("/you-said-we-did/search?q=park+answer"))
    public_median, _ = _timed(lambda: client.get("/you-said-we-did"))
    with count_queries() as public_queries:
        client.get("/you-said-we-did")
    with count_queries() as page_queries:
        client.get("/accountability")
    published = sum(1 for n in range(1, ITEMS + 1) if n % 6 not in (1, 2))
    return [
        {"name": f"accountability ({label}): public page, {ITEMS} items, warm median", "value": round(page_median, 1),
         "unit": "ms", "target": 50, "ok": page_median < 50},
        {"name": f"accountability ({label}): public page, {ITEMS} items, p95", "value": round(page_p95, 1),
         "unit": "ms", "target": 100},
        {"name": f"accountability ({label}): the figures worked out (cold, every {accountability.FIGURES_SECONDS} s "
                 "or after a change), median", "value": round(cold_median, 1), "unit": "ms", "target": None},
        {"name": f"accountability ({label}): the figures, queries", "value": counted.n, "unit": "queries",
         "target": None},
        {"name": f"accountability ({label}): one panel's page, median", "value": round(panel_median, 1), "unit": "ms",
         "target": 50},
        {"name": f"accountability ({label}): open-data JSON ({published} published), median",
         "value": round(export_median, 1), "unit": "ms", "target": None},
        {"name": f"accountability ({label}): public page (warm), queries", "value": page_queries.n,
         "unit": "queries", "target": None},
        {"name": f"accountability ({label}): You said, we did ({published} published), median",
         "value": round(public_median, 1), "unit": "ms", "target": 50, "ok": public_median < 50},
        {"name": f"accountability ({label}): You said, we did, queries", "value": public_queries.n,
         "unit": "queries", "target": None},
        {"name": f"accountability ({label}): item search, median", "value": round(search_median, 1), "unit": "ms",
         "target": 50},
    ]


def run() -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        rows += _measure(f"sqlite:///{folder}/bench.sqlite3", folder, "SQLite")
        if os.environ.get("BENCH_DATABASE_URL"):
            rows += _measure(os.environ["BENCH_DATABASE_URL"], folder, "PostgreSQL")
    return rows


if __name__ == "__main__":
    for row in run():
        print(f"{row['name']:75} {row['value']:>8} {row['unit']}  (target {row['target']})")
