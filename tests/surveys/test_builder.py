"""The survey builder: staff build a survey with every type and a condition, check it, translate it, make a wave."""
import re

import pytest
import sqlalchemy as sa
import yaml

from livesafe.auth import roles
from livesafe.extensions import db
from livesafe.surveys import versions
from livesafe.surveys.models import SurveyVersion, SurveyWave
from tests.helpers import post, sign_in

REVISION = re.compile(r'name="[a-z]*-?revision"[^>]*value="(\d+)"')


def _revision(client, version_id) -> str:
    return REVISION.search(client.get(f"/surveys/manage/builder/{version_id}").get_data(as_text=True)).group(1)


def _new(client, slug="school-check") -> int:
    response = post(client, "/surveys/manage/builder/new", {"slug": slug, "title": "School check", "audience": "pupils"},
                    token_from="/surveys/manage/builder")
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    return int(response.headers["Location"].rsplit("/", 1)[1])


def _page(client, version_id, title):
    response = post(client, f"/surveys/manage/builder/{version_id}/pages",
                    {"page-title": title, "page-revision": _revision(client, version_id)}, token_from="/surveys/manage/builder")
    assert response.status_code == 302, response.get_data(as_text=True)[:800]


def _question(client, version_id, page, status=302, **fields):
    data = {"type": "single", "combine": "all", "revision": _revision(client, version_id), "action": "save", **fields}
    response = post(client, f"/surveys/manage/builder/{version_id}/pages/{page}/questions", data, token_from="/surveys/manage/builder")
    assert response.status_code == status, response.get_data(as_text=True)[:3000]
    return response


QUESTIONS = [
    (1, dict(code="year", type="single", text="Which year are you in?", options="y7 = Year 7\ny8 = Year 8",
             required="y")),
    (1, dict(code="clubs", type="number", text="How many clubs do you go to?", min="0", max="10")),
    (2, dict(code="worries", type="multiple", text="What worries you?", options="Knives\nGangs\nnone = None of these",
             exclusive="none")),
    (2, dict(code="safe", type="rating", text="How safe is school?", scale="Unsafe\nSafe")),
    (2, dict(code="feel", type="grid", text="How do you feel?", scale="Bad\nOK\nGood",
             statements="corridors = In corridors\nyard = In the yard")),
    (2, dict(code="helps", type="ranking", text="What helps most?", options="Teachers\nFriends\nCameras")),
    (2, dict(code="more", type="text", long="y", text="Anything else?", hint="No names please.",
             show_if="year is y8\nclubs from 1 to 3", combine="any")),
]


def _build(client) -> int:
    version_id = _new(client)
    _page(client, version_id, "About you")
    _page(client, version_id, "School")
    for page, fields in QUESTIONS:
        _question(client, version_id, page, **fields)
    return version_id


def test_staff_build_a_survey_with_every_type_and_a_condition(app, client, demo_users):
    sign_in(client, roles.STAFF)
    version_id = _build(client)
    with app.app_context():
        definition = db.session.get(SurveyVersion, version_id).definition
        assert versions.problems(definition) == []
        by_code = {q["code"]: q for page in definition["pages"] for q in page["questions"]}
    assert {q["type"] for q in by_code.values()} == {"single", "number", "multiple", "rating", "grid", "ranking", "text"}
    assert by_code["year"]["required"] is True and "required" not in by_code["clubs"]  # optional by default
    assert by_code["worries"]["options"][2] == {"value": "none", "label": "None of these", "exclusive": True}
    assert by_code["worries"]["options"][0]["value"] == "knives"  # made from the label
    assert by_code["feel"]["statements"] == [{"code": "corridors", "text": "In corridors"},
                                             {"code": "yard", "text": "In the yard"}]
    assert by_code["more"]["show_if"] == {"any": [{"question": "year", "any_of": ["y8"]},
                                                  {"question": "clubs", "min": 1, "max": 3}]}
    assert by_code["more"]["long"] is True
    page = client.get(f"/surveys/manage/builder/{version_id}").get_data(as_text=True)
    assert "No problems found." in page and "shown only if: year is y8; or clubs from 1 to 3" in page
    # The edit form shows the condition as staff wrote it.
    edit = client.get(f"/surveys/manage/builder/{version_id}/questions/more").get_data(as_text=True)
    assert "year is y8\nclubs from 1 to 3</textarea>" in edit


