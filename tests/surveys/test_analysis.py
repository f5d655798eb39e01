"""Analysis for staff: results filtered by answers and two-way tables (through the disclosure engine, tested
against a differencing attacker), comparison across waves saying where wording changed, the codebook, and
the admins' microdata exports (CSV, SPSS, Stata; opened with pyreadstat) with rare combinations coarsened."""
import csv
import html
import io
import re

import pyreadstat
import pytest
import sqlalchemy as sa

from livesafe import clock
from livesafe.audit.models import AuditEvent
from livesafe.auth import roles
from livesafe.extensions import db
from livesafe.surveys import analysis, codebook, microdata, results
from livesafe.surveys.models import SurveyAnswer, SurveyResponse, SurveyWave
from tests.helpers import post, sign_in
from tests.surveys.conftest import add_responses, many, small_definition


@pytest.fixture
def exact(app):
    """Noise off: these tests check the arithmetic against hand-worked true counts."""
    app.config["DISCLOSURE_CELL_KEY"] = False
    return app


def _table(page: str, code: str) -> str:
    match = re.search(rf'<table class="table" data-table="{re.escape(code)}">(.*?)</table>', page, re.S)
    assert match, code
    return match.group(1)


def _row(table: str, label: str) -> list[str]:
    match = re.search(rf'<th scope="row">{re.escape(label)}</th>(.*?)</tr>', table, re.S)
    assert match, label
    return [html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.S)]


@pytest.fixture
def answered(app, wave):
    """64 people: 24 young girls in Leicester who never carried a knife, 12 old boys in Rutland who did, 16
    young boys in Rutland who would rather not say, 12 old girls in Leicester who never did; plus a staff test
    response (never counted)."""
    add_responses(app, wave, many(24, age="young", district="leicester", gender="girl", safe="4",
                                  worries=["knives", "gangs"], carried="no", adults=2))
    add_responses(app, wave, many(12, age="old", district="rutland", gender="boy", safe="1", worries=["knives"],
                                  carried="yes", why=["protection"], adults=5))
    add_responses(app, wave, many(16, age="young", district="rutland", gender="boy", carried="prefer_not_to_say"))
    add_responses(app, wave, many(12, age="old", district="leicester", gender="girl", carried="no"))
    add_responses(app, wave, [{"age": "old", "carried": "yes"}], test=True)
    return wave


def test_filtered_results_keep_only_people_with_the_answers(exact, client, demo_users, answered):
    sign_in(client, roles.STAFF)
    response = client.get(f"/surveys/manage/{answered.id}/filter?where=carried:yes")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "12 people gave these answers" in page
    assert _row(_table(page, "age"), "Old")[:2] == ["12", "100%"]
    assert _row(_table(page, "age"), "Young")[:2] == ["<10", "–"]
    assert _row(_table(page, "safe"), "Very unsafe")[:2] == ["12", "100%"]
    assert "Have you carried a knife?</strong>: Yes" in html.unescape(page)


def test_filters_on_two_questions_combine_with_and_and_answers_of_one_with_or(exact, client, demo_users, answered):
    sign_in(client, roles.STAFF)
    # young AND (no or prefer not to say): 24 + 16 = 40
    page = client.get(f"/surveys/manage/{answered.id}/filter?where=age:young&where=carried:no"
                      "&where=carried:prefer_not_to_say").get_data(as_text=True)
    assert "40 people gave these answers" in page
    assert _row(_table(page, "district"), "Leicester")[:2] == ["24", "60%"]
    # old AND would rather not say: nobody, so nothing is shown at all
    page = client.get(f"/surveys/manage/{answered.id}/filter?where=age:old&where=carried:prefer_not_to_say"
                      ).get_data(as_text=True)
    assert "data-filter-small" in page and 'data-table="age"' not in page


def _cells(page: str, label: str) -> list[str]:
    match = re.search(r"<table class=\"table survey-cross\" data-two-way>(.*?)</table>", page, re.S)
    assert match, "no two-way table"
    return _row(match.group(1), label)


