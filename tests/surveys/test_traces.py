"""Answers leave no trace: drafts on the server only (deleted on send, quick exit and expiry), no time
finer than the date anywhere a response can be joined to, tailored help shown once, no-referrer and
no-store on answering pages, CSRF that still works over HTTPS without a Referer."""
import http.cookiejar
import re
import ssl
import subprocess
import threading
import urllib.error
import urllib.parse
import urllib.request
from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from livesafe.extensions import db
from livesafe.surveys import drafts
from livesafe.surveys.models import SurveyAnswer, SurveyDraft, SurveyResponse
from livesafe.clock import utcnow
from tests.surveys.conftest import TOKEN, respond, token_of

TAILORED = ("If you feel unsafe", "About carrying a knife", "/articles/knives-and-the-law")


def _drafts(app) -> list[SurveyDraft]:
    with app.app_context():
        found = db.session.scalars(sa.select(SurveyDraft)).all()
        db.session.expunge_all()
        return found


def _responses(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(SurveyResponse.id)))


def _start(client, wave, answers=None):
    """Open page 1 and send it; returns the CSRF token."""
    token = token_of(client.get(f"/surveys/{wave.slug}/page/1"))
    client.post(f"/surveys/{wave.slug}/page/1", data={**(answers or {"age": "old"}), "csrf_token": token,
                                                      "action": "next"})
    return token


def _session(app, client) -> dict:
    cookie = client.get_cookie("livesafe_session")
    return app.session_interface.get_signing_serializer(app).loads(cookie.value) if cookie else {}


# Drafts ------------------------------------------------------------------------

def test_a_draft_is_deleted_when_the_answers_are_sent_and_shares_no_id_with_the_response(app, client, wave):
    _start(client, wave)
    [draft] = _drafts(app)
    assert len(draft.id) >= 40 and draft.answers == {"age": "old"}
    respond(client, wave, {"age": "old", "safe": "3"}, start=2)
    assert _drafts(app) == [] and _responses(app) == 1
    assert drafts.SESSION_KEY not in _session(app, client)
    with app.app_context():
        stored = {repr(v) for row in db.session.execute(sa.select(SurveyResponse)).all() for v in row}
        stored |= {repr(v) for row in db.session.execute(sa.select(SurveyAnswer.__table__)).all() for v in row}
    assert not any(draft.id in value for value in stored)


def test_expired_drafts_are_gone_for_the_visitor_and_pruned(app, client, wave):
    token = _start(client, wave)
    with app.app_context():
        db.session.execute(sa.update(SurveyDraft).values(expires_at=utcnow() - timedelta(minutes=1)))
        db.session.commit()
    response = client.post(f"/surveys/{wave.slug}/page/2", data={"safe": "4", "csrf_token": token, "action": "next"})
    assert response.status_code == 302 and response.headers["Location"] == f"/surveys/{wave.slug}"
    assert "Your unsent answers were deleted" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert drafts.SESSION_KEY not in _session(app, client)
    result = app.test_cli_runner().invoke(args=["prune"])
    assert result.exit_code == 0 and "Deleted 1 expired survey draft(s)." in result.output
    assert _drafts(app) == [] and _responses(app) == 0


def test_a_draft_expires_a_set_time_after_the_last_save(app, client, wave):
    app.config["SURVEY_DRAFT_HOURS"] = 3
    before = utcnow()
    _start(client, wave)
    [draft] = _drafts(app)
    assert timedelta(hours=3) <= draft.expires_at - before.replace(second=0, microsecond=0) <= timedelta(hours=3, minutes=2)
    assert draft.expires_at.second == 0 and draft.expires_at.microsecond == 0  # nothing finer than needed


def test_starting_a_draft_prunes_expired_ones(app, make_wave, wave):
    _start(app.test_client(), wave)
    with app.app_context():
        db.session.execute(sa.update(SurveyDraft).values(expires_at=utcnow() - timedelta(minutes=1)))
        db.session.commit()
    app.test_client().get(f"/surveys/{wave.slug}/page/1")
    assert len(_drafts(app)) == 1 and _drafts(app)[0].expires_at > utcnow()