@pytest.mark.parametrize("page, fields, field, message", [
    (1, dict(code="early", text="Early?", options="a\nb", show_if="later is x"), "show_if", "not an earlier question"),
    (2, dict(code="dup", text="Twice?", options="a = A\na = Again"), "options", "a used twice"),
    (2, dict(code="empty", text="Empty?", options=""), "options", "Needs at least two options"),
    (2, dict(code="oops", type="slider", text="?"), "type", "Not a valid choice"),
    (2, dict(code="year", text="Again?", options="a\nb"), "code", "already has the code &#39;year&#39;"),
    (2, dict(code="Bad Code", text="?", options="a\nb"), "code", "lower case letters"),
    (2, dict(code="n", type="number", text="?", min="5"), "min", "smallest and largest"),
    (2, dict(code="n", type="number", text="?", min="5", max="1"), "min", "min &lt;= max"),
    (2, dict(code="g", type="grid", text="?", scale="A\nB"), "statements", "at least one statement"),
    (2, dict(code="c", text="?", options="a\nb", show_if="year means y7"), "show_if", "Line 1: write a rule like"),
    (2, dict(code="c", text="?", options="a\nb", show_if="year is y9"), "show_if", "has no option"),
    (2, dict(code="c", text="?", options="a\nb", show_if="year from 1 to 2"), "show_if", "needs a number question"),
    (2, dict(code="c", type="multiple", text="?", options="a\nb", exclusive="zz"), "exclusive", "no option zz"),
])
def test_the_builder_says_what_is_wrong_and_saves_nothing(app, client, demo_users, page, fields, field, message):
    sign_in(client, roles.STAFF)
    version_id = _new(client)
    _page(client, version_id, "One")
    _page(client, version_id, "Two")
    _question(client, version_id, 1, code="year", text="Year?", options="y7\ny8")
    _question(client, version_id, 2, code="later", text="Later?", options="x\ny")
    with app.app_context():
        before = db.session.get(SurveyVersion, version_id).definition
    response = _question(client, version_id, page, status=422, **fields)
    text = response.get_data(as_text=True)
    assert message in text
    assert f'href="#{field}"' in text  # the summary links to the field that is wrong
    with app.app_context():
        assert db.session.get(SurveyVersion, version_id).definition == before


def test_moving_a_question_before_its_condition_shows_a_problem_and_a_wave_cannot_be_made(app, client, demo_users):
    sign_in(client, roles.STAFF)
    version_id = _build(client)
    response = post(client, f"/surveys/manage/builder/{version_id}/questions/more/change",
                    {"action": "up", "revision": _revision(client, version_id)}, token_from="/surveys/manage/builder")
    assert response.status_code == 302
    for _ in range(6):  # up to the top of page 2, then onto page 1
        post(client, f"/surveys/manage/builder/{version_id}/questions/more/change",
             {"action": "up", "revision": _revision(client, version_id)}, token_from="/surveys/manage/builder")
    page = client.get(f"/surveys/manage/builder/{version_id}").get_data(as_text=True)
    assert "which is not an earlier question" in page
    made = post(client, "/surveys/manage", {"survey": f"version-{version_id}", "title": "School check wave",
                                            "opens_on": "2026-03-01", "closes_on": "2026-04-01"})
    assert made.status_code == 422 and "cannot be used yet" in made.get_data(as_text=True)


def test_a_stale_edit_is_refused_and_nothing_is_lost(app, client, demo_users):
    sign_in(client, roles.STAFF)
    version_id = _new(client)
    _page(client, version_id, "One")
    stale = _revision(client, version_id)
    _question(client, version_id, 1, code="first", text="First?", options="a\nb")
    response = post(client, f"/surveys/manage/builder/{version_id}/pages/1/questions",
                    {"type": "single", "code": "second", "text": "Second?", "options": "a\nb", "revision": stale,
                     "combine": "all", "action": "save"}, token_from="/surveys/manage/builder")
    assert response.status_code == 409
    assert "Someone else changed this version" in response.get_data(as_text=True)
    with app.app_context():
        codes = [q["code"] for q in db.session.get(SurveyVersion, version_id).definition["pages"][0]["questions"]]
    assert codes == ["first"]


def test_preview_shows_the_page_as_a_young_person_sees_it(client, demo_users):
    sign_in(client, roles.STAFF)
    version_id = _build(client)
    preview = client.get(f"/surveys/manage/builder/{version_id}/preview/2").get_data(as_text=True)
    assert 'class="builder-preview" lang="en" dir="ltr"' in preview
    assert "In the yard" in preview and "Cameras" in preview and "more is shown only if" in preview
    # Live preview of a question being edited: htmx gets only the preview, nothing is saved.
    data = {"type": "ranking", "code": "order", "text": "Put in order", "options": "Red\nBlue", "combine": "all",
            "revision": _revision(client, version_id), "action": "preview"}
    live = post(client, f"/surveys/manage/builder/{version_id}/pages/2/questions", data, token_from="/surveys/manage/builder",
                headers={"HX-Request": "true"})
    text = live.get_data(as_text=True)
    assert live.status_code == 200 and text.lstrip().startswith('<section id="question-preview"')
    assert "Rank for Red" in text or ">Red</label>" in text
    assert "Put in order" not in client.get(f"/surveys/manage/builder/{version_id}").get_data(as_text=True)


