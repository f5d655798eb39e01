"""Real headless Chromium: staff filter a wave's results by an answer, then build a two-way table (with htmx,
and without JavaScript), axe-core clean throughout."""
import pytest
from playwright.sync_api import expect

from tests.helpers import Browser
from tests.surveys.conftest import add_responses, many

pytestmark = pytest.mark.browser


@pytest.fixture
def answered(app, wave):
    # Every group is large, so even the largest noise cannot hide one behind "<10".
    add_responses(app, wave, many(30, age="young", safe="4", carried="no", gender="girl")
                  + many(25, age="old", safe="2", carried="yes", gender="boy")
                  + many(20, age="young", safe="5", carried="yes", gender="girl"))
    return wave


def test_staff_filter_results_and_build_a_two_way_table(browser, demo_users, answered):
    browser.sign_in("staff")
    page = browser.page
    browser.goto(f"/surveys/manage/{answered.id}/results")
    page.click("text=Filter by an answer")
    browser.assert_accessible()
    page.click("summary:has-text('Have you carried a knife?')")
    page.check("label:text-is('Yes')")
    page.click("text=Show filtered results")
    expect(page.locator("#analysis-results")).to_contain_text("Have you carried a knife?: Yes")  # htmx swapped it
    assert "carried%3Ayes" in page.url or "carried:yes" in page.url  # htmx pushed the filter to the address
    # only people who carried: the knife question's table shows nobody who said no
    assert page.inner_text("table[data-table=carried] tr:has(th:text-is('No')) td >> nth=0") == "<10"
    browser.assert_accessible()

    page.click("text=Make a two-way table of these people")
    page.select_option("#rows", "age")
    page.select_option("#columns", "gender")
    page.click("text=Show the table")
    page.wait_for_selector("table[data-two-way]")
    assert page.is_checked("input[value='carried:yes']")  # the filter came along
    chart = page.locator("svg[data-chart=two-way]")
    assert chart.get_attribute("role") == "img"
    # the chart's bars show the same row percentages as the table
    table_percents = page.eval_on_selector_all(
        "table[data-two-way] .survey-pct", "els => els.map(e => e.textContent.replace(/[()]/g, ''))")
    chart_percents = page.eval_on_selector_all("svg[data-chart=two-way] rect", "els => els.map(e => e.dataset.value + '%')")
    assert table_percents and sorted(chart_percents) == sorted(p for p in table_percents if p in chart_percents)
    browser.assert_accessible()

    page.select_option("#columns", "age")  # the same question twice: the error shows, as without JavaScript
    page.click("text=Show the table")
    page.wait_for_selector(".error-summary")
    assert "Choose two different questions." in page.inner_text(".error-summary")
    assert "Choose two different questions." in page.inner_text("#columns-error")
    browser.assert_accessible()


def test_a_two_way_table_works_without_javascript(chromium, live_server, demo_users, answered):
    session = Browser(chromium, live_server, javascript=False)
    try:
        session.sign_in("staff")
        page = session.page
        session.goto(f"/surveys/manage/{answered.id}/two-way")
        page.select_option("#rows", "carried")
        page.select_option("#columns", "age")
        with page.expect_navigation():
            page.click("text=Show the table")
        assert page.locator("table[data-two-way]").count() == 1
        page.select_option("#columns", "carried")
        with page.expect_navigation():
            page.click("text=Show the table")
        assert "Choose two different questions." in page.inner_text(".error-summary")
    finally:
        session.close()


NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"


def test_the_analysis_pages_fit_320px_and_pass_axe(chromium, live_server, demo_users, answered):
    session = Browser(chromium, live_server, viewport={"width": 320, "height": 640})
    try:
        session.sign_in("admin")
        for path in ("filter?where=carried:yes", "two-way?rows=safe&columns=carried&where=age:young",
                     "codebook", "results", "microdata"):
            session.goto(f"/surveys/manage/{answered.id}/{path}")
            assert session.page.evaluate(NO_SIDEWAYS_SCROLL), path
            session.assert_accessible()
        session.page.click("main button[type=submit]")  # the microdata form without a format: the error, axe-clean
        session.page.wait_for_selector(".error-summary")
        session.assert_accessible()
    finally:
        session.close()
