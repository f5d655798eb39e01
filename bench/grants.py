"""Bench: the staff moderation view for a round of 2,000 applications with 3 assessors each, and automatic
assignment of 3 assessors to each of 2,000 applications from a pool of 20 (assignment.auto_assign).

Runs on a temporary SQLite database, or on the database in GRANTS_BENCH_DATABASE_URL (migrated
first; the bench's own rows are removed afterwards). `python bench/grants.py` prints the rows.
"""
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

APPLICATIONS = 2000
ASSESSORS = 3
RUNS = 7
TARGET_MS = 300
POOL = 20
EACH = 3
ASSIGN_TARGET_MS = 2000


def _build(db, models, logic, now):
    from livesafe import places
    from livesafe.auth.models import User

    suffix = str(int(now.timestamp() * 1000))
    users = [User(email=f"bench-assessor-{i}-{suffix}@example.org", role="assessor", name=f"Bench {i}") for i in range(ASSESSORS)]
    staff = User(email=f"bench-staff-{suffix}@example.org", role="staff", name="Bench staff")
    db.session.add_all(users + [staff])
    grant_round = models.GrantRound(
        name=f"Bench round {suffix}", status="assessment", opens_at=now - timedelta(days=30), closes_at=now - timedelta(days=1),
        budget_pence=100_000_000, min_award_pence=50_000, max_award_pence=500_000, priority_areas=[],
        eligibility_questions=[], criteria=list(logic.DEFAULT_CRITERIA), monitoring_months=[3])
    db.session.add(grant_round)
    db.session.flush()
    db.session.execute(sa.insert(models.Organisation), [
        {"name": f"Bench group {i}", "kind": "other", "postcode": "LE1 1AA", "district": places.NAMES[i % 9], "created_at": now}
        for i in range(APPLICATIONS)])
    organisation_ids = db.session.scalars(sa.select(models.Organisation.id).where(models.Organisation.name.like("Bench group %"))
                                          .order_by(models.Organisation.id.desc()).limit(APPLICATIONS)).all()
    db.session.execute(sa.insert(models.GrantApplication), [
        {"round_id": grant_round.id, "organisation_id": org_id, "state": "in_assessment", "answers": {}, "completed_sections": [],
         "eligibility_answers": {}, "title": f"Bench project {i}", "requested_pence": 100_000 + (i % 40) * 10_000,
         "evidence_harmful": i % 50 == 0, "evidence_matches": [], "created_at": now, "updated_at": now, "submitted_at": now}
        for i, org_id in enumerate(organisation_ids)])
    application_ids = db.session.scalars(sa.select(models.GrantApplication.id).where(models.GrantApplication.round_id == grant_round.id)).all()
    db.session.execute(sa.insert(models.Assessment), [
        {"application_id": app_id, "assessor_id": user.id, "conflict": False, "conflict_details": "", "declared_at": now,
         "submitted_at": now, "weighted_total": 0}
        for app_id in application_ids for user in users])
    assessments = db.session.execute(sa.select(models.Assessment.id, models.Assessment.application_id, models.Assessment.assessor_id)
                                     .where(models.Assessment.application_id.in_(application_ids))).all()
    scores, totals = [], {}
    for assessment_id, app_id, assessor_id in assessments:
        total = 0
        for n, criterion in enumerate(logic.DEFAULT_CRITERIA):
            value = (app_id * 7 + assessor_id * 3 + n) % 6
            total += value * criterion["weight"]
            scores.append({"assessment_id": assessment_id, "criterion": criterion["key"], "score": value, "comment": ""})
        totals[assessment_id] = total
    db.session.execute(sa.insert(models.Score), scores)
    db.session.execute(sa.update(models.Assessment), [{"id": k, "weighted_total": v} for k, v in totals.items()])
    db.session.commit()
    return grant_round, staff, users, organisation_ids


def _cleanup(db, models, grant_round, staff, users, organisation_ids):
    from livesafe.auth.models import User

    application_ids = sa.select(models.GrantApplication.id).where(models.GrantApplication.round_id == grant_round.id)
    assessment_ids = sa.select(models.Assessment.id).where(models.Assessment.application_id.in_(application_ids))
    db.session.execute(sa.delete(models.ApplicationAssessor).where(models.ApplicationAssessor.application_id.in_(application_ids)))
    db.session.execute(sa.delete(models.Score).where(models.Score.assessment_id.in_(assessment_ids)))
    db.session.execute(sa.delete(models.Assessment).where(models.Assessment.application_id.in_(application_ids)))
    db.session.execute(sa.delete(models.GrantApplication).where(models.GrantApplication.round_id == grant_round.id))
    db.session.execute(sa.delete(models.Organisation).where(models.Organisation.id.in_(organisation_ids)))
    db.session.execute(sa.delete(models.RoundAssessor).where(models.RoundAssessor.round_id == grant_round.id))
    db.session.execute(sa.delete(models.GrantRound).where(models.GrantRound.id == grant_round.id))
    db.session.execute(sa.delete(User).where(User.id.in_([u.id for u in users] + [staff.id])))
    db.session.commit()


