"""The anonymity promise: no address, browser details, account or exact time in what is stored.
(Logs keep no trace of any visitor: tests/foundation/test_logs.py.)"""
from datetime import date, timedelta

import sqlalchemy as sa

from livesafe import clock
from livesafe.extensions import db
from livesafe.kernel import apply
from livesafe.surveys import drafts
from livesafe.surveys.models import SurveyDraft, SurveyResponse
from tests.surveys.conftest import respond, staff_user, token_of

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


ALLOWED_KEYS = {"csrf_token", "_fresh", drafts.SESSION_KEY}  # _fresh: Flask-Login's flag, no data


def _session(app, client) -> dict:
    """The Flask session cookie, decoded (it is signed, not encrypted: anyone holding it can read it)."""
    cookie = client.get_cookie("livesafe_session")
    return app.session_interface.get_signing_serializer(app).loads(cookie.value) if cookie else {}


def test_answers_in_progress_live_on_the_server_and_the_cookie_holds_only_a_draft_id(app, client, wave):
    token = token_of(client.get(f"/surveys/{wave.slug}/page/1"))
    client.post(f"/surveys/{wave.slug}/page/1", data={"age": "old", "district": "rutland", "csrf_token": token,
                                                      "action": "next"})
    client.post(f"/surveys/{wave.slug}/page/5", data={"ideas": "Brighter underpass", "csrf_token": token,
                                                      "action": "back"})
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(SurveyResponse.id))) == 0
        draft = db.session.scalar(sa.select(SurveyDraft))
        assert draft.answers == {"age": "old", "district": "rutland", "ideas": "Brighter underpass"}
    session = _session(app, client)
    assert set(session) <= ALLOWED_KEYS and session[drafts.SESSION_KEY] == draft.id
    raw = client.get_cookie("livesafe_session").value
    for value in ("old", "rutland", "Brighter", "underpass"):
        assert value not in repr(session) and value not in raw


def test_the_session_cookie_holds_no_answer_even_with_the_longest_answers(app, client):
    from livesafe.surveys import definitions as defs
    from livesafe.surveys import logic

    with app.app_context():
        young = defs.available()["young-people"]
        staff = staff_user()
        wave = logic.create_wave(young, "Cookie check", clock.today(), clock.today() + timedelta(days=1), staff)
        apply(logic.WAVES, wave, "open", staff)
        db.session.commit()
        slug, pages = wave.slug, len(young["pages"])
        text = {q["code"]: "Marker" + "x" * (q["max_length"] - 6) for q in defs.questions(young) if q["type"] == "text"}
    page = client.get(f"/surveys/{slug}/page/1")
    token = token_of(page)
    for number in range(1, pages + 1):
        codes = [q["code"] for q in young["pages"][number - 1]["questions"] if q["code"] in text]
        client.post(f"/surveys/{slug}/page/{number}", data={**{c: text[c] for c in codes}, "csrf_token": token,
                                                            "action": "back"})
    with app.app_context():  # every text question that was shown (some only follow an earlier answer)
        assert sum("Marker" in str(v) for v in db.session.scalar(sa.select(SurveyDraft)).answers.values()) >= 2
    session = _session(app, client)
    assert "Marker" not in repr(session) and set(session) <= ALLOWED_KEYS
    assert len(client.get_cookie("livesafe_session").value) < 300
