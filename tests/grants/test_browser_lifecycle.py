"""Real-browser journeys for issue 14: staff ask for more information and the group changes only the named
section and sends it back; the group accepts its grant agreement online; a person in two groups switches
the one they act for; a group answers a round's extra question. Each page visited passes axe (WCAG 2.2 A/AA)."""
import pytest

from livesafe.auth.demo import account
from livesafe.extensions import db
from livesafe.grants import agreements, logic, questions
from livesafe.grants.models import GrantApplication, OrganisationMember
from tests.grants.conftest import award, make_application, make_organisation, make_round, user
from tests.helpers import Browser

pytestmark = pytest.mark.browser


def go(page, selector):
    """Click something that loads a new page, and wait for that page."""
    with page.expect_navigation():
        page.click(selector)


def test_staff_ask_for_more_information_and_the_group_changes_only_that_section(app, chromium, live_server, demo_users):
    with app.app_context():
        application = make_application(make_round(), make_organisation(), state="submitted")
        application_id = application.id
    staff = Browser(chromium, live_server, viewport={"width": 1280, "height": 900})
    try:
        staff.sign_in("staff")
        staff.goto(f"/grants/applications/{application_id}")
        staff.assert_accessible()
        staff.page.fill("[name='note_budget']", "Split the coaches' costs by term.")
        go(staff.page, "button:has-text('Send it back to the group')")
        assert "back with the group" in staff.page.inner_text("main")
        staff.assert_accessible()
    finally:
        staff.close()

    group = Browser(chromium, live_server)
    try:
        page = group.page
        group.sign_in("applicant")
        group.goto(f"/grants/applications/{application_id}")
        main = page.inner_text("main")
        assert "We need more information" in main and "Split the coaches' costs by term." in main
        assert page.locator("a[href$='/project']").count() == 0  # only the named section can be opened
        group.assert_accessible()
        group.goto(f"/grants/applications/{application_id}/project")  # typed by hand: sent back to the task list
        assert page.url.endswith(f"/grants/applications/{application_id}")
        assert "cannot be changed" in page.inner_text("main")
        go(page, "a[href$='/budget']")
        page.fill("[name='item_1']", "Coaches, autumn term")
        go(page, "text=Save and mark as complete")
        group.assert_accessible()
        go(page, "button:has-text('Send your changes')")
        assert "Your changes have been sent" in page.inner_text("main")
        group.assert_accessible()
    finally:
        group.close()
    with app.app_context():
        found = db.session.get(GrantApplication, application_id)
        assert found.state == logic.SUBMITTED and found.answers["budget"]["item_1"] == "Coaches, autumn term"


def test_the_group_accepts_its_grant_agreement_online(app, browser, demo_users):
    with app.app_context():
        grant_round = make_round(status="assessment", opens=-10, closes=-1)
        application = make_application(grant_round, make_organisation(), state="in_assessment")
        award(application, 200_050)
        agreements.generate(application, account("staff"))
        db.session.commit()
        application_id = application.id
    page = browser.page
    browser.sign_in("applicant")
    browser.goto(f"/grants/applications/{application_id}")
    go(page, "text=Read and accept your grant agreement")
    browser.assert_accessible()
    go(page, "button:has-text('Accept the grant agreement')")  # not ticked yet: explained, nothing accepted
    assert page.title().startswith("Error: ")
    browser.assert_accessible()
    page.check("input[name='confirm']")
    go(page, "button:has-text('Accept the grant agreement')")
    assert "you have accepted the grant agreement" in page.inner_text("main")
    browser.assert_accessible()
    with app.app_context():
        assert db.session.get(GrantApplication, application_id).state == logic.MONITORING


