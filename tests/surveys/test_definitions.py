"""Survey definitions: the shipped surveys, the checks on a definition, conditions and signposts."""
import pytest
import yaml

from livesafe import clock, places
from livesafe.surveys import definitions as defs
from livesafe.surveys import logic
from tests.surveys.conftest import SMALL, small_definition, staff_user


def test_shipped_surveys_load_and_cover_the_issue(ctx):
    surveys = defs.available()
    assert set(surveys) == {"young-people", "community"}
    young = defs.question_map(surveys["young-people"])
    kinds = {q["type"] for q in young.values()}
    assert kinds == set(defs.TYPES) - {"grid", "ranking"}  # the older types are all used for real
    assert [v for v, _ in defs.choices(young["age_band"])][:5] == ["11-13", "14-15", "16-17", "18-21", "22-24"]
    assert "self_describe" in [v for v, _ in defs.choices(young["gender"])]
    assert "protection" in [v for v, _ in defs.choices(young["carry_reasons"])]
    helpers = [v for v, _ in defs.choices(young["help_from"])]
    assert helpers == ["police", "teacher", "youth_worker", "family", "friends", "helpline", "nobody"]
    for code in ("safe_area_day", "safe_area_dark", "safe_school", "safe_online", "safe_way_home"):
        assert young[code]["type"] == "rating"
    assert young["safer_ideas"]["type"] == "text"
    assert len(defs.questions(surveys["community"])) < len(young)


def test_the_district_question_speaks_livesafe_places(ctx):
    """One vocabulary: every district offered is a places key, labelled with the places name."""
    for definition in defs.available().values():
        question = defs.question_map(definition)[defs.district_code(definition)]
        offered = [(v, label) for v, label in defs.choices(question) if v not in defs.NOT_A_PLACE]
        assert offered == [(d.key, d.name) for d in places.DISTRICTS], definition["slug"]


def test_district_labels_left_out_of_a_definition_come_from_places():
    definition = defs.parse(SMALL.replace("{value: leicester, label: Leicester}", "{value: leicester}"))
    assert defs.choices(defs.question_map(definition)["district"])[0] == ("leicester", "Leicester")


def test_every_personal_choice_question_offers_prefer_not_to_say(ctx):
    for definition in defs.available().values():
        for q in defs.questions(definition):
            if q.get("personal") and q["type"] in defs.CHOICE_TYPES:
                assert defs.PREFER_NOT in [v for v, _ in defs.choices(q)], q["code"]


def _broken(change) -> str:
    data = yaml.safe_load(SMALL)
    change(data)
    return yaml.safe_dump(data)


def _question(data, code):
    return next(q for page in data["pages"] for q in page["questions"] if q["code"] == code)


