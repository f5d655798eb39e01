"""Speed of the panels' public pages and hub asset search, on a throwaway SQLite database.

Run alone with `python bench/panels.py`; bench/run.py calls run().
"""
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PUBLISHED = 300
ASSETS = 2000
REPEATS = 30


def _timed(action, repeats=REPEATS) -> tuple[float, float]:
    """Median and 95th percentile in milliseconds."""
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def _seed():
    from werkzeug.security import generate_password_hash

    from livesafe.auth import roles
    from livesafe.auth.models import User
    from livesafe.extensions import db
    from livesafe import places
    from livesafe.panels import logic
    from livesafe.clock import utcnow

    staff = User(email="staff@example.org", role=roles.STAFF, name="Staff", password_hash=generate_password_hash("x"))
    member = User(email="member@example.org", role=roles.PANEL_MEMBER, name="Member",
                  password_hash=generate_password_hash("x"))
    db.session.add_all([staff, member])
    db.session.flush()
    panel = logic.create_panel("City panel", "", staff)
    logic.add_member(panel, member.email, staff)
    areas = list(places.KEYS)
    concerns = list(logic.CONCERNS)
    start = utcnow() - timedelta(days=400)
    for n in range(PUBLISHED):
        item = logic.start_draft(panel, member, title=f"Recommendation {n}", concerns=concerns[n % len(concerns)],
                                 areas=[areas[n % len(areas)], areas[(n * 3) % len(areas)]],
                                 what_seen="Something seen. " * 20, recommendation="Something to do. " * 10,
                                 urgency="medium", show_name=n % 2 == 0)
        logic.submit(item, member, now=start + timedelta(days=n))
        logic.move(item, "review", staff, now=start + timedelta(days=n, hours=2))
        logic.move(item, "respond", staff, response="Our answer. " * 15,
                           now=start + timedelta(days=n + 3))
        logic.set_public(item, True, staff)
    kinds = list(logic.ASSET_KINDS)
    for n in range(ASSETS):
        asset = logic.add_asset(staff, name=f"Place {n}", kind=kinds[n % len(kinds)], district=areas[n % len(areas)],
                                description=f"Sport, music and mentoring for young people number {n}",
                                min_age=8 + n % 5, max_age=18 + n % 8, opening_times="", contact="", website="")
        if n % 3:
            logic.verify_asset(asset, staff)
    db.session.commit()


def run() -> list[dict]:
    from flask_migrate import upgrade

    from livesafe import create_app
    from livesafe.panels import logic

    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"LIVESAFE_ENV": "testing", "SECRET_KEY": "bench-secret-key-long-enough",
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3",
                          "SEARCH_INDEX_DIR": f"{folder}/index"})
        with app.app_context():
            upgrade()
            _seed()
        client = app.test_client()
        page_median, page_p95 = _timed(lambda: client.get("/you-said-we-did"))
        filtered_median, _ = _timed(lambda: client.get("/you-said-we-did?area=leicester",
                                                       headers={"HX-Request": "true"}))
        places_median, _ = _timed(lambda: client.get("/local-places?district=rutland&age=14"))
        with app.app_context():
            search_median, search_p95 = _timed(lambda: logic.search_assets("music rutland"), repeats=100)
    return [
        {"name": f"panels: You said, we did (first page of {PUBLISHED} published), median",
         "value": round(page_median, 1), "unit": "ms", "target": 100},
        {"name": f"panels: You said, we did (first page of {PUBLISHED} published), p95",
         "value": round(page_p95, 1), "unit": "ms", "target": 200},
        {"name": "panels: You said, we did, htmx area filter, median", "value": round(filtered_median, 1), "unit": "ms",
         "target": 100},
        {"name": f"panels: local places filter ({ASSETS} assets), median", "value": round(places_median, 1), "unit": "ms",
         "target": 50},
        {"name": f"panels: search_assets ({ASSETS} assets), median", "value": round(search_median, 2), "unit": "ms",
         "target": 10},
        {"name": f"panels: search_assets ({ASSETS} assets), p95", "value": round(search_p95, 2), "unit": "ms",
         "target": 25},
    ]


if __name__ == "__main__":
    for row in run():
        print(f"{row['name']:60} {row['value']:>8} {row['unit']}  (target {row['target']})")
