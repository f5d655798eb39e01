"""A person in several organisations: acting for one at a time (never one they are not in), starting
another, and leads removing members (told by e-mail, audited, access gone at once, never the last lead)."""
import re

import pytest
import sqlalchemy as sa

from livesafe.audit.models import AuditEvent
from livesafe.auth.models import User
from livesafe.extensions import db
from livesafe.grants import organisations
from livesafe.grants.models import Organisation, OrganisationMember
from livesafe.kernel import RuleError
from livesafe.mail.models import OutboxMessage
from tests.grants.conftest import make_application, make_organisation, make_round, user
from tests.helpers import EMAIL, at_once, post, sign_in

ACTING = "/grants/acting"
LIST = "/grants/applications"


def _join(organisation, email, lead=False):
    db.session.add(OrganisationMember(organisation_id=organisation.id, user_id=user(email).id, lead=lead))
    db.session.commit()


def _member_row(organisation, email):
    db.session.expire_all()
    return db.session.scalar(sa.select(OrganisationMember).where(
        OrganisationMember.organisation_id == organisation.id, OrganisationMember.user_id == user(email).id))


def _switch(client, organisation_id):
    return post(client, ACTING, {"organisation_id": str(organisation_id)}, token_from=LIST)


@pytest.fixture
def two_groups(open_round):
    """The applicant leads Riverside (joined first) and is a member of Hinckley; each has an application."""
    riverside = make_organisation()
    hinckley = make_organisation("hinckley@example.org", "Hinckley Youth Forum", district="Hinckley and Bosworth")
    _join(hinckley, EMAIL["applicant"])
    return {"riverside": riverside, "hinckley": hinckley,
            "riverside_app": make_application(open_round, riverside),
            "hinckley_app": make_application(open_round, hinckley, member_email="hinckley@example.org")}


def test_a_person_in_two_groups_acts_for_the_first_until_they_switch(client, two_groups):
    sign_in(client, "applicant")
    mine, theirs = two_groups["riverside_app"], two_groups["hinckley_app"]
    page = client.get(LIST).get_data(as_text=True)
    assert "Acting for" in page and "Applying as <strong>Riverside Youth Club</strong>" in page
    assert client.get(f"/grants/applications/{mine.id}").status_code == 200
    refused = client.get(f"/grants/applications/{theirs.id}")
    assert refused.status_code == 403 and "Acting for" in refused.get_data(as_text=True)

    response = _switch(client, two_groups["hinckley"].id)
    assert response.status_code == 302 and response.headers["Location"] == LIST
    page = client.get(LIST).get_data(as_text=True)
    assert "You are now acting for Hinckley Youth Forum." in page
    assert "Applying as <strong>Hinckley Youth Forum</strong>" in page
    # Every page and rule follows the choice: Hinckley's application opens, Riverside's does not.
    assert client.get(f"/grants/applications/{theirs.id}").status_code == 200
    assert client.get(f"/grants/applications/{mine.id}").status_code == 403
    assert client.get(f"/grants/applications/{mine.id}/project").status_code == 403
    assert "Hinckley Youth Forum" in client.get("/grants/organisation").get_data(as_text=True)


def test_nobody_acts_for_a_group_they_are_not_in_by_form_or_session(client, two_groups, open_round):
    stranger = make_organisation("stranger@example.org", "Stranger Group")
    theirs = make_application(open_round, stranger, member_email="stranger@example.org")
    sign_in(client, "applicant")
    response = _switch(client, stranger.id)
    assert response.status_code == 403
    assert "You can only act for an organisation you belong to." in response.get_data(as_text=True)
    assert "Applying as <strong>Riverside Youth Club</strong>" in client.get(LIST).get_data(as_text=True)
    # A session naming someone else's group is ignored: the person acts for their own.
    with client.session_transaction() as session:
        session[organisations.SESSION_KEY] = stranger.id
    assert client.get(f"/grants/applications/{theirs.id}").status_code == 403
    assert "Applying as <strong>Riverside Youth Club</strong>" in client.get(LIST).get_data(as_text=True)
    with client.session_transaction() as session:
        session[organisations.SESSION_KEY] = "not a number"
    assert client.get(f"/grants/applications/{two_groups['riverside_app'].id}").status_code == 200


