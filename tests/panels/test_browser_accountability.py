"""Real headless Chromium, with axe: the public reads the accountability figures, a member follows an item
and replies to a comment, and search finds a published item."""
import pytest
import sqlalchemy as sa

from livesafe.extensions import db
from tests.helpers import Browser

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(app):
    from livesafe.auth import demo as accounts
    from livesafe.panels import demo as panels
    from livesafe.panels.models import Feedback, Panel

    with app.app_context():
        accounts.load()
        panels.load()
        ids = {"overdue": db.session.scalar(sa.select(Feedback.id).where(
                   Feedback.title == "Data on violence near schools at home time")),
               "mentoring": db.session.scalar(sa.select(Feedback.id).where(
                   Feedback.title == "More mentors in the West of the city")),
               "county": db.session.scalar(sa.select(Panel.id).where(Panel.name == "County panel"))}
        db.session.remove()
    return ids


def test_the_public_reads_the_accountability_figures(browser, demo):
    page = browser.page
    browser.goto("/you-said-we-did")
    page.click("text=How well we answer: the figures")
    page.wait_for_load_state()
    assert page.url.endswith("/accountability")
    figures = page.inner_text("#figures")
    assert "Recommendations raised" in figures and "Answered on time" in figures and "days" in figures
    chart = page.locator("svg.accountability-chart")
    assert chart.get_attribute("role") == "img" and chart.locator("rect[data-count]").count() > 0
    assert page.locator("table caption").inner_text().startswith("Recommendations by state")
    browser.assert_accessible()
    page.click("text=County panel")
    page.wait_for_load_state()
    assert page.url.endswith(f"/accountability/panels/{demo['county']}")
    assert "How well we answer: County panel" in page.inner_text("h1")
    browser.assert_accessible()
    browser.goto(f"/you-said-we-did/items/{demo['mentoring']}")
    assert "50% done" in page.inner_text("main")
    browser.assert_accessible()
    assert browser.outside_requests == []


def test_a_member_follows_an_item_and_replies_to_a_comment(browser, demo):
    page = browser.page
    browser.sign_in(email="panel@example.org")
    browser.goto(f"/panels/feedback/{demo['overdue']}")
    page.check("text=A weekly digest")
    page.click("button:has-text('Follow')")
    page.wait_for_load_state()
    assert "You follow this item: a weekly digest" in page.inner_text("main")
    browser.assert_accessible()
    page.click("a:has-text('Reply') >> nth=0")
    page.wait_for_load_state()
    assert "/reply" in page.url
    browser.assert_accessible()
    page.click("text=Add reply")  # empty: refused with a message
    page.wait_for_load_state()
    assert page.title().startswith("Error: ") and "Enter your reply" in page.inner_text("main")
    browser.assert_accessible()
    page.fill("#body", "I can bring the figures from the school governors.")
    page.click("text=Add reply")
    page.wait_for_load_state()
    replies = page.inner_text("ul.replies >> nth=0")
    assert "I can bring the figures from the school governors." in replies
    browser.assert_accessible()
    page.click("text=Unfollow")
    page.wait_for_load_state()
    assert "You no longer follow this item" in page.inner_text("main")


def test_search_finds_a_published_item(browser, chromium, live_server, demo):
    page = browser.page
    browser.goto("/search?q=mentors+west")
    assert "Panel recommendation" in page.inner_text("main")
    page.click("text=More mentors in the West of the city")
    page.wait_for_load_state()
    assert page.url.endswith(f"/you-said-we-did/items/{demo['mentoring']}")
    browser.goto("/you-said-we-did/search")
    page.fill("#q", "mentor")
    page.click("button:has-text('Search')")
    page.wait_for_load_state()
    assert "1 recommendation found" in page.inner_text("main")
    browser.assert_accessible()
    plain = Browser(chromium, live_server, javascript=False)
    try:
        plain.goto("/you-said-we-did/search?q=buses")
        assert "Late buses from Melton" in plain.page.inner_text("main")
    finally:
        plain.close()
