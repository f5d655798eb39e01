"""The three grants workflows: each table is the single source for its test. walk_workflow takes every
transition from every state as every kind of person and checks apply() does exactly what the table says."""
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from livesafe.audit.models import AuditEvent
from livesafe.auth.demo import account
from livesafe.clock import utcnow
from livesafe.extensions import db
from livesafe.grants import agreements, logic, monitoring
from livesafe.grants.models import GrantApplication, GrantRound, MonitoringReturn
from livesafe.kernel import Conflict, apply
from tests.grants.conftest import ELIGIBLE, answers, make_application, make_organisation, user
from tests.helpers import walk_workflow

ROLES = ("applicant member", "applicant non-member", "assessor", "panel member", "staff", "admin")


@pytest.fixture
def people(ctx, demo_users):
    organisation = make_organisation()  # the demo applicant's group
    people = {
        "applicant member": account("applicant"), "applicant non-member": user("outsider@example.org"),
        "assessor": account("assessor"), "panel member": account("panel_member"),
        "staff": account("staff"), "admin": account("admin"),
    }
    return organisation, people


ROUNDS_MADE = [0]


def _round(status="open"):
    ROUNDS_MADE[0] += 1
    now = utcnow()
    grant_round = GrantRound(
        name=f"Round {ROUNDS_MADE[0]}", opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=7), status=status,
        budget_pence=1_000_000, min_award_pence=50_000, max_award_pence=500_000, priority_areas=[],
        eligibility_questions=list(logic.DEFAULT_ELIGIBILITY), criteria=list(logic.DEFAULT_CRITERIA), monitoring_months=[3])
    db.session.add(grant_round)
    db.session.flush()
    return grant_round


def _complete_application(grant_round, organisation, state):
    """A complete application (every guard holds), written as the form would have left it."""
    raw = answers()
    application = GrantApplication(
        round_id=grant_round.id, organisation_id=organisation.id, state=state, answers=raw,
        completed_sections=[key for key, _ in logic.SECTIONS], eligibility_answers=ELIGIBLE,
        title=raw["project"]["title"], requested_pence=logic.budget_lines(raw["budget"])[1])
    db.session.add(application)
    db.session.flush()
    if state == logic.AWARDED:  # an awarded grant has its agreement ready to accept
        application.awarded_pence = 150_000
        db.session.add(agreements.GrantAgreement(application_id=application.id, amount_pence=150_000, terms=[], monitoring_months=[3]))
        db.session.flush()
    return application


DECISION = {"reason": "Agreed by the panel", "amount_pence": 150_000, "departure_reason": "Scored on paper"}
INFO = {"notes": {"budget": "Split the coaches' costs by term."}, "message": ""}


def test_the_application_lifecycle_table_by_role(people):
    organisation, users = people
    outcomes = walk_workflow(
        logic.APPLICATION, lambda state: _complete_application(_round(), organisation, state), users,
        values=lambda t: DECISION if t.action in ("award", "decline") else INFO if t.action == "request_info"
        else {"confirmed": True} if t.action == "start_monitoring" else {})
    took = {(action, state, who) for action, state, who, ok in outcomes if ok}
    member, staff = "applicant member", {"staff", "admin"}
    # The walk's rounds are open, so a returned application goes back with the sent ones, not into assessment.
    by_member = ("grants.submit", "grants.withdraw", "grants.resubmit", "grants.accept_agreement")
    expected = set()
    for t in logic.APPLICATION.transitions:
        for state in t.sources:
            who_may = {member} if t.permission in by_member else set() if t.action == "resubmit_for_assessment" else staff
            for who in who_may:
                expected.add((t.action, state, who))
    assert took == expected  # nobody else: not a non-member, an assessor or a panel member
    # Each step taken wrote one audit entry named after the workflow and action, with the state before.
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action.like("grant_application.%"))).all()
    assert sorted(e.action for e in events) == sorted(f"grant_application.{action}" for action, _, _ in took)


def test_the_round_table_by_role(people):
    _, users = people
    outcomes = walk_workflow(logic.ROUND, lambda state: _round(state), users)
    took = {(action, state, who) for action, state, who, ok in outcomes if ok}
    assert took == {(t.action, t.sources[0], who) for t in logic.ROUND.transitions for who in ("staff", "admin")}


def test_the_monitoring_return_table_by_role(people):
    organisation, users = people
    funded = _complete_application(_round("assessment"), organisation, logic.MONITORING)
    count = [0]

    def make(state):
        count[0] += 1  # one return per due date per application
        found = MonitoringReturn(application_id=funded.id, due_at=utcnow() + timedelta(days=1, minutes=count[0]), state=state)
        db.session.add(found)
        db.session.flush()
        return found

    values = {"answers": {"reached": {"age:10-14": 3, "district:leicester": 3}, "sessions_delivered": 2, "young_people_mentored": 1,
                          "referrals_made": 0, "what_changed": "More came", "safeguarding_incidents": 0,
                          "safeguarding_details": ""}, "safeguarding_incidents": 0}
    outcomes = walk_workflow(monitoring.RETURN, make, users, values=lambda t: values)
    assert {(a, s, w) for a, s, w, ok in outcomes if ok} == {("submit", "due", "applicant member")}


def test_a_stale_copy_cannot_move_an_application_twice(people):
    organisation, users = people
    application = _complete_application(_round("assessment"), organisation, logic.IN_ASSESSMENT)
    apply(logic.APPLICATION, application, "award", users["staff"], **DECISION)
    db.session.commit()
    set_committed_value(application, "state", logic.IN_ASSESSMENT)  # what another request would still believe
    with pytest.raises(Conflict, match="Someone else changed this application"):
        apply(logic.APPLICATION, application, "decline", users["staff"], **DECISION)
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(GrantApplication, application.id).state == logic.AWARDED


def test_timeline_is_in_plain_words(open_round, organisation):
    application = make_application(open_round, organisation)
    logic.submit(application, account("applicant"))
    labels = [step["label"] for step in logic.timeline(application)]
    assert labels == ["Started", "Sent to us"]
