"""Panels, members, meetings, agenda cut-offs and published notes."""
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from livesafe.extensions import db
from livesafe.kernel import Refused, RuleError
from livesafe.panels import logic
from livesafe.panels.models import AgendaItem, Meeting, Panel, PanelMember
from livesafe.clock import utcnow
from tests.helpers import post, sign_in
from tests.panels.factory import EMAILS, user

START = datetime(2025, 3, 14, 18, 30, tzinfo=timezone.utc)


def _meeting(world, starts_at=START, cutoff=None):
    return logic.add_meeting(db.session.get(Panel, world.city), starts_at, "in_person", "Library", user("staff"), cutoff)


def test_the_agenda_closes_two_days_before_by_default(ctx, world):
    assert _meeting(world).agenda_cutoff_at == START - timedelta(days=2)


def test_agenda_items_are_added_before_the_cutoff_and_refused_after(ctx, world):
    meeting = _meeting(world)
    cutoff = meeting.agenda_cutoff_at
    logic.add_agenda_item(meeting, user("member"), "Safer routes", "", now=cutoff - timedelta(seconds=1))
    with pytest.raises(RuleError, match="agenda closed"):
        logic.add_agenda_item(meeting, user("member"), "Too late", "", now=cutoff)
    assert [item.title for item in db.session.scalars(sa.select(AgendaItem))] == ["Safer routes"]


def test_only_the_panels_members_and_staff_add_agenda_items(ctx, world):
    meeting = _meeting(world)
    early = START - timedelta(days=5)
    with pytest.raises(Refused):
        logic.add_agenda_item(meeting, user("county"), "Not my panel", "", now=early)
    logic.add_agenda_item(meeting, user("staff"), "Grants update", "", now=early)


def test_the_cutoff_cannot_be_after_the_meeting(ctx, world):
    with pytest.raises(RuleError):
        _meeting(world, cutoff=START + timedelta(hours=1))
    with pytest.raises(RuleError):
        logic.add_meeting(db.session.get(Panel, world.city), START, "by pigeon", "", user("staff"))


def test_notes_are_published_after_the_meeting_starts(ctx, world):
    meeting = _meeting(world)
    with pytest.raises(RuleError):
        logic.publish_note(meeting, "Agreed things", user("staff"), now=START - timedelta(minutes=1))
    with pytest.raises(RuleError):
        logic.publish_note(meeting, "  ", user("staff"), now=START + timedelta(days=1))
    logic.publish_note(meeting, "Agreed things", user("staff"), now=START + timedelta(days=1))
    assert meeting.note == "Agreed things" and meeting.note_published_at == START + timedelta(days=1)


def test_upcoming_and_past_meetings(ctx, world):
    now = START
    past = _meeting(world, starts_at=now - timedelta(days=1))
    soon = _meeting(world, starts_at=now + timedelta(days=1))
    assert logic.upcoming_meetings([world.city], now=now) == [soon]
    assert logic.past_meetings([world.city], now=now) == [past]
    assert logic.upcoming_meetings([world.county], now=now) == []


def test_members_are_panel_member_accounts_once_each(ctx, world):
    panel = db.session.get(Panel, world.county)
    for email in ("applicant@example.org", "staff@example.org", "nobody@example.org"):
        with pytest.raises(RuleError):
            logic.add_member(panel, email, user("staff"))
    with pytest.raises(RuleError, match="already"):
        logic.add_member(panel, EMAILS["county"], user("staff"))
    logic.add_member(panel, "PANEL@example.org", user("staff"))
    assert logic.is_member(world.county, user("member"))


def test_panel_names_are_unique(ctx, world):
    with pytest.raises(RuleError):
        logic.create_panel("city PANEL", "", user("staff"))


def _future_meeting(app, world):
    with app.app_context():
        meeting = _meeting(world, starts_at=utcnow() + timedelta(days=10))
        db.session.commit()
        return meeting.id


