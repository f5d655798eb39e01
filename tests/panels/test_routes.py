"""Every route, for every kind of visitor: who is let in, who is refused, and id-swapping."""
from datetime import timedelta
import types

import pytest

from livesafe.extensions import db
from livesafe.panels import logic
from livesafe.panels.models import Panel
from livesafe.clock import utcnow
from tests.helpers import post, sign_in
from tests.panels.factory import EMAILS, feedback_in, published, user

WHO = ["signed_out", "admin", "staff", "assessor", "applicant", "member", "city2", "county"]
EVERYONE = set(WHO)
SIGNED_IN = EVERYONE - {"signed_out"}
STAFF = {"admin", "staff"}
MEMBERS = {"member", "city2", "county"}
CITY = {"admin", "staff", "member", "city2"}  # the City panel's members and staff


@pytest.fixture
def ids(app, world):
    with app.app_context():
        staff = user("staff")
        city = db.session.get(Panel, world.city)
        draft = feedback_in("draft", world.city)
        submitted = feedback_in("received", world.city)
        public = published(world.city)
        meeting = logic.add_meeting(city, utcnow() + timedelta(days=7), "online", "Online", staff)
        county_meeting = logic.add_meeting(db.session.get(Panel, world.county), utcnow() + timedelta(days=7),
                                           "online", "Online", staff)
        comment = logic.add_comment(submitted, user("city2"), "A comment")
        verified = logic.add_asset(staff, name="Club", kind="youth_club", district="leicester", description="",
                                   min_age=10, max_age=18, opening_times="", contact="", website="")
        logic.verify_asset(verified, staff)
        unverified = logic.add_asset(user("member"), name="New club", kind="youth_club", district="leicester",
                                     description="", min_age=10, max_age=18, opening_times="", contact="", website="")
        db.session.flush()
        report = logic.report(user("city2"), submitted, "off_topic")
        db.session.commit()
        return types.SimpleNamespace(
            city=world.city, county=world.county, draft=draft.id, submitted=submitted.id, public=public.id,
            meeting=meeting.id, county_meeting=county_meeting.id, comment=comment.id, verified=verified.id,
            unverified=unverified.id, report=report.id, member=user("member").id)


def _client(app, who):
    client = app.test_client()
    if who != "signed_out":
        sign_in(client, email=EMAILS[who])
    return client


def _expected(allowed, who):
    if who in allowed:
        return 200
    return 302 if who == "signed_out" else 403


GET_PAGES = [
    ("/you-said-we-did", EVERYONE),
    ("/local-places", EVERYONE),
    ("/local-places/{verified}", EVERYONE),
    ("/panels", STAFF | MEMBERS),
    ("/panels/{city}", CITY),
    ("/panels/{city}/meetings/{meeting}", CITY),
    ("/panels/feedback/new", MEMBERS),
    ("/panels/feedback/{submitted}", CITY),
    ("/panels/feedback/{draft}", {"member"}),
    ("/panels/feedback/{draft}/edit", {"member"}),
    ("/panels/feedback/{submitted}/report", CITY),
    ("/panels/feedback/{public}/report", SIGNED_IN),
    ("/panels/feedback/{submitted}/comments/{comment}/report", CITY),
    ("/panels/triage", STAFF),
    ("/panels/feedback/{submitted}/triage", STAFF),
    ("/panels/moderation", STAFF),
    ("/panels/manage", STAFF),
    ("/panels/manage/{city}", STAFF),
    ("/panels/assets", STAFF | MEMBERS),
    ("/panels/assets/new", STAFF | MEMBERS),
]


@pytest.mark.parametrize("url,allowed", GET_PAGES)
def test_get_pages_allow_and_refuse_each_role(app, ids, url, allowed):
    path = url.format(**vars(ids))
    seen = {}
    for who in WHO:
        response = _client(app, who).get(path)
        seen[who] = response.status_code
        if response.status_code == 302:
            assert response.headers["Location"].startswith("/login"), (who, response.headers["Location"])
    assert seen == {who: _expected(allowed, who) for who in WHO}