@pytest.mark.parametrize("typed", ["", "abc", "-1", "99999999999999999999"])
def test_a_bad_choice_is_explained(client, two_groups, typed):
    sign_in(client, "applicant")
    response = _switch(client, typed)
    assert response.status_code in (403, 422)
    page = response.get_data(as_text=True)
    assert "Choose the organisation you want to act for." in page or "only act for an organisation you belong to" in page
    assert "Applying as <strong>Riverside Youth Club</strong>" in client.get(LIST).get_data(as_text=True)


def test_switching_needs_the_token_and_an_applicant(app, client, two_groups):
    sign_in(client, "applicant")
    assert client.post(ACTING, data={"organisation_id": str(two_groups["hinckley"].id)}).status_code == 400
    assert "Applying as <strong>Riverside Youth Club</strong>" in client.get(LIST).get_data(as_text=True)
    assert app.test_client().post(ACTING, data={"organisation_id": "1"}).status_code == 400  # no session, no token
    for url in ("/grants/organisations/new", "/grants/organisation/members/1/remove"):
        anonymous = app.test_client().get(url)
        assert anonymous.status_code == 302 and anonymous.headers["Location"].startswith("/login")
    for role in ("staff", "admin", "assessor", "panel_member"):
        other = app.test_client()
        sign_in(other, role)
        assert post(other, ACTING, {"organisation_id": "1"}, token_from="/dashboard").status_code == 403, role
        assert other.get("/grants/organisations/new").status_code == 403, role
        assert other.get("/grants/organisation/members/1/remove").status_code == 403, role


VALUES = {"name": "Second Start", "kind": "other", "postcode": "le2 2aa", "district": "Blaby",
          "safeguarding_policy": "yes", "safeguarding_lead": "Chair", "works_with_under_18s": "yes"}


def test_a_member_starts_another_group_and_stays_in_the_first(client, two_groups):
    sign_in(client, "applicant")
    response = post(client, "/grants/organisations/new", VALUES)
    assert response.status_code == 302
    started = db.session.scalar(sa.select(Organisation).where(Organisation.name == "Second Start"))
    assert started.postcode == "LE2 2AA"
    assert _member_row(started, EMAIL["applicant"]).lead
    assert _member_row(two_groups["riverside"], EMAIL["applicant"]) is not None
    page = client.get(LIST).get_data(as_text=True)
    assert "Applying as <strong>Second Start</strong>" in page
    assert page.count("<option value=") == 3


def test_starting_a_group_with_bad_details_keeps_them_and_adds_nothing(client, two_groups):
    sign_in(client, "applicant")
    response = post(client, "/grants/organisations/new", {**VALUES, "name": "", "district": "Atlantis"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "There is a problem" in page
    assert "Enter the name of your organisation" in page and "le2 2aa" in page
    assert db.session.scalar(sa.select(sa.func.count(Organisation.id))) == 2


def test_a_lead_removes_a_member_who_is_told_and_loses_access_at_once(app, client, two_groups):
    riverside = two_groups["riverside"]
    _join(riverside, "helper@example.org")
    helper = app.test_client()
    sign_in(helper, email="helper@example.org")
    application = two_groups["riverside_app"]
    assert helper.get(f"/grants/applications/{application.id}").status_code == 200
    sign_in(client, "applicant")
    member = _member_row(riverside, "helper@example.org")
    url = f"/grants/organisation/members/{member.id}/remove"
    assert "Remove helper from Riverside Youth Club?" in client.get(url).get_data(as_text=True)
    response = post(client, url)
    assert response.status_code == 302
    assert _member_row(riverside, "helper@example.org") is None
    # Told by e-mail, and audited with who did it.
    mail = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.to == "helper@example.org"))
    assert mail is not None and "You are no longer in Riverside Youth Club" in mail.subject
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "grant_organisation.member_removed"))
    assert event.actor_id == user(EMAIL["applicant"]).id and event.before["user_id"] == user("helper@example.org").id
    # Their very next request is refused, even with a session that still names the group.
    with helper.session_transaction() as session:
        session[organisations.SESSION_KEY] = riverside.id
    assert helper.get(f"/grants/applications/{application.id}").status_code == 403
    assert "Riverside Youth Club" not in helper.get(LIST).get_data(as_text=True)


