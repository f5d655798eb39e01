"""Bench: the partnership dashboard for 3 years x 4 sources (about 500,000 records).

Goal: under 200 ms per view warm (figures cached until the next upload) and under 1 s cold (every
GROUP BY run, over the summary cube). Runs on a temporary SQLite database, or on PARTNERS_BENCH_DATABASE_URL
(migrated first; the bench's own rows are removed afterwards and the cube rebuilt without them). Records are
generated and bulk-inserted (not checked by Frictionless: that is the upload's cost, not the dashboard's), then
the cube is rebuilt for each source and year as an upload does; the slowest rebuild is reported. City records
name their neighbourhood area (most of them), and a closed survey wave of 3,000 responses gives the survey figures
beside the recorded ones (its release, made once by the first results view, is timed apart); a cold view also
forgets the survey's computed results.
`python bench/partners.py` prints the rows.
"""
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

YEARS = (2022, 2023, 2024)
PER_YEAR = {"police": 60000, "ae": 45000, "admissions": 6000, "ambulance": 55000}  # ~166k a year, ~500k in all
RUNS = 5
SURVEY_RESPONSES = 3000
WARM_MS, COLD_MS = 200, 1000


def _build(db):
    from livesafe import disclosure
    from livesafe.partners import cube, generate, sources, validation
    from livesafe.partners.models import DatasetUpload, IncidentRecord

    total, rebuilds = 0, []
    for key in sources.ORDER:
        for year in YEARS:
            upload = DatasetUpload(source=key, first_month=date(year, 1, 1), last_month=date(year, 12, 1),
                                   filename="BENCH", rows=0, replaced=0, synthetic=True)
            db.session.add(upload)
            db.session.flush()
            rows = []
            for record in generate.rows(key, date(year, 1, 1), date(year, 12, 1), per_year=PER_YEAR[key], seed=year,
                                        area_share=0.8):
                parsed = validation._record(record, validation.month_of(record["month"]))
                rows.append({**parsed, "upload_id": upload.id, "source": key, "record_key": disclosure.new_record_key()})
            for start in range(0, len(rows), 10000):
                db.session.execute(sa.insert(IncidentRecord), rows[start:start + 10000])
            started = time.perf_counter()
            cube.rebuild(key, date(year, 1, 1), date(year, 12, 1))
            rebuilds.append(time.perf_counter() - started)
            total += len(rows)
    db.session.commit()
    return total, max(rebuilds)


def _survey(db, staff):
    """A closed wave of the young people's survey in the last year, its answers generated."""
    from livesafe.kernel import apply
    from livesafe.surveys import definitions, demo, logic

    definition = definitions.available()["young-people"]
    opens_on = date(YEARS[-1], 2, 1)
    wave = logic.create_wave(definition, f"BENCH survey {int(time.time())}", opens_on, date(YEARS[-1], 3, 31), staff)
    apply(logic.WAVES, wave, "open", staff)
    demo.bulk_insert(wave, demo.generate(definition, SURVEY_RESPONSES, seed=1), opens_on, 59, seed=1)
    apply(logic.WAVES, wave, "close", staff)
    db.session.commit()
    # The wave's release is made once, by whichever results view comes first (usually the survey's own
    # pages): timed here apart from the dashboard views.
    from livesafe.surveys import results

    started = time.perf_counter()
    results.release_of(wave)
    return wave.id, time.perf_counter() - started


def _cleanup_survey(db, wave_id):
    from livesafe.surveys.models import SurveyAnswer, SurveyRelease, SurveyResponse, SurveyWave

    for model in (SurveyRelease, SurveyAnswer, SurveyResponse):
        db.session.execute(sa.delete(model).where(model.wave_id == wave_id))
    db.session.execute(sa.delete(SurveyWave).where(SurveyWave.id == wave_id))


