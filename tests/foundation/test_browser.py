"""Real headless Chromium: every demo role signs in; the quick-exit control leaves and Back does not return."""
import pytest

from livesafe.auth import roles

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("role", roles.ALL)
def test_each_demo_role_signs_in_in_a_real_browser(browser, demo_users, role):
    browser.sign_in(role)
    page = browser.page
    assert page.url.endswith("/dashboard")
    assert roles.LABELS[role] in page.inner_text("main")
    browser.assert_accessible()
    page.click("text=Sign out")
    page.wait_for_load_state()
    assert "Sign in" in page.inner_text("header")


def test_login_error_summary_gets_focus_and_passes_axe(browser, demo_users):
    browser.goto("/login")
    browser.page.fill("input[name=email]", "staff@example.org")
    browser.page.fill("input[name=password]", "wrong password")
    browser.page.click("main button[type=submit]")
    browser.page.wait_for_load_state()
    assert browser.page.title().startswith("Error: ")
    assert browser.page.evaluate("document.activeElement.dataset.errorSummary !== undefined")
    browser.assert_accessible()


def test_quick_exit_with_shift_three_times_leaves_and_back_does_not_return(browser):
    page = browser.page
    page.goto("about:blank")
    browser.goto("/privacy")
    page.locator("main").click()
    with page.expect_navigation():
        for _ in range(3):
            page.keyboard.press("Shift")
    assert page.url.endswith("/weather")
    page.go_back()
    assert not page.url.startswith(browser.base_url)


def test_quick_exit_button_stays_on_screen_and_replaces_history(browser):
    page = browser.page
    page.goto("about:blank")
    browser.goto("/accessibility")
    page.mouse.wheel(0, 3000)
    box = page.locator("#quick-exit").bounding_box()
    assert box is not None and 0 <= box["y"] < page.viewport_size["height"]
    with page.expect_navigation():
        page.click("#quick-exit")
    assert page.url.endswith("/weather")
    page.go_back()
    assert not page.url.startswith(browser.base_url)


def test_quick_exit_is_a_working_link_without_javascript(chromium, live_server):
    from tests.helpers import Browser

    session = Browser(chromium, live_server, javascript=False)
    try:
        session.goto("/")
        with session.page.expect_navigation():
            session.page.click("#quick-exit")
        assert session.page.url.endswith("/weather")
    finally:
        session.close()


def test_public_pages_make_no_request_to_another_host(browser):
    for path in ["/", "/privacy", "/accessibility", "/get-help", "/login"]:
        browser.goto(path)
        browser.assert_accessible()
    assert browser.outside_requests == []
