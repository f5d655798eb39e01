"""Speed of the survey results for a wave of 100,000 responses with the cell key method: making a release
(the full count once, then a next release that only adds the new responses), the results page and every
breakdown cold (first view of a release) and warm, the CSV export, and a check that the stored release totals
equal a plain SQL GROUP BY (published figures differ from it by the cell key noise, on purpose).

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

    from livesafe import clock
    from livesafe.auth import roles
    from livesafe.auth.models import User
    from livesafe.extensions import db
    from livesafe.surveys import demo, logic
    from livesafe.surveys.models import SurveyAnswer, SurveyResponse

    staff = db.session.scalar(sa.select(User).where(User.role == roles.STAFF)) or User(
        email="bench-staff@example.org", role=roles.STAFF)
    db.session.add(staff)
    db.session.flush()
    wave = logic.create_wave(definition, "Bench wave", clock.today(), clock.today(), staff)
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


def _add_new(wave_id: int, count: int) -> None:
    """`count` more responses (bulk, as set-up), for the next release."""
    import sqlalchemy as sa

    from livesafe.extensions import db
    from livesafe.surveys import demo, logic
    from livesafe.surveys.models import SurveyAnswer, SurveyResponse, SurveyWave

    wave = db.session.get(SurveyWave, wave_id)
    sets = demo.generate(wave.definition, count, seed=8, shift=0.1)
    ids = db.session.scalars(sa.insert(SurveyResponse).returning(SurveyResponse.id, sort_by_parameter_order=True), [
        {"wave_id": wave_id, "submitted_on": wave.opens_on, "setting_code": None, "is_test": False,
         **logic.breakdown_values(wave.definition, answers)} for answers in sets]).all()
    db.session.execute(sa.insert(SurveyAnswer), [
        {"option": None, "number": None, "text": None, **row, "wave_id": wave_id, "response_id": rid}
        for rid, answers in zip(ids, sets) for row in logic.answer_rows(wave.definition, answers)])
    db.session.commit()


def _release_equals_group_by(wave_id: int) -> bool:
    """The stored totals of the current release (the true counts the noise is added to) against a
    hand-written GROUP BY over the responses it includes."""
    import sqlalchemy as sa

    from livesafe.extensions import db
    from livesafe.surveys import releases
    from livesafe.surveys.models import SurveyWave

    release = releases.latest(db.session.get(SurveyWave, wave_id))
    plain = {(q, o): n for q, o, n in db.session.execute(sa.text(
        "SELECT a.question, a.option, count(*) FROM survey_answers a "
        "JOIN survey_responses r ON r.id = a.response_id "
        "WHERE r.wave_id = :wave AND NOT r.is_test AND a.option IS NOT NULL AND r.id <= :upto "
        "GROUP BY a.question, a.option"), {"wave": wave_id, "upto": release.last_response_id})}
    stored = {(q, o): n for (q, o, _), (n, _, _) in releases.tables(release, None).items()
              if o is not None and q != releases.RESPONSES}
    return stored == plain


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
        breakdowns = ["", "district", "age_band", "gender", "setting"]

        def make_release(days_later=0):
            from datetime import timedelta

            from livesafe import clock
            from livesafe.surveys import releases
            from livesafe.surveys.models import SurveyWave

            day = clock.today() + timedelta(days=days_later)
            today, clock.today = clock.today, lambda: day
            try:
                with app.app_context():
                    return releases.current(db.session.get(SurveyWave, wave_id)).number
            finally:
                clock.today = today

        # The first release counts every answer (a full GROUP BY, once; again only after staff delete responses).
        full = _timed(make_release, repeats=1)
        pages = {}
        for dimension in breakdowns:
            url = f"{base}/results" + (f"?breakdown={dimension}" if dimension else "")
            app.extensions.pop("survey_results", None)  # cold: the first view of a release
            pages[dimension] = (_timed(lambda: get(url), repeats=1), _timed(lambda: get(url)))
        export_cold = _timed(lambda: get(f"{base}/export/results.csv"), repeats=1)
        export = _timed(lambda: get(f"{base}/export/results.csv"), repeats=3)
        with app.app_context():
            _add_new(wave_id, 500)
        incremental = _timed(lambda: make_release(days_later=1), repeats=1)  # release 2: release 1 + 500 new
        app.extensions.pop("survey_results", None)
        after = _timed(lambda: get(f"{base}/results"), repeats=1)
        with app.app_context():
            matches = _release_equals_group_by(wave_id)
    label = f"surveys ({database}, {RESPONSES:,} responses, {answer_rows:,} answer rows)"
    names = {"": "results page", "district": "by district", "age_band": "by age band", "gender": "by gender",
             "setting": "by setting code"}
    rows = [{"name": f"{label}: release 1, full count (staff view, once per wave or after deletions)",
             "value": round(full), "unit": "ms", "target": "-"},
            {"name": f"{label}: release 2, adds 500 new responses to release 1", "value": round(incremental),
             "unit": "ms", "target": 300, "ok": incremental < 300}]
    for dimension, (cold, warm) in pages.items():
        rows += [{"name": f"{label}: {names[dimension]}, cold", "value": round(cold), "unit": "ms", "target": 300,
                  "ok": cold < 300},
                 {"name": f"{label}: {names[dimension]}, warm (median)", "value": round(warm), "unit": "ms",
                  "target": 30, "ok": warm < 30}]
    return rows + [
        {"name": f"{label}: results page, cold, after release 2", "value": round(after), "unit": "ms",
         "target": 300, "ok": after < 300},
        {"name": f"{label}: results CSV (all breakdowns), cold", "value": round(export_cold), "unit": "ms",
         "target": "-"},
        {"name": f"{label}: results CSV (all breakdowns), median", "value": round(export), "unit": "ms",
         "target": 2000, "ok": export < 2000},
        {"name": f"{label}: stored release totals equal a plain SQL GROUP BY", "value": "yes" if matches else "NO",
         "unit": "", "target": "yes", "ok": matches},
        {"name": f"{label}: set-up (generate and insert)", "value": round(seeded), "unit": "s", "target": "-"},
    ]


if __name__ == "__main__":
    for row in run():
        print(f"{row['name']:95} {row['value']:>8} {row['unit']}  (target {row['target']})")
