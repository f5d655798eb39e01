"""Real-browser journey for monitoring (issue 14, point 9): a group sends a return for its period with an
incident, the safeguarding lead is alerted, and staff read the dashboards; each page passes axe and fits 320px."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from livesafe.clock import utcnow
from livesafe.extensions import db
from livesafe.mail.models import OutboxMessage
from tests.grants.conftest import agreed, award, make_application, make_organisation, make_round

pytestmark = pytest.mark.browser

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"


def test_a_return_with_an_incident_then_the_dashboards(app, browser, demo_users, monkeypatch):
    monkeypatch.setitem(app.config, "SAFEGUARDING_LEAD_EMAIL", "lead@vrn.example.org")
    with app.app_context():
        grant_round = make_round(status="assessment", opens=-40, closes=-30, monitoring_months=[3, 6], name="Summer grants")
        application = make_application(grant_round, make_organisation(), state="in_assessment")
        award(application, 150_000)
        first, _ = agreed(application, now=utcnow() - timedelta(days=70))
        url = f"/grants/applications/{application.id}/returns/{first.id}"
        round_id = grant_round.id
    page = browser.page
    page.set_viewport_size({"width": 320, "height": 640})
    browser.sign_in("applicant")
    browser.goto(url)
    assert "This return covers" in page.inner_text("main") and "Count each young person once" in page.inner_text("main")
    browser.assert_accessible()
    for field in page.locator("input[name^='age_'], input[name^='district_']").all():
        field.fill("0")
    for name, value in {"age_10-14": "14", "age_15-19": "16", "district_leicester": "25", "district_elsewhere": "4",
                        "sessions_delivered": "12", "young_people_mentored": "9", "interventions_developed": "1",
                        "referrals_made": "2", "what_changed": "More young people stay for the mentoring.",
                        "safeguarding_incidents": "1", "safeguarding_details": "A disclosure, referred the same day."}.items():
        page.fill(f"[name='{name}']", value)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    # 29 by where they live against 30 by age: refused, explained, and nothing typed is lost.
    assert "add up to 29, but by age to 30" in page.inner_text("main")
    assert page.input_value("[name='safeguarding_details']") == "A disclosure, referred the same day."
    browser.assert_accessible()
    page.fill("[name='district_elsewhere']", "5")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "Our safeguarding lead has been told" in page.inner_text("main")
    with app.app_context():
        alerts = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.to == "lead@vrn.example.org")).all()
        assert len(alerts) == 1 and "disclosure" not in alerts[0].body

    staff = browser.__class__(browser.context.browser, browser.base_url, viewport={"width": 320, "height": 640})
    try:
        staff.sign_in("staff")
        for path in (f"/grants/rounds/{round_id}/report", "/grants/report"):
            staff.goto(path)
            assert staff.page.locator("svg[role=img][data-chart=reach-district]").count() == 1
            assert "E06000016" in staff.page.inner_text("main")
            assert staff.page.evaluate(NO_SIDEWAYS_SCROLL), path
            staff.assert_accessible()
        staff.goto(url)
        assert "safeguarding lead alerted" in staff.page.inner_text("main")
        staff.assert_accessible()
    finally:
        staff.close()