def test_a_two_way_table_counts_people_with_row_percentages(exact, client, demo_users, answered):
    sign_in(client, roles.STAFF)
    response = client.get(f"/surveys/manage/{answered.id}/two-way?rows=carried&columns=age")
    assert response.status_code == 200
    page = html.unescape(response.get_data(as_text=True))
    # columns: Young, Old, I'd rather not say, Not answered, then Everyone
    assert _cells(page, "No") == ["24 (67%)", "12 (33%)", "<10", "<10", "36"]
    assert _cells(page, "Yes") == ["<10", "12 (100%)", "<10", "<10", "12"]
    assert _cells(page, "I'd rather not say") == ["16 (100%)", "<10", "<10", "<10", "16"]
    assert _cells(page, "Everyone") == ["40", "24", "<10", "<10", "64"]
    assert 'role="img"' in page and "<title id=\"two-way-chart-title\">" in page  # the chart, beside the table
    assert 'data-value="100"' in page


def test_a_two_way_table_takes_a_filter_too(exact, client, demo_users, answered):
    sign_in(client, roles.STAFF)
    page = html.unescape(client.get(f"/surveys/manage/{answered.id}/two-way?rows=district&columns=worries"
                                    "&where=age:young").get_data(as_text=True))
    assert _cells(page, "Leicester")[:2] == ["24 (100%)", "24 (100%)"]  # more than one answer each: over 100% a row
    assert "could choose more than one answer" in page


@pytest.mark.parametrize("query, message", [
    ("rows=carried&columns=carried", "Choose two different questions."),
    ("rows=carried&columns=nonsense", "Choose two questions from the lists."),
    ("rows=ideas&columns=age", "Choose two questions from the lists."),  # free text cannot be tabled
    ("rows=carried&columns=age&where=carried:maybe", "The filter names an answer this wave does not have."),
    ("rows=carried&columns=age&where=age:young&where=safe:1&where=gender:boy&where=district:rutland",
     "Filter on at most 3 questions at once."),
])
def test_bad_two_way_requests_are_refused_with_a_clear_message(client, demo_users, answered, query, message):
    sign_in(client, roles.STAFF)
    response = client.get(f"/surveys/manage/{answered.id}/two-way?{query}")
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    assert "There is a problem" in page and message in page
    assert "data-two-way" not in page


@pytest.mark.parametrize("where", ["nonsense", "carried", "carried:", "why:protection:x", ":yes", "ideas:x"])
def test_bad_filters_are_refused_with_a_clear_message(client, demo_users, answered, where):
    sign_in(client, roles.STAFF)
    response = client.get(f"/surveys/manage/{answered.id}/filter", query_string={"where": where})
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    assert "The filter names an answer this wave does not have." in page and 'data-table="age"' not in page


@pytest.mark.parametrize("path", ["filter?where=carried:yes", "two-way?rows=carried&columns=age", "codebook",
                                  "codebook.csv", "microdata"])
@pytest.mark.parametrize("role", [roles.APPLICANT, roles.PARTNER, roles.PANEL_MEMBER, roles.ASSESSOR])
def test_only_staff_reach_the_analysis_pages(client, demo_users, answered, path, role):
    sign_in(client, role)
    assert client.get(f"/surveys/manage/{answered.id}/{path}").status_code == 403


