"""The feedback workflow: the state table, what each step needs, the timeline, audit and notifications."""
from datetime import datetime, timedelta, timezone
import itertools

import pytest
import sqlalchemy as sa

from livesafe.audit.models import AuditEvent
from livesafe.extensions import db
from livesafe.mail.models import OutboxMessage
from livesafe.panels import logic
from livesafe.panels.models import Panel, Support
from tests.panels.factory import FIELDS, PATHS, feedback_in, user

STATES = ["draft", "received", "under_review", "response_published", "action_agreed", "done", "not_taken_forward"]
# The issue's table, written out independently of logic.TRANSITIONS.
ALLOWED = {
    ("draft", "received"),
    ("received", "under_review"), ("received", "not_taken_forward"),
    ("under_review", "response_published"), ("under_review", "not_taken_forward"),
    ("response_published", "action_agreed"), ("response_published", "not_taken_forward"),
    ("action_agreed", "done"),
}


def test_the_states_are_the_issues_states():
    assert set(logic.STATES) == set(STATES)


@pytest.mark.parametrize("before,after", list(itertools.product(STATES, STATES)))
def test_every_transition_is_allowed_or_refused_as_the_table_says(ctx, world, before, after):
    item = feedback_in(before, world.city)
    actor = user("member") if before == "draft" else user("staff")
    if (before, after) in ALLOWED:
        logic.change_state(item, after, actor, note="A reason.", response="A response.")
        assert item.state == after
    else:
        with pytest.raises(logic.NotAllowed):
            logic.change_state(item, after, actor, note="A reason.", response="A response.")
        assert item.state == before


@pytest.mark.parametrize("before", [s for s in STATES if s != "draft"])
def test_panel_members_cannot_move_feedback_through_review(ctx, world, before):
    item = feedback_in(before, world.city)
    for target in logic.TRANSITIONS[before]:
        with pytest.raises(PermissionError):
            logic.change_state(item, target, user("member"), note="A reason.", response="A response.")
    assert item.state == before


def test_only_the_author_submits_their_draft(ctx, world):
    item = feedback_in("draft", world.city)
    for other in ("staff", "city2"):
        with pytest.raises(PermissionError):
            logic.change_state(item, "received", user(other))
    logic.submit(item, user("member"))
    assert item.state == "received" and item.submitted_at is not None


def test_an_incomplete_draft_cannot_be_submitted(ctx, world):
    panel = db.session.get(Panel, world.city)
    item = logic.start_draft(panel, user("member"), **{**FIELDS, "recommendation": "", "areas": []})
    with pytest.raises(logic.NotAllowed, match="area"):
        logic.submit(item, user("member"))
    assert item.state == "draft"


def test_not_taken_forward_needs_a_reason(ctx, world):
    item = feedback_in("under_review", world.city)
    with pytest.raises(logic.NotAllowed, match="reason"):
        logic.change_state(item, "not_taken_forward", user("staff"), note="   ")
    logic.change_state(item, "not_taken_forward", user("staff"), note="Outside our remit.")
    assert item.decision_reason == "Outside our remit."


def test_publishing_a_response_needs_the_response(ctx, world):
    item = feedback_in("under_review", world.city)
    with pytest.raises(logic.NotAllowed, match="response"):
        logic.change_state(item, "response_published", user("staff"), response="")
    logic.change_state(item, "response_published", user("staff"), response="We will do it.")
    assert item.response == "We will do it."


def test_each_change_is_dated_kept_as_a_timeline_and_audited(ctx, world):
    start = datetime(2025, 3, 3, 9, 0, tzinfo=timezone.utc)
    item = feedback_in("received", world.city, now=start)
    logic.change_state(item, "under_review", user("staff"), now=start + timedelta(days=2))
    logic.change_state(item, "response_published", user("staff"), response="Yes.", now=start + timedelta(days=5))
    db.session.commit()
    assert [(e.from_state, e.to_state, e.at) for e in item.events] == [
        ("draft", "received", start),
        ("received", "under_review", start + timedelta(days=2)),
        ("under_review", "response_published", start + timedelta(days=5)),
    ]
    assert item.answered_at == start + timedelta(days=5)
    audits = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "panels.feedback.state", AuditEvent.subject_id == item.id).order_by(AuditEvent.id)).all()
    assert [(a.before["state"], a.after["state"]) for a in audits] == [
        ("draft", "received"), ("received", "under_review"), ("under_review", "response_published")]
    assert audits[1].actor_id == user("staff").id


def test_answered_at_is_the_first_answer_only(ctx, world):
    start = datetime(2025, 3, 3, tzinfo=timezone.utc)
    item = feedback_in("under_review", world.city, now=start)
    logic.change_state(item, "response_published", user("staff"), response="Yes.", now=start + timedelta(days=3))
    logic.change_state(item, "not_taken_forward", user("staff"), note="Funding fell through.", now=start + timedelta(days=9))
    assert item.answered_at == start + timedelta(days=3)


def _mail_to(email):
    return db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.to == email).order_by(OutboxMessage.id)).all()


def test_the_author_and_supporters_are_told_of_each_change(ctx, world):
    item = feedback_in("received", world.city)
    db.session.add(Support(feedback_id=item.id, user_id=user("city2").id))
    db.session.commit()
    before_author = len(_mail_to("panel@example.org"))
    logic.change_state(item, "under_review", user("staff"))
    db.session.commit()
    author_mail = _mail_to("panel@example.org")
    supporter_mail = _mail_to("city2@example.org")
    assert len(author_mail) == before_author + 1
    assert len(supporter_mail) == 1
    assert "Under review" in supporter_mail[0].subject
    assert f"/panels/feedback/{item.id}" in supporter_mail[0].body
    assert _mail_to("county@example.org") == []


def test_submitting_sends_the_author_a_receipt(ctx, world):
    feedback_in("received", world.city)
    assert [m.subject for m in _mail_to("panel@example.org")] == ["We have received your panel feedback"]


def test_a_deactivated_supporter_is_not_mailed(ctx, world):
    item = feedback_in("received", world.city)
    db.session.add(Support(feedback_id=item.id, user_id=user("city2").id))
    user("city2").active = False
    logic.change_state(item, "under_review", user("staff"))
    db.session.commit()
    assert _mail_to("city2@example.org") == []


def test_drafts_can_only_be_edited_while_drafts(ctx, world):
    item = feedback_in("received", world.city)
    with pytest.raises(logic.NotAllowed):
        logic.set_feedback_fields(item, **FIELDS)


def test_only_members_of_the_panel_start_drafts_in_it(ctx, world):
    county = db.session.get(Panel, world.county)
    with pytest.raises(PermissionError):
        logic.start_draft(county, user("member"), **FIELDS)


def test_drafts_reject_unknown_choices(ctx, world):
    panel = db.session.get(Panel, world.city)
    for bad in ({"concerns": "nonsense"}, {"urgency": "extreme"}, {"areas": ["atlantis"]}):
        with pytest.raises(logic.NotAllowed):
            logic.start_draft(panel, user("member"), **{**FIELDS, **bad})


def test_every_path_in_the_factory_is_allowed_by_the_table():
    for path in PATHS.values():
        steps = ["draft"] + path
        assert all((a, b) in ALLOWED for a, b in zip(steps, steps[1:]))