def _translate_everything(client, version_id, lang="ur"):
    page = client.get(f"/surveys/manage/builder/{version_id}/translate/{lang}").get_data(as_text=True)
    names = re.findall(r'name="(t\d+)"', page)
    data = {name: f"ترجمہ {name}" for name in names}
    data["revision"] = REVISION.search(page).group(1)
    return post(client, f"/surveys/manage/builder/{version_id}/translate/{lang}", data, token_from="/surveys/manage/builder")


def test_translation_side_by_side_with_a_completeness_check(app, client, demo_users):
    sign_in(client, roles.STAFF)
    version_id = _build(client)
    added = post(client, f"/surveys/manage/builder/{version_id}/languages",
                 {"language-languages": "ur", "language-revision": _revision(client, version_id)}, token_from="/surveys/manage/builder")
    assert added.status_code == 302
    page = client.get(f"/surveys/manage/builder/{version_id}/translate/ur").get_data(as_text=True)
    assert "still need a translation" in page and "In the yard" in page
    assert 'dir="rtl"' in page and 'lang="ur"' in page  # the boxes take right-to-left text
    # A wave cannot be made while Urdu is incomplete.
    made = post(client, "/surveys/manage", {"survey": f"version-{version_id}", "title": "School check wave",
                                            "opens_on": "2026-03-01", "closes_on": "2026-04-01"})
    assert made.status_code == 422 and "Finish the Urdu translation" in made.get_data(as_text=True)
    # Half done: the rest is listed.
    names = re.findall(r'name="(t\d+)"', page)
    half = post(client, f"/surveys/manage/builder/{version_id}/translate/ur",
                {names[0]: "عنوان", "revision": REVISION.search(page).group(1)}, token_from="/surveys/manage/builder")
    assert half.status_code == 302
    page = client.get(f"/surveys/manage/builder/{version_id}/translate/ur").get_data(as_text=True)
    assert f"{len(names) - 1} piece(s) still need a translation" in page
    assert _translate_everything(client, version_id).status_code == 302
    assert "Everything is translated." in client.get(f"/surveys/manage/builder/{version_id}/translate/ur").get_data(as_text=True)
    made = post(client, "/surveys/manage", {"survey": f"version-{version_id}", "title": "School check wave",
                                            "opens_on": "2026-03-01", "closes_on": "2026-04-01"})
    assert made.status_code == 302
    with app.app_context():
        wave = db.session.scalar(sa.select(SurveyWave).where(SurveyWave.version_id == version_id))
        assert wave.definition["translations"]["ur"]["questions"]["feel"]["statements"]["yard"].startswith("ترجمہ")


def test_a_version_with_a_wave_never_changes_editing_makes_the_next(app, client, demo_users):
    sign_in(client, roles.STAFF)
    version_id = _build(client)
    made = post(client, "/surveys/manage", {"survey": f"version-{version_id}", "title": "School check wave",
                                            "opens_on": "2026-03-01", "closes_on": "2026-04-01"})
    assert made.status_code == 302
    response = _question(client, version_id, 2, code="extra", text="Extra?", options="a\nb")
    next_id = int(response.headers["Location"].split("#")[0].rsplit("/", 1)[1])
    assert next_id != version_id
    with app.app_context():
        old, new = db.session.get(SurveyVersion, version_id), db.session.get(SurveyVersion, next_id)
        wave = db.session.scalar(sa.select(SurveyWave).where(SurveyWave.version_id == version_id))
        assert (old.number, new.number) == (1, 2)
        assert "extra" not in str(old.definition) and "extra" in str(new.definition)
        assert wave.definition == versions.ready_for_wave(old)


def test_yaml_export_and_import_round_trip(app, client, demo_users):
    sign_in(client, roles.STAFF)
    version_id = _build(client)
    exported = client.get(f"/surveys/manage/builder/{version_id}/export.yaml")
    assert exported.status_code == 200 and "attachment" in exported.headers["Content-Disposition"]
    text = exported.get_data(as_text=True)
    imported = post(client, "/surveys/manage/builder/import", {"text": text}, token_from="/surveys/manage/builder")
    assert imported.status_code == 302
    with app.app_context():
        first = db.session.get(SurveyVersion, version_id)
        second = versions.latest("school-check")
        assert second.number == 2 and second.definition == first.definition


