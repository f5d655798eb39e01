"""Monitoring that can be added up (issue 14, point 9): each return covers its own period, reach is reported per
period and never summed across periods, unique reach to date only when the group counts it, and a reported
safeguarding incident alerts the safeguarding lead at once (one alert, however many members press Send)."""
from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from livesafe.audit.models import AuditEvent
from livesafe.auth.demo import account
from livesafe.clock import utcnow
from livesafe.extensions import db
from livesafe.grants import agreements, dashboard, monitoring
from livesafe.grants.models import MonitoringReturn
from livesafe.mail.models import OutboxMessage
from tests.grants.conftest import agreed, award, make_application, make_organisation, make_round
from tests.grants.test_integrity import _monitored
from tests.grants.test_monitoring import RETURN
from tests.helpers import at_once, csrf_token, post, sign_in

ALERT = "Safeguarding incident reported in a grant monitoring return"


def values(age=20, leicester=20, elsewhere=0, mentored=5, to_date=None, incidents=0, details="", interventions=0):
    return {"reached": {"age:10-14": age, "district:leicester": leicester, "district:elsewhere": elsewhere},
            "reached_to_date": to_date, "sessions_delivered": 10, "young_people_mentored": mentored,
            "interventions_developed": interventions, "referrals_made": 2, "what_changed": "Safer evenings",
            "safeguarding_incidents": incidents, "safeguarding_details": details}


def _alerts():
    return db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.subject == ALERT)).all()


# ---------------------------------------------------------------- periods

def test_periods_follow_on_and_never_overlap():
    spans = monitoring.periods(date(2027, 3, 15), [date(2027, 6, 15), date(2027, 9, 15), date(2028, 3, 15)])
    assert spans == [(date(2027, 3, 15), date(2027, 6, 14)), (date(2027, 6, 15), date(2027, 9, 14)),
                     (date(2027, 9, 15), date(2028, 3, 14))]
    for (_, end), (start, _) in zip(spans, spans[1:]):
        assert start == end + timedelta(days=1)  # no gap, no day in two periods


def test_returns_take_their_periods_from_the_agreement(ctx, demo_users):
    grant_round = make_round(status="assessment", opens=-40, closes=-30, monitoring_months=[3, 6])
    application = make_application(grant_round, make_organisation(), state="in_assessment")
    award(application, 150_000)
    agreement = agreements.generate(application, account("staff"))
    agreement.monitoring_months = [12, 4]  # the agreement's dates win over the round's (and are put in order)
    start = datetime(2027, 1, 10, 10, tzinfo=timezone.utc)
    returns = agreements.accept(application, application.organisation.members[0].user, now=start)
    assert [(r.period_start, r.period_end) for r in returns] == [
        (date(2027, 1, 10), date(2027, 5, 9)), (date(2027, 5, 10), date(2028, 1, 9))]
    assert [r.due_at for r in returns] == [datetime(2027, 5, 10, 10, tzinfo=timezone.utc),
                                           datetime(2028, 1, 10, 10, tzinfo=timezone.utc)]


def test_periods_are_london_dates(ctx, demo_users):
    grant_round = make_round(status="assessment", opens=-40, closes=-30, monitoring_months=[3])
    application = make_application(grant_round, make_organisation(), state="in_assessment")
    award(application, 150_000)
    # 23:30 UTC on 30 June is already 1 July in London (summer time).
    (only,) = agreed(application, now=datetime(2027, 6, 30, 23, 30, tzinfo=timezone.utc))
    assert only.period_start == date(2027, 7, 1) and only.period_end == date(2027, 9, 30)


# ---------------------------------------------------------------- never summed across periods

def test_reach_is_never_added_up_across_periods(ctx, demo_users):
    application, (first, second) = _monitored(now=utcnow() - timedelta(days=200))
    applicant = account("applicant")
    monitoring.submit_return(first, applicant, values(age=30, leicester=30, to_date=30, interventions=2))
    monitoring.submit_return(second, applicant, values(age=25, leicester=20, elsewhere=5, to_date=41, interventions=1))
    data = dashboard.build(application.round)
    (grant,) = data["grants"]
    assert [p.number for p in grant.periods] == [1, 2]
    outputs = data["outputs"]
    # The latest period stands for the grant (25), never 30 + 25; the group's unique figure to date is 41.
    assert outputs["reached_latest"].count in range(25 - 6, 25 + 7)
    assert outputs["reached_to_date"].count in range(41 - 6, 41 + 7)
    assert outputs["interventions_developed"] == 3 and outputs["sessions_delivered"] == 20  # things, not people, add up
    by_age = {b.label: b.published for b in data["by_age"]}
    assert by_age["10 to 14"].count in range(19, 32)
    by_district = {b.label: (b.code, b.published) for b in data["by_district"]}
    assert by_district["Leicester"][0] == "E06000016" and by_district["Leicester"][1].count in range(14, 27)
    assert by_district[dashboard.ELSEWHERE_LABEL][1].label == "<10"  # small counts are suppressed