@pytest.mark.parametrize("change, message", [
    (lambda d: _question(d, "age")["options"].pop(), "must offer 'prefer_not_to_say'"),
    (lambda d: _question(d, "district")["options"][0].update(value="nw_leicestershire"),
     "'nw_leicestershire' is not a district key of livesafe.places"),
    (lambda d: _question(d, "district")["options"][0].update(label="Leicester City"),
     "the label of 'leicester' comes from livesafe.places"),
    (lambda d: _question(d, "why")["show_if"].update(question="ideas"), "not an earlier question"),
    (lambda d: d["pages"][1]["questions"][1].update(show_if={"question": "safe", "any_of": ["1"]}),
     "not an earlier question"),
    (lambda d: _question(d, "why")["show_if"].update(any_of=["maybe"]), r"has no option \['maybe'\]"),
    (lambda d: _question(d, "safe").update(type="slider"), "type must be one of"),
    (lambda d: _question(d, "ideas").update(code="adults"), "is used twice"),
    (lambda d: _question(d, "ideas").update(code="csrf_token"), "reserved"),
    (lambda d: _question(d, "adults").update(min=30), "min <= max"),
    (lambda d: _question(d, "adults").update(max=10 ** 12), "what the database can store"),
    (lambda d: _question(d, "adults").update(min=True), "whole-number min and max"),
    (lambda d: _question(d, "safe").update(scale=["Only one"]), "scale of 2 to 11"),
    (lambda d: d["breakdowns"].update(district="worries"), "single-choice question"),
    (lambda d: d["breakdowns"].update(religion="age"), "unknown breakdown"),
    (lambda d: d["signposts"][0]["links"][0].update(href="https://example.com"), "links need a site path"),
    (lambda d: d.update(pages=[]), "at least one page"),
    (lambda d: _question(d, "why").update({"show-if": _question(d, "why").pop("show_if")}), r"unknown keys \['show-if'\]"),
    (lambda d: d["pages"][0].update(intro_text="Hi"), "page 1: unknown keys"),
    (lambda d: d.update(titel="Oops"), r"unknown keys \['titel'\]"),
    (lambda d: _question(d, "age")["options"][0].update({"or older": None}), "an option has unknown keys"),
    (lambda d: d["signposts"][0]["links"][0].update({"and more": None}), "a link needs exactly href and label"),
])
def test_broken_definitions_are_refused_with_a_clear_message(change, message):
    with pytest.raises(defs.DefinitionError, match=message):
        defs.parse(_broken(change), "broken.yaml")


def test_not_yaml_is_refused():
    with pytest.raises(defs.DefinitionError, match="not valid YAML"):
        defs.parse("pages: [", "bad.yaml")


def test_show_if_decides_which_pages_are_shown():
    definition = small_definition()
    assert defs.visible_pages(definition, {}) == [1, 2, 3, 5]
    assert defs.visible_pages(definition, {"carried": "no"}) == [1, 2, 3, 5]
    assert defs.visible_pages(definition, {"carried": "yes"}) == [1, 2, 3, 4, 5]


def test_a_changed_answer_drops_answers_to_questions_no_longer_shown():
    definition = small_definition()
    answers = {"carried": "no", "why": ["protection"], "safe": "2"}
    assert defs.kept_answers(definition, answers) == {"carried": "no", "safe": "2"}
    answers["carried"] = "yes"
    assert defs.kept_answers(definition, answers) == {"carried": "yes", "why": ["protection"], "safe": "2"}


def test_conditions_match_any_of_the_values_for_single_and_multiple_answers():
    condition = {"question": "worries", "any_of": ["gangs"]}
    assert defs.meets(condition, {"worries": ["knives", "gangs"]})
    assert not defs.meets(condition, {"worries": ["knives"]})
    assert not defs.meets(condition, {})
    assert defs.meets({"question": "adults", "any_of": ["0"]}, {"adults": 0})


def test_signposts_follow_the_answers():
    definition = small_definition()
    assert [s["key"] for s in defs.signposts(definition, {"safe": "1", "carried": "yes"})] == ["unsafe", "carried"]
    assert [s["key"] for s in defs.signposts(definition, {"safe": "4", "carried": "no"})] == []


def test_a_wave_keeps_its_own_copy_of_the_questions(app, tmp_path):
    """Editing the survey file later never rewrites an earlier wave's questions."""
    (tmp_path / "surveys").mkdir()
    path = tmp_path / "surveys" / "test-survey.yaml"
    path.write_text(SMALL)
    app.config["CONTENT_DIR"] = str(tmp_path)
    with app.app_context():
        staff = staff_user()
        first = logic.create_wave(defs.available()["test-survey"], "Wave one", clock.today(), clock.today(), staff)
        path.write_text(SMALL.replace("How old are you?", "What is your age?"))
        second = logic.create_wave(defs.available()["test-survey"], "Wave two", clock.today(), clock.today(), staff)
        assert defs.question_map(first.definition)["age"]["text"] == "How old are you?"
        assert defs.question_map(second.definition)["age"]["text"] == "What is your age?"
