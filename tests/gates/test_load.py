"""Gate: a bounded load test against gunicorn on PostgreSQL.

50 concurrent clients for 60 seconds (LOAD_SECONDS to change it) read hub pages and search, answer
the open survey and score grant applications as assessors. No errors; every survey sent is stored
exactly once; every assessor's last saved scores are what is stored, once per criterion.
Percentiles are printed per kind of request.
"""
import os
import random
import re
import statistics
import threading
import time

import pytest
import sqlalchemy as sa

from livesafe.auth.models import User
from livesafe.extensions import db
from livesafe.grants import assignment, scoring
from livesafe.grants.models import Assessment, Score
from livesafe.surveys.models import SurveyResponse, SurveyWave
from tests.gates.servers import Client, gunicorn
from tests.helpers import PASSWORD

pytestmark = [pytest.mark.slow, pytest.mark.commits]  # gunicorn reads what the test commits

SECONDS = int(os.environ.get("LOAD_SECONDS", "60"))
CLIENTS = 50
READ_PATHS = ["/", "/articles/knives-and-the-law", "/articles/criminal-exploitation-and-county-lines",
              "/services", "/young-people", "/get-help"]
QUERIES = ["knife law", "county lines", "bullying", "stop and search", "knif crme", "help"]
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
RADIO = re.compile(r'<input[^>]*name="([^"]+)"[^>]*type="radio"[^>]*value="([^"]+)"')


def _percentiles(samples):
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000  # noqa: E731
    return f"n={len(ordered):5d} median={statistics.median(ordered) * 1000:6.1f}ms p95={pick(0.95):6.1f}ms p99={pick(0.99):6.1f}ms"


def _scoring_jobs(app):
    """For each demo assessor: one application they may score, declared free of conflict."""
    jobs = []
    with app.app_context():
        for email in ("assessor@example.org", "assessor2@example.org", "assessor3@example.org"):
            user = db.session.scalar(sa.select(User).where(User.email == email))
            for application in assignment.assigned_applications(user):
                mine = scoring.assessment_of(user, application)
                if mine is None and application.state == "in_assessment":
                    mine = scoring.declare(user, application, False)
                if mine and not mine.conflict and not mine.submitted_at:
                    criteria = [c["key"] for c in scoring.criteria_of(application)]
                    jobs.append((email, application.id, mine.id, criteria))
                    break
        db.session.commit()  # logic flushes; a request would commit here
    return jobs


@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                    reason="the load gate runs against PostgreSQL (CI's second run)")
def test_sixty_seconds_of_fifty_clients(app):
    # Its own demo data, committed (gunicorn reads it) and emptied afterwards, not the gates' shared site.
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        wave = db.session.scalars(sa.select(SurveyWave).where(SurveyWave.status == "open")).first()
        responses_before = db.session.scalar(sa.select(sa.func.count(SurveyResponse.id)).where(SurveyResponse.wave_id == wave.id))
        slug = wave.slug
    jobs = _scoring_jobs(app)
    assert jobs, "the demo data should leave assessments to score"

    timings = {"page": [], "search": [], "survey": [], "score": []}
    errors, sent_surveys, last_saved = [], [0], {}
    lock = threading.Lock()
    os.environ["SURVEY_MAX_SUBMISSIONS_PER_MINUTE"] = "100000"  # the flood guard is tested elsewhere
    try:
        with gunicorn(app.config, count=1, workers=4, threads=4) as (url,):
            deadline = time.time() + SECONDS

            def timed(kind, call):
                started = time.perf_counter()
                status, page, headers = call()
                with lock:
                    timings[kind].append(time.perf_counter() - started)
                if status >= 400:
                    with lock:
                        errors.append((kind, status, page[:200]))
                return status, page, headers

            def answer_survey():
                client = Client()
                status, page, headers = timed("survey", lambda: client.get(f"{url}/surveys/{slug}/page/1"))
                location = f"/surveys/{slug}/page/1"
                for _ in range(20):
                    if status != 200:
                        return
                    data = {"csrf_token": TOKEN.search(page).group(1), "action": "next"}
                    radio = RADIO.search(page)  # answer one question a page: empty submissions are not stored
                    if radio:
                        data[radio.group(1)] = radio.group(2)
                    status, page, headers = timed("survey", lambda: client.request(url + location, data))
                    if status == 200 and "<h1>Thank you</h1>" in page:  # the final POST answers with the thanks
                        with lock:
                            sent_surveys[0] += 1
                        return
                    if status != 302:
                        return
                    location = headers["Location"]
                    status, page, headers = timed("survey", lambda: client.get(url + location))

            def assessor(job):
                email, application_id, _, criteria = job
                client = Client()
                status, _, _ = client.post(url + "/login", {"email": email, "password": PASSWORD})
                assert status == 302
                while time.time() < deadline:
                    path = f"{url}/grants/applications/{application_id}/assessment"
                    status, page, _ = timed("score", lambda: client.get(path))
                    values = {c: random.randint(2, 4) for c in criteria}
                    data = {f"score_{c}": str(v) for c, v in values.items()}
                    data.update({f"comment_{c}": "Load test" for c in criteria})
                    data.update(csrf_token=TOKEN.search(page).group(1), action="draft")
                    status, _, _ = timed("score", lambda: client.request(path, data))
                    if status == 302:
                        last_saved[job[2]] = values

            def reader():
                client = Client()
                while time.time() < deadline:
                    choice = random.random()
                    if choice < 0.5:
                        path = random.choice(READ_PATHS)
                        timed("page", lambda: client.get(url + path))
                    elif choice < 0.85:
                        query = random.choice(QUERIES).replace(" ", "+")
                        timed("search", lambda: client.get(f"{url}/search?q={query}"))
                    else:
                        answer_survey()

            threads = [threading.Thread(target=assessor, args=(job,)) for job in jobs]
            threads += [threading.Thread(target=reader) for _ in range(CLIENTS - len(jobs))]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
    finally:
        os.environ.pop("SURVEY_MAX_SUBMISSIONS_PER_MINUTE", None)

    print(f"\nLoad: {CLIENTS} clients for {SECONDS}s against gunicorn (4 workers x 4 threads) on PostgreSQL")
    for kind, samples in timings.items():
        if samples:
            print(f"  {kind:7s} {_percentiles(samples)}")
    assert errors == []
    assert sent_surveys[0] > 0 and all(timings.values())
    with app.app_context():
        stored = db.session.scalar(sa.select(sa.func.count(SurveyResponse.id)).where(SurveyResponse.wave_id == wave.id))
        assert stored - responses_before == sent_surveys[0]
        for assessment_id, values in last_saved.items():
            rows = db.session.execute(sa.select(Score.criterion, Score.score).where(Score.assessment_id == assessment_id)).all()
            assert sorted(criterion for criterion, _ in rows) == sorted(values)
            assert dict(rows) == values
            assert db.session.get(Assessment, assessment_id).submitted_at is None
