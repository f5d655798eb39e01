"""Real headless Chromium, with axe: staff change then cancel a meeting, a member says they are coming, and the
public reads a meeting's published notes."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from livesafe.clock import utcnow
from livesafe.extensions import db
from livesafe.mail.models import OutboxMessage
from livesafe.panels import logic, redaction
from livesafe.panels.models import Meeting, Panel
from tests.helpers import Browser
from tests.panels.factory import EMAILS, user

pytestmark = pytest.mark.browser


def _meeting(app, world, starts_at=None):
    with app.app_context():
        found = logic.add_meeting(db.session.get(Panel, world.city), starts_at or utcnow() + timedelta(days=10),
                                  "in_person", "Library, Room 2", user("staff"))
        db.session.commit()
        return found.id


def test_staff_change_then_cancel_a_meeting(app, browser, world):
    meeting_id = _meeting(app, world)
    page = browser.page
    browser.sign_in(email=EMAILS["staff"])
    browser.goto(f"/panels/{world.city}/meetings/{meeting_id}")
    page.click("text=Change the meeting")
    page.wait_for_load_state()
    browser.assert_accessible()
    page.fill("#place", "")
    page.click("text=Save changes")
    page.wait_for_load_state()
    assert "Enter the place, or how to join online" in page.inner_text(".error-summary")
    browser.assert_accessible()
    page.fill("#place", "Highfields Centre, Room 1")
    page.click("text=Save changes")
    page.wait_for_load_state()
    assert "Every member of the panel is e-mailed what changed" in page.inner_text("main")
    assert "Highfields Centre, Room 1" in page.inner_text("main")
    page.click("text=cancel it")
    page.wait_for_load_state()
    browser.assert_accessible()
    page.fill("#reason", "The centre is closed for repairs.")
    page.click("main button:has-text('Cancel the meeting')")
    page.wait_for_load_state()
    main = page.inner_text("main")
    assert "This meeting is cancelled" in main and "The centre is closed for repairs." in main
    assert "Change the meeting" not in main
    browser.assert_accessible()
    with app.app_context():
        assert db.session.get(Meeting, meeting_id).cancelled_at is not None
        subjects = set(db.session.scalars(sa.select(OutboxMessage.subject).where(OutboxMessage.to == EMAILS["city2"])))
        assert {"City panel meeting changed", "City panel meeting cancelled"} <= subjects


def test_a_member_says_they_are_coming_and_changes_their_mind(app, browser, chromium, live_server, world):
    meeting_id = _meeting(app, world)
    page = browser.page
    browser.sign_in(email=EMAILS["member"])
    path = f"/panels/{world.city}/meetings/{meeting_id}"
    browser.goto(path)
    assert "0 members are coming" in page.inner_text("#signup-box")
    page.click("#signup-1")
    page.wait_for_selector("text=You said you are coming")
    assert "1 member is coming" in page.inner_text("#signup-box")
    assert page.evaluate("document.activeElement.id") == "signup-1"  # focus stays on the button pressed
    assert page.get_attribute("#signup-1", "aria-pressed") == "true"
    browser.assert_accessible()
    page.click("#signup-0")
    page.wait_for_selector("text=You said you cannot come")
    assert "0 members are coming, 1 cannot come" in page.inner_text("#signup-box")
    browser.goto(path)  # a full reload agrees with the fragment
    assert "1 cannot come" in page.inner_text("#signup-box")

    plain = Browser(chromium, live_server, javascript=False)
    try:
        plain.sign_in(email=EMAILS["city2"])
        plain.goto(path)
        plain.page.click("#signup-1")
        plain.page.wait_for_load_state()
        assert "1 member is coming, 1 cannot come" in plain.page.inner_text("#signup-box")
        assert "the panel knows you are coming" in plain.page.inner_text("main")
    finally:
        plain.close()


def test_staff_publish_notes_and_the_public_reads_them(app, browser, chromium, live_server, world):
    with app.app_context():
        meeting = logic.add_meeting(db.session.get(Panel, world.city), utcnow() - timedelta(days=3), "in_person",
                                    "Community room", user("staff"), utcnow() - timedelta(days=4))
        logic.publish_note(meeting, "We agreed to map safe routes home.\nA parent from Elm Road told us about her son.",
                           user("staff"))
        redaction.add(meeting, "A parent from Elm Road", user("staff"))
        db.session.commit()
        meeting_path = f"/panels/{world.city}/meetings/{meeting.id}"
    staff = Browser(chromium, live_server)
    try:
        staff.sign_in(email=EMAILS["staff"])
        staff.goto(meeting_path)
        staff.assert_accessible()  # the note, the redaction list and form, the publish button
        staff.page.click("text=Publish the notes to the public")
        staff.page.wait_for_load_state()
        assert "The notes are public" in staff.page.inner_text("main")
    finally:
        staff.close()
    page = browser.page
    browser.goto("/you-said-we-did")
    page.click("text=notes of panel meetings")
    page.wait_for_load_state()
    browser.assert_accessible()
    page.click("main a:has-text('City panel')")
    page.wait_for_load_state()
    main = page.inner_text("main")
    assert "We agreed to map safe routes home." in main and "[redacted] told us about her son." in main
    assert "Elm Road" not in main and "Community room" not in main
    browser.assert_accessible()
    assert browser.outside_requests == []
