"""Grid, ranking, required and long-text questions; AND/OR and number-range conditions; answering in Urdu."""
import sqlalchemy as sa
import pytest

from livesafe.extensions import db
from livesafe.surveys import definitions as defs
from livesafe.surveys import demo_translated, logic
from livesafe.surveys.models import SurveyAnswer
from tests.surveys.conftest import token_of


def quick() -> dict:
    return defs.validate(demo_translated.definition(), "quick-check")


# Conditions, as a table of cases -------------------------------------------------------

A_IS_X = {"question": "a", "any_of": ["x"]}
N_3_TO_7 = {"question": "n", "min": 3, "max": 7}


@pytest.mark.parametrize("condition, answers, expected", [
    (A_IS_X, {"a": "x"}, True),
    (A_IS_X, {"a": "y"}, False),
    (A_IS_X, {}, False),  # unanswered meets nothing
    ({"question": "a", "any_of": ["x", "z"]}, {"a": ["y", "z"]}, True),  # multiple choice: any chosen
    ({"question": "a", "any_of": ["x", "z"]}, {"a": ["y"]}, False),
    (N_3_TO_7, {"n": 3}, True),  # bounds included
    (N_3_TO_7, {"n": 7}, True),
    (N_3_TO_7, {"n": 2}, False),
    (N_3_TO_7, {"n": 8}, False),
    ({"question": "n", "min": 3}, {"n": 300}, True),  # open-ended ranges
    ({"question": "n", "max": 3}, {"n": -5}, True),
    ({"question": "n", "max": 3}, {}, False),
    ({"all": [A_IS_X, N_3_TO_7]}, {"a": "x", "n": 5}, True),  # AND
    ({"all": [A_IS_X, N_3_TO_7]}, {"a": "x", "n": 9}, False),
    ({"any": [A_IS_X, N_3_TO_7]}, {"a": "y", "n": 4}, True),  # OR
    ({"any": [A_IS_X, N_3_TO_7]}, {"a": "y", "n": 9}, False),
    ({"any": [{"all": [A_IS_X, N_3_TO_7]}, {"question": "g.s", "any_of": ["1"]}]}, {"g": {"s": "1"}}, True),  # nested
    ({"question": "g.s", "any_of": ["1"]}, {"g": {"s": "2"}}, False),  # one grid statement
    ({"question": "g.s", "any_of": ["1"]}, {"g": {"t": "1"}}, False),
])
def test_conditions_are_evaluated_on_the_server(condition, answers, expected):
    assert defs.meets(condition, answers) is expected


@pytest.mark.parametrize("show_if, message", [
    ({"question": "anything_else", "any_of": ["x"]}, "not an earlier question"),  # a later question
    ({"question": "helps", "any_of": ["lights"]}, "a ranking cannot be used"),
    ({"question": "feel", "any_of": ["1"]}, "names one statement"),
    ({"question": "feel.night", "any_of": ["1"]}, "not an earlier question"),
    ({"question": "age_band", "min": 1}, "needs a number question"),
    ({"question": "evenings_out", "min": 5, "max": 2}, "min must not be above its max"),
    ({"any": []}, "non-empty list"),
    ({"question": "evenings_out", "between": [1, 2]}, "a condition needs"),
])
def test_bad_conditions_are_refused_with_a_clear_message(show_if, message):
    data = demo_translated.definition()
    data["pages"][2]["questions"][0]["show_if"] = show_if
    with pytest.raises(defs.DefinitionError, match=message):
        defs.validate(data, "quick-check")


@pytest.mark.parametrize("change, message", [
    (lambda q: q.update(options=[]), "needs at least two options"),
    (lambda q: q["options"].append({"value": "lights", "label": "Lights again"}), r"lights used twice"),
    (lambda q: q.update(type="slider"), "type must be one of"),
    (lambda q: q["options"][0].update(exclusive=True), "only a multiple-choice option"),
    (lambda q: q.update(long=True), "only a text question can be long"),
    (lambda q: q.update(required="yes"), "'required' must be true or false"),
    (lambda q: q.update(options=[{"value": str(n), "label": str(n)} for n in range(11)]), "at most 10 options"),
])
def test_bad_questions_are_refused(change, message):
    data = demo_translated.definition()
    change(data["pages"][1]["questions"][1])  # the ranking
    with pytest.raises(defs.DefinitionError, match=message):
        defs.validate(data, "quick-check")


def test_every_problem_is_listed_at_once():
    data = demo_translated.definition()
    data["pages"][1]["questions"][1]["options"] = []
    data["pages"][1]["questions"][0]["statements"] = []
    with pytest.raises(defs.DefinitionError) as caught:
        defs.validate(data, "quick-check")
    problems = " ".join(caught.value.problems)
    assert "'feel': a grid needs at least one statement" in problems
    assert "'helps': needs at least two options" in problems


def test_grid_and_ranking_are_stored_as_agreed():
    rows = logic.answer_rows(quick(), {"age_band": "11-15", "feel": {"day": "3", "dark": "1"},
                                       "helps": {"clubs": 1, "lights": 2}, "anything_else": "More buses"})
    assert {"question": "feel.day", "option": "3"} in rows and {"question": "feel.dark", "option": "1"} in rows
    assert {"question": "helps", "option": "clubs", "number": 1} in rows
    assert {"question": "helps", "option": "lights", "number": 2} in rows
    assert {"question": "anything_else", "text": "More buses"} in rows


# Answering through the pages (no JavaScript) ------------------------------------------------

