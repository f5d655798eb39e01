"""Results staff can trust: figures against hand-worked values (with the cell key noise switched off, so
the arithmetic can be checked), the published figures on every page and export, breakdowns, comparison
with an earlier wave, free text, the exports and deleting junk responses. The attacks are in test_attack.py."""
import csv
import html
import io
import re

import pytest
import sqlalchemy as sa

from livesafe import clock
from livesafe import disclosure
from livesafe.audit.models import AuditEvent
from livesafe.auth import roles
from livesafe.extensions import db
from livesafe.surveys import logic, results
from livesafe.surveys.models import SurveySetting, SurveyWave
from tests.helpers import sign_in
from tests.surveys.conftest import add_responses, many


def _table(page: str, code: str) -> str:
    match = re.search(rf'<table class="table" data-table="{code}">(.*?)</table>', page, re.S)
    assert match, code
    return match.group(1)


def _row(table: str, label: str) -> list[str]:
    match = re.search(rf'<th scope="row">{re.escape(label)}</th>(.*?)</tr>', table, re.S)
    assert match, label
    return [html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.S)]


@pytest.fixture
def exact(app):
    """Noise off: these tests check the arithmetic against hand-worked true counts."""
    app.config["DISCLOSURE_CELL_KEY"] = False
    return app


@pytest.fixture
def answered(app, wave):
    """30 people: 20 young, 8 old, 2 who would rather not say; plus a staff test response."""
    add_responses(app, wave, many(20, age="young", district="leicester", safe="4", worries=["knives", "gangs"],
                                  adults=2, ideas="More lights"))
    add_responses(app, wave, many(8, age="old", district="rutland", safe="1", worries=["knives"], adults=5))
    add_responses(app, wave, many(2, age="prefer_not_to_say", district="leicester", worries=["none"]))
    add_responses(app, wave, [{"age": "old"}], test=True)
    return wave


def test_results_show_counts_percentages_and_wilson_intervals(exact, client, demo_users, answered):
    sign_in(client, roles.STAFF)
    page = client.get(f"/surveys/manage/{answered.id}/results").get_data(as_text=True)
    age = _table(page, "age")
    # 20 of 30: Wilson 95% interval by hand: centre (0.6667 + 1.9208/30) / 1.1280 = 0.6478,
    # half-width 1.96 * sqrt(0.6667 * 0.3333 / 30 + 3.8415 / 3600) / 1.1280 = 0.1600 -> 48.8% to 80.8%.
    assert _row(age, "Young") == ["20", "67%", "49% to 81%"]
    assert _row(age, "Old") == ["<10", "–", "–"]  # 8: small, hidden; the test response is not counted
    assert _row(age, "I&#39;d rather not say") == ["<10", "–", "–"]
    worries = _table(page, "worries")  # multiple choice: percentages of the 30 who answered
    assert _row(worries, "Knives") == ["28", "93%", "79% to 98%"]
    assert _row(worries, "Gangs") == ["20", "67%", "49% to 81%"]
    assert "30 people answered" in page


def test_the_chart_shows_the_same_figures_as_its_table(exact, client, demo_users, answered):
    sign_in(client, roles.STAFF)
    page = client.get(f"/surveys/manage/{answered.id}/results").get_data(as_text=True)
    chart = re.search(r'<svg class="survey-chart"[^>]*data-chart="age"[^>]*>(.*?)</svg>', page, re.S)
    assert chart and 'role="img"' in page and 'aria-labelledby="chart-age-title chart-age-desc"' in page
    in_chart = dict(re.findall(r'data-percent="([^"]+)">([^<]+)</text>', chart.group(1)))
    in_table = dict(re.findall(r'<td class="num" data-percent="([^"]+)">([^<]+)</td>', _table(page, "age")))
    assert in_chart["young"] == in_table["young"] == "67%"
    assert in_chart["old"].startswith("&lt;10") and in_table["old"] == "–"
    assert "style=" not in chart.group(0)


def test_the_average_of_a_number_question_is_shown(exact, ctx, answered):
    adults = {r.code: r for r in results.overall(answered)}["adults"]
    assert adults.base.count == 28 and adults.mean == pytest.approx((20 * 2 + 8 * 5) / 28)


def test_test_responses_never_count(exact, ctx, answered):
    assert logic.response_count(answered.id) == 30
    age = {r.code: r for r in results.overall(answered)}["age"]
    assert {o.value: o.cell.text for o in age.options} == {"young": "20", "old": "<10", "prefer_not_to_say": "<10"}