@pytest.mark.parametrize("path", ["filter", "two-way", "codebook", "microdata"])
def test_signed_out_visitors_are_sent_to_sign_in(client, answered, path):
    response = client.get(f"/surveys/manage/{answered.id}/{path}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_staff_reach_analysis_but_not_microdata(client, demo_users, answered):
    sign_in(client, roles.STAFF)
    for path in ("filter", "two-way", "codebook"):
        assert client.get(f"/surveys/manage/{answered.id}/{path}").status_code == 200
    assert client.get(f"/surveys/manage/{answered.id}/microdata").status_code == 403
    assert client.post(f"/surveys/manage/{answered.id}/microdata", data={"file_format": "csv"}).status_code in (400, 403)
    assert "Download the microdata" not in client.get(f"/surveys/manage/{answered.id}/results").get_data(as_text=True)
    assert client.get("/surveys/manage/999999/filter").status_code == 404


def test_htmx_gets_only_the_results_fragment(exact, client, demo_users, answered):
    sign_in(client, roles.STAFF)
    page = client.get(f"/surveys/manage/{answered.id}/two-way?rows=carried&columns=age",
                      headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "data-two-way" in page and "<html" not in page and "<form" not in page


def test_htmx_gets_bad_input_as_the_whole_main_part(client, demo_users, answered):
    sign_in(client, roles.STAFF)
    response = client.get(f"/surveys/manage/{answered.id}/two-way?rows=age&columns=age", headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert response.headers["HX-Retarget"] == "#main" and response.headers["HX-Reselect"] == "#main"
    page = html.unescape(response.get_data(as_text=True))
    assert "There is a problem" in page and "Choose two different questions." in page and "<form" in page


# Differencing ---------------------------------------------------------------------------

def _figures(result_list) -> dict:
    return {(r.code, o.value): o.cell.count for r in result_list for o in r.options}


ATTACKED = ("age", "district", "gender", "safe", "worries")


def _attack_wave(app, make_wave, carriers: int, title: str = "Attack wave"):
    """300 people who never carried a knife and `carriers` who did (the people the attacker is after), every
    question answered. Returns the wave and the true counts of the carriers' answers."""
    import random

    wave = make_wave(title=title)
    rng = random.Random(5)

    def person(carried):
        return {"age": rng.choice(["young", "old"]), "district": rng.choice(["leicester", "rutland"]),
                "gender": rng.choice(["girl", "boy"]), "safe": rng.choice(["1", "2", "3", "4", "5"]),
                "worries": rng.choice([["knives"], ["gangs"], ["knives", "gangs"]]), "carried": carried}

    secret = [dict(person("yes"), why=["protection"]) for _ in range(carriers)]
    add_responses(app, wave, [person("no") for _ in range(300)] + secret)
    truth: dict = {}
    for answers in secret:
        for code in ATTACKED:
            for value in (answers[code] if isinstance(answers[code], list) else [answers[code]]):
                truth[(code, value)] = truth.get((code, value), 0) + 1
    return wave, truth


def _derive(wave) -> dict:
    """Every figure of the unfiltered results minus the same figure for the people who did not carry: what the
    attacker takes for the counts of those who did."""
    stored = db.session.get(SurveyWave, wave.id)
    everyone = _figures(results.overall(stored))
    others = analysis.filtered(stored, analysis.parse_filter(stored.definition, ["carried:no"]))
    assert others.shown
    rest = _figures(others.results)
    return {cell: everyone[cell] - rest[cell] for cell in everyone
            if cell[0] in ATTACKED and everyone[cell] is not None and rest[cell] is not None}


def test_a_filter_that_leaves_out_only_a_few_people_shows_nothing(app, make_wave, client, demo_users):
    wave, _ = _attack_wave(app, make_wave, carriers=3)
    sign_in(client, roles.STAFF)
    page = client.get(f"/surveys/manage/{wave.id}/filter?where=carried:no").get_data(as_text=True)
    assert "data-filter-close" in page and "data-table" not in page and "data-filter-size" not in page
    page = client.get(f"/surveys/manage/{wave.id}/two-way?rows=age&columns=gender&where=carried:no").get_data(as_text=True)
    assert "data-filter-close" in page and "data-two-way" not in page
    # and the three themselves are too few to show
    page = client.get(f"/surveys/manage/{wave.id}/filter?where=carried:yes").get_data(as_text=True)
    assert "data-filter-small" in page and "data-table" not in page


def test_without_the_guard_subtracting_would_give_away_the_few_left_out(app, make_wave, monkeypatch):
    """Why the guard: switched off, every cell none of the three is in has the same people with and without the
    filter, so the same figure, and the difference is exactly 0: the attacker learns what none of them
    answered. With the noise off as well, every count of theirs."""
    wave, truth = _attack_wave(app, make_wave, carriers=3)
    monkeypatch.setattr(analysis, "guard", lambda wave, release, where: (
        analysis._size(wave, release, where).publish(), False))
    with app.app_context():
        derived = _derive(wave)
        zeros = [cell for cell in derived if cell not in truth]
        assert zeros and all(derived[cell] == 0 for cell in zeros)
        app.config["DISCLOSURE_CELL_KEY"] = False
        app.extensions.pop("survey_results", None)
        assert all(value == truth.get(cell, 0) for cell, value in _derive(wave).items())


def test_subtracting_a_filtered_table_from_the_whole_gives_noise_not_people(app, make_wave):
    """20 people carried, enough for the guard: each of their counts the attacker derives is noise. Record keys
    are fresh from `secrets` in each of four waves."""
    hits = []
    for draw in range(4):
        wave, truth = _attack_wave(app, make_wave, carriers=20, title=f"Attack wave {draw}")
        with app.app_context():
            derived = _derive(wave)
            hits += [derived[cell] == count for cell, count in truth.items() if cell in derived]
            if draw == 0:  # the same attack with the noise off: every count exactly
                app.config["DISCLOSURE_CELL_KEY"] = False
                app.extensions.pop("survey_results", None)
                assert all(_derive(wave)[cell] == count for cell, count in truth.items())
                app.config["DISCLOSURE_CELL_KEY"] = True
    assert len(hits) >= 40
    assert sum(hits) / len(hits) < 0.35, f"{sum(hits)} of {len(hits)} derived counts were right"


def test_the_same_people_always_get_the_same_figures(app, make_wave):
    """Asking again, or with a filter that picks the same people, gives nothing new to average away."""
    wave, _ = _attack_wave(app, make_wave, carriers=20)
    with app.app_context():
        stored = db.session.get(SurveyWave, wave.id)
        plain = analysis.filtered(stored, analysis.parse_filter(stored.definition, ["carried:no"]))
        app.extensions.pop("survey_results", None)
        again = analysis.filtered(stored, analysis.parse_filter(stored.definition, ["carried:no"]))
        same_people = analysis.filtered(stored, analysis.parse_filter(
            stored.definition, ["carried:no", "age:young", "age:old", "age:prefer_not_to_say"]))
        assert plain.shown and same_people.shown
        assert _figures(plain.results) == _figures(again.results) == _figures(same_people.results)
        assert plain.group == same_people.group
        # and a two-way table's cells are the same figures as the filtered results' for the same people
        table = analysis.two_way(stored, "carried", "age")
        no = [value for value, _ in table.rows].index("no")
        young = [value for value, _ in table.columns].index("young")
        assert table.cells[no][young].count == _figures(plain.results)[("age", "young")]


def test_broader_filters_are_one_question_fewer_or_one_answer_more(app):
    with app.app_context():
        definition = small_definition()
        where = analysis.parse_filter(definition, ["carried:yes", "age:old"])
        assert {tuple(f.params()) for f in analysis.broader(definition, where)} == {
            ("carried:yes",), ("age:old",),
            ("age:young", "age:old", "carried:yes"), ("age:old", "age:prefer_not_to_say", "carried:yes"),
            ("age:old", "carried:yes", "carried:no"), ("age:old", "carried:yes", "carried:prefer_not_to_say"),
        }


# Grids and rankings (stored as agreed with the builder: "grid.statement" rows, and one row per ranked option) --

def _with_grid_and_ranking(definition: dict) -> dict:
    definition = dict(definition, pages=list(definition["pages"]))
    definition["pages"].append({"title": "Places", "questions": [
        {"code": "places", "type": "grid", "text": "How safe do you feel in these places?",
         "statements": [{"code": "park", "text": "In the park"}, {"code": "bus", "text": "On the bus"}],
         "scale": ["Unsafe", "Safe"]},
        {"code": "priorities", "type": "ranking", "text": "What should we do first?",
         "options": [{"value": "lights", "label": "Better lighting"}, {"value": "youth", "label": "Youth clubs"},
                     {"value": "police", "label": "More police"}]},
    ]})
    return definition


def _store(app, wave, people: list[dict]) -> None:
    """Responses written as the builder's answering pages store them (grid and ranking rows included)."""
    with app.app_context():
        for answers in people:
            response = SurveyResponse(wave_id=wave.id, submitted_on=clock.today(), district=answers.get("district"),
                                      age_band=answers.get("age"), gender=answers.get("gender"))
            db.session.add(response)
            db.session.flush()
            rows = []
            for code, value in answers.items():
                if code == "places":
                    rows += [{"question": f"places.{s}", "option": v} for s, v in value.items()]
                elif code == "priorities":
                    rows += [{"question": code, "option": v, "number": rank} for rank, v in enumerate(value, start=1)]
                elif code == "worries":
                    rows += [{"question": code, "option": v} for v in value] + [{"question": code, "number": len(value)}]
                elif code == "adults":
                    rows.append({"question": code, "number": value})
                elif code == "ideas":
                    rows.append({"question": code, "text": value})
                else:
                    rows.append({"question": code, "option": value})
            db.session.execute(sa.insert(SurveyAnswer), [
                {"option": None, "number": None, "text": None, **row, "wave_id": wave.id, "response_id": response.id}
                for row in rows])
        db.session.commit()


@pytest.fixture
def grid_wave(app, make_wave):
    with app.app_context():
        definition = _with_grid_and_ranking(small_definition())
    wave = make_wave(definition, title="Grid wave")
    _store(app, wave, many(15, age="young", district="leicester", gender="girl", carried="no",
                           places={"park": "2", "bus": "1"}, priorities=["youth", "lights", "police"],
                           ideas="=HYPERLINK(\"x\")", adults=3, worries=["gangs"]))
    _store(app, wave, many(12, age="old", district="rutland", gender="boy", carried="yes",
                           places={"park": "1", "bus": "1"}, priorities=["police", "youth", "lights"]))
    return wave


def test_grid_statements_are_results_filters_and_table_questions(exact, client, demo_users, grid_wave):
    sign_in(client, roles.STAFF)
    page = html.unescape(client.get(f"/surveys/manage/{grid_wave.id}/results").get_data(as_text=True))
    assert "How safe do you feel in these places?: In the park" in page
    assert _row(_table(page, "places.park"), "Safe")[:2] == ["15", "56%"]
    page = html.unescape(client.get(f"/surveys/manage/{grid_wave.id}/two-way?rows=places.park&columns=age")
                         .get_data(as_text=True))
    assert _cells(page, "Unsafe") == ["<10", "12 (100%)", "<10", "<10", "12"]
    assert _cells(page, "Safe") == ["15 (100%)", "<10", "<10", "<10", "15"]
    page = html.unescape(client.get(f"/surveys/manage/{grid_wave.id}/filter?where=places.bus:1&where=places.park:2")
                         .get_data(as_text=True))
    assert "15 people gave these answers" in page
    # a ranking: people who ranked each option and its average rank, here for the 15 only
    assert _row(_table(page, "priorities"), "Youth clubs") == ["15", "1.0"]
    assert _row(_table(page, "priorities"), "More police") == ["15", "3.0"]


def test_rankings_show_average_ranks_on_the_results_and_in_the_csv(exact, client, demo_users, grid_wave):
    sign_in(client, roles.STAFF)
    page = html.unescape(client.get(f"/surveys/manage/{grid_wave.id}/results").get_data(as_text=True))
    # 15 put youth clubs first, 12 second: (15 * 1 + 12 * 2) / 27
    assert _row(_table(page, "priorities"), "Youth clubs") == ["27", "1.4"]
    assert _row(_table(page, "priorities"), "Better lighting") == ["27", "2.4"]  # (15 * 2 + 12 * 3) / 27
    assert "people answered" not in re.search(r'id="q-priorities".*?</section>', page, re.S).group(0)
    broken_down = client.get(f"/surveys/manage/{grid_wave.id}/results?breakdown=age_band")
    assert broken_down.status_code == 200  # a ranking is not broken down; grid statements are
    assert 'id="q-priorities"' not in broken_down.get_data(as_text=True)
    assert 'id="q-places.park"' in broken_down.get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(client.get(f"/surveys/manage/{grid_wave.id}/export/results.csv")
                                           .get_data(as_text=True))))
    youth = [r for r in rows if r["question_code"] == "priorities" and r["answer_code"] == "youth"]
    assert youth == [dict(youth[0], count="27", percent="", base="", mean="1.4")]


# Comparison across waves by stable key ---------------------------------------------------

def test_comparing_waves_says_where_the_wording_changed(exact, app, client, demo_users, make_wave):
    with app.app_context():
        before = small_definition()
        after = small_definition()
    after["pages"][1]["questions"][0]["text"] = "How safe do you feel outside after dark?"
    after["pages"][2]["questions"][0]["options"][0]["label"] = "Yes, at least once"
    first = make_wave(before, title="Spring", opens_in=-60)
    second = make_wave(after, title="Autumn")
    for wave in (first, second):
        add_responses(app, wave, many(25, age="young", safe="4", carried="no"))
    sign_in(client, roles.STAFF)
    page = html.unescape(client.get(f"/surveys/manage/{second.id}/results?compare={first.id}").get_data(as_text=True))
    assert 'data-wording-changed="safe"' in page
    assert "It then read: “How safe do you feel after dark?”" in page
    assert "The answer “Yes, at least once” then read “Yes”" in page
    assert 'data-wording-changed="age"' not in page
    with app.app_context():
        changes = codebook.wording_changes(db.session.get(SurveyWave, second.id), db.session.get(SurveyWave, first.id))
    assert set(changes) == {"safe", "carried"}


# Codebook -------------------------------------------------------------------------------

def test_the_codebook_lists_keys_wording_per_wave_codes_and_labels(app, client, demo_users, make_wave):
    with app.app_context():
        before = small_definition()
        after = _with_grid_and_ranking(small_definition())
    after["pages"][1]["questions"][0]["text"] = "How safe do you feel outside after dark?"
    first = make_wave(before, title="Spring", opens_in=-60)
    second = make_wave(after, title="Autumn")
    sign_in(client, roles.STAFF)
    page = html.unescape(client.get(f"/surveys/manage/{second.id}/codebook").get_data(as_text=True))
    assert "Wording in Spring" in page and "Wording in Autumn" in page and "places.park" in page
    response = client.get(f"/surveys/manage/{first.id}/codebook.csv")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    safe = {(r["question_text"], r["option_value"]): r for r in rows if r["question_key"] == "safe"}
    assert safe[("How safe do you feel after dark?", "1")]["waves"] == "Spring"
    assert safe[("How safe do you feel outside after dark?", "5")]["option_label"] == "Very safe"
    assert safe[("How safe do you feel outside after dark?", "5")]["option_code"] == "5"
    carried = {r["option_value"]: r["option_code"] for r in rows if r["question_key"] == "carried"}
    assert carried == {"yes": "1", "no": "2", "prefer_not_to_say": "3"}
    park = [r for r in rows if r["question_key"] == "places.park"]
    assert park and park[0]["waves"] == "Autumn" and park[0]["type"] == "grid" and park[0]["variable"] == "places_park"
    gangs = [r for r in rows if r["question_key"] == "worries" and r["option_value"] == "gangs"]
    assert gangs[0]["variable"] == "worries_gangs" and gangs[0]["option_code"] == ""  # a 0/1 column of its own
    assert {r["variable"] for r in rows if r["question_key"] == "ideas"} == {"ideas"}
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(
            AuditEvent.action == "survey_wave.export_codebook", AuditEvent.subject_id == first.id)) == 1


