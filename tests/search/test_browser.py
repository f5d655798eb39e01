"""Real headless Chromium: results appear as you type without touching the address; a crisis search typed into
live search shows the crisis panel first and is never "corrected"."""
import pytest

pytestmark = pytest.mark.browser


def test_results_as_you_type(browser):
    page = browser.page
    browser.goto("/search")
    browser.assert_accessible()
    page.evaluate("window.__notReloaded = true")
    history = page.evaluate("history.length")
    page.locator("#q").press_sequentially("knif crme", delay=30)
    page.wait_for_selector("#search-results .did-you-mean")
    assert "knife crime" in page.inner_text("#search-results .did-you-mean")
    assert page.evaluate("window.__notReloaded") is True
    assert page.locator("#search-results mark").count() > 0
    # Typing never changes the address nor adds history entries.
    assert page.url.endswith("/search") and page.evaluate("history.length") == history
    browser.assert_accessible()

    page.fill("#q", "qwzxv")
    page.wait_for_selector("#search-results :text('Nothing matched')")
    assert "0800 1111" in page.inner_text("#search-results")
    browser.assert_accessible()
    assert browser.outside_requests == []


def test_a_crisis_search_typed_into_live_search_shows_the_panel_first(browser):
    page = browser.page
    browser.goto("/search")
    page.locator("#q").press_sequentially("i want to kill myself", delay=30)
    page.wait_for_selector("#search-results .crisis-panel")
    first = page.locator("#search-results > *").first
    assert "crisis-panel" in first.get_attribute("class")
    text = page.inner_text("#search-results")
    assert "999" in text and "116 123" in text and "85258" in text
    assert "Did you mean" not in text and "kind myself" not in text
    assert page.locator(".crisis-panel a[href='tel:999']").count() == 1
    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    browser.assert_accessible()
    assert page.url.endswith("/search")
