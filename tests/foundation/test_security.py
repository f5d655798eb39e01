"""Headers, CSRF, body size limits and error pages."""
import pytest
import sqlalchemy as sa

from livesafe.auth.models import User
from livesafe.extensions import db
from tests.helpers import sign_in

PAGES = ["/", "/login", "/register", "/password/forgot", "/privacy", "/accessibility", "/get-help",
         "/no-such-page", "/static/css/site.css"]


@pytest.mark.parametrize("url", PAGES)
def test_every_response_has_security_headers(client, url):
    headers = client.get(url).headers
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in headers["Permissions-Policy"]


def test_signed_in_pages_are_not_stored(client, demo_users):
    sign_in(client, "staff")
    assert client.get("/dashboard").headers["Cache-Control"] == "no-store"
    assert client.get("/").headers["Cache-Control"] == "no-store"


def test_session_cookie_flags(client, demo_users):
    response = sign_in(client, "staff")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_public_pages_set_no_cookie(client):
    for url in ["/", "/privacy", "/accessibility", "/get-help"]:
        assert "Set-Cookie" not in client.get(url).headers


def test_post_without_csrf_token_is_refused_and_changes_nothing(app, client):
    response = client.post("/register", data={"email": "a@example.org", "password": "x" * 12, "confirm": "x" * 12})
    assert response.status_code == 400
    assert "expired or was not sent from this site" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_htmx_post_with_wrong_csrf_token_is_refused(app, client):
    response = client.post("/register", headers={"HX-Request": "true", "X-CSRFToken": "forged"},
                           data={"csrf_token": "forged", "email": "a@example.org", "password": "x" * 12, "confirm": "x" * 12})
    assert response.status_code == 400


def test_large_body_gets_413(client):
    response = client.post("/login", data={"email": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413
    assert "too big" in response.get_data(as_text=True)


def test_404_page_is_in_the_site_layout(client):
    response = client.get("/nowhere")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Page not found" in page and "Exit this page" in page and "0800 1111" in page


def test_500_page_is_friendly(app, client):
    @app.route("/boom")
    def boom():
        raise RuntimeError("boom")

    response = client.get("/boom")
    assert response.status_code == 500
    assert "something went wrong on our side" in response.get_data(as_text=True)
    assert "RuntimeError" not in response.get_data(as_text=True)


def test_htmx_config_is_safe(client):
    page = client.get("/").get_data(as_text=True)
    assert "&#34;allowEval&#34;: false" in page
    assert "&#34;historyCacheSize&#34;: 0" in page
    assert "&#34;includeIndicatorStyles&#34;: false" in page
    assert "<script>" not in page and " onclick=" not in page


def test_nul_characters_are_dropped_from_forms_and_query_strings(app, client):
    from tests.helpers import post

    response = post(client, "/register", {"name": "Sa\x00m", "email": "nul@example.org",
                                          "password": "a long\x00 passphrase", "confirm": "a long passphrase"})
    assert response.status_code == 200
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "nul@example.org"))
        assert user.name == "Sam"
        assert user.check_password("a long passphrase")
    assert client.get("/privacy?q=a\x00b").status_code == 200