# Microdata ----------------------------------------------------------------------------------

def _download(client, wave, **data):
    page = f"/surveys/manage/{wave.id}/microdata"
    return post(client, page, data, token_from=page)


def _read(tmp_path, response, extension):
    path = tmp_path / f"file.{extension}"
    path.write_bytes(response.get_data())
    return (pyreadstat.read_sav if extension == "sav" else pyreadstat.read_dta)(str(path))


@pytest.mark.parametrize("extension", ["sav", "dta"])
def test_spss_and_stata_files_open_with_their_value_labels(app, client, demo_users, grid_wave, tmp_path, extension):
    sign_in(client, roles.ADMIN)
    response = _download(client, grid_wave, file_format=extension)
    assert response.status_code == 200
    assert f'filename="{grid_wave.slug}-microdata.{extension}"' in response.headers["Content-Disposition"]
    frame, meta = _read(tmp_path, response, extension)
    assert len(frame) == 27
    labels = {name: {int(k): v for k, v in value.items()} for name, value in meta.variable_value_labels.items()}
    assert labels["carried"] == {1: "Yes", 2: "No", 3: "I'd rather not say"}
    assert labels["safe"] == {1: "Very unsafe", 2: "Unsafe", 3: "Neither", 4: "Safe", 5: "Very safe"}
    assert labels["places_park"] == {1: "Unsafe", 2: "Safe"}
    assert labels["worries_gangs"] == {0: "Not chosen", 1: "Chosen"}
    assert labels["district"][microdata.NOT_SHOWN_CODE] == microdata.NOT_SHOWN_LABEL
    assert meta.column_names_to_labels["places_park"] == "How safe do you feel in these places?: In the park"
    assert sorted(frame["carried"].tolist()) == [1] * 12 + [2] * 15
    assert sorted(frame["priorities_police"].tolist()) == [1] * 12 + [3] * 15  # ranks, 1 = top
    young = frame[frame["age"] == 1]
    assert set(young["worries_gangs"]) == {1} and frame[frame["age"] == 2]["worries_gangs"].isna().all()
    assert set(frame["district_ons_code"]) == {"E06000016", "E06000017"}
    # nothing finer than the wave, no free text and no setting code unless chosen
    assert set(frame.columns) & {"submitted_on", "ideas", "setting_code", "id"} == set()
    assert set(frame["wave"]) == {grid_wave.slug}
    with app.app_context():
        event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "survey_wave.export_microdata")).one()
    assert event.after == {"format": extension, "free_text": False, "setting_code": False}


