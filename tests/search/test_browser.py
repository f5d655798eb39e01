"""Real headless Chromium: results appear as you type, the URL follows, and Back shows a full page."""
import re

import pytest

TYPED = re.compile(r"/search\?q=knif(\+|%20)crme$")

pytestmark = pytest.mark.browser


def test_results_as_you_type(browser):
    page = browser.page
    browser.goto("/search")
    browser.assert_accessible()
    page.evaluate("window.__notReloaded = true")
    page.locator("#q").press_sequentially("knif crme", delay=30)
    page.wait_for_selector("#search-results .did-you-mean")
    assert "knife crime" in page.inner_text("#search-results .did-you-mean")
    assert page.evaluate("window.__notReloaded") is True
    page.wait_for_url(TYPED)
    assert page.locator("#search-results mark").count() > 0
    browser.assert_accessible()

    page.fill("#q", "qwzxv")
    page.wait_for_selector("#search-results :text('Nothing matched')")
    assert "0800 1111" in page.inner_text("#search-results")
    browser.assert_accessible()

    page.go_back()
    page.wait_for_url(TYPED)
    page.wait_for_selector("#search-results .did-you-mean")
    assert page.locator("h1").count() == 1  # a whole page came back, not a bare fragment
    assert browser.outside_requests == []
