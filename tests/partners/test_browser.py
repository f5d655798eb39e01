"""A real browser: staff upload a generated year of each source, a partner explores by district and hour and
exports a view; axe-core finds nothing on the way."""
import re
from datetime import date

import pytest

from livesafe.partners import generate, sources

pytestmark = pytest.mark.browser
YEAR = 2024


def test_staff_upload_a_year_and_a_partner_explores_and_exports(browser, partner_org, tmp_path):
    from tests.partners.test_perceptions import make_wave

    make_wave(f"Young people's safety survey {YEAR}", date(YEAR, 2, 1), date(YEAR, 3, 31), 400, 3)
    browser.context.set_default_timeout(60000)
    browser.page.set_viewport_size({"width": 1280, "height": 900})
    browser.sign_in("staff")
    browser.goto("/partners/datasets")
    browser.assert_accessible()
    for key in sources.ORDER:
        path = tmp_path / f"{key}.csv"
        area_share = 0.8 if key == "police" else None  # the police extract names neighbourhood areas
        path.write_bytes(generate.csv_bytes(key, generate.rows(key, date(YEAR, 1, 1), date(YEAR, 12, 1),
                                                               area_share=area_share)))
        browser.page.select_option("select[name=source]", key)
        browser.page.fill("input[name=first_month]", f"{YEAR}-01")
        browser.page.fill("input[name=last_month]", f"{YEAR}-12")
        browser.page.set_input_files("input[name=file]", str(path))
        browser.page.click("main button[type=submit]")
        browser.page.wait_for_load_state()
        assert "records of" in browser.page.inner_text("main"), browser.page.inner_text("main")[:500]
    # A bad file: the row-by-row report, accessible.
    bad = tmp_path / "bad.csv"
    bad.write_text("month,day_of_week,hour,district,age_band,sex,location_type\n2024-01,Mon,15,E09999999,15-19,male,street\n")
    browser.page.select_option("select[name=source]", "ambulance")
    browser.page.fill("input[name=first_month]", f"{YEAR}-01")
    browser.page.fill("input[name=last_month]", f"{YEAR}-12")
    browser.page.set_input_files("input[name=file]", str(bad))
    browser.page.click("main button[type=submit]")
    browser.page.wait_for_load_state()
    assert "Not a district of Leicester" in browser.page.inner_text("main")
    browser.assert_accessible()
    browser.page.click("text=Sign out") if browser.page.locator("text=Sign out").count() else None
    browser.context.clear_cookies()

    browser.sign_in("partner")
    browser.goto("/partners")
    assert f"December {YEAR}" in browser.page.inner_text("h2.partner-period")
    # The district map: nine labelled shapes, each with its figure, the table beside it; axe checks it too.
    assert browser.page.locator("figure.partner-map svg[role=img] path[data-district]").count() == 9
    assert "Leicester" in browser.page.text_content("figure.partner-map svg [data-map-figure=leicester]")
    assert browser.page.locator("figure.partner-map svg[role=img]").bounding_box()["width"] > 300
    # Priority areas at neighbourhood level, and the survey figures beside the recorded ones.
    assert "records naming this area: exact" in browser.page.inner_text("table[data-table=priority]")
    assert "Safe after dark" in browser.page.inner_text("table[data-table=survey]")
    assert f"1 February {YEAR} to 31 March {YEAR}" in browser.page.inner_text("[data-survey-wave]")
    browser.assert_accessible()
    # htmx: changing a filter swaps the figures in place and updates the address.
    browser.page.select_option("select[name=district]", "leicester")
    browser.page.wait_for_url(re.compile("district=leicester"), wait_until="commit")
    browser.page.wait_for_function("document.querySelector('h2.partner-period').innerText.includes('Leicester')")
    assert "Leicester" in browser.page.inner_text("h2.partner-period")
    browser.page.select_option("select[name=source]", "ae")
    browser.page.wait_for_url(re.compile("source=ae"), wait_until="commit")
    browser.page.wait_for_function("document.querySelector('h2.partner-period').innerText.includes('A&E')")
    assert "A&E" in browser.page.inner_text("h2.partner-period")
    heat = browser.page.inner_text("table[data-table=heat]")
    assert "Mon" in heat and "23" in heat
    browser.assert_accessible()
    with browser.page.expect_download() as download:
        browser.page.click("text=Excel (XLSX)")
    assert download.value.suggested_filename == "live-safe-ae-latest-leicester.xlsx"


def test_the_dashboard_works_without_javascript(chromium, live_server, two_years):
    from tests.helpers import Browser

    session = Browser(chromium, live_server, javascript=False, viewport={"width": 1280, "height": 900})
    try:
        session.sign_in("partner")
        session.goto("/partners")
        session.page.select_option("select[name=district]", "rutland")
        session.page.click("text=Show figures")
        session.page.wait_for_load_state()
        assert "district=rutland" in session.page.url and "Rutland" in session.page.inner_text("h2.partner-period")
    finally:
        session.close()