def test_the_quick_exit_deletes_the_draft(app, client, wave):
    token = _start(client, wave, {"age": "young", "district": "leicester"})
    other = app.test_client()
    _start(other, wave)  # someone else's draft is not touched
    assert len(_drafts(app)) == 2
    cookie = client.get_cookie("livesafe_session").value
    client.get("/exit")
    assert client.get_cookie("livesafe_session") is None
    left = _drafts(app)
    assert len(left) == 1 and left[0].id == _session(app, other)[drafts.SESSION_KEY]
    # Coming back with the old cookie finds nothing: the answers are gone, not just hidden.
    client.set_cookie("livesafe_session", cookie)
    back = client.post(f"/surveys/{wave.slug}/page/2", data={"safe": "4", "csrf_token": token, "action": "next"})
    assert back.headers["Location"] == f"/surveys/{wave.slug}" and _responses(app) == 0


def test_a_new_survey_replaces_the_draft_of_another(app, client, make_wave, wave):
    _start(client, wave)
    second = make_wave(title="Second wave")
    client.get(f"/surveys/{second.slug}/page/1")
    [draft] = _drafts(app)
    assert draft.wave_id == second.id and draft.answers == {}


def test_conditions_still_choose_pages_from_the_server_side_draft(client, wave):
    token = _start(client, wave)
    to_why = client.post(f"/surveys/{wave.slug}/page/3", data={"carried": "yes", "csrf_token": token, "action": "next"})
    assert to_why.headers["Location"].endswith("/page/4")
    skip_why = client.post(f"/surveys/{wave.slug}/page/3", data={"carried": "no", "csrf_token": token, "action": "next"})
    assert skip_why.headers["Location"].endswith("/page/5")


# No time finer than the date -----------------------------------------------------

# Tables allowed to hold a time near the submission, and why (coordinated with accounts and disclosure):
ALLOWED_TIMES = {
    "survey_drafts": "a draft's expiry; the draft is deleted on submit and shares no id with the response",
}
OLD_PER_EVENT_THROTTLE = "throttle_hits"  # replaced by accounts' bucketed counters (no per-event rows)


def _snapshot(app) -> dict[str, list[tuple]]:
    with app.app_context(), db.engine.connect() as connection:
        return {table.name: [tuple(row) for row in connection.execute(table.select())]
                for table in db.metadata.sorted_tables}