def test_free_text_and_setting_code_only_when_the_admin_chooses(app, client, demo_users, grid_wave):
    sign_in(client, roles.ADMIN)
    rows = list(csv.DictReader(io.StringIO(_download(client, grid_wave, file_format="csv").get_data(as_text=True))))
    assert "ideas" not in rows[0] and "setting_code" not in rows[0] and "submitted_on" not in rows[0]
    response = _download(client, grid_wave, file_format="csv", free_text="y", setting_code="y")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert "setting_code" in rows[0]
    assert sorted(r["ideas"] for r in rows)[-1] == "'=HYPERLINK(\"x\")"  # never run as a formula
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(
            AuditEvent.action == "survey_wave.export_microdata")) == 2


@pytest.mark.parametrize("data, message", [({}, "Choose a file format"), ({"file_format": "xlsx"}, "Not a valid choice")])
def test_a_bad_microdata_request_says_what_is_wrong(app, client, demo_users, grid_wave, data, message):
    sign_in(client, roles.ADMIN)
    response = _download(client, grid_wave, **data)
    assert response.status_code == 422
    assert message in html.unescape(response.get_data(as_text=True))
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(
            AuditEvent.action == "survey_wave.export_microdata")) == 0


def test_rare_combinations_are_coarsened_before_export(app, make_wave):
    with app.app_context():
        definition = small_definition()
    district = definition["pages"][0]["questions"][1]
    district["options"][2:2] = [{"value": key, "label": key.title()} for key in ("blaby", "charnwood", "melton")]
    wave = make_wave(definition)
    everyone = (many(12, age="young", district="leicester", gender="girl")
                + many(10, age="young", district="blaby", gender="boy")
                + many(4, age="young", district="charnwood", gender="boy")  # rare: -> Leicestershire, joins none
                + many(8, age="young", district="melton", gender="boy")  # rare: -> Leicestershire: 12 together
                + many(2, age="old", district="rutland", gender="girl")  # rare everywhere: all three hidden
                + many(1, age="old", district="leicester", gender="prefer_not_to_say"))
    add_responses(app, wave, everyone)
    with app.app_context():
        columns, rows = microdata.table(db.session.get(SurveyWave, wave.id))
    names = [c.name for c in columns]
    combos = {}
    for row in rows:
        combo = (row[names.index("age")], row[names.index("district")], row[names.index("gender")])
        combos[combo] = combos.get(combo, 0) + 1
    age, district, gender = (dict((c.name, c) for c in columns)[n].codes for n in ("age", "district", "gender"))
    hidden, shire = microdata.NOT_SHOWN_CODE, microdata.AREA_CODES["Leicestershire"]
    assert combos == {
        (age["young"], district["leicester"], gender["girl"]): 12,
        (age["young"], district["blaby"], gender["boy"]): 10,
        (age["young"], shire, gender["boy"]): 12,
        (hidden, hidden, hidden): 3,
    }
    assert {row[names.index("district_ons_code")] for row in rows if row[names.index("district")] in (shire, hidden)} == {""}


def test_coarsening_keeps_common_rows_and_counts_within_the_setting(app):
    people = many(10, age="a", district="blaby", gender="g", _setting="S1") + many(3, age="a", district="blaby",
                                                                                      gender="g", _setting="S2")
    keys = {"district": "district", "age_band": "age", "gender": "gender"}
    assert microdata.coarsen([dict(p) for p in people], keys, 10) == 0  # without the setting: 13 alike
    changed = [dict(p) for p in people]
    assert microdata.coarsen(changed, keys, 10, fixed="_setting") == 12  # the 3 in S2, at each of the 4 steps
    assert [p for p in changed if p["_setting"] == "S1"] == many(10, age="a", district="blaby", gender="g", _setting="S1")
    assert {(p["district"], p["gender"], p["age"]) for p in changed if p["_setting"] == "S2"} == {
        (microdata.NOT_SHOWN,) * 3}