@pytest.mark.parametrize("text, message", [
    ("pages: [", "not valid YAML"),
    ("- a list", "must be a survey"),
    ("slug: Not A Slug\ntitle: X\npages: []", "needs a slug"),
    ("", "Paste the survey"),
])
def test_bad_yaml_is_refused_clearly(client, demo_users, text, message):
    sign_in(client, roles.STAFF)
    response = post(client, "/surveys/manage/builder/import", {"text": text}, token_from="/surveys/manage/builder")
    assert response.status_code == 422 and message in response.get_data(as_text=True)


def test_a_new_survey_needs_a_free_short_name(client, demo_users):
    sign_in(client, roles.STAFF)
    _new(client)
    again = post(client, "/surveys/manage/builder/new", {"slug": "school-check", "title": "X", "audience": "Y"},
                 token_from="/surveys/manage/builder")
    assert again.status_code == 422 and "already exists" in again.get_data(as_text=True)
    bad = post(client, "/surveys/manage/builder/new", {"slug": "No Spaces", "title": "", "audience": ""},
               token_from="/surveys/manage/builder")
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "lower case letters" in text and "Enter a title" in text


def test_shipped_surveys_load_as_version_1_once(app, client, demo_users):
    sign_in(client, roles.STAFF)
    assert post(client, "/surveys/manage/builder/shipped", {}, token_from="/surveys/manage/builder").status_code == 302
    assert post(client, "/surveys/manage/builder/shipped", {}, token_from="/surveys/manage/builder").status_code == 302
    with app.app_context():
        assert sorted((v.survey_slug, v.number) for v in versions.every()) == [("community", 1), ("young-people", 1)]


@pytest.mark.parametrize("role", [roles.APPLICANT, roles.PARTNER, roles.PANEL_MEMBER, roles.ASSESSOR])
def test_only_staff_may_build(client, demo_users, role):
    sign_in(client, role)
    assert client.get("/surveys/manage/builder").status_code == 403
    assert client.post("/surveys/manage/builder/new", data={"slug": "x"}).status_code in (400, 403)


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/surveys/manage/builder")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_admin_may_build(client, demo_users):
    sign_in(client, roles.ADMIN)
    assert client.get("/surveys/manage/builder").status_code == 200


def test_unknown_things_are_404(client, demo_users):
    sign_in(client, roles.STAFF)
    version_id = _new(client)
    assert client.get("/surveys/manage/builder/99999").status_code == 404
    assert client.get(f"/surveys/manage/builder/{version_id}/preview/5").status_code == 404
    assert client.get(f"/surveys/manage/builder/{version_id}/questions/nope").status_code == 404
    assert client.get(f"/surveys/manage/builder/{version_id}/translate/ur").status_code == 404  # not a language of it
    assert client.get(f"/surveys/manage/builder/{version_id}/pages/3/questions").status_code == 404


def test_shipped_yaml_round_trips_through_a_version_without_loss(ctx):
    from livesafe.surveys import definitions as defs

    for slug, definition in defs.available().items():
        exported = versions.to_yaml(definition)
        assert defs.parse(exported, slug) == definition
        assert yaml.safe_load(exported) == definition


def _definition(app, version_id):
    with app.app_context():
        return db.session.get(SurveyVersion, version_id).definition


def test_pages_details_and_questions_change_move_and_go(app, client, demo_users):
    sign_in(client, roles.STAFF)
    version_id = _build(client)
    to = f"/surveys/manage/builder/{version_id}"

    def send(url, data):
        response = post(client, url, {**data, "revision": _revision(client, version_id)}, token_from="/surveys/manage/builder")
        assert response.status_code == 302, response.get_data(as_text=True)[:1500]

    send(f"{to}/details", {"details-title": "School check 2", "details-audience": "pupils", "details-minutes": "7",
                           "details-age_band": "year", "details-revision": _revision(client, version_id)})
    assert _definition(app, version_id)["breakdowns"] == {"age_band": "year"}
    wrong = post(client, f"{to}/details", {"details-title": "X", "details-audience": "Y", "details-minutes": "7",
                                           "details-gender": "worries", "details-revision": _revision(client, version_id)},
                 token_from="/surveys/manage/builder")
    assert wrong.status_code == 422 and "Not a valid choice" in wrong.get_data(as_text=True)  # not single choice
    send(f"{to}/pages/2", {"title": "At school", "intro": "About your school."})
    send(f"{to}/questions/clubs/change", {"action": "down"})  # last on page 1: onto the top of page 2
    send(f"{to}/questions/year/change", {"action": "remove"})
    send(f"{to}/pages/1", {"action": "remove"})  # now empty
    definition = _definition(app, version_id)
    assert (definition["title"], definition["minutes"]) == ("School check 2", 7)
    assert [p["title"] for p in definition["pages"]] == ["At school"]
    assert definition["pages"][0]["intro"] == "About your school."
    assert [q["code"] for q in definition["pages"][0]["questions"]][:2] == ["clubs", "worries"]
    assert "year" not in [q["code"] for q in definition["pages"][0]["questions"]]
    # The condition on "year" now points nowhere: listed as a problem, not lost.
    assert "condition refers to &#39;year&#39;" in client.get(to).get_data(as_text=True)