def test_a_person_in_two_groups_switches_the_one_they_act_for(app, browser, demo_users):
    with app.app_context():
        grant_round = make_round()
        make_application(grant_round, make_organisation())
        hinckley = make_organisation("hinckley@example.org", "Hinckley Youth Forum", district="Hinckley and Bosworth")
        theirs = make_application(grant_round, hinckley, member_email="hinckley@example.org")
        theirs.answers = {**theirs.answers, "project": {**theirs.answers["project"], "title": "Hinckley drop-ins"}}
        theirs.title = "Hinckley drop-ins"
        db.session.add(OrganisationMember(organisation_id=hinckley.id, user_id=user("applicant@example.org").id))
        db.session.commit()
        hinckley_id = hinckley.id
    page = browser.page
    browser.sign_in("applicant")
    browser.goto("/grants/applications")
    assert "Applying as Riverside Youth Club" in page.inner_text("main")
    assert "Hinckley drop-ins" not in page.inner_text("main")
    browser.assert_accessible()
    page.select_option("#acting-organisation", label="Hinckley Youth Forum")
    go(page, "button:has-text('Switch organisation')")
    main = page.inner_text("main")
    assert "You are now acting for Hinckley Youth Forum." in main and "Hinckley drop-ins" in main
    assert page.input_value("#acting-organisation") == str(hinckley_id)
    browser.assert_accessible()
    go(page, "text=Hinckley drop-ins")
    assert "Hinckley Youth Forum" in page.inner_text("main")
    browser.assert_accessible()


def test_a_group_answers_the_rounds_extra_question(app, browser, demo_users):
    with app.app_context():
        grant_round = make_round()
        questions.add(grant_round, {"label": "How many volunteers help run your sessions?", "hint": "", "kind": "number",
                                    "required": "yes", "minimum": "0", "maximum": "500"}, account("staff"))
        questions.add(grant_round, {"label": "How did you hear about this round?", "hint": "", "kind": "choice",
                                    "required": "yes", "options": "A school\nSocial media"}, account("staff"))
        db.session.commit()
        application_id = make_application(grant_round, make_organisation()).id
    page = browser.page
    browser.sign_in("applicant")
    browser.goto(f"/grants/applications/{application_id}")
    assert "Questions for this round" in page.inner_text("main")
    go(page, "text=Questions for this round")
    browser.assert_accessible()
    page.fill("input[name^='q_']", "600")
    go(page, "text=Save and mark as complete")
    assert page.title().startswith("Error: ")
    assert "from 0 to 500" in page.inner_text("main") and page.input_value("input[name^='q_']") == "600"
    browser.assert_accessible()
    page.fill("input[name^='q_']", "12")
    page.check("text=Social media")
    go(page, "text=Save and mark as complete")
    assert page.url.endswith(f"/grants/applications/{application_id}")
    assert page.inner_text("#status-questions") == "Completed"
    go(page, "a.button:has-text('Check your answers and send')")
    main = page.inner_text("main")
    assert "How did you hear about this round?" in main and "Social media" in main
    browser.assert_accessible()


def test_staff_add_a_choice_question_in_the_browser(app, browser, demo_users):
    with app.app_context():
        round_id = make_round().id
    page = browser.page
    browser.sign_in("staff")
    browser.goto(f"/grants/rounds/{round_id}")
    go(page, "text=Extra questions for this round")
    assert "This round has no extra questions." in page.inner_text("main")
    browser.assert_accessible()
    page.fill("[name='label']", "How did you hear about this round?")
    page.check("input[name='kind'][value='choice']")
    page.fill("[name='options']", "A school")
    go(page, "button:has-text('Add question')")
    assert page.title().startswith("Error: ") and "Enter at least two options" in page.inner_text("main")
    assert page.input_value("[name='label']") == "How did you hear about this round?"
    browser.assert_accessible()
    page.fill("[name='options']", "A school\nSocial media")
    go(page, "button:has-text('Add question')")
    main = page.inner_text("main")
    assert "Question added: How did you hear about this round?" in main and "A school, Social media" in main
    browser.assert_accessible()
