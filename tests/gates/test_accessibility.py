"""Gate: every page reachable with the demo data, signed out and as each demo role, in real headless
Chromium: zero axe-core WCAG 2.0/2.1/2.2 A and AA violations, no sideways scrolling at 320 px
(200% zoom of a 640 px window is the same), and no request to another host."""
import pytest

from tests.gates.conftest import ROLES, html_pages
from tests.helpers import Browser

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"


@pytest.mark.parametrize("role", ROLES)
def test_every_page_passes_axe_and_fits_320px(chromium, demo_server, walks, role):
    _, pages, _ = walks[role]
    # Signed out: every page (each article's text differs). Signed in: a few of each route, as
    # pages of one route share a template and differ only in the records they show.
    urls = html_pages(pages, per_endpoint=None if role is None else 4)
    assert urls
    session = Browser(chromium, demo_server, viewport={"width": 320, "height": 640})
    try:
        if role:
            session.sign_in(role)
        problems = []
        for url in urls:
            session.goto(url)
            if not session.page.evaluate(NO_SIDEWAYS_SCROLL):
                problems.append((url, "scrolls sideways at 320px"))
            violations = session.axe()
            if violations:
                problems.append((url, violations))
        assert problems == [], repr(problems)[:4000]
        assert session.outside_requests == []
    finally:
        session.close()


def test_keyboard_skip_link_focus_order_and_visible_focus(chromium, demo_server):
    session = Browser(chromium, demo_server, viewport={"width": 1024, "height": 768})
    try:
        page = session.page
        session.goto("/login")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.classList.contains('skip-link')")
        assert page.evaluate("getComputedStyle(document.activeElement).left") == "0px"
        page.keyboard.press("Tab")  # the quick exit's secondary link (GOV.UK pattern), then its button
        assert page.evaluate("[document.activeElement.className, document.activeElement.getAttribute('href')]") \
            == ["skip-link", "/exit"]
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "quick-exit"
        # Focus is always visible: an outline or a box shadow on the focused control.
        session.page.focus("#email")
        style = page.evaluate("(() => { const s = getComputedStyle(document.activeElement);"
                              " return [s.outlineStyle, s.outlineWidth, s.boxShadow]; })()")
        assert style[0] != "none" or style[2] != "none"
        # Skip link moves focus into the main content.
        session.goto("/login")
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        assert page.evaluate("location.hash") == "#main"
        # Tab order follows the page: e-mail, then password, then the button.
        session.goto("/login")
        page.focus("#email")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "password"
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.tagName") == "BUTTON"
        # Submitting with errors puts focus on the error summary.
        with page.expect_navigation():
            page.keyboard.press("Enter")
        page.wait_for_selector("[data-error-summary]")
        page.wait_for_function("document.activeElement.hasAttribute('data-error-summary')")
        assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    finally:
        session.close()


def test_public_pages_weigh_under_100kb_with_their_css_and_js(chromium, demo_server, walks):
    _, pages, forms = walks[None]
    # Only forms that post need a cookie (for their CSRF token); surveys keep answers in one.
    needs_cookie = {form.page for form in forms if form.method == "post"}
    session = Browser(chromium, demo_server)
    sizes = {}

    def count(response):
        if response.url.startswith(demo_server):
            sizes[response.url] = len(response.body())

    session.page.on("response", count)
    try:
        for url in html_pages(pages):
            sizes.clear()
            session.context.clear_cookies()
            session.goto(url)
            session.page.wait_for_load_state("networkidle")
            total = sum(sizes.values())
            assert total <= 100 * 1024, f"{url} weighs {total} bytes"
            if url not in needs_cookie and not url.startswith("/surveys"):
                assert session.context.cookies() == [], url
    finally:
        session.close()
