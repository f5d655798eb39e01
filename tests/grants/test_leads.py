"""Leads: a lead makes another member a lead (told by e-mail, audited); a lead steps down while another lead
remains, never leaving the organisation without one, even when two leads step down at once."""
import pytest
import sqlalchemy as sa

from livesafe.audit.models import AuditEvent
from livesafe.auth.models import User
from livesafe.extensions import db
from livesafe.grants import leads
from livesafe.grants.models import OrganisationMember
from livesafe.kernel import Conflict, RuleError
from livesafe.mail.models import OutboxMessage
from tests.grants.conftest import make_organisation
from tests.grants.test_organisations import _join, _member_row
from tests.helpers import EMAIL, at_once, post, sign_in

PAGE = "/grants/organisation"
HELPER = "helper@example.org"


@pytest.fixture
def group(ctx, demo_users):
    """Riverside, led by the demo applicant, with one plain member."""
    riverside = make_organisation()
    _join(riverside, HELPER)
    return riverside


def _audits(action):
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


def test_a_lead_makes_a_member_a_lead_who_is_told_and_then_can_step_down(app, client, group):
    sign_in(client, "applicant")
    helper_row = _member_row(group, HELPER)
    own_row = _member_row(group, EMAIL["applicant"])
    page = client.get(PAGE).get_data(as_text=True)
    assert f"/members/{helper_row.id}/lead" in page
    assert f"/members/{own_row.id}/step-down" not in page  # the only lead is offered no step-down
    assert post(client, f"/grants/organisation/members/{helper_row.id}/lead", token_from=PAGE).status_code == 302
    assert _member_row(group, HELPER).lead
    mail = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.to == HELPER))
    assert mail is not None and mail.subject == "You are now a lead of Riverside Youth Club on Live Safe"
    (event,) = _audits("grant_organisation.lead_added")
    assert event.actor_id == own_row.user_id and event.after == {"user_id": helper_row.user_id, "lead": True}
    # A second press changes nothing and tells nobody again.
    assert post(client, f"/grants/organisation/members/{helper_row.id}/lead", token_from=PAGE).status_code == 302
    assert len(_audits("grant_organisation.lead_added")) == 1
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)).where(OutboxMessage.to == HELPER)) == 1

    page = client.get(PAGE).get_data(as_text=True)
    assert f"/members/{own_row.id}/step-down" in page and f"/members/{helper_row.id}/lead" not in page
    response = post(client, f"/grants/organisation/members/{own_row.id}/step-down", token_from=PAGE)
    assert response.status_code == 302
    assert not _member_row(group, EMAIL["applicant"]).lead  # still a member, no longer a lead
    assert _member_row(group, HELPER).lead
    (event,) = _audits("grant_organisation.lead_stepped_down")
    assert event.actor_id == own_row.user_id and event.after == {"user_id": own_row.user_id, "lead": False}
    page = client.get(PAGE).get_data(as_text=True)
    assert "/lead\"" not in page and "/step-down" not in page and "/remove" not in page  # a plain member now


def test_the_only_lead_cannot_step_down_and_a_plain_member_makes_nobody_lead(app, client, group):
    own_row = _member_row(group, EMAIL["applicant"])
    helper_row = _member_row(group, HELPER)
    sign_in(client, "applicant")
    response = post(client, f"/grants/organisation/members/{own_row.id}/step-down", token_from=PAGE)
    assert response.status_code == 409
    assert "must keep a lead, and you are its only one" in response.get_data(as_text=True)
    assert _member_row(group, EMAIL["applicant"]).lead
    assert client.post(f"/grants/organisation/members/{helper_row.id}/lead").status_code == 400  # no token
    assert post(client, "/grants/organisation/members/999999/lead", token_from=PAGE).status_code == 404

    helper = app.test_client()
    sign_in(helper, email=HELPER)
    assert "/lead\"" not in helper.get(PAGE).get_data(as_text=True)
    response = post(helper, f"/grants/organisation/members/{helper_row.id}/lead", token_from=PAGE)
    assert response.status_code == 403 and "Only a lead of Riverside Youth Club" in response.get_data(as_text=True)
    # Nobody steps down for someone else, lead or not.
    assert post(helper, f"/grants/organisation/members/{own_row.id}/step-down", token_from=PAGE).status_code == 403
    assert post(helper, f"/grants/organisation/members/{helper_row.id}/step-down", token_from=PAGE).status_code == 403
    assert not _member_row(group, HELPER).lead and _member_row(group, EMAIL["applicant"]).lead
    assert _audits("grant_organisation.lead_added") == [] and _audits("grant_organisation.lead_stepped_down") == []


def test_a_lead_of_another_group_cannot_make_leads_here(app, client, group):
    make_organisation("other@example.org", "Other group")
    other = app.test_client()
    sign_in(other, email="other@example.org")
    helper_row = _member_row(group, HELPER)
    assert post(other, f"/grants/organisation/members/{helper_row.id}/lead", token_from=PAGE).status_code == 403
    assert not _member_row(group, HELPER).lead


@pytest.mark.parametrize("role", ["staff", "admin", "assessor", "panel_member", "partner"])
def test_other_roles_are_refused(client, group, role):
    row = _member_row(group, HELPER)
    sign_in(client, role)
    for url in (f"/grants/organisation/members/{row.id}/lead", f"/grants/organisation/members/{row.id}/step-down"):
        assert post(client, url, token_from="/dashboard").status_code == 403
    assert not _member_row(group, HELPER).lead


def test_signed_out_visitors_are_sent_to_sign_in(client, group):
    row = _member_row(group, HELPER)
    response = client.post(f"/grants/organisation/members/{row.id}/lead")
    assert response.status_code in (302, 400)
    assert not _member_row(group, HELPER).lead


def test_a_removed_member_cannot_be_made_lead(group):
    lead = db.session.scalar(sa.select(User).where(User.email == EMAIL["applicant"]))
    row_id = _member_row(group, HELPER).id
    db.session.delete(_member_row(group, HELPER))
    db.session.commit()
    with pytest.raises(Conflict, match="no longer in the organisation"):
        leads.make_lead(lead, group.id, row_id)


def test_two_leads_stepping_down_at_once_leave_one_lead(app, ctx, demo_users):
    """At once on the live database (PostgreSQL in CI): one steps down, the other is refused."""
    group = make_organisation()
    _join(group, "second.lead@example.org", lead=True)
    group_id = group.id
    emails = [EMAIL["applicant"], "second.lead@example.org"]

    def work(index):
        actor = db.session.scalar(sa.select(User).where(User.email == emails[index]))
        leads.step_down(actor, group_id)
        db.session.commit()
        return True

    results = at_once(app, 2, work)
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "bool"], results
    assert "must keep a lead" in [r for r in results if isinstance(r, RuleError)][0].message
    db.session.expire_all()
    rows = db.session.scalars(sa.select(OrganisationMember).where(OrganisationMember.organisation_id == group_id)).all()
    assert len(rows) == 2 and sum(r.lead for r in rows) == 1
    assert len(_audits("grant_organisation.lead_stepped_down")) == 1