def _as_time(value) -> datetime | None:
    """value read as a moment, if it is one: a datetime, an ISO text, or a Unix time in seconds or ms."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        for scale in (1, 1000):
            if 1e9 <= value / scale <= 1e10:
                return datetime.fromtimestamp(value / scale, timezone.utc)
    if isinstance(value, str) and re.match(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d", value):
        return _as_time(datetime.fromisoformat(value))
    if isinstance(value, (list, tuple)):
        return next((t for t in map(_as_time, value) if t), None)
    if isinstance(value, dict):
        return next((t for t in map(_as_time, value.values()) if t), None)
    return None


def test_no_row_anywhere_holds_the_submission_time_finer_than_the_date(app, client, wave):
    token = token_of(client.get(f"/surveys/{wave.slug}/page/1"))
    client.post(f"/surveys/{wave.slug}/page/1", data={"age": "young", "csrf_token": token, "action": "next"})
    before_rows = _snapshot(app)
    started = utcnow() - timedelta(seconds=2)
    thanks = client.post(f"/surveys/{wave.slug}/page/5", data={"adults": "2", "ideas": "Lights", "csrf_token": token,
                                                               "action": "next"})
    finished = utcnow() + timedelta(seconds=2)
    assert "Thank you" in thanks.get_data(as_text=True)
    after_rows = _snapshot(app)

    changed = {name for name in after_rows if sorted(map(repr, after_rows[name])) != sorted(map(repr, before_rows[name]))}
    # What a submission writes: the response and its answers, the deleted draft, the flood counter. Nothing else.
    assert {"survey_responses", "survey_answers", "survey_drafts"} <= changed
    assert changed - {"survey_responses", "survey_answers", "survey_drafts"} <= {n for n in changed if n.startswith("throttle")}
    assert after_rows["survey_drafts"] == []

    with app.app_context():
        columns = {table.name: [c.name for c in table.columns] for table in db.metadata.sorted_tables}
    for table, rows in after_rows.items():
        if table in ALLOWED_TIMES or table == OLD_PER_EVENT_THROTTLE:
            continue
        earlier = set(map(repr, before_rows[table]))
        for row in (r for r in rows if repr(r) not in earlier):  # what the submission wrote
            for column, value in zip(columns[table], row):
                if isinstance(value, date) and not isinstance(value, datetime):
                    continue  # a date is fine
                moment = _as_time(value)
                if moment is None or not started <= moment <= finished:
                    continue
                # A flood-guard bucket may say which minute it counts, never more.
                assert table.startswith("throttle") and moment.second == 0 and moment.microsecond == 0, \
                    f"{table}.{column} holds the submission time {value!r}"
    with app.app_context():
        response = db.session.scalar(sa.select(SurveyResponse))
        assert type(response.submitted_on) is date


# Tailored help shown once ----------------------------------------------------------

def test_the_tailored_help_is_shown_once_and_kept_nowhere(app, client, wave):
    thanks = respond(client, wave, {"safe": "1", "carried": "yes"})
    page = thanks.get_data(as_text=True)
    assert all(text in page for text in TAILORED)
    assert "signpost" not in repr(_session(app, client)) and "carried" not in repr(_session(app, client))
    assert _drafts(app) == []
    later = client.get(f"/surveys/{wave.slug}/thanks")
    assert later.status_code == 200 and "Thank you" in later.get_data(as_text=True)
    assert not any(text in later.get_data(as_text=True) for text in TAILORED)
    assert "Help is always there" in later.get_data(as_text=True)
    # Sending the last page again (a reload of the thank-you page) shows nothing tailored either.
    token = TOKEN.search(page)
    again = client.post(f"/surveys/{wave.slug}/page/5", data={"csrf_token": token.group(1) if token else "",
                                                               "action": "next"}, follow_redirects=True)
    assert not any(text in again.get_data(as_text=True) for text in TAILORED) and _responses(app) == 1


# Headers -----------------------------------------------------------------------

def test_answering_pages_send_no_referrer_and_no_store(app, client, wave):
    pages = [client.get("/surveys"), client.get(f"/surveys/{wave.slug}"), client.get(f"/surveys/{wave.slug}/page/1")]
    token = token_of(pages[-1])
    pages.append(client.post(f"/surveys/{wave.slug}/page/5", data={"adults": "x", "csrf_token": token,
                                                                   "action": "next"}))  # 422
    pages.append(client.post(f"/surveys/{wave.slug}/page/5", data={"adults": "1", "csrf_token": token,
                                                                   "action": "next"}))  # the thank-you page
    pages.append(client.get(f"/surveys/{wave.slug}/thanks"))
    pages.append(client.get("/surveys/no-such-wave"))
    assert [p.status_code for p in pages] == [200, 200, 200, 422, 200, 200, 404]
    for response in pages:
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["Cache-Control"] == "no-store"


def test_other_pages_keep_same_origin_referrers(client, demo_users):
    assert client.get("/").headers["Referrer-Policy"] == "same-origin"
    assert client.get("/login").headers["Referrer-Policy"] == "same-origin"


# CSRF without a Referer --------------------------------------------------------------

HTTPS = "https://survey.example"


def test_over_https_a_post_with_no_referrer_is_accepted_and_other_sites_are_refused(app, wave):
    client = app.test_client()
    token = token_of(client.get(f"/surveys/{wave.slug}/page/1", base_url=HTTPS))
    post = lambda headers, **data: client.post(  # noqa: E731
        f"/surveys/{wave.slug}/page/1", base_url=HTTPS, headers=headers,
        data={"csrf_token": token, "action": "next", **data})
    # What a browser sends from a no-referrer page: no Referer, Origin "null", Sec-Fetch-Site same-origin.
    ok = post({"Origin": "null", "Sec-Fetch-Site": "same-origin"}, age="old")
    assert ok.status_code == 302 and ok.headers["Location"].endswith("/page/2")
    assert post({"Origin": HTTPS}, age="old").status_code == 302
    for headers in ({"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"},
                    {"Sec-Fetch-Site": "same-site"}, {"Referer": "https://evil.example/form"}):
        refused = post(headers, age="young")
        assert refused.status_code == 400, headers
        assert "not sent from this site" in refused.get_data(as_text=True)
    no_token = client.post(f"/surveys/{wave.slug}/page/1", base_url=HTTPS, data={"action": "next", "age": "young"})
    assert no_token.status_code == 400
    [draft] = _drafts(app)
    assert draft.answers == {"age": "old"}  # no refused post changed anything


def test_other_forms_keep_flask_wtfs_strict_referrer_check(app, demo_users):
    client = app.test_client()
    page = client.get("/login", base_url=HTTPS)
    token = token_of(page)
    data = {"csrf_token": token, "email": "nobody@example.org", "password": "x"}
    assert client.post("/login", base_url=HTTPS, data=data).status_code == 400  # no Referer on HTTPS
    assert client.post("/login", base_url=HTTPS, data=data, headers={"Referer": HTTPS + "/login"}).status_code != 400


@pytest.fixture
def tls_server(app, tmp_path):
    """The app on a real TLS socket, with a throwaway self-signed certificate from openssl."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    made = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
                           "-out", str(cert), "-days", "1", "-subj", "/CN=localhost"], capture_output=True)
    if made.returncode != 0:
        pytest.skip("openssl could not make a certificate")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = make_server("127.0.0.1", 0, app, threaded=True, ssl_context=context)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_a_real_https_server_takes_a_survey_page_with_no_referer(app, wave, tls_server):
    unverified = ssl.create_default_context()
    unverified.check_hostname, unverified.verify_mode = False, ssl.CERT_NONE  # our own throwaway certificate
    opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=unverified),
                                         urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def open_(path, data=None, headers=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with opener.open(urllib.request.Request(tls_server + path, data=body, headers=headers or {})) as r:
                return r.status, r.geturl(), r.headers, r.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.url, error.headers, error.read().decode()

    status, _, headers, page = open_(f"/surveys/{wave.slug}/page/1")
    assert status == 200 and headers["Referrer-Policy"] == "no-referrer"
    token = TOKEN.search(page).group(1)
    status, url, _, page = open_(f"/surveys/{wave.slug}/page/1", {"age": "old", "csrf_token": token, "action": "next"},
                                 {"Origin": "null", "Sec-Fetch-Site": "same-origin"})
    assert status == 200 and url.endswith(f"/surveys/{wave.slug}/page/2"), page[:500]
    status, _, _, page = open_(f"/surveys/{wave.slug}/page/2", {"safe": "2", "csrf_token": token, "action": "next"},
                               {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"})
    assert status == 400 and "not sent from this site" in page
    [draft] = _drafts(app)
    assert draft.answers == {"age": "old"}


# What the notices say ------------------------------------------------------------------

def test_the_privacy_notice_and_intro_say_what_is_and_is_not_kept(app, client, wave):
    app.config["SURVEY_DRAFT_HOURS"] = 2
    notice = client.get("/privacy").get_data(as_text=True)
    intro = client.get(f"/surveys/{wave.slug}").get_data(as_text=True)
    for text in (notice, intro):
        assert "internet address" in text and "only the date" in text.replace("The only time kept with your answers is the date", "only the date")
        assert "2 hours" in text and "Exit this page" in text and "random code" in text
        assert "small random changes" in text and "fewer than 10 people" in text
    assert "user agent" in notice and "an account" in notice
    assert "each minute" in notice and "not for you" in notice
    assert "If you skip every question" in notice and "nothing is kept" in intro
    assert "shown once" in notice and "shown to you once" in intro
    assert "cookie on your device" not in notice.replace("not in a cookie on your device", "")
