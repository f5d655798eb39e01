"""One check of next= for every form that redirects, and HSTS only over TLS."""
import pytest

from livesafe import create_app
from livesafe.auth.redirects import safe_next
from tests.helpers import PASSWORD, csrf_token, post, sign_in

NASTY = [
    "https://evil.example/", "http://evil.example", "//evil.example/", "///evil.example", "/\\evil.example",
    "\\\\evil.example", "/\t/evil.example", "/\n/evil.example", "/\r/evil.example", "/ /evil.example",
    "/\\/evil.example", "https:evil.example", "javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,x",
    "evil.example", " /dashboard", "/dash\x7fboard", "", "//",
]


@pytest.mark.parametrize("target", NASTY)
def test_nasty_targets_are_refused(ctx, target):
    with ctx.test_request_context():
        assert safe_next(target) is None


@pytest.mark.parametrize("target", ["/dashboard", "/grants/applications/3/section/about?x=1#top", "/search?q=a%2Fb"])
def test_paths_on_this_site_are_kept(ctx, target):
    with ctx.test_request_context():
        assert safe_next(target) == target


@pytest.mark.parametrize("encoded", ["/%09/evil.example", "//evil.example", "/%5Cevil.example", "https://evil.example",
                                     "/%0A/evil.example", "%2F%2Fevil.example"])
def test_login_never_redirects_away_whatever_the_encoding(client, demo_users, encoded):
    token = csrf_token(client)
    response = client.post(f"/login?next={encoded}", data={"csrf_token": token, "email": "staff@example.org", "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/dashboard"


def test_login_follows_a_path_on_this_site(client, demo_users):
    token = csrf_token(client)
    response = client.post("/login?next=/grants/rounds", data={"csrf_token": token, "email": "staff@example.org", "password": PASSWORD})
    assert response.headers["Location"] == "/grants/rounds"


def test_organisation_form_uses_the_same_check(client, demo_users):
    from livesafe import places
    from livesafe.grants import logic

    sign_in(client, "applicant")
    data = {"name": "Riverside Youth Club", "kind": logic.ORG_KINDS[0][0],
            "postcode": "LE1 6AA", "district": places.NAMES[0], "safeguarding_lead": "Club leader",
            "safeguarding_policy": "yes", "works_with_under_18s": "yes"}
    for target in ("/%09/evil.example", "/%5Cevil.example", "//evil.example"):
        response = post(client, f"/grants/organisation?next={target}", data, token_from="/grants/organisation")
        assert response.status_code == 302, response.get_data(as_text=True)[:400]
        assert response.headers["Location"] == "/grants/applications"


def test_every_redirecting_form_uses_the_one_function():
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parents[2] / "livesafe"
    readers = [str(path.relative_to(root)) for path in root.rglob("*.py")
               if re.search(r"""args\.get\(\s*["']next["']""", path.read_text())]
    assert readers == ["auth/redirects.py"]


def test_hsts_only_over_tls(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    secure = client.get("/", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_hsts_behind_a_trusted_proxy_follows_x_forwarded_proto(app, base_config):
    proxied = create_app(dict(base_config, TRUSTED_PROXY_COUNT=1)).test_client()
    assert "Strict-Transport-Security" in proxied.get("/", headers={"X-Forwarded-Proto": "https"}).headers
    # A direct client (no trusted proxy) cannot claim TLS with the header.
    assert "Strict-Transport-Security" not in app.test_client().get("/", headers={"X-Forwarded-Proto": "https"}).headers
