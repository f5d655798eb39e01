"""Who may open what: every partners route, allowed and refused roles; partners see nothing else of staff's;
every view and export is audited; bad input is a 4xx with a clear message."""
import io

import pytest
import sqlalchemy as sa

from livesafe.audit.models import AuditEvent
from livesafe.auth import roles
from livesafe.auth.demo import account
from livesafe.auth.models import AuthToken, User
from livesafe.extensions import db
from livesafe.kernel.permissions import can
from livesafe.mail.models import OutboxMessage
from livesafe.partners.models import PartnerAccount
from tests.helpers import csrf_token, post, sign_in

VIEWERS = {roles.PARTNER, roles.STAFF, roles.ADMIN}
STAFF = {roles.STAFF, roles.ADMIN}
GETS = {  # url -> roles allowed
    "/partners": VIEWERS,
    "/partners?source=ae&period=latest&district=leicester": VIEWERS,
    "/partners/export.csv": VIEWERS,
    "/partners/export.xlsx?source=ambulance": VIEWERS,
    "/partners/schemas/police": VIEWERS,
    "/partners/datasets": STAFF,
    "/partners/organisations": STAFF,
    "/partners/invite": STAFF,
}


@pytest.mark.parametrize("role", (None,) + roles.ALL)
def test_every_route_allows_and_refuses_by_role(client, partner_org, role):
    if role:
        sign_in(client, role)
    for url, allowed in GETS.items():
        response = client.get(url)
        if role in allowed:
            assert response.status_code == 200, (role, url)
        elif role is None:
            assert response.status_code == 302 and "/login" in response.headers["Location"], url
        else:
            assert response.status_code == 403, (role, url)
    assert client.get("/local-picture").status_code == 200
    token = csrf_token(client, "/login" if role is None else "/dashboard")
    for url in ("/partners/local-picture/publish", "/partners/organisations", "/partners/invite", "/partners/datasets"):
        response = client.post(url, data={"csrf_token": token})
        if role in STAFF:
            assert response.status_code in (302, 422), (role, url)
        elif role is None:
            assert response.status_code == 302 and "/login" in response.headers["Location"]
        else:
            assert response.status_code == 403, (role, url)


def test_a_partner_without_an_organisation_is_refused_with_a_reason(client, ctx, demo_users):
    partner = account(roles.PARTNER)
    decision = can("partners.view", partner)
    assert not decision and "not linked to a partner organisation" in decision.reason
    sign_in(client, "partner")
    response = client.get("/partners")
    assert response.status_code == 403 and "not linked to a partner organisation" in response.get_data(as_text=True)


def test_a_partner_sees_the_dashboard_and_nothing_of_staffs(client, partner_org):
    sign_in(client, "partner")
    home = client.get("/dashboard").get_data(as_text=True)
    assert "/partners" in home
    for staff_link in ("/partners/datasets", "/partners/organisations", "/grants/rounds", "/surveys/manage", "/admin"):
        assert f'href="{staff_link}' not in home
    assert client.get("/surveys/manage").status_code == 403
    assert client.get("/grants/rounds").status_code == 403


def test_every_view_and_export_is_audited(client, partner_org):
    sign_in(client, "partner")
    client.get("/partners?source=ae&district=rutland")
    client.get("/partners/export.csv?source=police")
    client.get("/partners/export.xlsx")
    client.get("/partners?source=ae", headers={"HX-Request": "true"})
    partner = account(roles.PARTNER)
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.actor_id == partner.id).order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["partners.dashboard_viewed", "partners.exported_csv", "partners.exported_xlsx",
                                          "partners.dashboard_viewed"]
    assert events[0].after == {"source": "ae", "period": "latest", "district": "rutland"}
    assert events[0].subject_type == "PartnerAccount"


@pytest.mark.parametrize("query", ["source=nope", "period=1800", "district=atlantis", "period=%00", "source=" + "x" * 5000])
def test_bad_filters_are_422_with_a_message_never_500(client, partner_org, query):
    sign_in(client, "partner")
    response = client.get("/partners?" + query)
    assert response.status_code == 422
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert client.get("/partners/export.csv?" + query).status_code == 422


def test_unknown_schema_and_export_kind_are_404(client, partner_org):
    sign_in(client, "partner")
    assert client.get("/partners/schemas/nope").status_code == 404
    assert client.get("/partners/export.pdf").status_code == 404


def test_staff_add_an_organisation_and_invite_a_partner_who_sets_a_password(client, ctx, demo_users):
    sign_in(client, "staff")
    assert post(client, "/partners/organisations", {"name": "  ", "kind": "police"}).status_code == 422
    assert post(client, "/partners/organisations", {"name": "City NHS Trust", "kind": "health"}).status_code == 302
    duplicate = post(client, "/partners/organisations", {"name": "city nhs trust", "kind": "health"})
    assert duplicate.status_code == 422 and "already an organisation" in duplicate.get_data(as_text=True)
    assert post(client, "/partners/organisations", {"name": "X", "kind": "pirates"}).status_code == 422
    organisation_id = db.session.execute(sa.text("SELECT id FROM partner_organisations")).scalar()
    assert post(client, "/partners/invite", {"email": "not-an-address", "organisation": organisation_id}).status_code == 422
    assert post(client, "/partners/invite", {"email": "a@example.org", "organisation": "abc"}).status_code == 422
    assert post(client, "/partners/invite", {"email": "a@example.org", "organisation": 99999}).status_code == 422
    taken = post(client, "/partners/invite", {"email": "staff@example.org", "organisation": organisation_id})
    assert taken.status_code == 422 and "already uses this e-mail" in taken.get_data(as_text=True)
    response = post(client, "/partners/invite", {"email": "Nurse@Example.org", "name": "A Nurse", "organisation": organisation_id})
    assert response.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.email == "nurse@example.org"))
    assert user.role == roles.PARTNER and db.session.get(PartnerAccount, user.id).organisation_id == organisation_id
    assert db.session.scalar(sa.select(AuthToken).where(AuthToken.user_id == user.id)).purpose == "invite"
    message = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.to == "nurse@example.org"))
    assert "/invite/" in message.body
    assert db.session.scalar(sa.select(AuditEvent.action).where(AuditEvent.subject_id == user.id,
                                                                AuditEvent.action == "partners.partner_invited"))


def test_publishing_without_data_is_a_clear_422(client, ctx, demo_users):
    sign_in(client, "staff")
    response = post(client, "/partners/local-picture/publish", {}, token_from="/local-picture")
    assert response.status_code == 422 and "no police recorded data" in response.get_data(as_text=True)


def test_oversized_upload_is_413_not_500(client, ctx, demo_users):
    sign_in(client, "staff")
    token = csrf_token(client, "/partners/datasets")
    big = io.BytesIO(b"x" * (21 * 1024 * 1024))
    response = client.post("/partners/datasets", data={"csrf_token": token, "file": (big, "big.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 413