def test_a_page_with_questions_cannot_be_removed(app, client, demo_users):
    sign_in(client, roles.STAFF)
    version_id = _build(client)
    response = post(client, f"/surveys/manage/builder/{version_id}/pages/1",
                    {"action": "remove", "revision": _revision(client, version_id)}, token_from="/surveys/manage/builder")
    assert response.status_code == 409 and "Only an empty page can be removed" in response.get_data(as_text=True)
    assert len(_definition(app, version_id)["pages"]) == 2


def test_renaming_a_question_keeps_its_translation_and_removing_a_language_drops_it(app, client, demo_users):
    sign_in(client, roles.STAFF)
    version_id = _build(client)
    post(client, f"/surveys/manage/builder/{version_id}/languages",
         {"language-languages": "ur", "language-revision": _revision(client, version_id)}, token_from="/surveys/manage/builder")
    assert _translate_everything(client, version_id).status_code == 302
    edit = {"code": "school_year", "type": "single", "text": "Which year are you in?", "options": "y7 = Year 7\ny8 = Year 8",
            "combine": "all", "action": "save", "revision": _revision(client, version_id)}
    # "more" has a condition on "year": renaming breaks it, so the builder lists that as a problem.
    assert post(client, f"/surveys/manage/builder/{version_id}/questions/year", edit,
                token_from="/surveys/manage/builder").status_code == 302
    definition = _definition(app, version_id)
    assert "school_year" in definition["translations"]["ur"]["questions"]
    assert "year" not in definition["translations"]["ur"]["questions"]
    removed = post(client, f"/surveys/manage/builder/{version_id}/languages",
                   {"action": "remove", "language": "ur", "language-revision": _revision(client, version_id)},
                   token_from="/surveys/manage/builder")
    assert removed.status_code == 302
    definition = _definition(app, version_id)
    assert "languages" not in definition and "translations" not in definition
    assert post(client, f"/surveys/manage/builder/{version_id}/languages",
                {"language-languages": "xx", "language-revision": _revision(client, version_id)},
                token_from="/surveys/manage/builder").status_code == 422


def test_an_empty_survey_lists_its_problems_and_has_nothing_to_translate(client, demo_users):
    sign_in(client, roles.STAFF)
    version_id = _new(client)
    page = client.get(f"/surveys/manage/builder/{version_id}").get_data(as_text=True)
    assert "needs at least one page" in page and "Make a wave from this version" not in page


@pytest.mark.parametrize("text, message", [
    ("2026-02-31", "not valid YAML"),
    ("slug: ab\ntitle: X\npages: [1, 2]", "not shaped like a survey"),
    ("slug: ab\ntitle: X\npages: [{title: P, questions: [{code: a, type: single, options: 5}]}]", "must be a list"),
    ("slug: ab\ntitle: X\nsignposts: 5\npages: []", "&#39;signposts&#39; must be a list"),
    ("slug: ab\ntitle: X\nminutes: 2026-01-01\npages: []", "like dates"),
])
def test_yaml_of_the_wrong_shape_is_refused_never_a_server_error(client, demo_users, text, message):
    sign_in(client, roles.STAFF)
    response = post(client, "/surveys/manage/builder/import", {"text": text}, token_from="/surveys/manage/builder")
    assert response.status_code == 422 and message in response.get_data(as_text=True)


def test_an_imported_survey_with_problems_is_kept_and_they_are_listed(app, client, demo_users):
    sign_in(client, roles.STAFF)
    text = "slug: ab\ntitle: X\nsignposts: [{key: k}]\npages: [{title: P, questions: [{code: a, type: slider}]}]"
    response = post(client, "/surveys/manage/builder/import", {"text": text}, token_from="/surveys/manage/builder")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "needs a audience" in page or "type must be one of" in page