def test_a_breakdown_by_setting_code(app, client, demo_users, wave):
    with app.app_context():
        db.session.add(SurveySetting(code="RIVER1", name="Riverside Academy"))
        db.session.commit()
    add_responses(app, wave, many(20, age="young"), setting="RIVER1")
    add_responses(app, wave, many(12, age="young") + many(3, age="old"))
    sign_in(client, roles.STAFF)
    page = client.get(f"/surveys/manage/{wave.id}/results?breakdown=setting").get_data(as_text=True)
    assert "Riverside Academy (RIVER1)" in page and "No setting code" in page
    wave_page = client.get(f"/surveys/manage/{wave.id}").get_data(as_text=True)
    shown = re.search(r"Riverside Academy \(RIVER1\)</th><td class=\"num\">(\d+)</td>", wave_page)
    with app.app_context():
        noise = disclosure.describe()["largest_noise"]
    assert shown and abs(int(shown.group(1)) - 20) <= noise  # 20, give or take the published noise


def test_an_unknown_breakdown_or_comparison_is_refused(client, demo_users, wave):
    sign_in(client, roles.STAFF)
    for query in ("breakdown=religion", "compare=99999"):
        response = client.get(f"/surveys/manage/{wave.id}/results?{query}")
        assert response.status_code == 422 and "Not a valid choice" in response.get_data(as_text=True)


def test_htmx_gets_only_the_results_fragment(client, demo_users, answered):
    sign_in(client, roles.STAFF)
    response = client.get(f"/surveys/manage/{answered.id}/results?breakdown=gender", headers={"HX-Request": "true"})
    text = response.get_data(as_text=True)
    assert "<html" not in text and "Broken down by gender" in text
    assert "HX-Request" in response.headers["Vary"]


def test_comparison_with_an_earlier_wave(exact, app, client, demo_users, make_wave, answered):
    earlier = make_wave(title="Earlier wave", status=logic.CLOSED, opens_in=-400, closes_in=-300)
    add_responses(app, earlier, many(10, age="young") + many(20, age="old") + many(10, age="prefer_not_to_say"))
    sign_in(client, roles.STAFF)
    page = client.get(f"/surveys/manage/{answered.id}/results?compare={earlier.id}").get_data(as_text=True)
    # 20/30 now against 10/40 before: +41.7 points; z = 3.49, p = 0.0005 (hand-worked, pooled p = 30/70).
    young = _row(_table(page, "age"), "Young")
    assert young[3] == "25%" and young[4] == "+41.7 points" and young[5] == "Yes p < 0.001"
    assert "small sample" not in young[5]  # 30 and 40 answered: enough for the test
    old = _row(_table(page, "age"), "Old")
    assert old[3] == "50%" and old[4] == "–" and "cannot test" in old[5]  # "<10" now: no change shown


def test_only_earlier_waves_of_the_same_survey_are_offered(client, demo_users, make_wave, wave, ctx):
    from livesafe.surveys import definitions as defs

    later = make_wave(title="Later", opens_in=10)
    other = make_wave(defs.available()["community"], title="Community", opens_in=-400)
    sign_in(client, roles.STAFF)
    page = client.get(f"/surveys/manage/{wave.id}/results").get_data(as_text=True)
    assert "Later" not in page and "Community" not in page
    assert client.get(f"/surveys/manage/{wave.id}/results?compare={other.id}").status_code == 422
    assert client.get(f"/surveys/manage/{later.id}/results?compare={wave.id}").status_code == 200


def test_free_text_is_escaped_and_words_suggesting_harm_are_highlighted(app, client, demo_users, wave):
    add_responses(app, wave, [{"ideas": "Someone threatened to stab me <script>alert(1)</script>"},
                              {"ideas": "Better buses"}])
    sign_in(client, roles.STAFF)
    page = client.get(f"/surveys/manage/{wave.id}/free-text").get_data(as_text=True)
    assert "<mark>threatened</mark>" in page and "<mark>stab</mark>" in page
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Better buses" in page
    assert "You cannot:" in page and "contact or follow up the person" in page
    flagged = client.get(f"/surveys/manage/{wave.id}/free-text?flagged=1").get_data(as_text=True)
    assert "Better buses" not in flagged and "<mark>stab</mark>" in flagged


def test_highlighting_matches_whole_words_and_stems():
    pattern = results.term_pattern(["stab*", "die", "self harm*"])
    assert [p for p, hit in results.highlight("He got stabbed; the diet; self-harming", pattern) if hit] == [
        "stabbed", "self-harming"]
    assert results.highlight("I could die", pattern) == [("I could ", False), ("die", True)]