def test_people_counts_go_through_disclosure(app, ctx, demo_users, monkeypatch):
    monkeypatch.setitem(app.config, "DISCLOSURE_CELL_KEY", False)  # without the noise, to see the exact figures
    application, (first, second) = _monitored(now=utcnow() - timedelta(days=200))
    monitoring.submit_return(first, account("applicant"), values(age=30, leicester=30))
    monitoring.submit_return(second, account("applicant"), values(age=12, leicester=12, mentored=4))
    outputs = dashboard.build(application.round)["outputs"]
    assert outputs["reached_latest"].count == 12 and outputs["mentored_latest"].label == "<10"
    assert outputs["grants_to_date"] == 0 and outputs["reached_to_date"].label == "<10"


@pytest.mark.parametrize("changes, field, words", [
    ({"leicester": 15}, "district_leicester", "add up to 15, but by age to 20"),
    ({"mentored": 21}, "young_people_mentored", "cannot be more than the young people reached in this period (20)"),
    ({"to_date": 19}, "reached_to_date", "cannot be fewer than those reached in this period (20)"),
])
def test_figures_that_cannot_all_be_true_are_refused(ctx, demo_users, changes, field, words):
    application, (first, _) = _monitored(now=utcnow() - timedelta(days=200))
    problems = monitoring.answer_problems(first, values(**changes))
    assert [name for name, _ in problems] == [field] and words in problems[0][1]
    with pytest.raises(monitoring.RuleError, match="cannot|add up"):
        monitoring.submit_return(first, account("applicant"), values(**changes))


def test_unique_reach_to_date_cannot_go_down(ctx, demo_users):
    application, (first, second) = _monitored(now=utcnow() - timedelta(days=200))
    monitoring.submit_return(first, account("applicant"), values(to_date=40))
    assert monitoring.previous_to_date(second) == 40
    problems = monitoring.answer_problems(second, values(to_date=35))
    assert problems == [("reached_to_date", "Your last return said 40 unique young people since the grant started. "
                                            "The figure to date can only stay the same or go up.")]
    assert monitoring.answer_problems(second, values(to_date=None)) == []  # not counting it is allowed


def test_the_form_explains_the_counting_rule_and_keeps_what_was_typed(client, ctx, demo_users):
    application, returns = _monitored(now=utcnow() - timedelta(days=70))
    url = f"/grants/applications/{application.id}/returns/{returns[0].id}"
    sign_in(client, "applicant")
    page = client.get(url).get_data(as_text=True)
    assert "Count each young person <strong>once</strong>" in page and "we never add up the numbers from different returns" in page
    assert "This return covers" in page and "Unique young people since the grant started (optional)" in page
    bad = {**RETURN, "district_leicester": "10", "reached_to_date": "20", "what_changed": "Kept words"}
    response = post(client, url, bad)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "by where they live add up to 15, but by age to 35" in body
    assert "cannot be fewer than those reached in this period (35)" in body
    assert "Kept words" in body and 'value="20"' in body
    db.session.expire_all()
    assert db.session.get(MonitoringReturn, returns[0].id).state == "due"
    hostile = post(client, url, {**RETURN, "reached_to_date": "lots"})
    assert hostile.status_code == 422 and "Enter the unique young people since the grant started as a whole number" in hostile.get_data(as_text=True)
    assert post(client, url, {**RETURN, "reached_to_date": "35"}).status_code == 302
    db.session.expire_all()
    sent = db.session.get(MonitoringReturn, returns[0].id)
    assert sent.reached_to_date == 35 and sent.young_people_reached == 35 and sent.interventions_developed == 1
    assert sent.reached["district:elsewhere"] == 0
    assert _alerts() == []  # no incident, no alert


