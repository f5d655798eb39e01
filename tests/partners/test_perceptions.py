"""Survey perception figures beside the recorded figures: the latest closed wave of the young people's survey by the
end of the period shown, by district, from the survey's published results (its current release), each figure against
plain SQL over the answers that release includes, published through livesafe.disclosure; small districts suppressed;
the page and exports saying what each figure is and its wave."""
import csv
import io
from html import unescape
from datetime import date

import pytest

from livesafe import disclosure, places
from livesafe.auth import roles
from livesafe.auth.demo import account
from livesafe.extensions import db
from livesafe.kernel import apply
from livesafe.partners import figures, perceptions
from livesafe.partners.figures import Filters
from livesafe.surveys import definitions as defs
from livesafe.surveys import demo as survey_demo
from livesafe.surveys import logic as survey_logic
from livesafe.surveys import results
from livesafe.surveys.models import SurveyWave
from tests.helpers import sign_in
from tests.partners.conftest import YEAR, upload
from tests.partners.test_figures import plain

END = date(YEAR, 12, 31)


def make_wave(title, opens_on, closes_on, count, seed, close=True):
    """A wave of the real young people's survey with generated answers, closed (committed)."""
    staff = account(roles.STAFF)
    definition = defs.available()[perceptions.SURVEY]
    wave = survey_logic.create_wave(definition, title, opens_on, closes_on, staff)
    apply(survey_logic.WAVES, wave, "open", staff)
    survey_demo.bulk_insert(wave, survey_demo.generate(definition, count, seed=seed), opens_on, 30, seed=seed)
    if close:
        apply(survey_logic.WAVES, wave, "close", staff)
    db.session.commit()
    return wave


@pytest.fixture
def surveyed(partner_org):
    upload("police", per_year=800)
    earlier = make_wave(f"Young people's safety survey {YEAR - 1}", date(YEAR - 1, 2, 1), date(YEAR - 1, 3, 31), 200, 5)
    wave = make_wave(f"Young people's safety survey {YEAR}", date(YEAR, 2, 1), date(YEAR, 3, 31), 600, 6)
    make_wave(f"Young people's safety survey {YEAR + 1}", date(YEAR + 1, 2, 1), date(YEAR + 1, 3, 31), 50, 7)  # after
    make_wave("Still open", date(YEAR, 5, 1), date(YEAR, 6, 30), 40, 8, close=False)
    return earlier, wave


def _sql(wave, question, answers):
    """{district: (count, key sum)} of the release's responses giving one of `answers` (all answers if None)."""
    upto = results.release_of(wave).last_response_id
    chosen = "" if answers is None else " AND a.option IN (" + ", ".join(f"'{a}'" for a in answers) + ")"
    return plain("SELECT r.district, count(*), sum(r.record_key) FROM survey_answers a JOIN survey_responses r "
                 "ON r.id = a.response_id WHERE a.wave_id = :w AND NOT r.is_test AND a.response_id <= :upto "
                 f"AND a.question = :q{chosen} GROUP BY r.district", w=wave.id, upto=upto, q=question)


def _pub(cells, key):
    n, keys = cells.get((key,), (0, 0))
    return disclosure.publish(n, keys or 0)


def test_the_latest_closed_wave_by_the_end_of_the_period_is_used(surveyed):
    earlier, wave = surveyed
    assert perceptions.latest_wave(END) == (wave, results.release_of(wave))
    assert perceptions.latest_wave(date(YEAR - 1, 12, 31))[0] == earlier
    assert perceptions.latest_wave(date(YEAR - 1, 3, 30)) is None
    assert perceptions.beside(date(YEAR - 1, 3, 30)) is None


def test_every_figure_matches_plain_sql_through_the_disclosure_engine(surveyed):
    _, wave = surveyed
    survey = perceptions.beside(END)
    assert [s.measure.key for s in survey.measures] == [m.key for m in perceptions.MEASURES]
    assert (survey.opens_on, survey.closes_on, survey.wave_title) == (wave.opens_on, wave.closes_on, wave.title)
    upto = results.release_of(wave).last_response_id
    people = plain("SELECT district, count(*), sum(record_key) FROM survey_responses WHERE wave_id = :w "
                   "AND NOT is_test AND id <= :upto GROUP BY district", w=wave.id, upto=upto)
    breakdown = {c.question["code"]: c for c in results.breakdown(wave, "district")}
    for shown, column in zip(survey.measures, range(len(survey.measures))):
        measure = shown.measure
        counted, answered = _sql(wave, measure.question, measure.answers), _sql(wave, measure.question, None)
        for row in survey.districts:
            cell = row.cells[column]
            assert cell.published == _pub(counted, row.key), (measure.key, row.key)
            assert cell.base == _pub(answered, row.key)
            expected = _pub(counted, row.key), _pub(answered, row.key)
            if expected[0].shown and expected[1].shown:
                assert cell.percent == 100 * min(expected[0].count, expected[1].count) / expected[1].count
            else:
                assert cell.percent is None
            if len(measure.answers) == 1:  # the survey's own published cell, not a count of our own
                cross = breakdown[measure.question]
                index = [k for k, _ in cross.groups].index(row.key)
                assert cell == next(r[2][index] for r in cross.rows if r[0] == measure.answers[0])
    assert [r.responses for r in survey.districts] == [_pub(people, d.key) for d in places.DISTRICTS]


