"""The quick exit: the route ends the session and leaves no trail the site can avoid; pages are never
stored by the browser; in a real Chromium (with its back/forward cache on, as on a phone) typing in live
search adds no history entries and Back after the exit shows nothing of the search."""

import pytest

from livesafe.site import exit as site_exit
from tests.helpers import Browser, sign_in

NO_STORE_PAGES = [
    "/", "/young-people", "/parents-carers", "/professionals", "/topics/knife-crime", "/get-help",
    "/articles/knives-and-the-law", "/services", "/services?age=15", "/search", "/search?q=knife",
    "/surveys", "/staying-private", "/privacy",
]


@pytest.fixture
def hook_calls(monkeypatch):
    calls = []
    monkeypatch.setattr(site_exit, "_hooks", [])
    site_exit.on_exit(lambda: calls.append("ran"))
    return calls


@pytest.mark.parametrize("method", ["get", "post"])
def test_exit_runs_the_hooks_clears_site_data_and_redirects_to_the_neutral_site(app, client, hook_calls, method):
    response = getattr(client, method)("/exit")  # a POST needs no CSRF token: leaving must never fail
    assert response.status_code == 303
    assert response.headers["Location"] == app.config["QUICK_EXIT_URL"]
    assert response.headers["Clear-Site-Data"] == '"cache", "cookies"'
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"
    assert hook_calls == ["ran"]


def test_exit_sees_the_session_in_its_hooks_then_deletes_the_cookie(client, monkeypatch):
    seen = []
    monkeypatch.setattr(site_exit, "_hooks", [])

    @site_exit.on_exit
    def remember_draft():
        from flask import session

        seen.append(session.get("draft"))

    with client.session_transaction() as session:
        session["draft"] = "d-123"
    response = client.get("/exit")
    assert seen == ["d-123"]
    cookie = next(value for value in response.headers.getlist("Set-Cookie") if value.startswith("livesafe_session="))
    assert cookie.startswith("livesafe_session=;") and "Expires=Thu, 01 Jan 1970" in cookie
    with client.session_transaction() as session:
        assert dict(session) == {}


def test_exit_signs_a_signed_in_person_out(client, demo_users):
    sign_in(client, "staff")
    assert client.get("/dashboard").status_code == 200
    client.get("/exit")
    assert client.get("/dashboard").status_code == 302


def test_every_page_offers_the_exit_route_as_button_and_secondary_link(app, client):
    page = client.get("/articles/knives-and-the-law").get_data(as_text=True)
    assert 'id="quick-exit" role="button"' in page
    assert page.count('href="/exit"') == 2
    assert app.config["QUICK_EXIT_URL"] not in page  # without JavaScript the link still ends the session first


@pytest.mark.parametrize("url", NO_STORE_PAGES)
def test_pages_are_never_stored_by_the_browser(client, url):
    response = client.get(url)
    assert response.status_code in (200, 302), url
    assert response.headers["Cache-Control"] == "no-store"


def test_pages_are_no_store_when_they_come_from_the_page_cache(client):
    client.get("/articles/knives-and-the-law")
    assert client.get("/articles/knives-and-the-law").headers["Cache-Control"] == "no-store"


def test_the_advice_says_what_quick_exit_cannot_do(client):
    page = client.get("/staying-private").get_data(as_text=True)
    assert "cannot" in page and "stay in your browser&#39;s history" in page.replace("'", "&#39;")
    assert "private window" in page and "Delete single pages from your history" in page
    article = client.get("/articles/if-you-feel-unsafe-right-now").get_data(as_text=True)
    assert "cannot remove other pages of this site" in article and 'href="/staying-private"' in article
    assert "Delete your browsing history afterwards" not in article


def test_live_search_and_the_services_filter_replace_the_address_instead_of_adding_to_history(client):
    for url in ["/search", "/services"]:
        page = client.get(url).get_data(as_text=True)
        assert 'hx-replace-url="true"' in page and "hx-push-url" not in page, url


# --- Real Chromium with the back/forward cache switched on (Playwright turns it off by default) ---

@pytest.fixture(scope="module")
def phone_chromium(chromium):
    """A second Chromium from the same Playwright, with the back/forward cache left on."""
    browser = chromium.browser_type.launch(
        executable_path="/usr/bin/chromium", headless=True,
        ignore_default_args=["--disable-back-forward-cache"],
        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
              "--disable-sync", "--no-first-run", "--disable-quic"],
    )
    yield browser
    browser.close()


@pytest.fixture
def phone(phone_chromium, live_server):
    session = Browser(phone_chromium, live_server)
    yield session
    session.close()


def _history_length(page):
    return page.evaluate("history.length")


