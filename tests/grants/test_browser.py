"""Real-browser journeys: apply through the task list (autosave seen working), assess, moderate and
decide, and the applicant sees the outcome. Each page visited passes axe (WCAG 2.2 A/AA)."""
import pytest
import sqlalchemy as sa

from livesafe.auth.demo import account
from livesafe.extensions import db
from livesafe.grants.models import GrantApplication, RoundAssessor
from tests.grants.conftest import assign, answers, make_application, make_organisation, make_round, score, uniform, user

pytestmark = pytest.mark.browser


def go(page, selector):
    """Click something that loads a new page, and wait for that page."""
    with page.expect_navigation():
        page.click(selector)


def _fill_section(page, values):
    for name, value in values.items():
        if isinstance(value, list):
            for item in value:
                page.check(f"input[name='{name}'][value='{item}']")
        elif name in ("checks",):
            page.check(f"input[name='{name}'][value='{value}']")
        elif value == "y":
            page.check(f"input[name='{name}']")
        elif name == "district":
            page.select_option(f"select[name='{name}']", value)
        else:
            page.fill(f"[name='{name}']", value)


def test_applicant_completes_an_application_through_the_task_list(app, browser, demo_users):
    with app.app_context():
        grant_round = make_round(name="Spring grants")
        make_organisation()
        round_id = grant_round.id
    page = browser.page
    browser.sign_in("applicant")
    browser.goto("/funding")
    browser.assert_accessible()
    go(page, "text=Apply to Spring grants")
    assert f"/funding/{round_id}/apply" in page.url
    browser.assert_accessible()
    for index, answer in enumerate(["yes", "yes", "yes", "no"]):
        page.check(f"input[name='q_{index}'][value='{answer}']")
    go(page, "main button[type=submit]")
    assert "Not started" in page.inner_text("main")
    browser.assert_accessible()
    task_list = page.url

    # Autosave: type, see "Saved at", reload without pressing a button, and the text is still there.
    go(page, "text=Need and theory of change")
    page.fill("[name='need']", "Young people here do not feel safe after school.")
    page.wait_for_selector("#save-status:has-text('Saved at')", timeout=10000)
    page.reload()
    assert page.input_value("[name='need']") == "Young people here do not feel safe after school."
    browser.assert_accessible()

    # A validation error keeps what was typed and is announced.
    page.fill("[name='activities']", "Football")
    go(page, "text=Save and mark as complete")
    assert page.title().startswith("Error: ")
    assert page.input_value("[name='activities']") == "Football"
    browser.assert_accessible()

    for section, values in answers(approach={"approach": "We will run a boot camp weekend.", "evidence": "Discipline helps."}).items():
        page.goto(task_list)
        go(page, f"a[href$='/{section}']")
        _fill_section(page, values)
        go(page, "text=Save and mark as complete")
        assert page.url == task_list, (section, page.inner_text("main")[:400])
    assert page.inner_text("main").count("Completed") == 8
    # The evidence check warns before submitting.
    assert "can do harm" in page.inner_text("main")
    browser.assert_accessible()
    go(page, "a.button:has-text('Check your answers and send')")
    assert "Boot camps" in page.inner_text("main")
    assert page.get_attribute("a[href='/articles/what-works-evidence']", "href")
    browser.assert_accessible()
    assert "Send application" in page.inner_text("main"), page.inner_text("main")[:1500]
    go(page, "button:has-text('Send application')")
    assert "Sent to us" in page.inner_text("main")
    browser.assert_accessible()
    with app.app_context():
        assert db.session.scalar(sa.select(GrantApplication.state)) == "submitted"


def test_assessor_declares_no_conflict_and_scores(app, browser, demo_users):
    with app.app_context():
        grant_round = make_round(status="assessment", opens=-10, closes=-1)
        grant_round.assessors.append(RoundAssessor(user_id=account("assessor").id))
        db.session.commit()
        application = make_application(grant_round, make_organisation(), state="in_assessment")
        assign(application, account("assessor"))
        application_id = application.id
    page = browser.page
    browser.sign_in("assessor")
    browser.goto("/grants/assessments")
    browser.assert_accessible()
    go(page, "text=Friday night football")
    browser.assert_accessible()
    page.check("input[name='conflict'][value='no']")
    go(page, "main button[type=submit]")
    assert f"/grants/applications/{application_id}/assessment" in page.url
    browser.assert_accessible()
    for key in uniform(0):
        page.check(f"input[name='score_{key}'][value='4']")
    page.check("input[name='score_need'][value='5']")
    go(page, "text=Submit scores")
    assert page.title().startswith("Error: ")  # a 5 needs a comment
    browser.assert_accessible()
    page.fill("[name='comment_need']", "Clear local evidence of need.")
    go(page, "text=Submit scores")
    assert "Your scores are submitted" in page.inner_text("main")
    assert "85.0" in page.inner_text("main")  # (5 x 25 + 4 x 75) / 5
    browser.assert_accessible()


def test_staff_moderate_and_decide_and_the_applicant_sees_the_outcome(app, browser, chromium, live_server, demo_users):
    with app.app_context():
        grant_round = make_round(status="assessment", opens=-10, closes=-1, name="Autumn grants")
        grant_round.assessors.append(RoundAssessor(user_id=account("assessor").id))
        db.session.commit()
        application = make_application(grant_round, make_organisation(), state="in_assessment")
        score(application, account("assessor"), uniform(4))
        score(application, user("second@example.org", "assessor"), uniform(3))
        round_id, application_id = grant_round.id, application.id
    page = browser.page
    browser.sign_in("staff")
    browser.goto(f"/grants/rounds/{round_id}")
    browser.assert_accessible()
    go(page, "text=Moderation and decisions")
    assert "Funding line" not in page.inner_text("main")  # the one application fits the budget
    assert "70.0" in page.inner_text("main")
    browser.assert_accessible()
    go(page, "text=Friday night football")
    browser.assert_accessible()
    page.check("input[name='outcome'][value='award']")
    page.fill("[name='amount']", "1900")
    page.fill("[name='reason']", "A clear need and a strong plan.")
    go(page, "text=Record decision")
    assert "Decision recorded" in page.inner_text("main")
    browser.assert_accessible()

    from tests.helpers import Browser

    applicant = Browser(chromium, live_server)
    try:
        applicant.sign_in("applicant")
        applicant.goto(f"/grants/applications/{application_id}")
        text = applicant.page.inner_text("main")
        assert "Grant offered" in text and "£1,900.00" in text and "A clear need and a strong plan." in text
        applicant.assert_accessible()
    finally:
        applicant.close()


def test_pages_work_without_javascript(app, chromium, live_server, demo_users):
    from tests.helpers import Browser

    with app.app_context():
        grant_round = make_round()
        application_id = make_application(grant_round, make_organisation(), raw={}).id
    session = Browser(chromium, live_server, javascript=False)
    try:
        session.sign_in("applicant")
        session.goto(f"/grants/applications/{application_id}/project")
        session.page.fill("[name='title']", "Typed without JavaScript")
        session.page.click("text=Save as draft")
        session.page.wait_for_load_state()
        assert "saved as a draft" in session.page.inner_text("main")
        with app.app_context():
            assert db.session.get(GrantApplication, application_id).title == "Typed without JavaScript"
    finally:
        session.close()