def _cleanup(db):
    from livesafe.partners import cube, sources
    from livesafe.partners.models import DatasetUpload, IncidentRecord

    ids = sa.select(DatasetUpload.id).where(DatasetUpload.filename == "BENCH")
    db.session.execute(sa.delete(IncidentRecord).where(IncidentRecord.upload_id.in_(ids)))
    db.session.execute(sa.delete(DatasetUpload).where(DatasetUpload.filename == "BENCH"))
    for key in sources.ORDER:
        cube.rebuild(key, date(YEARS[0], 1, 1), date(YEARS[-1], 12, 1))
    db.session.commit()


def run() -> list[dict]:
    from flask_migrate import upgrade

    from livesafe import create_app
    from livesafe.auth.models import User
    from livesafe.config import normalise_database_url
    from livesafe.extensions import db

    workdir = tempfile.mkdtemp(prefix="livesafe-bench-")
    url = normalise_database_url(os.environ.get("PARTNERS_BENCH_DATABASE_URL") or f"sqlite:///{workdir}/bench.sqlite3")
    app = create_app({"LIVESAFE_ENV": "testing", "SECRET_KEY": "bench-secret-key-long-enough", "SQLALCHEMY_DATABASE_URI": url,
                      "SEARCH_INDEX_DIR": f"{workdir}/index", "SESSION_COOKIE_SECURE": False})
    views = ["/partners", "/partners?source=ae&district=leicester", "/partners?source=ambulance&period=2023",
             "/partners?source=admissions&district=rutland"]
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        records, slowest_rebuild = _build(db)
        build_seconds = time.perf_counter() - started
        staff = User(email=f"bench-staff-{int(time.time())}@example.org", role="staff", name="Bench staff")
        db.session.add(staff)
        db.session.commit()
        wave_id = None
        try:
            wave_id, release_seconds = _survey(db, staff)
            client = app.test_client()
            with client.session_transaction() as session:
                session["_user_id"] = staff.get_id()
                session["_fresh"] = True
            cold, warm = [], []
            for view in views:
                for _ in range(RUNS):
                    for cache in ("partner_figures", "partner_perceptions", "survey_results"):
                        app.extensions.pop(cache, None)
                    started = time.perf_counter()
                    assert client.get(view).status_code == 200
                    cold.append((time.perf_counter() - started) * 1000)
                for _ in range(RUNS):
                    started = time.perf_counter()
                    assert client.get(view).status_code == 200
                    warm.append((time.perf_counter() - started) * 1000)
        finally:
            from livesafe.audit.models import AuditEvent

            db.session.rollback()
            if wave_id is not None:
                _cleanup_survey(db, wave_id)
            db.session.execute(sa.delete(AuditEvent).where(AuditEvent.actor_id == staff.id))
            db.session.execute(sa.delete(User).where(User.id == staff.id))
            _cleanup(db)
            db.engine.dispose()
    backend = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    return [
        {"name": f"partners: dashboard view warm, {records} records ({backend}), median", "value": round(statistics.median(warm), 1),
         "unit": "ms", "target": WARM_MS},
        {"name": f"partners: dashboard view cold ({backend}), median", "value": round(statistics.median(cold), 1),
         "unit": "ms", "target": COLD_MS},
        {"name": f"partners: dashboard view cold ({backend}), worst", "value": round(max(cold), 1), "unit": "ms",
         "target": COLD_MS},
        {"name": f"partners: the survey wave's release, made once ({SURVEY_RESPONSES} responses, {backend})",
         "value": round(release_seconds * 1000), "unit": "ms", "target": None},
        {"name": "partners: building the bench data", "value": round(build_seconds, 1), "unit": "s", "target": None},
        {"name": f"partners: cube rebuild for one source-year, slowest ({backend})", "value": round(slowest_rebuild * 1000),
         "unit": "ms", "target": None},
    ]


if __name__ == "__main__":
    for row in run():
        target = f" (goal < {row['target']} {row['unit']})" if row["target"] else ""
        print(f"{row['name']}: {row['value']} {row['unit']}{target}")
