"""Each role reaches its own pages and is refused the others'."""
import pytest

from livesafe.auth import roles
from tests.helpers import sign_in

ADMIN_PAGES = ["/admin/users", "/admin/users/invite", "/admin/audit"]
SIGNED_IN_PAGES = ["/dashboard"]


@pytest.mark.parametrize("url", ADMIN_PAGES + SIGNED_IN_PAGES)
def test_signed_out_visitors_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("role", [r for r in roles.ALL if r != roles.ADMIN])
@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_non_admins_are_refused_admin_pages(client, demo_users, role, url):
    sign_in(client, role)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_admin_reaches_admin_pages(client, demo_users, url):
    sign_in(client, roles.ADMIN)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("role", roles.ALL)
def test_every_role_reaches_its_dashboard(client, demo_users, role):
    sign_in(client, role)
    page = client.get("/dashboard")
    assert page.status_code == 200
    assert roles.LABELS[role] in page.get_data(as_text=True)


def test_admin_user_page_for_missing_user_is_404(client, demo_users):
    sign_in(client, roles.ADMIN)
    assert client.get("/admin/users/999999").status_code == 404


@pytest.mark.parametrize("role", [r for r in roles.ALL if r != roles.ADMIN])
def test_non_admins_cannot_change_roles(app, client, demo_users, role):
    from tests.foundation.test_accounts import _user
    from tests.helpers import post

    sign_in(client, role)
    target = _user(app, "applicant@example.org")
    response = post(client, f"/admin/users/{target.id}", {"role": "admin"}, token_from="/dashboard")
    assert response.status_code == 403
    assert _user(app, "applicant@example.org").role == "applicant"


def test_navigation_fits_the_role(client, demo_users):
    assert "Sign in" in client.get("/").get_data(as_text=True)
    sign_in(client, roles.ADMIN)
    assert 'href="/admin/users"' in client.get("/dashboard").get_data(as_text=True)
    client.post("/logout")
    client2 = client.application.test_client()
    sign_in(client2, roles.STAFF)
    assert 'href="/admin/users"' not in client2.get("/dashboard").get_data(as_text=True)
