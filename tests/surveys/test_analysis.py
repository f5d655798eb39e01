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