# ---------------------------------------------------------------- safeguarding alert

def test_an_incident_alerts_the_configured_lead_with_only_a_link(app, ctx, demo_users, monkeypatch):
    monkeypatch.setitem(app.config, "SAFEGUARDING_LEAD_EMAIL", "lead@vrn.example.org, deputy@vrn.example.org")
    application, (first, _) = _monitored(now=utcnow() - timedelta(days=200))
    details = "A young person disclosed harm at Friday football; referred to children's services."
    monitoring.submit_return(first, account("applicant"), values(incidents=1, details=details))
    alerts = _alerts()
    assert sorted(m.to for m in alerts) == ["deputy@vrn.example.org", "lead@vrn.example.org"]
    for message in alerts:
        assert f"/grants/applications/{application.id}/returns/{first.id}" in message.body
        for secret in (details, "Friday", application.title, application.organisation.name):
            assert secret not in message.body and secret not in message.subject
    assert first.safeguarding_alerted_at is not None
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "grant_monitoring_return.safeguarding_alert"))
    assert event.subject_id == first.id and event.after == {"application_id": application.id, "recipients": 2}
    assert event.actor_id == account("applicant").id


def test_without_the_setting_every_active_staff_member_is_alerted(app, ctx, demo_users, monkeypatch):
    monkeypatch.setitem(app.config, "SAFEGUARDING_LEAD_EMAIL", "")
    application, (first, _) = _monitored(now=utcnow() - timedelta(days=200))
    monitoring.submit_return(first, account("applicant"), values(incidents=2, details="Two incidents, both referred."))
    assert {m.to for m in _alerts()} == {account("staff").email}


def test_the_form_says_the_lead_was_told(app, client, ctx, demo_users, monkeypatch):
    monkeypatch.setitem(app.config, "SAFEGUARDING_LEAD_EMAIL", "lead@vrn.example.org")
    application, returns = _monitored(now=utcnow() - timedelta(days=70))
    url = f"/grants/applications/{application.id}/returns/{returns[0].id}"
    sign_in(client, "applicant")
    response = post(client, url, {**RETURN, "safeguarding_incidents": "1", "safeguarding_details": "Referred the same day."})
    assert response.status_code == 302
    assert "Our safeguarding lead has been told" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert [m.to for m in _alerts()] == ["lead@vrn.example.org"]
    staff = app.test_client()
    sign_in(staff, "staff")
    page = staff.get(url).get_data(as_text=True)
    assert "Referred the same day." in page and "safeguarding lead alerted" in page


@pytest.mark.commits
def test_two_members_sending_an_incident_at_once_make_one_alert(app, ctx, demo_users, monkeypatch):
    monkeypatch.setitem(app.config, "SAFEGUARDING_LEAD_EMAIL", "lead@vrn.example.org")
    application, returns = _monitored(now=utcnow() - timedelta(days=70), second_member=True)
    url = f"/grants/applications/{application.id}/returns/{returns[0].id}"
    clients = [app.test_client(), app.test_client()]
    sign_in(clients[0], email="applicant@example.org")
    sign_in(clients[1], email="second@example.org")
    tokens = [csrf_token(c, url) for c in clients]

    def work(index):
        data = {**RETURN, "safeguarding_incidents": "1", "safeguarding_details": f"Told by member {index}",
                "csrf_token": tokens[index]}
        return clients[index].post(url, data=data).status_code

    assert sorted(at_once(app, 2, work)) == [302, 409]
    db.session.expire_all()
    assert len(_alerts()) == 1
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(
        AuditEvent.action == "grant_monitoring_return.safeguarding_alert")) == 1


def test_the_application_pages_name_each_returns_period(app, client, ctx, demo_users):
    application, (first, second) = _monitored(now=datetime(2027, 1, 10, 10, tzinfo=timezone.utc))
    sign_in(client, "applicant")
    page = client.get(f"/grants/applications/{application.id}").get_data(as_text=True)
    assert "Return for 10 January 2027 to 9 April 2027, due 10 April 2027" in page
    assert "Return for 10 April 2027 to 9 July 2027, due 10 July 2027" in page
    staff = app.test_client()
    sign_in(staff, "staff")
    assert "Return for 10 April 2027 to 9 July 2027" in staff.get(f"/grants/applications/{application.id}").get_data(as_text=True)
