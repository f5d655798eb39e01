"""Answering a survey with no account and no JavaScript: pages, conditions, validation, guards, signposting."""
import re

import sqlalchemy as sa

from livesafe.extensions import db
from livesafe.surveys import logic
from livesafe.surveys.models import SurveyAnswer, SurveyResponse, SurveySetting
from livesafe.throttle import logic as throttle
from tests.surveys.conftest import respond, token_of

FULL = {"age": "young", "district": "leicester", "gender": "girl", "safe": "2", "worries": ["knives", "gangs"],
        "carried": "yes", "why": ["protection"], "adults": "3", "ideas": "More lights"}


def _checked(page: str, name: str, value: str) -> bool:
    return any("checked" in tag for tag in re.findall(rf'<input[^>]*name="{name}"[^>]*value="{value}"[^>]*>', page))


def _stored(app):
    with app.app_context():
        responses = db.session.scalars(sa.select(SurveyResponse)).all()
        answers = db.session.execute(
            sa.select(SurveyAnswer.question, SurveyAnswer.option, SurveyAnswer.number, SurveyAnswer.text)
            .order_by(SurveyAnswer.id)).all()
        return responses, [tuple(a) for a in answers]


def test_index_lists_only_open_waves(client, make_wave):
    open_wave = make_wave(title="Open one")
    make_wave(title="Closed one", status=logic.CLOSED)
    make_wave(title="Draft one", status=logic.DRAFT)
    make_wave(title="Not yet", opens_in=3)
    page = client.get("/surveys").get_data(as_text=True)
    assert "Open one" in page and f"/surveys/{open_wave.slug}" in page
    assert "Closed one" not in page and "Draft one" not in page and "Not yet" not in page


