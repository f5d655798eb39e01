"""Real headless Chromium at phone size: the search journey with and without JavaScript, and the services filter."""
import re
import urllib.request

import pytest

from tests.helpers import Browser

pytestmark = pytest.mark.browser


def _journey(session, accessible=True):
    """Home -> search "knife law" -> first result -> a related page. Returns the article's path."""
    page = session.page
    session.goto("/")
    if accessible:
        session.assert_accessible()
    page.fill("#home-q", "knife law")
    with page.expect_navigation():
        page.click("form[role=search] button[type=submit]")
    assert "/search?q=knife+law" in page.url
    first = page.locator("#search-results ol.results li h3 a").first
    assert first.inner_text() == "Knives and the law"
    if accessible:
        session.assert_accessible()
    with page.expect_navigation():
        first.click()
    assert page.url.endswith("/articles/knives-and-the-law")
    assert page.locator("h1").inner_text() == "Knives and the law"
    if accessible:
        session.assert_accessible()
    related = page.locator("section[aria-labelledby=related-title] a").first
    related_title = related.inner_text()
    with page.expect_navigation():
        related.click()
    assert page.locator("h1").inner_text() == related_title
    if accessible:
        session.assert_accessible()
    return page.url


def test_search_journey_on_a_phone_ends_with_quick_exit(browser):
    page = browser.page
    left_from = _journey(browser)
    with page.expect_navigation():
        page.click("#quick-exit")
    assert page.url.endswith("/weather")
    # The page they left was replaced in history: Back cannot show it again.
    page.go_back()
    assert page.url != left_from
    assert [url for url in browser.outside_requests if not url.endswith("/weather")] == []


def test_search_journey_without_javascript_still_finds_the_article(chromium, live_server):
    session = Browser(chromium, live_server, javascript=False)
    try:
        _journey(session, accessible=False)
        with session.page.expect_navigation():
            session.page.click("#quick-exit")
        assert session.page.url.endswith("/weather")
    finally:
        session.close()


def _wait_for_htmx_on_the_new_form(page):
    page.wait_for_function("() => document.querySelector('#service-finder form')?.['htmx-internal-data'] !== undefined")


def test_services_filter_updates_the_list_in_place(browser):
    page = browser.page
    browser.goto("/services")
    browser.assert_accessible()
    page.evaluate("window.__notReloaded = true")
    page.select_option("#area", "Melton")
    page.wait_for_url("**/services?*area=Melton*")
    _wait_for_htmx_on_the_new_form(page)  # the swap replaced the form: a change before htmx sees it is lost
    page.select_option("#kind", "early-help")
    # text-is: an exact match, so "10 services" (Melton before the kind filter lands) cannot pass for "0 services".
    page.wait_for_selector("#service-count:text-is('0 services')")
    assert page.evaluate("window.__notReloaded") is True  # swapped by htmx, not a page load
    assert "No services match" in page.inner_text("#service-finder")
    browser.assert_accessible()
    # The count the plain (no-JavaScript) page gives for the same filters; htmx must show the same.
    plain = urllib.request.urlopen(browser.base_url + "/services?area=Melton&kind=helpline").read().decode()
    expected = re.search(r'id="service-count"[^>]*>\s*(\d+ services?)', plain).group(1)
    assert expected != "0 services"
    _wait_for_htmx_on_the_new_form(page)
    page.select_option("#kind", "helpline")
    page.wait_for_selector(f"#service-count:text-is('{expected}')")
    assert "Childline" in page.inner_text("#service-finder")


def test_services_filter_error_is_announced_and_accessible(browser):
    page = browser.page
    browser.goto("/services?age=abc")
    assert page.title().startswith("Error: ")
    assert "Enter an age as a whole number" in page.inner_text(".error-summary")
    browser.assert_accessible()


def test_hub_pages_pass_axe_and_ask_no_other_host(browser):
    for path in ["/young-people", "/parents-carers", "/professionals", "/topics", "/topics/exploitation",
                 "/get-help", "/events", "/events/live-safe-youth-workshop-apr-2027/book", "/campaigns",
                 "/campaigns/make-a-stand", "/articles/what-works-evidence"]:
        browser.goto(path)
        browser.assert_accessible()
    assert browser.outside_requests == []