@pytest.mark.browser
def test_this_chromium_keeps_pages_in_the_back_forward_cache(phone):
    """Without this, the tests below could not see what a phone does after the exit."""
    page = phone.page
    phone.goto("/privacy")
    page.evaluate("window.__kept = true")
    with page.expect_navigation():
        page.click("footer >> text=Accessibility statement")
    page.go_back(wait_until="commit")
    assert page.url.endswith("/privacy") and page.evaluate("window.__kept === true")


@pytest.mark.browser
def test_typing_in_live_search_then_quick_exit_leaves_only_the_home_page_behind(phone):
    page = phone.page
    phone.goto("/")
    page.evaluate("window.__home = true")
    page.fill("#home-q", "knife")
    with page.expect_navigation():
        page.click("form[role=search] button[type=submit]")
    entries = _history_length(page)
    search = page.locator("#q")
    search.fill("")
    search.type("self", delay=40)
    page.wait_for_timeout(600)  # a pause: htmx has sent the search and swapped the results
    search.type(" harm", delay=40)
    page.wait_for_timeout(600)
    # Typing never touches the address or the history: the typed words are in neither.
    assert "self" not in page.url and "harm" not in page.url
    assert _history_length(page) == entries
    with page.expect_navigation(url="**/weather"):
        page.click("#quick-exit")
    page.go_back(wait_until="commit")
    page.wait_for_load_state()
    assert page.url in (phone.base_url + "/", "about:blank")
    # Fetched afresh, not restored from the back/forward cache, and nothing typed is on it.
    assert page.evaluate("window.__home === undefined")
    html = page.content()
    assert "self" not in page.input_value("#home-q") and "self harm" not in html and "knife" not in page.input_value("#home-q")
    assert phone.context.cookies() == []


@pytest.mark.browser
def test_shift_three_times_shows_the_presses_and_announces_them_then_leaves(phone):
    page = phone.page
    phone.goto("/get-help")
    page.locator("main").click()
    page.keyboard.press("Shift")
    assert page.locator(".quick-exit__light--on").count() == 1
    assert page.inner_text("[data-quick-exit-status]") == "Shift, press 2 more times to exit."
    page.keyboard.press("Shift")
    assert page.locator(".quick-exit__light--on").count() == 2
    assert page.inner_text("[data-quick-exit-status]") == "Shift, press 1 more time to exit."
    with page.expect_navigation(url="**/weather"):
        page.keyboard.press("Shift")
    page.go_back(wait_until="commit")
    assert not page.url.endswith("/get-help")


@pytest.mark.browser
def test_shift_as_a_modifier_or_another_key_does_not_count(phone):
    page = phone.page
    phone.goto("/get-help")
    page.locator("main").click()
    page.keyboard.press("Shift")
    page.keyboard.press("Shift+A")  # typing a capital letter is not a press of Shift on its own
    page.keyboard.press("Shift")
    assert page.url.endswith("/get-help")
    assert page.inner_text("[data-quick-exit-status]") in ("Exit this page expired.", "Shift, press 2 more times to exit.")


@pytest.mark.browser
def test_the_button_blanks_the_page_with_a_loading_overlay_at_once(phone, live_server):
    page = phone.page
    phone.goto("/get-help")
    # Hold the exit response so the state between the click and the new page can be seen.
    page.route("**/exit", lambda route: None)
    state = page.evaluate("""() => {
        document.querySelector('#quick-exit').click();
        const overlay = document.querySelector('.quick-exit-overlay');
        return [overlay && overlay.getAttribute('role'), overlay && overlay.textContent,
                getComputedStyle(document.querySelector('main')).display];
    }""")
    assert state == ["alert", "Loading.", "none"]


@pytest.mark.browser
def test_without_javascript_the_exit_link_ends_the_session_and_reaches_the_neutral_site(chromium, live_server):
    session = Browser(chromium, live_server, javascript=False)
    try:
        session.goto("/articles/knives-and-the-law")
        with session.page.expect_navigation(url="**/weather"):
            session.page.click("#quick-exit")
        assert session.context.cookies() == []
    finally:
        session.close()


@pytest.mark.browser
def test_the_advice_page_and_the_exit_controls_pass_axe_and_fit_a_320_pixel_screen(chromium, live_server):
    session = Browser(chromium, live_server, viewport={"width": 320, "height": 640})
    try:
        for path in ["/staying-private", "/"]:
            session.goto(path)
            session.page.keyboard.press("Shift")  # the indicator and the announcement are showing
            session.assert_accessible()
            assert session.page.evaluate("document.documentElement.scrollWidth") <= 320, path
    finally:
        session.close()