def _csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_the_raw_export_has_answers_but_no_ids_and_is_audited(app, client, demo_users, wave):
    add_responses(app, wave, [{"age": "young", "worries": ["knives", "gangs"], "adults": 3, "ideas": "=HYPERLINK(1)"}])
    add_responses(app, wave, [{"age": "old"}], test=True)
    sign_in(client, roles.ADMIN)
    rows = _csv(client.get(f"/surveys/manage/{wave.id}/export/responses.csv"))
    assert len(rows) == 1
    row = rows[0]
    assert "id" not in row and "response_id" not in row
    assert (row["age"], row["worries"], row["adults"], row["why"]) == ("young", "knives;gangs", "3", "")
    assert row["ideas"] == "'=HYPERLINK(1)"  # a spreadsheet will not run it
    assert row["submitted_on"] == clock.today().isoformat()
    with app.app_context():
        assert db.session.scalar(sa.select(AuditEvent.action).where(
            AuditEvent.action == "survey_wave.export_responses")) is not None


def test_results_page_figures_equal_a_plain_group_by(exact, ctx, answered):
    """The figures on the page come from the same SQL as a hand-written GROUP BY."""
    rows = db.session.execute(sa.text(
        "SELECT a.question, a.option, count(*) FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id "
        "WHERE r.wave_id = :w AND NOT r.is_test AND a.option IS NOT NULL GROUP BY a.question, a.option"),
        {"w": answered.id}).all()
    plain = {(q, o): n for q, o, n in rows}
    shown = {(r.code, o.value): o.cell.count for r in results.overall(db.session.get(SurveyWave, answered.id))
             for o in r.options if o.cell.count}
    assert shown == {key: n for key, n in plain.items() if n >= 10}


def test_the_raw_export_does_not_keep_the_order_people_answered_in(app, client, demo_users, wave):
    add_responses(app, wave, [{"age": "young"}, {"age": "old"}, {"age": "prefer_not_to_say"}])
    sign_in(client, roles.ADMIN)
    rows = _csv(client.get(f"/surveys/manage/{wave.id}/export/responses.csv"))
    assert [r["age"] for r in rows] == ["old", "prefer_not_to_say", "young"]


def test_the_breakdown_uses_the_same_published_figures_as_the_overall_results(client, demo_users, answered):
    sign_in(client, roles.STAFF)
    page = client.get(f"/surveys/manage/{answered.id}/results").get_data(as_text=True)
    young = _row(_table(page, "age"), "Young")[0]
    broken = client.get(f"/surveys/manage/{answered.id}/results?breakdown=district").get_data(as_text=True)
    assert "Broken down by district" in broken and "How these figures are protected" in broken
    # the method's parameters, as the p-table has them, in plain words
    assert "between &minus;6 and +6" in broken and "Only about 11% of figures are left as they are" in broken
    section = broken.split('id="q-age"', 1)[1].split("</table>", 1)[0]
    row = _row(section, "Young")
    assert row[-1] == young  # the same 20 people: the same published figure everywhere
    assert len(row) == 5 and all(cell == "<10" or cell.split()[0].isdigit() for cell in row)
    # Every group is listed, the empty ones too, so "<10" never gives away a true zero.
    assert "I&#39;d rather not say</th>" in section and "Not answered</th>" in section


def test_every_figure_moves_by_at_most_the_documented_noise(client, demo_users, app, wave):
    add_responses(app, wave, many(60, age="young", safe="4") + many(40, age="old", safe="2"))
    sign_in(client, roles.STAFF)
    rows = _csv(client.get(f"/surveys/manage/{wave.id}/export/results.csv"))
    overall = {r["answer_code"]: r for r in rows if r["question_code"] == "age" and r["breakdown"] == "all"}
    with app.app_context():
        noise = disclosure.describe()["largest_noise"]  # what the results page tells staff
    assert abs(int(overall["young"]["count"]) - 60) <= noise and abs(int(overall["old"]["count"]) - 40) <= noise
    base = int(overall["young"]["base"])
    assert abs(base - 100) <= noise
    # Percentages and intervals come from the published counts, never the true ones.
    assert overall["young"]["percent"] == str(round(100 * int(overall["young"]["count"]) / base))


