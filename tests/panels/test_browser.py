"""Real headless Chromium: the core journey from feedback to "You said, we did", and the other pages, with axe."""
import re

import pytest

from livesafe.extensions import db
from tests.helpers import Browser
from tests.panels.factory import EMAILS

pytestmark = pytest.mark.browser


def _other(chromium, live_server, email):
    session = Browser(chromium, live_server)
    session.sign_in(email=email)
    return session


def test_feedback_is_supported_answered_and_published_without_the_authors_name(browser, chromium, live_server, world):
    page = browser.page
    browser.sign_in(email=EMAILS["member"])
    browser.goto("/panels/feedback/new")
    browser.assert_accessible()
    page.fill("#title", "Nowhere safe to wait after school")
    page.select_option("#concerns", "data")
    page.check("text=Leicester")
    page.fill("#what_seen", "Young people wait at the bus station and fights start.")
    page.fill("#recommendation", "Open the library later and share the figures.")
    page.check("text=Urgent: needs attention now")
    assert not page.is_checked("#show_name")
    page.click("text=Submit feedback")
    page.wait_for_load_state()
    assert re.search(r"/panels/feedback/\d+$", page.url)
    item_path = page.url.removeprefix(browser.base_url)
    assert "Received" in page.inner_text("main")
    browser.assert_accessible()

    supporter = _other(chromium, live_server, EMAILS["city2"])
    try:
        supporter.goto(item_path)
        assert "0 members support this" in supporter.page.inner_text("#support-box")
        supporter.page.click("#support-button")
        supporter.page.wait_for_selector("text=Withdraw your support")
        assert "1 member supports this" in supporter.page.inner_text("#support-box")
        assert supporter.page.evaluate("document.activeElement.id") == "support-button"
        supporter.assert_accessible()
        supporter.goto(item_path)  # a full reload agrees with the fragment
        assert "1 member supports this" in supporter.page.inner_text("#support-box")
    finally:
        supporter.close()

    staff = _other(chromium, live_server, EMAILS["staff"])
    try:
        staff.goto(item_path + "/triage")
        staff.page.select_option("#owner_id", label="Sam Staff")
        staff.page.fill("#response_deadline", "2030-01-31")
        staff.page.click("text=Save owner and deadline")
        staff.page.wait_for_load_state()
        staff.page.select_option("#action", "review")
        staff.page.click("text=Change state")
        staff.page.wait_for_load_state()
        staff.page.select_option("#action", "respond")
        staff.page.fill("#response", "We will keep the library open until 7pm from next term.")
        staff.page.click("text=Change state")
        staff.page.wait_for_load_state()
        staff.assert_accessible()
        staff.page.click("text=Publish the item and response")
        staff.page.wait_for_load_state()
        assert "This item and its response are public, without the author's name" in staff.page.inner_text("main")
        staff.assert_accessible()
    finally:
        staff.close()

    public = Browser(chromium, live_server)
    try:
        public.goto("/you-said-we-did")
        text = public.page.inner_text("main")
        assert "Nowhere safe to wait after school" in text
        assert "We will keep the library open until 7pm from next term." in text
        assert "Pat Member" not in text and "panel@example.org" not in text
        public.assert_accessible()
        assert public.outside_requests == []
    finally:
        public.close()

    browser.goto(item_path)
    timeline = browser.page.inner_text("main")
    assert "Response published" in timeline and "1 member supports this" in timeline


@pytest.fixture
def demo(app):
    """The demo data, and the ids of a few of its things (ids differ on PostgreSQL, where sequences are not reset)."""
    import sqlalchemy as sa

    from livesafe.auth import demo as accounts
    from livesafe.panels import demo as panels
    from livesafe.panels.models import Asset, Feedback, Meeting, Panel

    def feedback(title):
        return db.session.scalar(sa.select(Feedback.id).where(Feedback.title == title))

    with app.app_context():
        accounts.load()
        panels.load()
        city = db.session.scalar(sa.select(Panel.id).where(Panel.name == "City panel"))
        meetings = db.session.scalars(sa.select(Meeting.id).where(Meeting.panel_id == city).order_by(Meeting.starts_at)).all()
        ids = {
            "city": city, "past": meetings[0], "upcoming": meetings[1],
            "overdue": feedback("Data on violence near schools at home time"),
            "draft": feedback("Safe spaces in the city centre"), "bus": feedback("Late buses from Melton"),
            "asset": db.session.scalar(sa.select(Asset.id).where(Asset.verified_at.is_not(None))),
        }
        db.session.remove()
    return ids


def test_public_filters_update_with_htmx_and_work_without_javascript(browser, chromium, live_server, demo):
    page = browser.page
    browser.goto("/you-said-we-did")
    assert "3 recommendations found" in page.inner_text("#results")
    page.select_option("#area", "melton")
    page.wait_for_selector("text=1 recommendation found")
    assert "Late buses from Melton" in page.inner_text("#results")
    assert page.url.endswith("area=melton&topic=&status=")
    browser.assert_accessible()
    browser.goto("/local-places")
    page.select_option("#district", "rutland")
    page.wait_for_selector("text=1 place shown")
    browser.assert_accessible()
    browser.goto(f"/local-places/{demo['asset']}")
    browser.assert_accessible()

    plain = Browser(chromium, live_server, javascript=False)
    try:
        plain.goto("/you-said-we-did")
        plain.page.select_option("#status", "not_taken_forward")
        plain.page.click("text=Show results")
        plain.page.wait_for_load_state()
        assert "status=not_taken_forward" in plain.page.url
        assert "1 recommendation found" in plain.page.inner_text("main")
    finally:
        plain.close()


@pytest.mark.parametrize("email,paths", [
    ("panel@example.org", ["/panels", "/panels/{city}", "/panels/{city}/meetings/{past}",
                           "/panels/{city}/meetings/{upcoming}", "/panels/feedback/{overdue}",
                           "/panels/feedback/{draft}/edit", "/panels/assets", "/panels/assets/new",
                           "/panels/feedback/{bus}/report"]),
    ("staff@example.org", ["/panels/triage", "/panels/feedback/{overdue}/triage", "/panels/moderation",
                           "/panels/manage", "/panels/manage/{city}", "/panels/assets", "/panels/{city}/meetings/{past}"]),
])
def test_member_and_staff_pages_pass_axe(browser, demo, email, paths):
    browser.sign_in(email=email)
    for path in paths:
        path = path.format(**demo)
        response = browser.goto(path)
        assert response.status == 200, path
        browser.assert_accessible()


def test_validation_errors_pass_axe_and_focus_the_summary(browser, demo):
    browser.sign_in(email="panel@example.org")
    browser.goto("/panels/feedback/new")
    browser.page.fill("#title", "Only a title")
    browser.page.click("text=Submit feedback")
    browser.page.wait_for_load_state()
    assert browser.page.title().startswith("Error: ")
    assert browser.page.evaluate("document.activeElement.dataset.errorSummary !== undefined")
    browser.assert_accessible()