def _post(client, wave, number, data, token, query=""):
    return client.post(f"/surveys/{wave.slug}/page/{number}{query}", data={**data, "csrf_token": token,
                                                                            "action": "next"})


def test_a_young_person_answers_every_type_in_urdu(app, client, make_wave):
    wave = make_wave(quick())
    intro = client.get(f"/surveys/{wave.slug}?lang=ur").get_data(as_text=True)
    assert 'lang="ur" dir="rtl"' in intro and "سروے شروع کریں" in intro
    page = client.get(f"/surveys/{wave.slug}/page/1?lang=ur")
    text = page.get_data(as_text=True)
    assert '<div class="narrow" lang="ur" dir="rtl">' in text
    assert "آپ کی عمر کیا ہے؟ (ضروری)" in text  # required, in Urdu
    token = token_of(page)
    skipped = _post(client, wave, 1, {}, token)
    assert skipped.status_code == 422 and "اس سوال کا جواب دیں" in skipped.get_data(as_text=True)
    assert _post(client, wave, 1, {"age_band": "16-24", "evenings_out": "4"}, token).status_code == 302
    page2 = client.get(f"/surveys/{wave.slug}/page/2").get_data(as_text=True)
    assert "اندھیرا ہونے کے بعد" in page2 and "درجہ نہیں دیا" in page2  # still Urdu, no ?lang needed
    # One fieldset per grid statement, one rank select per option.
    assert page2.count('<fieldset class="fieldset"') == 2 and page2.count("<select") == 3
    twice = _post(client, wave, 2, {"feel-day": "3", "feel-dark": "1", "helps-1": "1", "helps-2": "1"}, token)
    assert twice.status_code == 422 and "ہر درجہ صرف ایک بار دیں" in twice.get_data(as_text=True)
    gap = _post(client, wave, 2, {"helps-1": "2"}, token)
    assert gap.status_code == 422
    bad = _post(client, wave, 2, {"feel-day": "9"}, token)
    assert bad.status_code == 422
    assert _post(client, wave, 2, {"feel-day": "3", "feel-dark": "1", "helps-2": "1", "helps-3": "2"},
                 token).status_code == 302
    page3 = client.get(f"/surveys/{wave.slug}/page/3").get_data(as_text=True)
    assert "کس سے بات کریں گے" in page3  # shown: 4 evenings out (3 to 7) OR unsafe after dark
    clash = _post(client, wave, 3, {"talk_to": ["family", "nobody"]}, token)
    assert clash.status_code == 422 and "اکیلا چنیں" in clash.get_data(as_text=True)
    done = _post(client, wave, 3, {"talk_to": ["family"], "anything_else": "زیادہ روشنی"}, token)
    assert done.status_code == 200
    with app.app_context():
        rows = {(a.question, a.option, a.number, a.text) for a in db.session.scalars(
            sa.select(SurveyAnswer).where(SurveyAnswer.wave_id == wave.id))}
    # Stored by value, exactly as an English answer would be.
    assert {("age_band", "16-24", None, None), ("feel.day", "3", None, None), ("feel.dark", "1", None, None),
            ("helps", "clubs", 1, None), ("helps", "police", 2, None), ("talk_to", "family", None, None),
            ("anything_else", None, None, "زیادہ روشنی"), ("evenings_out", None, 4, None)} <= rows


def test_a_hidden_question_is_skipped_and_not_stored(app, client, make_wave):
    wave = make_wave(quick())
    token = token_of(client.get(f"/surveys/{wave.slug}/page/1"))
    assert _post(client, wave, 1, {"age_band": "11-15", "evenings_out": "1"}, token).status_code == 302
    assert _post(client, wave, 2, {"feel-dark": "3"}, token).status_code == 302
    page3 = client.get(f"/surveys/{wave.slug}/page/3").get_data(as_text=True)
    assert "Who would you talk to" not in page3  # neither 3+ evenings nor unsafe after dark
    assert '<textarea' in page3  # long text is a textarea
    assert _post(client, wave, 3, {"talk_to": ["family"]}, token).status_code == 200
    with app.app_context():
        questions = set(db.session.scalars(sa.select(SurveyAnswer.question).where(SurveyAnswer.wave_id == wave.id)))
    assert "talk_to" not in questions and questions >= {"age_band", "feel.dark"}


def test_an_unknown_language_falls_back_to_english(client, make_wave):
    wave = make_wave(quick())
    page = client.get(f"/surveys/{wave.slug}/page/1?lang=xx").get_data(as_text=True)
    assert 'lang="en" dir="ltr"' in page and "How old are you?" in page


@pytest.mark.parametrize("condition, rules, combine", [
    ({"question": "a", "any_of": ["x", "y"]}, "a is x, y", "all"),
    ({"any": [{"question": "n", "min": 1, "max": 3}, {"question": "n", "min": 9}]}, "n from 1 to 3\nn at least 9", "any"),
    ({"all": [{"question": "g.s", "any_of": ["1"]}, {"question": "n", "max": 2}]}, "g.s is 1\nn at most 2", "all"),
    ({"any": [{"all": [{"question": "a", "any_of": ["x"]}]}]}, "{any: [{all: [{question: a, any_of: [x]}]}]}", "all"),
    ({"all": 5}, "{all: 5}", "all"),
])
def test_the_builder_writes_conditions_as_rules_and_reads_them_back(condition, rules, combine):
    from livesafe.surveys import builder

    assert builder.condition_text(condition) == (rules, combine)
    if condition != {"all": 5}:
        assert builder.condition_from(rules, combine) == condition
