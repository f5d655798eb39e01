"""The anonymity promise: no address, browser details, account or exact time in what is stored,
and no client address in the server logs for survey pages."""
import logging
import urllib.error
import urllib.request
from datetime import date, timedelta

import sqlalchemy as sa

from livesafe.extensions import db
from livesafe.surveys.models import SurveyResponse
from tests.surveys.conftest import respond

ADDRESS = "203.0.113.77"
AGENT = "SurveyMarkerBrowser/9.9"


def _every_stored_value(app) -> str:
    with app.app_context():
        with db.engine.connect() as connection:
            return "\n".join(repr(row) for table in db.metadata.sorted_tables
                             for row in connection.execute(table.select()))


def test_stored_rows_hold_no_address_agent_account_or_time(app, wave):
    client = app.test_client()
    client.environ_base.update(REMOTE_ADDR=ADDRESS, HTTP_USER_AGENT=AGENT)
    response = respond(client, wave, {"age": "young", "ideas": "More lights"})
    stored = _every_stored_value(app)
    assert "More lights" in stored  # the dump does include the answers
    assert ADDRESS not in stored and AGENT not in stored
    with app.app_context():
        columns = {c.name for c in SurveyResponse.__table__.columns}
        assert columns == {"id", "wave_id", "submitted_on", "setting_code", "district", "age_band", "gender", "is_test",
                           "record_key"}  # random, for the cell key method: identifies nobody
        row = db.session.scalar(sa.select(SurveyResponse))
        assert type(row.submitted_on) is date
    for cookie in response.headers.getlist("Set-Cookie"):
        assert ADDRESS not in cookie and AGENT not in cookie


def test_answers_live_in_the_session_until_sent(app, client, wave):
    from tests.surveys.conftest import token_of

    token = token_of(client.get(f"/surveys/{wave.slug}/page/1"))
    client.post(f"/surveys/{wave.slug}/page/1", data={"age": "old", "csrf_token": token, "action": "next"})
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(SurveyResponse.id))) == 0
    with client.session_transaction() as session:
        assert session["survey"]["answers"] == {"age": "old"}


def test_a_full_session_cookie_stays_under_the_browser_limit(app, client):
    """In-progress answers are in the (signed) session cookie: the longest possible answers must fit."""
    from livesafe.surveys import definitions as defs
    from livesafe.surveys import logic

    with app.app_context():
        young = defs.available()["young-people"]
        wave = logic.create_wave(young, "Cookie size", logic.today(), logic.today() + timedelta(days=1), None)
        answers = {}
        for q in defs.questions(young):
            if q["type"] == "multiple":
                answers[q["code"]] = [v for v, _ in defs.choices(q)]
            elif q["type"] in ("single", "rating"):
                answers[q["code"]] = defs.choices(q)[-1][0]
            elif q["type"] == "number":
                answers[q["code"]] = q["max"]
            else:
                answers[q["code"]] = "\u00e9x" * (q["max_length"] // 2)  # hard to compress
        state = logic.new_answering_state(wave)
        state["answers"] = answers
    with client.session_transaction() as session:
        session["survey"] = state
        session["csrf_token"] = "f" * 40
    cookie = client.get_cookie("livesafe_session")
    assert len(cookie.value) < 4000


def test_server_logs_for_survey_pages_have_no_client_address(app, live_server, wave, caplog):
    caplog.set_level(logging.INFO, logger="werkzeug")
    for path, data in ((f"/surveys/{wave.slug}", None), (f"/surveys/{wave.slug}/page/1", None),
                       (f"/surveys/{wave.slug}/page/1", b"action=next"), ("/privacy", None)):
        request = urllib.request.Request(live_server + path, data=data, headers={"User-Agent": AGENT})
        try:
            urllib.request.urlopen(request).read()
        except urllib.error.HTTPError as error:  # the POST has no CSRF token: 400, logged in colour
            assert error.code == 400
    lines = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    survey_lines = [line for line in lines if "/surveys/" in line]
    other_lines = [line for line in lines if "/privacy" in line]
    assert len(survey_lines) == 3 and len(other_lines) == 1
    assert all("127.0.0.1" not in line and AGENT not in line for line in survey_lines)
    assert other_lines[0].startswith("127.0.0.1")  # the filter is what removes it


def test_the_gunicorn_access_log_blanks_address_and_agent_for_survey_paths():
    from types import SimpleNamespace

    from gunicorn.config import Config

    from livesafe.surveys.privacy import SurveyPrivateLogger

    logger = SurveyPrivateLogger(Config())

    def line(path):
        environ = {"REQUEST_METHOD": "GET", "RAW_URI": path, "PATH_INFO": path, "SERVER_PROTOCOL": "HTTP/1.1",
                   "REMOTE_ADDR": ADDRESS, "HTTP_USER_AGENT": AGENT, "QUERY_STRING": ""}
        response = SimpleNamespace(status="200 OK", headers=[], sent=10)
        request = SimpleNamespace(headers=[("USER-AGENT", AGENT), ("X-FORWARDED-FOR", ADDRESS)])
        atoms = logger.atoms(response, request, environ, timedelta(seconds=0))
        return logger.cfg.access_log_format % atoms + " " + atoms["{x-forwarded-for}i"]

    survey = line("/surveys/young-peoples-safety-survey-2026/page/2")
    assert ADDRESS not in survey and AGENT not in survey and "/surveys/" in survey
    other = line("/privacy")
    assert ADDRESS in other and AGENT in other