def test_only_a_lead_removes_and_the_last_lead_cannot_remove_themselves(app, client, two_groups):
    riverside = two_groups["riverside"]
    _join(riverside, "helper@example.org")
    helper = app.test_client()
    sign_in(helper, email="helper@example.org")
    lead_row = _member_row(riverside, EMAIL["applicant"])
    url = f"/grants/organisation/members/{lead_row.id}/remove"
    assert helper.get(url).status_code == 403
    assert post(helper, url, token_from=LIST).status_code == 403
    assert _member_row(riverside, EMAIL["applicant"]) is not None
    # The applicant is a plain member of Hinckley: not its lead.
    hinckley_lead = _member_row(two_groups["hinckley"], "hinckley@example.org")
    sign_in(client, "applicant")
    assert post(client, f"/grants/organisation/members/{hinckley_lead.id}/remove", token_from=LIST).status_code == 403
    page = client.get("/grants/organisation").get_data(as_text=True)
    helper_row = _member_row(riverside, "helper@example.org")
    assert f"/members/{helper_row.id}/remove" in page and url not in page  # the only lead is offered no self-removal
    assert "/remove" not in helper.get("/grants/organisation").get_data(as_text=True)  # a plain member removes nobody
    response = post(client, url)
    assert response.status_code == 409
    assert "you are its only one, so you cannot remove yourself" in response.get_data(as_text=True)
    assert _member_row(riverside, EMAIL["applicant"]).lead
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(
        AuditEvent.action == "grant_organisation.member_removed")) == 0
    assert client.get("/grants/organisation/members/999999/remove").status_code == 404
    assert client.post(url).status_code == 400  # no token


def test_the_last_lead_leaving_hands_the_lead_on(app, client, two_groups):
    riverside = two_groups["riverside"]
    _join(riverside, "helper@example.org")
    sign_in(client, "applicant")
    response = post(client, "/grants/organisation/leave", {"organisation_id": str(riverside.id)})
    assert response.status_code == 302
    assert _member_row(riverside, EMAIL["applicant"]) is None
    assert _member_row(riverside, "helper@example.org").lead
    # Still in Hinckley: now acting for it.
    assert "Applying as <strong>Hinckley Youth Forum</strong>" in client.get(LIST).get_data(as_text=True)


def test_leaving_refuses_a_page_for_another_group(client, two_groups):
    sign_in(client, "applicant")
    response = post(client, "/grants/organisation/leave", {"organisation_id": str(two_groups["hinckley"].id)})
    assert response.status_code == 409 and "not the organisation this page was for" in response.get_data(as_text=True)
    assert _member_row(two_groups["riverside"], EMAIL["applicant"]) is not None


def test_no_message_says_whether_an_address_has_an_account(client, two_groups):
    sign_in(client, "applicant")
    pages = []
    for email in ("nobody@example.org", "hinckley@example.org", EMAIL["staff"]):
        response = post(client, "/grants/organisation/invitations", {"email": email}, token_from="/grants/organisation")
        assert response.status_code == 302
        page = client.get("/grants/organisation").get_data(as_text=True)
        pages.append(re.sub(r'name="csrf_token"[^>]*value="[^"]+"', "", page))
    assert pages[0] == pages[1] == pages[2]


def test_two_leads_removing_each_other_at_once_leave_a_lead(app, ctx, demo_users):
    """At once on the live database (PostgreSQL in CI): one removal wins, the other finds it is no longer a lead."""
    group = make_organisation()
    _join(group, "second.lead@example.org", lead=True)
    rows = {email: _member_row(group, email).id for email in (EMAIL["applicant"], "second.lead@example.org")}
    pairs = [(EMAIL["applicant"], rows["second.lead@example.org"]), ("second.lead@example.org", rows[EMAIL["applicant"]])]
    group_id = group.id

    def work(index):
        email, member_id = pairs[index]
        actor = db.session.scalar(sa.select(User).where(User.email == email))
        organisations.remove_member(actor, group_id, member_id)
        db.session.commit()
        return True

    results = at_once(app, 2, work)
    assert sorted(type(r).__name__ for r in results) == ["Refused", "bool"], results
    assert [r for r in results if isinstance(r, RuleError)][0].message.startswith("Only a lead of")
    db.session.expire_all()
    left = db.session.scalars(sa.select(OrganisationMember).where(OrganisationMember.organisation_id == group_id)).all()
    assert len(left) == 1 and left[0].lead
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(
        AuditEvent.action == "grant_organisation.member_removed")) == 1


def test_logic_refuses_a_choice_outside_a_request_too(ctx, demo_users):
    make_round()
    group = make_organisation()
    other = make_organisation("other@example.org", "Other")
    with pytest.raises(RuleError):
        organisations.act_for(user(EMAIL["applicant"]), other.id)
    assert organisations.acting_organisation_id(user(EMAIL["applicant"])) == group.id
