"""After the award: returns on the round's schedule, overdue reminders (once), reports."""
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from livesafe import places
from livesafe.auth.demo import account
from livesafe.extensions import db
from livesafe.grants import dashboard, monitoring
from livesafe.grants.models import MonitoringReturn
from livesafe.kernel import Conflict
from livesafe.mail.models import OutboxMessage
from livesafe.clock import utcnow
from tests.grants.conftest import agreed, award, make_application, make_organisation, make_round
from tests.helpers import post, sign_in

RETURN = {
    "age_under-10": "0", "age_10-14": "12", "age_15-19": "20", "age_20-25": "3",
    **{f"district_{d.key}": "0" for d in places.DISTRICTS}, "district_elsewhere": "0",
    "district_leicester": "30", "district_charnwood": "5", "reached_to_date": "",
    "sessions_delivered": "24", "young_people_mentored": "10", "interventions_developed": "1", "referrals_made": "4",
    "what_changed": "Young people say they feel safer on Friday nights.", "safeguarding_incidents": "0", "safeguarding_details": "",
}


def _funded(grant_round=None, organisation=None, amount=150000):
    grant_round = grant_round or make_round(status="assessment", opens=-40, closes=-30, monitoring_months=[3, 6])
    organisation = organisation or make_organisation()
    application = make_application(grant_round, organisation, state="in_assessment")
    award(application, amount)
    return application


def test_add_months_keeps_to_the_end_of_short_months():
    start = datetime(2027, 1, 31, 12, tzinfo=timezone.utc)
    assert monitoring.add_months(start, 1) == datetime(2027, 2, 28, 12, tzinfo=timezone.utc)
    assert monitoring.add_months(start, 13) == datetime(2028, 2, 29, 12, tzinfo=timezone.utc)


def test_starting_monitoring_schedules_the_rounds_returns(ctx, demo_users):
    application = _funded()
    start = datetime(2027, 3, 15, 9, tzinfo=timezone.utc)
    returns = agreed(application, now=start)
    assert application.state == "monitoring"
    assert [r.due_at for r in returns] == [datetime(2027, 6, 15, 9, tzinfo=timezone.utc), datetime(2027, 9, 15, 9, tzinfo=timezone.utc)]


def test_overdue_returns_are_reminded_once(ctx, demo_users):
    application = _funded()
    start = utcnow() - timedelta(days=200)
    agreed(application, now=start)
    first, second = application.returns
    now = utcnow()
    assert monitoring.is_overdue(first, now) and monitoring.is_overdue(second, now)
    assert dashboard.build()["returns_overdue"] == 2
    assert monitoring.remind_overdue(now) == 2
    assert monitoring.remind_overdue(now) == 0
    assert monitoring.remind_overdue(now + timedelta(days=30)) == 0
    # Besides the award's own e-mail ("Good news") and the agreement's, exactly one reminder a return.
    messages = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.subject.not_like("Good news%"),
                                                                 OutboxMessage.subject.not_like("Your grant agreement%"))).all()
    assert len(messages) == 2 and all("overdue" in m.subject for m in messages)
    assert {m.to for m in messages} == {"applicant@example.org"}


def test_returns_not_yet_due_or_sent_are_not_reminded(ctx, demo_users):
    application = _funded()
    agreed(application, now=utcnow() - timedelta(days=100))
    first, second = application.returns  # first due ~10 days ago, second not yet due
    monitoring.submit_return(first, account("applicant"), monitoring_values())
    assert monitoring.remind_overdue() == 0


def monitoring_values():
    return {"reached": {"age:10-14": 12, "age:15-19": 20, "district:leicester": 32}, "sessions_delivered": 24,
            "young_people_mentored": 10, "referrals_made": 4, "what_changed": "Safer evenings",
            "safeguarding_incidents": 0, "safeguarding_details": ""}


def test_the_remind_command(app, ctx, demo_users):
    application = _funded()
    agreed(application, now=utcnow() - timedelta(days=100))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["grants-remind"])
    assert result.exit_code == 0 and "1 overdue" in result.output
    assert "0 overdue" in app.test_cli_runner().invoke(args=["grants-remind"]).output


def test_applicant_sends_a_return_through_the_form(client, ctx, demo_users):
    application = _funded()
    # Started 70 days ago: the first return (3 months on) is due in about three weeks, so it can be sent.
    agreed(application, now=utcnow() - timedelta(days=70))
    db.session.commit()
    first = application.returns[0]
    url = f"/grants/applications/{application.id}/returns/{first.id}"
    sign_in(client, "applicant")
    bad = {**RETURN, "sessions_delivered": "lots", "safeguarding_incidents": "2"}
    response = post(client, url, bad)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Enter sessions delivered in this period as a whole number" in page
    assert "Describe the safeguarding incidents" in page
    assert "Young people say they feel safer" in page
    assert post(client, url, RETURN).status_code == 302
    db.session.expire_all()
    saved = db.session.get(MonitoringReturn, first.id)
    assert saved.young_people_reached == 35 and saved.reached["district:leicester"] == 30 and saved.sessions_delivered == 24
    again = post(client, url, {**RETURN, "sessions_delivered": "99"}, token_from=f"/grants/applications/{application.id}")
    assert again.status_code == 409 and "cannot be sent again" in again.get_data(as_text=True)  # shown, not changed
    db.session.expire_all()
    assert db.session.get(MonitoringReturn, first.id).sessions_delivered == 24
    assert saved.period_start is not None and saved.period_end < saved.due_at.date()


def test_report_totals_and_breakdowns(ctx, demo_users):
    grant_round = make_round(status="assessment", opens=-40, closes=-30)
    _funded(grant_round, make_organisation("a@example.org", "A"), amount=100000)
    _funded(grant_round, make_organisation("b@example.org", "B"), amount=200050)  # all it asked for
    declined = make_application(grant_round, make_organisation("c@example.org", "C"), state="declined")
    report = dashboard.build(grant_round)
    assert report["outputs"]["grants_made"] == 2 and report["applications"]["awarded_pence"] == 300050
    assert report["grants_by_district"] == [("Leicester", "E06000016", 2, 300050)]
    assert report["by_group"] == [("Boys and young men aged 15 to 19", 2)]
    assert declined.state == "declined"  # and so not among the grants made


def test_closing_needs_every_return(ctx, demo_users):
    application = _funded()
    agreed(application)
    with pytest.raises(Conflict, match="Every monitoring return"):
        monitoring.close_grant(application, account("staff"))
    for item in application.returns:
        monitoring.submit_return(item, account("applicant"), monitoring_values(), now=item.due_at)
    monitoring.close_grant(application, account("staff"))
    assert application.state == "closed"
