"""Meetings people can take part in (issue 15 point 3): edit and cancel (members told), agenda items changed or
deleted before the cut-off, members' sign-up with a count, the calendar feed, and public notes."""
import re
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from livesafe.clock import utcnow
from livesafe.extensions import db
from livesafe.kernel import Conflict, Refused, RuleError
from livesafe.mail.models import OutboxMessage
from livesafe.panels import logic, meetings, redaction
from livesafe.panels.models import AgendaItem, Meeting, MeetingSignup, Panel, Report
from tests.helpers import at_once, csrf_token, post, sign_in
from tests.panels.factory import EMAILS, user

SOON = timedelta(days=10)


def _meeting(panel_id, starts_at=None, place="Library, Room 2", cutoff=None):
    return logic.add_meeting(db.session.get(Panel, panel_id), starts_at or utcnow() + SOON, "in_person", place,
                             user("staff"), cutoff)


def _mail(to=None):
    query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
    if to:
        query = query.where(OutboxMessage.to == to)
    return list(db.session.scalars(query))


def _words(response) -> str:
    """The page as a reader hears it: tags out, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split()).replace(" ,", ",")


def client_as(app, who=None):
    client = app.test_client()
    if who:
        sign_in(client, email=EMAILS.get(who, who))
    return client


def _committed_meeting(app, world, **kwargs):
    with app.app_context():
        found = _meeting(world.city, **kwargs)
        db.session.commit()
        return found.id


# --- editing and cancelling ------------------------------------------------------------------------------------

def test_staff_edit_a_meeting_and_each_member_is_told_what_changed(ctx, world):
    meeting = _meeting(world.city)
    before = _mail()
    new_start = meeting.starts_at + timedelta(days=1)
    changed = meetings.edit_meeting(meeting, user("staff"), starts_at=new_start, mode="online",
                                    place="Online: link by e-mail", agenda_cutoff_at=None)
    assert set(changed) == {"When", "How", "Where", "Agenda closes"}
    assert meeting.starts_at == new_start and meeting.agenda_cutoff_at == new_start - timedelta(days=2)
    assert meeting.sequence == 1
    sent = _mail()[len(before):]
    assert sorted(mail.to for mail in sent) == sorted([EMAILS["member"], EMAILS["city2"]])  # not the County panel
    assert "Where: Online: link by e-mail (was Library, Room 2)" in sent[0].body
    assert f"/panels/{world.city}/meetings/{meeting.id}" in sent[0].body
    # Saving the same values again tells no one.
    assert meetings.edit_meeting(meeting, user("staff"), starts_at=new_start, mode="online",
                                 place="Online: link by e-mail", agenda_cutoff_at=None) == {}
    assert len(_mail()) == len(before) + 2 and meeting.sequence == 1


def test_editing_is_for_staff_with_sensible_values(ctx, world):
    meeting = _meeting(world.city)
    start = meeting.starts_at
    with pytest.raises(Refused):
        meetings.edit_meeting(meeting, user("member"), starts_at=start, mode="online", place="x", agenda_cutoff_at=None)
    with pytest.raises(RuleError, match="in person or online"):
        meetings.edit_meeting(meeting, user("staff"), starts_at=start, mode="pigeon", place="x", agenda_cutoff_at=None)
    with pytest.raises(RuleError, match="must close before"):
        meetings.edit_meeting(meeting, user("staff"), starts_at=start, mode="online", place="x",
                              agenda_cutoff_at=start + timedelta(hours=1))
    with pytest.raises(RuleError, match="Enter the place"):
        meetings.edit_meeting(meeting, user("staff"), starts_at=start, mode="online", place=" ", agenda_cutoff_at=None)


def test_a_cancelled_meeting_stays_is_marked_and_members_are_told_why(ctx, world):
    meeting = _meeting(world.city)
    logic.add_agenda_item(meeting, user("member"), "Safer routes", "")
    with pytest.raises(RuleError, match="Say why"):
        meetings.cancel_meeting(meeting, user("staff"), "  ")
    with pytest.raises(Refused):
        meetings.cancel_meeting(meeting, user("member"), "Because")
    before = len(_mail())
    meetings.cancel_meeting(meeting, user("staff"), "The room flooded")
    assert db.session.get(Meeting, meeting.id).cancelled_at is not None  # not deleted
    sent = _mail()[before:]
    assert sorted(m.to for m in sent) == sorted([EMAILS["member"], EMAILS["city2"]])
    assert all("cancelled" in m.subject and "The room flooded" in m.body for m in sent)
    with pytest.raises(Conflict):
        meetings.cancel_meeting(meeting, user("admin"), "Again")
    with pytest.raises(Refused, match="cancelled"):
        meetings.edit_meeting(meeting, user("staff"), starts_at=meeting.starts_at, mode="online", place="x",
                              agenda_cutoff_at=None)
    with pytest.raises(RuleError, match="cancelled"):
        logic.add_agenda_item(meeting, user("member"), "Too late", "")
    assert not logic.agenda_open(meeting)


def test_a_meeting_that_has_started_cannot_be_cancelled_and_a_cancelled_one_has_no_note(ctx, world):
    started = _meeting(world.city, starts_at=utcnow() - timedelta(hours=1))
    with pytest.raises(RuleError, match="already started"):
        meetings.cancel_meeting(started, user("staff"), "Too late")
    later = _meeting(world.city)
    meetings.cancel_meeting(later, user("staff"), "No room")
    with pytest.raises(RuleError, match="cancelled"):
        logic.publish_note(later, "Notes", user("staff"), now=later.starts_at + timedelta(days=1))


def test_staff_edit_and_cancel_over_http(app, world):
    meeting_id = _committed_meeting(app, world)
    url = f"/panels/{world.city}/meetings/{meeting_id}"
    staff = client_as(app, "staff")
    page = staff.get(url + "/edit").get_data(as_text=True)
    assert 'value="Library, Room 2"' in page
    bad = post(staff, url + "/edit", {"starts_at": "next week", "mode": "online", "place": "Online"})
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    assert "Enter the date and time" in text and 'value="Online"' in text  # what was typed is kept
    good = post(staff, url + "/edit", {"starts_at": "2030-06-01T18:30", "mode": "online", "place": "Online",
                                       "agenda_cutoff_at": "2030-05-30T18:30"})
    assert good.status_code == 303
    with app.app_context():
        found = db.session.get(Meeting, meeting_id)
        assert found.starts_at == datetime(2030, 6, 1, 17, 30, tzinfo=timezone.utc) and found.place == "Online"
    assert post(staff, url + "/cancel", {"reason": ""}).status_code == 422
    assert post(staff, url + "/cancel", {"reason": "The room flooded"}).status_code == 303
    page = staff.get(url).get_data(as_text=True)
    assert "This meeting is cancelled" in page and "The room flooded" in page and "Change the meeting" not in page
    # A second cancel (an old page) is refused, and so is editing.
    assert post(staff, url + "/cancel", {"reason": "Again"}, token_from=url).status_code == 409
    assert staff.get(url + "/edit").status_code == 403
    member = client_as(app, "member")
    assert "This meeting is cancelled" in member.get(url).get_data(as_text=True)
    assert "(cancelled)" in member.get(f"/panels/{world.city}").get_data(as_text=True) or \
        "Cancelled" in member.get(f"/panels/{world.city}").get_data(as_text=True)


def test_only_staff_edit_or_cancel_over_http(app, world):
    meeting_id = _committed_meeting(app, world)
    url = f"/panels/{world.city}/meetings/{meeting_id}"
    member = client_as(app, "member")
    assert member.get(url + "/edit").status_code == 403
    assert post(member, url + "/cancel", {"reason": "x"}, token_from=url).status_code == 403
    assert app.test_client().get(url + "/edit").status_code == 302  # sign in first
    with app.app_context():
        assert db.session.get(Meeting, meeting_id).cancelled_at is None


# --- agenda items ----------------------------------------------------------------------------------------------

def test_agenda_items_are_changed_or_deleted_by_their_author_or_staff_before_the_cutoff(ctx, world):
    meeting = _meeting(world.city)
    mine = logic.add_agenda_item(meeting, user("member"), "Safer routes", "")
    theirs = logic.add_agenda_item(meeting, user("city2"), "Knife talks", "")
    with pytest.raises(Refused):
        meetings.delete_agenda_item(theirs, user("member"))
    with pytest.raises(Refused):
        meetings.edit_agenda_item(theirs, user("county"), "Mine now", "")
    meetings.edit_agenda_item(mine, user("member"), "Safer routes home", "By the park")
    assert mine.title == "Safer routes home"
    with pytest.raises(RuleError, match="Enter the agenda item"):
        meetings.edit_agenda_item(mine, user("member"), " ", "")
    logic.report_agenda_item(user("city2"), mine, "off_topic")
    meetings.delete_agenda_item(mine, user("member"))
    meetings.delete_agenda_item(theirs, user("staff"))
    assert db.session.scalar(sa.select(sa.func.count(AgendaItem.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(Report.id))) == 0


def test_after_the_cutoff_agenda_items_stay_with_a_clear_reason(ctx, world):
    meeting = _meeting(world.city)
    item = logic.add_agenda_item(meeting, user("member"), "Safer routes", "")
    late = meeting.agenda_cutoff_at
    for who in ("member", "staff"):
        with pytest.raises(RuleError, match="The agenda closed on .* can no longer be changed or deleted"):
            meetings.delete_agenda_item(item, user(who), now=late)
        with pytest.raises(RuleError, match="agenda closed"):
            meetings.edit_agenda_item(item, user(who), "Changed", "", now=late)
    assert db.session.get(AgendaItem, item.id).title == "Safer routes"


def test_deleting_and_changing_agenda_items_over_http(app, world):
    with app.app_context():
        open_meeting = _meeting(world.city)
        item = logic.add_agenda_item(open_meeting, user("member"), "Safer routes", "")
        other = logic.add_agenda_item(open_meeting, user("member"), "Grants", "")
        closing = _meeting(world.city, starts_at=utcnow() + timedelta(days=1))  # the agenda closed yesterday
        late = AgendaItem(meeting_id=closing.id, title="Already on", added_by_id=user("member").id)
        db.session.add(late)
        db.session.commit()
        ids = item.id, other.id, late.id, open_meeting.id, closing.id
    item_id, other_id, late_id, open_id, closing_id = ids
    page = f"/panels/{world.city}/meetings/{open_id}"
    member, city2 = client_as(app, "member"), client_as(app, "city2")
    assert "Delete<span" in member.get(page).get_data(as_text=True)
    assert "Delete<span" not in city2.get(page).get_data(as_text=True)
    assert post(city2, f"/panels/agenda/{item_id}/delete", {}, token_from=page).status_code == 403
    assert client_as(app, "county").get(f"/panels/agenda/{item_id}/edit").status_code == 403
    bad = post(member, f"/panels/agenda/{item_id}/edit", {"title": ""})
    assert bad.status_code == 422 and "Enter the agenda item" in bad.get_data(as_text=True)
    assert post(member, f"/panels/agenda/{item_id}/edit", {"title": "Safer routes home"}).status_code == 303
    assert post(member, f"/panels/agenda/{item_id}/delete", {}, token_from=page).status_code == 303
    assert post(member, f"/panels/agenda/{item_id}/delete", {}, token_from=page).status_code == 404
    assert post(member, f"/panels/agenda/{other_id}/delete", {"csrf_token": "wrong"}).status_code == 400
    refused = post(member, f"/panels/agenda/{late_id}/delete", {}, token_from=page)
    assert refused.status_code == 422 and "The agenda closed on" in refused.get_data(as_text=True)
    with app.app_context():
        assert {row.id for row in db.session.scalars(sa.select(AgendaItem))} == {other_id, late_id}
    assert closing_id


# --- sign-ups --------------------------------------------------------------------------------------------------

def test_members_say_whether_they_are_coming_and_can_change_their_mind(ctx, world):
    meeting = _meeting(world.city)
    meetings.set_signup(meeting, user("member"), True)
    meetings.set_signup(meeting, user("member"), True)  # a double click
    meetings.set_signup(meeting, user("city2"), False)
    assert meetings.signup_counts(meeting.id) == (1, 1)
    meetings.set_signup(meeting, user("city2"), True)
    assert meetings.signup_counts(meeting.id) == (2, 0)
    meetings.set_signup(meeting, user("member"), False)
    assert meetings.signup_counts(meeting.id) == (1, 1)
    assert meetings.answer_of(meeting.id, user("member")) is False
    assert db.session.scalar(sa.select(sa.func.count(MeetingSignup.id))) == 2


def test_only_the_panels_members_sign_up_and_not_to_cancelled_or_past_meetings(ctx, world):
    meeting = _meeting(world.city)
    for who in ("county", "staff", "applicant"):
        with pytest.raises(Refused):
            meetings.set_signup(meeting, user(who), True)
    past = _meeting(world.city, starts_at=utcnow() - timedelta(hours=1))
    with pytest.raises(RuleError, match="already started"):
        meetings.set_signup(past, user("member"), True)
    meetings.cancel_meeting(meeting, user("staff"), "No room")
    with pytest.raises(Refused, match="cancelled"):
        meetings.set_signup(meeting, user("member"), True)
    assert meetings.signup_counts(meeting.id) == (0, 0)


def test_signing_up_over_http_with_and_without_htmx(app, world):
    meeting_id = _committed_meeting(app, world)
    url = f"/panels/{world.city}/meetings/{meeting_id}"
    member = client_as(app, "member")
    assert "0 members are coming" in _words(member.get(url))
    assert post(member, url + "/signup", {"value": "1"}, token_from=url).status_code == 303
    assert "1 member is coming" in _words(member.get(url))
    fragment = post(member, url + "/signup", {"value": "0"}, token_from=url, headers={"HX-Request": "true"})
    text = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and text.lstrip().startswith("<div id=\"signup-box\"")
    assert "0 members are coming, 1 cannot come" in _words(fragment) and "I am coming" in text
    assert 'id="signup-0" class="button button--secondary" aria-pressed="true"' in text
    assert post(member, url + "/signup", {"value": "maybe"}, token_from=url).status_code == 400
    staff = client_as(app, "staff")
    assert "Pat Member: cannot come" in staff.get(url).get_data(as_text=True)
    assert post(staff, url + "/signup", {"value": "1"}, token_from=url).status_code == 403
    assert post(client_as(app, "county"), url + "/signup", {"value": "1"}, token_from="/panels").status_code == 403
    with app.app_context():
        meetings.cancel_meeting(db.session.get(Meeting, meeting_id), user("staff"), "No room")
        db.session.commit()
    refused = post(member, url + "/signup", {"value": "1"}, token_from=url)
    assert refused.status_code == 403 and "takes no sign-ups" in refused.get_data(as_text=True)
    # From a page loaded before the cancelling, htmx swaps in the reason (htmx swaps 422, not 403).
    late = post(member, url + "/signup", {"value": "1"}, token_from=url, headers={"HX-Request": "true"})
    assert late.status_code == 422 and "takes no sign-ups" in late.get_data(as_text=True)
    assert "I am coming" not in late.get_data(as_text=True)
    assert "I am coming" not in member.get(url).get_data(as_text=True)
    with app.app_context():
        assert meetings.signup_counts(meeting_id) == (0, 1)  # the earlier answer is kept


@pytest.mark.commits
def test_two_sign_ups_at_once_count_once(app, world):
    for round_ in range(3):
        meeting_id = _committed_meeting(app, world)
        url = f"/panels/{world.city}/meetings/{meeting_id}"
        clients = [client_as(app, "member"), client_as(app, "member")]
        tokens = [csrf_token(client, url) for client in clients]

        def click(index, clients=clients, tokens=tokens, url=url):
            return clients[index].post(url + "/signup", data={"value": "1", "csrf_token": tokens[index]}).status_code

        assert at_once(app, 2, click) == [303, 303], round_
        with app.app_context():
            assert meetings.signup_counts(meeting_id) == (1, 0)
            assert db.session.scalar(sa.select(sa.func.count(MeetingSignup.id))
                                     .where(MeetingSignup.meeting_id == meeting_id)) == 1


# --- the calendar feed -----------------------------------------------------------------------------------------

def test_the_calendar_is_rfc_5545_with_cancellations_and_no_private_details(ctx, world):
    panel = db.session.get(Panel, world.city)
    panel.name = "City panel; Highfields, and Spinney Hill \\ " + "long name " * 7
    start = utcnow() + SOON
    kept = _meeting(world.city, starts_at=start, place="Flat 4, 12 Secret Road")
    logic.add_agenda_item(kept, user("member"), "Agenda words", "")
    meetings.set_signup(kept, user("member"), True)
    gone = _meeting(world.city, starts_at=start + SOON)
    meetings.cancel_meeting(gone, user("staff"), "Private reason")
    _meeting(world.county)
    now = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    body = meetings.calendar(panel, now=now)
    lines = body.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR" and lines[-1] == ""
    assert "\n" not in body.replace("\r\n", "") and all(len(line.encode()) <= 75 for line in lines)
    assert "\r\n " in body  # the long summary is folded
    assert "VERSION:2.0" in lines and any(line.startswith("PRODID:") for line in lines)
    assert body.count("BEGIN:VEVENT") == 2  # not the County panel's
    unfolded = body.replace("\r\n ", "")
    assert f"UID:panel-meeting-{kept.id}@localhost" in unfolded
    assert unfolded.count("DTSTAMP:20260102T030405Z") == 2
    assert f"DTSTART:{start.strftime('%Y%m%dT%H%M%SZ')}" in unfolded
    assert "SUMMARY:City panel\\; Highfields\\, and Spinney Hill \\\\ long name" in unfolded
    assert "STATUS:CANCELLED" in unfolded and "SUMMARY:Cancelled: City panel" in unfolded
    assert "STATUS:CONFIRMED" in unfolded and "SEQUENCE:1" in unfolded and "SEQUENCE:0" in unfolded
    for private in ("Secret Road", "Agenda words", "Private reason", "Pat Member", "panel@example.org", "Library"):
        assert private not in unfolded


def test_the_calendar_route_is_public_only_for_panels_staff_made_public(app, world):
    meeting_id = _committed_meeting(app, world)
    feed = f"/panels/{world.city}/meetings.ics"
    anonymous = app.test_client()
    assert anonymous.get(feed).status_code == 404
    assert client_as(app, "county").get(feed).status_code == 404
    member = client_as(app, "member").get(feed)
    assert member.status_code == 200 and member.mimetype == "text/calendar"
    assert f"panel-meeting-{meeting_id}@" in member.get_data(as_text=True)
    manage = f"/panels/manage/{world.city}"
    assert post(client_as(app, "member"), manage + "/calendar", {"value": "1"}, token_from="/panels").status_code == 403
    staff = client_as(app, "staff")
    assert post(staff, manage + "/calendar", {"value": "yes"}, token_from=manage).status_code == 400
    assert post(staff, manage + "/calendar", {"value": "1"}, token_from=manage).status_code == 303
    public = anonymous.get(feed)
    assert public.status_code == 200 and public.mimetype == "text/calendar"
    assert public.get_data(as_text=True).startswith("BEGIN:VCALENDAR\r\n")
    assert anonymous.get("/panels/999/meetings.ics").status_code == 404


# --- public notes ----------------------------------------------------------------------------------------------

def _past_meeting_with_note(world, note="We agreed to map safe routes. Ask Jo Bloggs at 12 Elm Road."):
    meeting = _meeting(world.city, starts_at=utcnow() - timedelta(days=2), place="Community room",
                       cutoff=utcnow() - timedelta(days=3))
    db.session.add(AgendaItem(meeting_id=meeting.id, title="Safer routes home", detail="By the park",
                              added_by_id=user("member").id))
    db.session.add(AgendaItem(meeting_id=meeting.id, title="Hidden item words", added_by_id=user("city2").id,
                              hidden_at=utcnow(), hidden_reason="Rude", hidden_by_id=user("staff").id))
    logic.publish_note(meeting, note, user("staff"))
    return meeting


def test_notes_go_public_only_once_published_to_the_panel_and_not_for_cancelled_meetings(ctx, world):
    meeting = _meeting(world.city)
    with pytest.raises(RuleError, match="Publish the note to the panel first"):
        meetings.set_notes_public(meeting, True, user("staff"))
    with pytest.raises(Refused):
        meetings.set_notes_public(meeting, True, user("member"))
    meetings.cancel_meeting(meeting, user("staff"), "No room")
    with pytest.raises(RuleError, match="cancelled"):
        meetings.set_notes_public(meeting, True, user("staff"))
    held = _past_meeting_with_note(world)
    assert meetings.public_meeting(held.id) is None
    meetings.set_notes_public(held, True, user("staff"))
    assert meetings.public_meeting(held.id) is held and meetings.public_meetings() == [held]
    meetings.set_notes_public(held, False, user("staff"))
    assert meetings.public_meeting(held.id) is None


def test_the_public_reads_published_notes_with_redactions_and_no_names(app, world):
    with app.app_context():
        meeting = _past_meeting_with_note(world)
        redaction.add(meeting, "Jo Bloggs at 12 Elm Road", user("staff"))
        db.session.commit()
        meeting_id = meeting.id
    anonymous = app.test_client()
    public = f"/panel-meetings/{meeting_id}"
    assert anonymous.get(public).status_code == 404
    url = f"/panels/{world.city}/meetings/{meeting_id}"
    staff = client_as(app, "staff")
    assert post(client_as(app, "member"), url + "/public", {"value": "1"}, token_from=url).status_code == 403
    assert post(staff, url + "/public", {"value": "sure"}, token_from=url).status_code == 400
    assert post(staff, url + "/public", {"value": "1"}, token_from=url).status_code == 303
    page = anonymous.get(public)
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "We agreed to map safe routes. Ask [redacted]." in text and "Jo Bloggs" not in text
    assert "Safer routes home" in text and "By the park" in text
    assert "Hidden item words" not in text and "Pat Member" not in text and "Community room" not in text
    assert f'href="{public}"' in anonymous.get("/panel-meetings").get_data(as_text=True)
    # Members read the redacted note too; staff the original.
    assert "Jo Bloggs" not in client_as(app, "city2").get(url).get_data(as_text=True)
    assert "Jo Bloggs" in staff.get(url).get_data(as_text=True)
    assert post(staff, url + "/public", {"value": "0"}, token_from=url).status_code == 303
    assert anonymous.get(public).status_code == 404


def test_staff_redact_a_note_and_bad_input_is_kept(app, world):
    with app.app_context():
        meeting_id = _past_meeting_with_note(world).id
        db.session.commit()
    url = f"/panels/{world.city}/meetings/{meeting_id}"
    staff = client_as(app, "staff")
    missing = post(staff, url + "/redactions", {"phrase": "Not in the note"})
    assert missing.status_code == 422 and "Those words are not in the text" in missing.get_data(as_text=True)
    assert "Not in the note" in missing.get_data(as_text=True)
    assert post(staff, url + "/redactions", {"phrase": ""}, token_from=url).status_code == 422
    assert post(client_as(app, "member"), url + "/redactions", {"phrase": "Jo"}, token_from=url).status_code == 403
    assert post(staff, url + "/redactions", {"phrase": "Jo Bloggs"}, token_from=url).status_code == 303
    assert post(staff, url + "/redactions", {"phrase": "jo bloggs"}, token_from=url).status_code == 409
    page = staff.get(url).get_data(as_text=True)
    assert "Show again" in page
    with app.app_context():
        entry = redaction.redactions_of(db.session.get(Meeting, meeting_id))[0]
    assert post(staff, f"/panels/redactions/{entry.id}/remove", {}, token_from=url).status_code == 302
    assert "Jo Bloggs" in client_as(app, "city2").get(url).get_data(as_text=True)


# --- demo ------------------------------------------------------------------------------------------------------

def test_the_demo_shows_public_notes_with_a_redaction_sign_ups_and_a_cancelled_meeting(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert runner.invoke(args=["demo"]).exit_code == 0  # idempotent
    with app.app_context():
        shown = meetings.public_meetings()
        assert len(shown) == 1
        meeting_id, panel_id = shown[0].id, shown[0].panel_id
        assert db.session.get(Panel, panel_id).public_meetings
        assert db.session.scalar(sa.select(sa.func.count(Meeting.id)).where(Meeting.cancelled_at.is_not(None))) == 1
        assert db.session.scalar(sa.select(sa.func.count(MeetingSignup.id))) == 2
    anonymous = app.test_client()
    page = anonymous.get(f"/panel-meetings/{meeting_id}").get_data(as_text=True)
    assert "[redacted] told us" in page and "Okafor" not in page
    feed = anonymous.get(f"/panels/{panel_id}/meetings.ics").get_data(as_text=True)
    assert "STATUS:CANCELLED" in feed and "Okafor" not in feed


# --- public papers ---------------------------------------------------------------------------------------------

def test_the_public_downloads_papers_of_a_meeting_whose_notes_are_public_but_not_of_hidden_items(app, world, tmp_path):
    from tests.panels.test_papers import send
    from tests.uploads.conftest import pdf

    app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    with app.app_context():
        meeting = _past_meeting_with_note(world)
        db.session.commit()
        meeting_id = meeting.id
        visible, hidden = (item.id for item in meeting.agenda_items)
    papers_url = f"/panels/{world.city}/meetings/{meeting_id}/papers"
    staff = client_as(app, "staff")
    for target, name in (("meeting", "Pack.pdf"), (f"item:{visible}", "Routes.pdf"), (f"item:{hidden}", "Rude.pdf")):
        assert send(staff, papers_url, pdf(), name, target).status_code == 303
    with app.app_context():
        from livesafe.uploads.models import Upload

        ids = dict(db.session.execute(sa.select(Upload.original_name, Upload.id)).all())
    anonymous = app.test_client()
    assert anonymous.get(f"/uploads/{ids['Pack.pdf']}").status_code == 302  # sign in: not public yet
    url = f"/panels/{world.city}/meetings/{meeting_id}"
    assert post(staff, url + "/public", {"value": "1"}, token_from=url).status_code == 303
    page = anonymous.get(f"/panel-meetings/{meeting_id}").get_data(as_text=True)
    assert "Pack.pdf" in page and "Routes.pdf" in page and "Rude.pdf" not in page
    for name in ("Pack.pdf", "Routes.pdf"):
        download = anonymous.get(f"/uploads/{ids[name]}")
        assert download.status_code == 200 and download.headers["Content-Disposition"].startswith("attachment")
    assert anonymous.get(f"/uploads/{ids['Rude.pdf']}").status_code == 302
    assert client_as(app, "city2").get(f"/uploads/{ids['Rude.pdf']}").status_code == 403
    assert staff.get(f"/uploads/{ids['Rude.pdf']}").status_code == 200


@pytest.mark.parametrize("typed", ["0001-01-01T00:00", "9999-12-31T23:59", "2030-02-30T10:00", "2030-06-01T25:00"])
def test_dates_out_of_reach_are_refused_with_a_message(app, world, typed):
    meeting_id = _committed_meeting(app, world)
    url = f"/panels/{world.city}/meetings/{meeting_id}/edit"
    staff = client_as(app, "staff")
    response = post(staff, url, {"starts_at": typed, "mode": "online", "place": "Online"})
    assert response.status_code == 422 and "There is a problem" in response.get_data(as_text=True)
    manage = f"/panels/manage/{world.city}"
    added = post(staff, manage + "/meetings", {"starts_at": typed, "mode": "online", "place": "Online"},
                 token_from=manage)
    assert added.status_code == 422 and "There is a problem" in added.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Meeting, meeting_id).place == "Library, Room 2"
        assert db.session.scalar(sa.select(sa.func.count(Meeting.id))) == 1
