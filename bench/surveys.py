"""Speed of the survey results for a wave of 100,000 responses, and a check that the figures on the
page equal a plain SQL GROUP BY.

Runs on a throwaway SQLite database. To measure PostgreSQL instead, point SURVEYS_BENCH_DATABASE_URL at a
scratch database (its schema is dropped and rebuilt):

    SURVEYS_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/scratch python bench/surveys.py

bench/run.py calls run().
"""
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

RESPONSES = 100_000
REPEATS = 5


def _timed(action, repeats=REPEATS) -> float:
    """Median in milliseconds."""
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def _copy_answers(rows):
    """PostgreSQL: COPY is far faster than INSERT for millions of rows (set-up time only)."""
    from livesafe.extensions import db

    raw = db.session.connection().connection.dbapi_connection
    with raw.cursor() as cursor:
        with cursor.copy("COPY survey_answers (wave_id, response_id, question, option, number, text) FROM STDIN") as copy:
            for row in rows:
                copy.write_row((row["wave_id"], row["response_id"], row["question"], row["option"], row["number"],
                                row["text"]))


def _seed(definition) -> tuple[int, int]:
    """A wave with RESPONSES generated responses; returns (wave id, answer rows)."""
    import sqlalchemy as sa

    from livesafe.extensions import db
    from livesafe.surveys import demo, logic
    from livesafe.surveys.models import SurveyAnswer, SurveyResponse

    wave = logic.create_wave(definition, "Bench wave", logic.today(), logic.today(), None)
    sets = demo.generate(definition, RESPONSES, seed=7, shift=0.1)
    postgres = db.engine.dialect.name == "postgresql"
    codes = [None, None, "BENCH1", "BENCH2"]
    rows_total = 0
    for start in range(0, RESPONSES, 10_000):
        part = sets[start:start + 10_000]
        ids = db.session.scalars(
            sa.insert(SurveyResponse).returning(SurveyResponse.id, sort_by_parameter_order=True),
            [{"wave_id": wave.id, "submitted_on": wave.opens_on, "setting_code": codes[i % 4], "is_test": False,
              **logic.breakdown_values(definition, answers)} for i, answers in enumerate(part)],
        ).all()
        rows = [{"option": None, "number": None, "text": None, **row, "wave_id": wave.id, "response_id": rid}
                for rid, answers in zip(ids, part) for row in logic.answer_rows(definition, answers)]
        rows_total += len(rows)
        if postgres:
            _copy_answers(rows)
        else:
            db.session.connection().execute(SurveyAnswer.__table__.insert(), rows)
    db.session.commit()
    if postgres:
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE survey_answers")
            connection.exec_driver_sql("VACUUM ANALYZE survey_responses")
    else:
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
    return wave.id, rows_total


def add_one(wave_id: int) -> None:
    import secrets

    from livesafe.extensions import db
    from livesafe.surveys import logic
    from livesafe.surveys.models import SurveyWave

    wave = db.session.get(SurveyWave, wave_id)
    logic.submit(wave, {"answers": {"age_band": "14-15", "safe_area_dark": "2"}, "setting": None, "test": False,
                        "token": secrets.token_urlsafe(8)})


def _figures_match_group_by(wave_id: int) -> bool:
    """The counts behind the results page against a hand-written GROUP BY."""
    import sqlalchemy as sa

    from livesafe.extensions import db
    from livesafe.surveys import results
    from livesafe.surveys.models import SurveyWave

    plain = {(q, o): n for q, o, n in db.session.execute(sa.text(
        "SELECT a.question, a.option, count(*) FROM survey_answers a "
        "JOIN survey_responses r ON r.id = a.response_id "
        "WHERE r.wave_id = :wave AND NOT r.is_test AND a.option IS NOT NULL "
        "GROUP BY a.question, a.option"), {"wave": wave_id})}
    page = {(r.code, o.value): o.cell.count for r in results.overall(db.session.get(SurveyWave, wave_id))
            for o in r.options if o.cell.count}
    return page == plain


def _reset_postgres():
    import sqlalchemy as sa

    from livesafe.extensions import db

    with db.engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA public CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA public"))


def run() -> list[dict]:
    from flask_migrate import upgrade

    from livesafe import create_app
    from livesafe.auth import roles
    from livesafe.auth.models import User
    from livesafe.extensions import db
    from livesafe.surveys import definitions as defs

    url = os.environ.get("SURVEYS_BENCH_DATABASE_URL")
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"LIVESAFE_ENV": "testing", "SECRET_KEY": "bench-secret-key-long-enough",
                          "SQLALCHEMY_DATABASE_URI": url or f"sqlite:///{folder}/bench.sqlite3",
                          "SEARCH_INDEX_DIR": f"{folder}/index"})
        with app.app_context():
            database = db.engine.dialect.name
            if database == "postgresql":
                _reset_postgres()
            upgrade()
            staff = User(email="staff@example.org", role=roles.STAFF, name="Staff")
            db.session.add(staff)
            db.session.commit()
            user_id = staff.get_id()
            started = time.perf_counter()
            wave_id, answer_rows = _seed(defs.available()["young-people"])
            seeded = time.perf_counter() - started
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = user_id
            session["_fresh"] = True

        def get(url):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        base = f"/surveys/manage/{wave_id}"
        # The first view runs the GROUP BY over every answer and stores the totals; later views
        # only add up responses that arrived since (none here), as staff mostly see closed waves.
        first = _timed(lambda: get(f"{base}/results"), repeats=1)
        page = _timed(lambda: get(f"{base}/results"))
        district_first = _timed(lambda: get(f"{base}/results?breakdown=district"), repeats=1)
        district = _timed(lambda: get(f"{base}/results?breakdown=district"))
        setting = _timed(lambda: get(f"{base}/results?breakdown=setting"))
        export = _timed(lambda: get(f"{base}/export/results.csv"), repeats=3)
        with app.app_context():
            add_one(wave_id)
        one_more = _timed(lambda: get(f"{base}/results"), repeats=1)
        with app.app_context():
            matches = _figures_match_group_by(wave_id)  # after the stored totals were used and topped up
    label = f"surveys ({database}, {RESPONSES:,} responses, {answer_rows:,} answer rows)"
    return [
        {"name": f"{label}: results page, first view (full GROUP BY)", "value": round(first), "unit": "ms",
         "target": "-"},
        {"name": f"{label}: results page, median", "value": round(page), "unit": "ms", "target": 500,
         "ok": page < 500},
        {"name": f"{label}: results page after one more response", "value": round(one_more), "unit": "ms",
         "target": 500, "ok": one_more < 500},
        {"name": f"{label}: results by district, first view", "value": round(district_first), "unit": "ms",
         "target": "-"},
        {"name": f"{label}: results by district, median", "value": round(district), "unit": "ms", "target": 500,
         "ok": district < 500},
        {"name": f"{label}: results by setting code, median", "value": round(setting), "unit": "ms", "target": 500,
         "ok": setting < 500},
        {"name": f"{label}: results CSV (all breakdowns), median", "value": round(export), "unit": "ms",
         "target": 2000, "ok": export < 2000},
        {"name": f"{label}: page figures equal a plain SQL GROUP BY", "value": "yes" if matches else "NO",
         "unit": "", "target": "yes", "ok": matches},
        {"name": f"{label}: set-up (generate and insert)", "value": round(seeded), "unit": "s", "target": "-"},
    ]


if __name__ == "__main__":
    for row in run():
        print(f"{row['name']:95} {row['value']:>8} {row['unit']}  (target {row['target']})")