def _time_auto_assign(db, models, grant_round, staff, now):
    """Time auto_assign over the bench round with a pool of POOL assessors; each run starts with no
    assignments (rolled back), and each run's result is checked: EACH per application, loads within one."""
    from livesafe.auth.models import User
    from livesafe.grants import assignment

    suffix = str(int(now.timestamp() * 1000))
    pool = [User(email=f"bench-pool-{i}-{suffix}@example.org", role="assessor", name=f"Pool {i}") for i in range(POOL)]
    db.session.add_all(pool)
    db.session.flush()
    db.session.add_all(models.RoundAssessor(round_id=grant_round.id, user_id=u.id) for u in pool)
    db.session.commit()
    times = []
    try:
        for _ in range(3):
            started = time.perf_counter()
            outcome = assignment.auto_assign(grant_round, EACH, 0, staff, now=now)
            times.append((time.perf_counter() - started) * 1000)
            assert outcome.made == APPLICATIONS * EACH and not outcome.short, outcome
            loads = db.session.execute(sa.select(sa.func.count()).select_from(models.ApplicationAssessor)
                                       .where(models.ApplicationAssessor.user_id.in_([u.id for u in pool]))
                                       .group_by(models.ApplicationAssessor.user_id)).scalars().all()
            assert max(loads) - min(loads) <= 1, loads
            db.session.rollback()
    finally:
        db.session.rollback()
        db.session.execute(sa.delete(models.RoundAssessor).where(models.RoundAssessor.round_id == grant_round.id))
        db.session.execute(sa.delete(User).where(User.id.in_([u.id for u in pool])))
        db.session.commit()
    return times


def run() -> list[dict]:
    from flask_migrate import upgrade

    from livesafe import create_app
    from livesafe.extensions import db
    from livesafe.grants import logic, scoring
    from livesafe.grants import models
    from livesafe.clock import utcnow

    workdir = tempfile.mkdtemp(prefix="livesafe-bench-")
    url = os.environ.get("GRANTS_BENCH_DATABASE_URL") or f"sqlite:///{workdir}/bench.sqlite3"
    app = create_app({"LIVESAFE_ENV": "testing", "SECRET_KEY": "bench-secret-key-long-enough", "SQLALCHEMY_DATABASE_URI": url,
                      "SEARCH_INDEX_DIR": f"{workdir}/index", "SESSION_COOKIE_SECURE": False})
    rows = []
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        grant_round, staff, users, organisation_ids = _build(db, models, logic, utcnow())
        build_seconds = time.perf_counter() - started
        try:
            queries = []

            def count(*args):
                queries.append(1)

            sa.event.listen(db.engine, "before_cursor_execute", count)
            ranked = scoring.moderation(grant_round)
            sa.event.remove(db.engine, "before_cursor_execute", count)
            query_count = len(queries)
            assert len(ranked) == APPLICATIONS

            logic_times = []
            for _ in range(RUNS):
                db.session.expire_all()
                started = time.perf_counter()
                scoring.moderation(grant_round)
                logic_times.append((time.perf_counter() - started) * 1000)

            client = app.test_client()
            with client.session_transaction() as session:
                session["_user_id"] = staff.get_id()
                session["_fresh"] = True
            page_times = []
            for _ in range(RUNS):
                started = time.perf_counter()
                response = client.get(f"/grants/rounds/{grant_round.id}/moderation")
                page_times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, response.status_code
            body = response.get_data(as_text=True)
            assert body.count("Bench project") == APPLICATIONS
            assign_ms = _time_auto_assign(db, models, grant_round, staff, now=utcnow())
        finally:
            _cleanup(db, models, grant_round, staff, users, organisation_ids)
            db.engine.dispose()
    backend = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    rows.append({"name": f"grants: moderation view, {APPLICATIONS} applications x {ASSESSORS} assessors ({backend}), median",
                 "value": round(statistics.median(page_times), 1), "unit": "ms", "target": TARGET_MS})
    rows.append({"name": "grants: moderation ranking only (SQL aggregation), median",
                 "value": round(statistics.median(logic_times), 1), "unit": "ms", "target": TARGET_MS})
    rows.append({"name": "grants: SQL queries for the moderation ranking", "value": query_count, "unit": "queries", "target": 3})
    rows.append({"name": f"grants: automatic assignment, {APPLICATIONS} applications x {POOL} assessors, {EACH} each ({backend}), median",
                 "value": round(statistics.median(assign_ms), 1), "unit": "ms", "target": ASSIGN_TARGET_MS})
    rows.append({"name": "grants: building the bench round", "value": round(build_seconds, 1), "unit": "s", "target": None})
    return rows


if __name__ == "__main__":
    for row in run():
        print(f"{row['name']}: {row['value']} {row['unit']} (target {row['target']})")