def test_the_export_has_the_page_figures_and_no_rounding(client, demo_users, answered):
    sign_in(client, roles.STAFF)
    page = client.get(f"/surveys/manage/{answered.id}/results").get_data(as_text=True)
    rows = _csv(client.get(f"/surveys/manage/{answered.id}/export/results.csv"))
    overall = {r["answer_code"]: r for r in rows if r["question_code"] == "age" and r["breakdown"] == "all"}
    young = _row(_table(page, "age"), "Young")
    assert overall["young"]["count"] == young[0] and overall["young"]["percent"] + "%" == young[1]
    for row in overall.values():  # 8 and 2 people: "<10" (8 may be published as up to 12), no percentage then
        assert (row["count"] == "<10") == (row["percent"] == "")
    assert overall["prefer_not_to_say"]["count"] == "<10"
    assert {r["group"] for r in rows if r["breakdown"] == "district"} >= {"Leicester", "Rutland", "Not answered"}


def test_exports_carry_the_ons_code_beside_every_district(app, client, demo_users, answered):
    """Partners' data is keyed on ONS area codes: the district answers and groups carry theirs (livesafe.places)."""
    sign_in(client, roles.ADMIN)
    rows = _csv(client.get(f"/surveys/manage/{answered.id}/export/results.csv"))
    groups = {(r["group"], r["group_ons_code"]) for r in rows if r["breakdown"] == "district"}
    assert groups == {("Leicester", "E06000016"), ("Rutland", "E06000017"), ("I'd rather not say", ""),
                      ("Not answered", "")}
    answers = {(r["answer_code"], r["answer_ons_code"]) for r in rows if r["question_code"] == "district"}
    assert answers == {("leicester", "E06000016"), ("rutland", "E06000017"), ("prefer_not_to_say", "")}
    assert {r["group_ons_code"] for r in rows if r["breakdown"] != "district"} == {""}
    assert {r["answer_ons_code"] for r in rows if r["question_code"] != "district"} == {""}
    raw = _csv(client.get(f"/surveys/manage/{answered.id}/export/responses.csv"))
    assert {(r["district"], r["district_ons_code"]) for r in raw} == {
        ("leicester", "E06000016"), ("rutland", "E06000017")}
    assert list(raw[0]).index("district_ons_code") == list(raw[0]).index("district") + 1


def test_a_wave_with_too_few_responses_shows_no_figures_yet(client, demo_users, app, wave):
    add_responses(app, wave, many(5, age="young"))
    sign_in(client, roles.STAFF)
    page = client.get(f"/surveys/manage/{wave.id}/results").get_data(as_text=True)
    assert "No results yet" in page and 'data-table="age"' not in page
    assert client.get(f"/surveys/manage/{wave.id}/export/results.csv").get_data(as_text=True).count("\n") == 1


def test_the_free_text_page_gives_the_published_count_and_a_random_order(app, client, demo_users, wave):
    # 3 true answers: even the largest noise keeps the published figure under 10, so it must say "<10".
    add_responses(app, wave, [{"ideas": f"Idea number {n}"} for n in range(3)] + many(20, age="young"))
    sign_in(client, roles.STAFF)
    orders = set()
    for _ in range(8):
        page = client.get(f"/surveys/manage/{wave.id}/free-text").get_data(as_text=True)
        assert "3 answers" not in page and "(as published on the results page, at the last release): &lt;10" in page
        orders.add(tuple(re.findall(r"Idea number (\d)", page)))
    assert len(orders) > 1  # 8 views in one order by chance: 1 in 6^7


def test_p_values_holm_and_intervals_are_written_honestly():
    from livesafe.surveys import stats

    assert stats.format_p(0.0004) == "p < 0.001" and stats.format_p(0.0123) == "p = 0.012"
    assert stats.format_p(0.42) == "p = 0.42"
    # Holm by hand: sorted 0.01, 0.02, 0.04 -> 3 x 0.01, max(0.03, 2 x 0.02), max(0.04, 1 x 0.04).
    assert stats.holm([0.04, 0.01, 0.02]) == pytest.approx([0.04, 0.03, 0.04])
    assert stats.format_interval(0.21, 0.44) == "0.2% to 0.4%" and stats.format_interval(3.2, 9.9) == "3% to 10%"


def test_holm_can_be_chosen_and_says_so(app, client, demo_users, make_wave, answered, exact):
    earlier = make_wave(title="Earlier wave", status=logic.CLOSED, opens_in=-400, closes_in=-300)
    add_responses(app, earlier, many(10, age="young") + many(20, age="old") + many(10, age="prefer_not_to_say"))
    sign_in(client, roles.STAFF)
    page = client.get(f"/surveys/manage/{answered.id}/results?compare={earlier.id}&adjust=holm").get_data(as_text=True)
    assert "after Holm&#39;s adjustment" in page or "after Holm's adjustment" in page
    assert "clustered" in page
    assert client.get(f"/surveys/manage/{answered.id}/results?adjust=bonferroni").status_code == 422
