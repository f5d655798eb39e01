"""Gate: every page reachable with the demo data, signed out and as each role: no server error,
the security headers, no-store where private, and no cookies for visitors who have not signed in."""
import pytest

from tests.gates.conftest import ROLES

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


@pytest.mark.parametrize("role", ROLES)
def test_no_page_fails_and_every_page_has_the_headers(walks, role):
    _, pages, _ = walks[role]
    assert len(pages) > 3
    failures = [url for url, page in pages.items() if page.status >= 500]
    assert failures == []
    for url, page in pages.items():
        csp = page.headers.get("Content-Security-Policy", "")
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp, url
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, url
        answering = url.startswith("/surveys") and not url.startswith("/surveys/manage")
        for name, value in HEADERS.items():
            if name == "Referrer-Policy" and answering:
                value = "no-referrer"  # survey pages tell no page, ours included, which page led there
            assert page.headers.get(name) == value, (url, name)
        assert "camera=()" in page.headers.get("Permissions-Policy", ""), url
        if role or url.startswith("/surveys"):
            assert page.headers.get("Cache-Control") == "no-store", url


def test_a_fresh_visitor_gets_no_cookie_outside_forms_that_need_one(demo_app, walks):
    _, pages, forms = walks[None]
    pages_with_post_forms = {form.page for form in forms if form.method == "post"}
    checked = 0
    for url in pages:
        if url.startswith("/surveys") or url in pages_with_post_forms:
            continue
        response = demo_app.test_client().get(url)
        if response.status_code == 302 and response.headers["Location"].startswith("/login"):
            continue  # sent to sign in: the flashed "sign in to see that page" needs the session
        assert "Set-Cookie" not in response.headers, url
        checked += 1
    assert checked > 3


@pytest.mark.parametrize("role", ROLES)
def test_html_pages_escape_and_have_one_h1(walks, role):
    _, pages, _ = walks[role]
    for url, page in pages.items():
        if page.status == 200 and "text/html" in page.headers.get("Content-Type", "") and "<!doctype html>" in page.body:
            assert page.body.count("<h1") == 1, url
            assert "<script>" not in page.body, url
