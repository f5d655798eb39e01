"""Analysis for staff: results filtered by answers and two-way tables (through the disclosure engine, tested
against a differencing attacker), comparison across waves saying where wording changed, the codebook, and
the admins' microdata exports (CSV, SPSS, Stata; opened with pyreadstat) with rare combinations coarsened."""
import csv
import html
import io
import re
import secrets
from datetime import timedelta

import pyreadstat
import pytest
import sqlalchemy as sa

from livesafe import clock
from livesafe.audit.models import AuditEvent
from livesafe.auth import roles
from livesafe.extensions import db
from livesafe.surveys import analysis, codebook, logic, microdata, results
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
    """40 people: 24 young in Leicester who never carried a knife, 12 old in Rutland who did, 4 young in
    Rutland who would rather not say; plus a staff test response (never counted)."""
    add_responses(app, wave, many(24, age="young", district="leicester", gender="girl", safe="4",
                                  worries=["knives", "gangs"], carried="no", adults=2))
    add_responses(app, wave, many(12, age="old", district="rutland", gender="boy", safe="1", worries=["knives"],
                                  carried="yes", why=["protection"], adults=5))
    add_responses(app, wave, many(4, age="young", district="rutland", gender="boy", carried="prefer_not_to_say"))
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
    # young AND (no or prefer not to say): 24 + 4 = 28
    page = client.get(f"/surveys/manage/{answered.id}/filter?where=age:young&where=carried:no"
                      "&where=carried:prefer_not_to_say").get_data(as_text=True)
    assert "28 people gave these answers" in page
    assert _row(_table(page, "district"), "Leicester")[:2] == ["24", "86%"]
    # old AND no: nobody, so nothing is shown at all
    page = client.get(f"/surveys/manage/{answered.id}/filter?where=age:old&where=carried:no").get_data(as_text=True)
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
    assert _cells(page, "No") == ["24 (100%)", "<10", "<10", "<10", "24"]
    assert _cells(page, "Yes") == ["<10", "12 (100%)", "<10", "<10", "12"]
    assert _cells(page, "Everyone") == ["28", "12", "<10", "<10", "40"]
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


# Differencing ---------------------------------------------------------------------------

def _figures(result_list) -> dict:
    return {(r.code, o.value): o.cell.count for r in result_list for o in r.options}


def _attack_wave(app, make_wave):
    """300 people; 3 of them (the ones the attacker is after) carried a knife."""
    import random

    wave = make_wave(title="Attack wave")
    rng = random.Random(5)
    people = []
    for _ in range(300):
        people.append({"age": rng.choice(["young", "old"]), "district": rng.choice(["leicester", "rutland"]),
                       "gender": rng.choice(["girl", "boy"]), "safe": rng.choice(["2", "3", "4"]),
                       "worries": rng.choice([["knives"], ["gangs"], ["knives", "gangs"]]), "carried": "no"})
    secret = [{"age": "old", "district": "rutland", "gender": "girl", "safe": "2", "worries": ["knives"],
               "carried": "yes", "why": ["protection"]} for _ in range(3)]
    add_responses(app, wave, people + secret)
    truth = {}
    for code in ("age", "district", "gender", "safe", "worries"):
        for person in secret:
            for value in (person[code] if isinstance(person[code], list) else [person[code]]):
                truth[(code, value)] = truth.get((code, value), 0) + 1
    return wave, truth


def _derive(wave) -> dict:
    """Every figure of the unfiltered results minus the same figure for the people who did not carry: what the
    attacker takes for the counts of the three who did."""
    stored = db.session.get(SurveyWave, wave.id)
    everyone = _figures(results.overall(stored))
    others = analysis.filtered(stored, analysis.parse_filter(stored.definition, ["carried:no"]))
    assert others.shown
    rest = _figures(others.results)
    return {cell: everyone[cell] - rest[cell] for cell in everyone
            if cell[0] in ("age", "district", "gender", "safe", "worries")
            and everyone[cell] is not None and rest[cell] is not None}


def test_subtracting_a_filtered_table_from_the_whole_gives_noise_not_people(app, make_wave):
    wave, truth = _attack_wave(app, make_wave)
    with app.app_context():
        app.config["DISCLOSURE_CELL_KEY"] = False
        derived = _derive(wave)
        assert derived and all(value == truth.get(cell, 0) for cell, value in derived.items())  # the attack works
        app.extensions.pop("survey_results", None)
        app.config["DISCLOSURE_CELL_KEY"] = True
        hits = []
        for draw in range(4):  # fresh record keys each time: the promise holds whatever the keys
            if draw:
                for response in db.session.scalars(sa.select(SurveyResponse).where(SurveyResponse.wave_id == wave.id)):
                    response.record_key = secrets.randbelow(256)
                db.session.flush()
                app.extensions.pop("survey_results", None)
            derived = _derive(wave)
            hits += [value == truth.get(cell, 0) for cell, value in derived.items()]
        assert len(hits) >= 40
        assert sum(hits) / len(hits) < 0.35, f"{sum(hits)} of {len(hits)} derived counts were right"


def test_the_same_people_always_get_the_same_figures(app, make_wave):
    """Asking again, or with a filter that picks the same people, gives nothing new to average away."""
    wave, _ = _attack_wave(app, make_wave)
    with app.app_context():
        stored = db.session.get(SurveyWave, wave.id)
        plain = analysis.filtered(stored, analysis.parse_filter(stored.definition, ["carried:no"]))
        app.extensions.pop("survey_results", None)
        again = analysis.filtered(stored, analysis.parse_filter(stored.definition, ["carried:no"]))
        same_people = analysis.filtered(stored, analysis.parse_filter(
            stored.definition, ["carried:no", "age:young", "age:old", "age:prefer_not_to_say"]))
        assert _figures(plain.results) == _figures(again.results) == _figures(same_people.results)
        assert plain.group == same_people.group
        # and a two-way table's cells are the same figures as the filtered results' for the same people
        table = analysis.two_way(stored, "carried", "age")
        no = [value for value, _ in table.rows].index("no")
        young = [value for value, _ in table.columns].index("young")
        assert table.cells[no][young].count == _figures(plain.results)[("age", "young")]


def test_a_filter_that_isolates_a_few_people_shows_nothing(app, make_wave, client, demo_users):
    wave, _ = _attack_wave(app, make_wave)
    sign_in(client, roles.STAFF)
    page = client.get(f"/surveys/manage/{wave.id}/filter?where=carried:yes").get_data(as_text=True)
    assert "data-filter-small" in page and "data-table" not in page
    page = client.get(f"/surveys/manage/{wave.id}/two-way?rows=age&columns=gender&where=carried:yes").get_data(as_text=True)
    assert "data-filter-small" in page and "data-two-way" not in page