# (url, data, who may post). Allowed posts must not be 302-to-login or 403; what they do is tested elsewhere.
POSTS = [
    ("/panels/{city}/meetings/{meeting}", {"title": ""}, CITY),
    ("/panels/{city}/meetings/{meeting}/note", {"note": ""}, STAFF),
    ("/panels/feedback/new", {"title": ""}, MEMBERS),
    ("/panels/feedback/{draft}/edit", {"title": ""}, {"member"}),
    ("/panels/feedback/{submitted}/support", {"support": "1"}, {"city2"}),
    ("/panels/feedback/{submitted}/comments", {"body": ""}, CITY),
    ("/panels/feedback/{submitted}/report", {"reason": ""}, CITY),
    ("/panels/feedback/{public}/report", {"reason": ""}, SIGNED_IN),
    ("/panels/feedback/{submitted}/comments/{comment}/report", {"reason": ""}, CITY),
    ("/panels/feedback/{submitted}/triage", {"owner_id": "nonsense"}, STAFF),
    ("/panels/feedback/{submitted}/triage/state", {"action": ""}, STAFF),
    ("/panels/feedback/{submitted}/triage/publish", {"public": "0"}, STAFF),
    ("/panels/reports/{report}/hide", {}, STAFF),
    ("/panels/reports/{report}/dismiss", {}, STAFF),
    ("/panels/manage", {"name": ""}, STAFF),
    ("/panels/manage/{city}/members", {"email": ""}, STAFF),
    ("/panels/manage/{city}/members/{member}/remove", {}, STAFF),
    ("/panels/manage/{city}/meetings", {"starts_at": ""}, STAFF),
    ("/panels/assets/new", {"name": ""}, STAFF | MEMBERS),
    ("/panels/assets/{unverified}/verify", {}, STAFF),
]


@pytest.mark.parametrize("url,data,allowed", POSTS)
def test_posts_allow_and_refuse_each_role(app, ids, url, data, allowed):
    path = url.format(**vars(ids))
    refused, first_allowed = {}, True
    for who in WHO:
        client = _client(app, who)
        response = post(client, path, data, token_from="/login" if who == "signed_out" else "/dashboard")
        if who == "signed_out":
            assert response.status_code == 302 and response.headers["Location"].startswith("/login"), path
        elif who in allowed:
            # A later allowed role may find the thing already done (a removed member: 404).
            bad = (403, 405, 500) if not first_allowed else (403, 404, 405, 500)
            assert response.status_code not in bad, (who, response.status_code)
            first_allowed = False
        else:
            refused[who] = response.status_code
    assert refused == {who: 403 for who in SIGNED_IN - allowed}


def test_a_member_cannot_read_another_panels_item_by_changing_the_id(app, ids, world):
    with app.app_context():
        county_item = feedback_in("received", world.county, author="county", title="County private matter").id
        db.session.commit()
    client = _client(app, "member")
    for path in (f"/panels/feedback/{county_item}", f"/panels/feedback/{county_item}/report",
                 f"/panels/{ids.county}", f"/panels/{ids.county}/meetings/{ids.county_meeting}"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "County private matter" not in response.get_data(as_text=True)


def test_ids_that_do_not_match_are_404(app, ids):
    member, staff = _client(app, "member"), _client(app, "staff")
    assert member.get("/panels/feedback/999999").status_code == 404
    assert member.get(f"/panels/{ids.city}/meetings/{ids.county_meeting}").status_code == 404
    assert member.get(f"/panels/feedback/{ids.public}/comments/{ids.comment}/report").status_code == 404
    assert staff.get(f"/panels/feedback/{ids.draft}/triage").status_code == 404
    assert staff.get(f"/local-places/{ids.unverified}").status_code == 404
    assert staff.get("/panels/manage/999999").status_code == 404


def test_navigation_and_dashboard_links_fit_the_role(app, ids):
    assert 'href="/you-said-we-did"' in _client(app, "signed_out").get("/").get_data(as_text=True)
    member_page = _client(app, "member").get("/dashboard").get_data(as_text=True)
    assert 'href="/panels"' in member_page and 'href="/panels/triage"' not in member_page
    staff_page = _client(app, "staff").get("/dashboard").get_data(as_text=True)
    assert 'href="/panels/triage"' in staff_page and 'href="/panels/moderation"' in staff_page
    applicant_page = _client(app, "applicant").get("/dashboard").get_data(as_text=True)
    assert 'href="/panels"' not in applicant_page