def test_intro_explains_anonymity_skipping_and_use_and_sets_no_cookie(client, wave):
    response = client.get(f"/surveys/{wave.slug}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "It is anonymous" in page and "You can skip any question" in page and "How we use your answers" in page
    assert f'href="/surveys/{wave.slug}/page/1"' in page
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"


def test_every_question_type_is_stored_one_row_per_answer(app, client, wave):
    response = respond(client, wave, FULL)
    assert response.status_code == 200 and response.request.path == f"/surveys/{wave.slug}/page/5"
    responses, answers = _stored(app)
    assert len(responses) == 1 and responses[0].is_test is False
    assert answers == [
        ("age", "young", None, None), ("district", "leicester", None, None), ("gender", "girl", None, None),
        ("safe", "2", None, None), ("worries", "knives", None, None), ("worries", "gangs", None, None),
        ("worries", None, 2, None), ("carried", "yes", None, None), ("why", "protection", None, None),
        ("why", None, 1, None), ("adults", None, 3, None), ("ideas", None, None, "More lights"),
    ]
    assert (responses[0].district, responses[0].age_band, responses[0].gender) == ("leicester", "young", "girl")


def test_every_question_can_be_skipped_and_an_empty_submission_is_thanked_but_not_stored(app, client, wave):
    response = respond(client, wave, {})
    assert "Thank you" in response.get_data(as_text=True)
    assert _stored(app) == ([], [])


def test_a_setting_code_alone_is_not_an_answer(app, client, wave):
    with app.app_context():
        db.session.add(SurveySetting(code="ABC123", name="Riverside School"))
        db.session.commit()
    respond(client, wave, {}, setting="ABC123")
    assert _stored(app) == ([], [])
    respond(app.test_client(), wave, {"adults": "0"}, setting="ABC123")  # a zero is an answer
    responses, answers = _stored(app)
    assert [r.setting_code for r in responses] == ["ABC123"] and answers == [("adults", None, 0, None)]


def test_pages_show_progress_and_the_condition_adds_a_page(client, wave):
    page = client.get(f"/surveys/{wave.slug}/page/1")
    text = page.get_data(as_text=True)
    assert "part 1 of 4" in text and '<progress' in text
    token = token_of(page)
    client.post(f"/surveys/{wave.slug}/page/3", data={"carried": "yes", "csrf_token": token, "action": "next"})
    text = client.get(f"/surveys/{wave.slug}/page/4").get_data(as_text=True)
    assert "part 4 of 5" in text and "Why did you carry one?" in text


def test_a_hidden_page_redirects_to_the_next_shown_page(client, wave):
    page = client.get(f"/surveys/{wave.slug}/page/1")
    response = client.get(f"/surveys/{wave.slug}/page/4")  # "why" is only asked after "carried: yes"
    assert response.status_code == 302 and response.headers["Location"].endswith("/page/5")
    assert token_of(page)


def test_back_keeps_the_answers_and_returns_to_the_previous_page(client, wave):
    token = token_of(client.get(f"/surveys/{wave.slug}/page/1"))
    client.post(f"/surveys/{wave.slug}/page/1", data={"age": "old", "csrf_token": token, "action": "next"})
    back = client.post(f"/surveys/{wave.slug}/page/2", data={"safe": "5", "csrf_token": token, "action": "back"})
    assert back.headers["Location"].endswith("/page/1")
    assert _checked(client.get(f"/surveys/{wave.slug}/page/1").get_data(as_text=True), "age", "old")
    assert _checked(client.get(f"/surveys/{wave.slug}/page/2").get_data(as_text=True), "safe", "5")
    assert not _checked(client.get(f"/surveys/{wave.slug}/page/2").get_data(as_text=True), "safe", "4")
    first = client.post(f"/surveys/{wave.slug}/page/1", data={"csrf_token": token, "action": "back"})
    assert first.headers["Location"] == f"/surveys/{wave.slug}"


def _post_last_page(client, wave, data):
    token = token_of(client.get(f"/surveys/{wave.slug}/page/1"))
    return client.post(f"/surveys/{wave.slug}/page/5", data={**data, "csrf_token": token, "action": "next"})


def test_a_number_that_is_not_a_number_is_refused_and_what_was_typed_is_kept(app, client, wave):
    response = _post_last_page(client, wave, {"adults": "lots", "ideas": "Keep this"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<title>Error: " in page and "There is a problem" in page and "Enter a whole number, like 3" in page
    assert 'value="lots"' in page and "Keep this" in page
    assert _stored(app)[0] == []


def test_a_number_out_of_range_is_refused(client, wave):
    response = _post_last_page(client, wave, {"adults": "99"})
    assert response.status_code == 422
    assert "Enter a number from 0 to 20" in response.get_data(as_text=True)


def test_text_that_is_too_long_is_refused(client, wave):
    response = _post_last_page(client, wave, {"ideas": "x" * 51})
    assert response.status_code == 422
    assert "must be 50 characters or fewer" in response.get_data(as_text=True)


def test_an_on_its_own_option_with_others_is_refused(client, wave):
    token = token_of(client.get(f"/surveys/{wave.slug}/page/1"))
    response = client.post(f"/surveys/{wave.slug}/page/2",
                           data={"worries": ["knives", "none"], "csrf_token": token, "action": "next"})
    assert response.status_code == 422
    assert "Choose &#39;None of these&#39; on its own" in response.get_data(as_text=True)


def test_an_option_that_is_not_offered_is_refused(client, wave):
    token = token_of(client.get(f"/surveys/{wave.slug}/page/1"))
    response = client.post(f"/surveys/{wave.slug}/page/1", data={"age": "ancient", "csrf_token": token})
    assert response.status_code == 422
    assert "Not a valid choice" in response.get_data(as_text=True)


def test_earlier_answers_survive_an_error_on_a_later_page(app, client, wave):
    token = token_of(client.get(f"/surveys/{wave.slug}/page/1"))
    client.post(f"/surveys/{wave.slug}/page/1", data={"age": "young", "csrf_token": token, "action": "next"})
    assert client.post(f"/surveys/{wave.slug}/page/5",
                       data={"adults": "-1", "csrf_token": token, "action": "next"}).status_code == 422
    client.post(f"/surveys/{wave.slug}/page/5", data={"adults": "1", "csrf_token": token, "action": "next"})
    assert ("age", "young", None, None) in _stored(app)[1]


def test_the_honeypot_stores_nothing_and_looks_like_success(app, client, wave):
    response = _post_last_page(client, wave, {"adults": "2", "website": "http://spam.example"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/thanks")
    assert _stored(app) == ([], [])


def test_one_response_per_browser_per_wave(app, client, wave):
    response = respond(client, wave, {"age": "old"})
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("survey_done_"))
    assert cookie.startswith(f"survey_done_{wave.id}=1;") and "HttpOnly" in cookie and "Path=/surveys" in cookie
    intro = client.get(f"/surveys/{wave.slug}").get_data(as_text=True)
    assert "already answered this survey" in intro and "Start the survey" not in intro
    assert client.get(f"/surveys/{wave.slug}/page/1").headers["Location"] == f"/surveys/{wave.slug}"
    assert len(_stored(app)[0]) == 1


def test_replaying_the_final_post_stores_the_response_once(app, client, wave):
    token = token_of(client.get(f"/surveys/{wave.slug}/page/1"))
    session_cookie = client.get_cookie("livesafe_session").value
    data = {"adults": "4", "csrf_token": token, "action": "next"}
    assert "Thank you" in client.post(f"/surveys/{wave.slug}/page/5", data=data).get_data(as_text=True)
    client.delete_cookie(f"survey_done_{wave.id}", path="/surveys")
    client.set_cookie("livesafe_session", session_cookie)  # a script replays the old session
    replay = client.post(f"/surveys/{wave.slug}/page/5", data=data)
    assert replay.status_code == 302 and replay.headers["Location"] == f"/surveys/{wave.slug}"
    assert len(_stored(app)[0]) == 1


def test_the_flood_guard_holds_answers_until_the_rate_drops(app, client, wave):
    app.config["SURVEY_MAX_SUBMISSIONS_PER_MINUTE"] = 2
    for _ in range(2):
        other = app.test_client()
        respond(other, wave, {"age": "old"})
    response = _post_last_page(client, wave, {"adults": "7"})
    page = response.get_data(as_text=True)
    assert response.status_code == 429
    assert "A lot of people are sending answers right now" in page and 'value="7"' in page
    assert len(_stored(app)[0]) == 2
    with app.app_context():
        throttle.clear(logic.FLOOD_SCOPE, str(wave.id))  # the minute has passed
    token = token_of(client.get(f"/surveys/{wave.slug}/page/5"))
    again = client.post(f"/surveys/{wave.slug}/page/5", data={"adults": "7", "csrf_token": token, "action": "next"})
    assert again.status_code == 200 and "Thank you" in again.get_data(as_text=True)
    assert len(_stored(app)[0]) == 3


def test_the_thank_you_page_signposts_help_tailored_to_the_answers(client, wave):
    page = respond(client, wave, {"safe": "1", "carried": "yes"}).get_data(as_text=True)
    assert "If you feel unsafe" in page and 'href="/articles/if-you-feel-unsafe-right-now"' in page
    assert "About carrying a knife" in page and 'href="/articles/knives-and-the-law"' in page
    assert "0800 1111" in page


def test_a_respondent_who_feels_safe_gets_the_general_help_only(app, client, wave):
    page = respond(client, wave, {"safe": "5", "carried": "no"}).get_data(as_text=True)
    assert "If you feel unsafe" not in page and "About carrying a knife" not in page
    assert "Help is always there" in page and "0800 1111" in page


def test_a_setting_code_link_records_the_setting(app, client, wave):
    with app.app_context():
        setting = SurveySetting(code="ABC123", name="Riverside School")
        db.session.add(setting)
        db.session.commit()
    intro = client.get(f"/surveys/{wave.slug}?setting=abc123").get_data(as_text=True)
    assert "Riverside School" in intro and "setting=ABC123" in intro
    respond(client, wave, {"age": "old"}, setting="ABC123")
    respond(app.test_client(), wave, {"age": "old"}, setting="NOPE99")
    codes = sorted(r.setting_code or "" for r in _stored(app)[0])
    assert codes == ["", "ABC123"]


def test_draft_waves_are_not_public(client, make_wave):
    draft = make_wave(status=logic.DRAFT)
    assert client.get(f"/surveys/{draft.slug}").status_code == 404
    assert client.get(f"/surveys/{draft.slug}/page/1").status_code == 404


def test_closed_and_not_yet_open_waves_take_no_answers(client, make_wave):
    for wave in (make_wave(status=logic.CLOSED, title="Closed"), make_wave(opens_in=2, title="Soon")):
        intro = client.get(f"/surveys/{wave.slug}").get_data(as_text=True)
        assert "not open at the moment" in intro and "Start the survey" not in intro
        response = client.get(f"/surveys/{wave.slug}/page/1")
        assert response.headers["Location"] == f"/surveys/{wave.slug}"


def test_unknown_wave_is_404(client):
    assert client.get("/surveys/no-such-wave").status_code == 404
    assert client.get("/surveys/no-such-wave/page/1").status_code == 404
    assert client.get("/surveys/no-such-wave/thanks").status_code == 404


def test_survey_pages_work_without_javascript(client, wave):
    page = client.get(f"/surveys/{wave.slug}/page/1").get_data(as_text=True)
    assert f'<form method="post" action="/surveys/{wave.slug}/page/1"' in page
    assert 'name="action" value="next"' in page and 'name="action" value="back"' in page
    assert "hx-" not in page.split("<main", 1)[1]
