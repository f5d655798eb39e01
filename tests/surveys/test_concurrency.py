"""Many people sending answers at the same moment: every response stored exactly once, none lost."""
import threading

import pytest
import sqlalchemy as sa

from livesafe.extensions import db
from livesafe.surveys import definitions as defs
from livesafe.surveys.models import SurveyAnswer, SurveyResponse
from tests.surveys.conftest import token_of

ONE_PAGE = """
slug: one-page
title: One page
audience: testers
pages:
  - title: Only page
    questions:
      - {code: n, type: number, min: 0, max: 100000, text: Your number}
"""
PEOPLE = 200


def _ready_clients(app, wave, count):
    clients = []
    for _ in range(count):
        client = app.test_client()
        clients.append((client, token_of(client.get(f"/surveys/{wave.slug}/page/1"))))
    return clients


def _all_at_once(jobs):
    barrier = threading.Barrier(len(jobs))
    statuses, errors = [None] * len(jobs), []

    def run(index, job):
        try:
            barrier.wait()
            statuses[index] = job()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(repr(error))

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    return statuses


def test_two_hundred_people_answer_at_once_and_every_answer_is_stored_once(app, make_wave):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("concurrent writers need PostgreSQL (SQLite locks the whole file); CI runs this on PostgreSQL")
    app.config["SURVEY_MAX_SUBMISSIONS_PER_MINUTE"] = 10 * PEOPLE
    wave = make_wave(defs.parse(ONE_PAGE))
    clients = _ready_clients(app, wave, PEOPLE)

    def job(index):
        client, token = clients[index]
        return lambda: client.post(f"/surveys/{wave.slug}/page/1",
                                   data={"n": str(index), "csrf_token": token, "action": "next"}).status_code

    statuses = _all_at_once([job(i) for i in range(PEOPLE)])
    assert statuses == [200] * PEOPLE  # each gets the thank-you page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(SurveyResponse.id))) == PEOPLE
        numbers = db.session.scalars(sa.select(SurveyAnswer.number).where(SurveyAnswer.wave_id == wave.id)).all()
        assert sorted(numbers) == list(range(PEOPLE))


def test_one_session_replayed_at_once_is_stored_once(app, make_wave):
    wave = make_wave(defs.parse(ONE_PAGE))
    client, token = _ready_clients(app, wave, 1)[0]
    cookie = client.get_cookie("livesafe_session").value

    def replay():
        copy = app.test_client()
        copy.set_cookie("livesafe_session", cookie)
        return copy.post(f"/surveys/{wave.slug}/page/1", data={"n": "7", "csrf_token": token, "action": "next"}).status_code

    # One thank-you page; the others find the draft already sent and go back to the intro.
    assert sorted(_all_at_once([replay for _ in range(10)])) == [200] + [302] * 9
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(SurveyResponse.id))) == 1