def test_a_member_adds_an_agenda_item_over_http(app, client, world):
    meeting_id = _future_meeting(app, world)
    sign_in(client, email=EMAILS["member"])
    url = f"/panels/{world.city}/meetings/{meeting_id}"
    response = post(client, url, {"title": "Knife talks in schools", "detail": "What works?"})
    assert response.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Knife talks in schools" in page and "Pat Member" in page


def test_an_empty_agenda_item_is_a_422(app, client, world):
    meeting_id = _future_meeting(app, world)
    sign_in(client, email=EMAILS["member"])
    response = post(client, f"/panels/{world.city}/meetings/{meeting_id}", {"title": ""})
    assert response.status_code == 422
    assert "Enter the agenda item" in response.get_data(as_text=True)


def test_after_the_cutoff_the_form_is_gone_and_a_late_post_is_refused(app, client, world):
    with app.app_context():
        meeting = _meeting(world, starts_at=utcnow() + timedelta(days=1))
        db.session.commit()
        meeting_id = meeting.id
    sign_in(client, email=EMAILS["member"])
    url = f"/panels/{world.city}/meetings/{meeting_id}"
    page = client.get(url).get_data(as_text=True)
    assert "The agenda closed on" in page and 'name="title"' not in page
    response = post(client, url, {"title": "Late item"}, token_from="/dashboard")
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(AgendaItem.id))) == 0


def test_staff_publish_a_note_members_see_it(app, client, world):
    with app.app_context():
        meeting = _meeting(world, starts_at=utcnow() - timedelta(hours=2))
        db.session.commit()
        meeting_id = meeting.id
    sign_in(client, email=EMAILS["staff"])
    url = f"/panels/{world.city}/meetings/{meeting_id}"
    assert post(client, url + "/note", {"note": ""}, token_from=url).status_code == 422
    assert post(client, url + "/note", {"note": "We agreed to map safe routes."}, token_from=url).status_code == 302
    member = app.test_client()
    sign_in(member, email=EMAILS["city2"])
    assert "We agreed to map safe routes." in member.get(url).get_data(as_text=True)


def test_staff_create_panels_add_members_and_meetings_over_http(app, client, world):
    sign_in(client, email=EMAILS["staff"])
    assert post(client, "/panels/manage", {"name": ""}).status_code == 422
    assert post(client, "/panels/manage", {"name": "City panel"}).status_code == 422  # already exists
    response = post(client, "/panels/manage", {"name": "Youth panel", "description": "Young leaders"})
    assert response.status_code == 302
    with app.app_context():
        youth_id = db.session.scalar(sa.select(Panel.id).where(Panel.name == "Youth panel"))
    url = f"/panels/manage/{youth_id}"
    response = post(client, url + "/members", {"email": "applicant@example.org"}, token_from=url)
    assert response.status_code == 422 and "no panel member account" in response.get_data(as_text=True)
    assert post(client, url + "/members", {"email": EMAILS["county"]}, token_from=url).status_code == 302
    bad = post(client, url + "/meetings", {"starts_at": "tomorrow", "mode": "online", "place": "Online"}, token_from=url)
    assert bad.status_code == 422 and "Enter the date and time" in bad.get_data(as_text=True)
    assert 'value="Online"' in bad.get_data(as_text=True)
    good = post(client, url + "/meetings", {"starts_at": "2030-06-01T18:30", "mode": "online", "place": "Online"},
                token_from=url)
    assert good.status_code == 302
    with app.app_context():
        meeting = db.session.scalar(sa.select(Meeting).where(Meeting.panel_id == youth_id))
        assert meeting.starts_at == datetime(2030, 6, 1, 17, 30, tzinfo=timezone.utc)  # 18:30 BST
        county = user("county")
        assert db.session.scalar(sa.select(PanelMember).where(PanelMember.panel_id == youth_id)).user_id == county.id
    assert post(client, url + f"/members/{county.id}/remove", {}, token_from=url).status_code == 302
    with app.app_context():
        assert not logic.is_member(youth_id, user("county"))
