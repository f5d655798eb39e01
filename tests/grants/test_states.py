"""The application lifecycle: one table of transitions, enforced in one place, every change audited."""
import pytest
import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from livesafe.audit.models import AuditEvent
from livesafe.auth.demo import account
from livesafe.extensions import db
from livesafe.grants import logic
from livesafe.grants.models import GrantApplication, Organisation
from tests.grants.conftest import make_application

ALLOWED = {
    ("draft", "submitted"): "applicant", ("draft", "withdrawn"): "applicant", ("submitted", "withdrawn"): "applicant",
    ("in_assessment", "withdrawn"): "applicant", ("submitted", "ineligible"): "staff", ("submitted", "in_assessment"): "staff",
    ("in_assessment", "awarded"): "staff", ("in_assessment", "declined"): "staff", ("awarded", "monitoring"): "staff",
    ("monitoring", "closed"): "staff",
}


def test_the_table_is_the_documented_lifecycle():
    assert logic.TRANSITIONS == ALLOWED


def _fresh(grant_round, number, state):
    """An application in the given state, for its own organisation (one per round)."""
    organisation = Organisation(name=f"Group {number}", kind="other", postcode="LE1 1AA", district="Leicester")
    db.session.add(organisation)
    db.session.flush()
    application = GrantApplication(round_id=grant_round.id, organisation_id=organisation.id, state=state,
                                   answers={}, completed_sections=[], eligibility_answers={})
    db.session.add(application)
    db.session.commit()
    return application


@pytest.mark.parametrize("from_state", logic.STATES)
def test_every_transition_is_allowed_or_refused_by_the_table(open_round, from_state):
    actors = {role: account(role) for role in ("applicant", "staff", "admin", "assessor", "panel_member")}
    kinds = {"applicant": "applicant", "staff": "staff", "admin": "staff"}
    number = 0
    for to_state in logic.STATES:
        if to_state == from_state:
            continue
        for role, actor in actors.items():
            number += 1
            application = _fresh(open_round, number, from_state)
            expected = ALLOWED.get((from_state, to_state)) == kinds.get(role) and role in kinds
            if expected:
                logic.transition(application, to_state, actor)
                db.session.commit()
                db.session.expire_all()
                assert db.session.get(GrantApplication, application.id).state == to_state
                event = db.session.scalars(sa.select(AuditEvent).where(
                    AuditEvent.subject_type == "GrantApplication", AuditEvent.subject_id == application.id)).one()
                assert event.action == f"grant_application.{to_state}"
                assert event.actor_id == actor.id and event.before == {"state": from_state}
            else:
                with pytest.raises(logic.GrantError):
                    logic.transition(application, to_state, actor)
                db.session.expire_all()
                assert db.session.get(GrantApplication, application.id).state == from_state, (to_state, role)
                assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(
                    AuditEvent.subject_type == "GrantApplication", AuditEvent.subject_id == application.id)) == 0


def test_a_stale_copy_cannot_move_an_application_twice(open_round, organisation):
    application = make_application(open_round, organisation, state="in_assessment")
    staff = account("staff")
    logic.transition(application, "awarded", staff)
    db.session.commit()
    stale = application
    set_committed_value(stale, "state", "in_assessment")  # what another request would still believe
    with pytest.raises(logic.GrantError):
        logic.transition(stale, "declined", staff)
    db.session.expire_all()
    assert db.session.get(type(application), application.id).state == "awarded"


def test_timeline_is_in_plain_words(open_round, organisation):
    application = make_application(open_round, organisation)
    logic.submit(application, account("applicant"))
    labels = [step["label"] for step in logic.timeline(application)]
    assert labels == ["Started", "Sent to us"]