def test_small_districts_are_suppressed_and_show_no_percentage(client, surveyed):
    survey = perceptions.beside(END)
    small = [(row, i) for row in survey.districts for i, cell in enumerate(row.cells) if not cell.shown]
    assert small, "the generated survey has districts too small to show"
    sign_in(client, "partner")
    html = client.get(f"/partners?period={YEAR}").get_data(as_text=True)
    for row, i in small:
        key = survey.measures[i].measure.key
        assert f'data-figure="survey-{key}-{row.key}">&lt;10<' in html
    shown = next((row, i) for row in survey.districts for i, cell in enumerate(row.cells) if cell.has_percent)
    row, i = shown
    assert f'data-figure="survey-{survey.measures[i].measure.key}-{row.key}">{round(row.cells[i].percent)}%<' in html


def test_the_page_says_what_each_figure_is_and_its_wave(client, surveyed):
    _, wave = surveyed
    sign_in(client, "staff")
    html = unescape(client.get(f"/partners?period={YEAR}&district=leicester").get_data(as_text=True))
    assert f"{wave.title}: answers given from 1 February {YEAR} to 31 March {YEAR}" in html
    assert "Feel safe in their area after dark: the share of those in the district who answered" in html
    assert "“Safe” or “Very safe”" in html and "not recorded incidents" in html
    leicester = next(d for d in figures.dashboard(Filters("police", str(YEAR), "leicester")).districts if d.key == "leicester")
    assert f'<tr class="partner-chosen"><th scope="row">Leicester</th><td>{leicester.young.label}</td>' in html
    # Before any wave closed: the page says there are no survey figures for the period.
    upload("police", date(YEAR - 2, 1, 1), date(YEAR - 2, 12, 1), per_year=100)
    assert "no survey figures to show" in client.get(f"/partners?period={YEAR - 2}").get_data(as_text=True)


def test_exports_carry_the_survey_figures_and_their_wave(client, surveyed):
    _, wave = surveyed
    survey = perceptions.beside(END)
    sign_in(client, "partner")
    text = client.get(f"/partners/export.csv?period={YEAR}").get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert ["#", "Survey figures", survey.description] in rows
    start = rows.index(["Survey beside recorded"])
    assert rows[start + 1][:5] == ["District", "Recorded, aged 10 to 24", "Rate per 1,000 young people", "Survey responses",
                                   "Feel safe in their area during the day (%)"]
    for line, row in zip(rows[start + 2:start + 11], survey.districts):
        cell = row.cells[0]
        assert line[0] == row.name and line[3] == row.responses.label
        assert line[4:7] == ["" if cell.percent is None else str(round(cell.percent)), cell.text, cell.base.label]
    assert client.get(f"/partners/export.xlsx?period={YEAR}").status_code == 200


@pytest.mark.parametrize("role", (None, roles.APPLICANT, roles.ASSESSOR, roles.PARTNER, roles.ADMIN))
def test_the_survey_figures_are_for_partners_and_staff_only(client, surveyed, role):
    if role:
        sign_in(client, role)
    response = client.get(f"/partners?period={YEAR}")
    if role in (roles.PARTNER, roles.ADMIN):
        assert response.status_code == 200 and b'data-table="survey"' in response.data
    else:
        assert response.status_code in (302, 403) and b'data-table="survey"' not in response.data


def test_a_wave_without_the_questions_shows_none_of_them(surveyed):
    _, wave = surveyed
    definition = dict(wave.definition, pages=[p for p in wave.definition["pages"] if p["title"] != "Knives"])
    db.session.execute(SurveyWave.__table__.update().where(SurveyWave.id == wave.id).values(definition=definition))
    db.session.commit()
    db.session.expire_all()
    current = db.session.get(SurveyWave, wave.id)
    assert "know_carrier" not in {q["code"] for q in defs.questions(current.definition)}
    survey = perceptions._compute(current, results.release_of(current))
    assert "know_carrier" not in [s.measure.key for s in survey.measures] and len(survey.measures) == 3
