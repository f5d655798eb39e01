"""The feedback workflow: the table (logic.FEEDBACK), what each step needs, the timeline, audit and notifications."""
import itertools
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from livesafe.audit.models import AuditEvent
from livesafe.extensions import db
from livesafe.kernel import Conflict, Refused, RuleError, can
from livesafe.mail.models import OutboxMessage
from livesafe.panels import logic
from livesafe.panels.models import FeedbackEvent, Panel, Support
from tests.helpers import walk_workflow
from tests.panels.factory import FIELDS, PATHS, SENT, feedback_in, user

STATES = ["draft", "received", "under_review", "response_published", "action_agreed", "done", "not_taken_forward"]
# The issue's table, written out independently of logic.FEEDBACK.
ALLOWED = {
    ("draft", "received"),
    ("received", "under_review"), ("received", "not_taken_forward"),
    ("under_review", "response_published"), ("under_review", "not_taken_forward"),
    ("response_published", "action_agreed"), ("response_published", "not_taken_forward"),
    ("action_agreed", "done"),
}
# Each state is reached by exactly one action.
ACTION_TO = {t.target: t.action for t in logic.FEEDBACK.transitions}


def test_the_states_are_the_issues_states_and_the_table_is_the_issues_table():
    assert list(logic.FEEDBACK.states) == STATES
    table = {(source, t.target) for t in logic.FEEDBACK.transitions for source in t.sources}
    assert table == ALLOWED
    assert len(ACTION_TO) == len(logic.FEEDBACK.transitions)


@pytest.mark.parametrize("before,after", [(b, a) for b, a in itertools.product(STATES, STATES) if a != "draft"])
def test_every_transition_is_allowed_or_refused_as_the_table_says(ctx, world, before, after):
    item = feedback_in(before, world.city)
    action = ACTION_TO[after]
    actor = user("member") if action == "submit" else user("staff")
    sent = {"note": "A reason.", "response": "A response." if action == "respond" else None}
    if (before, after) in ALLOWED:
        logic.move(item, action, actor, **sent)
        assert item.state == after
    else:
        # A draft is the author's alone (staff are refused); otherwise the state is wrong (409).
        with pytest.raises(Refused if before == "draft" else Conflict):
            logic.move(item, action, actor, **sent)
        assert item.state == before


def test_the_feedback_workflow_by_role(ctx, world):
    """Every transition, from every state, by every kind of person: allowed exactly when the table says."""
    users = {
        "author member": user("member"), "other member": user("city2"), "member of another panel": user("county"),
        "staff": user("staff"), "admin": user("admin"), "applicant": user("applicant"), "assessor": user("assessor"),
    }
    outcomes = walk_workflow(logic.FEEDBACK, lambda state: feedback_in(state, world.city), users,
                             lambda transition: SENT.get(transition.action, {}))
    took = {(action, state, who) for action, state, who, ok in outcomes if ok}
    # Only the author submits, only staff and admins move an item through its review.
    assert {who for action, _, who in took if action == "submit"} == {"author member"}
    assert {who for action, _, who in took if action != "submit"} == {"staff", "admin"}
    assert ("decline", "response_published", "admin") in took and ("decline", "action_agreed", "admin") not in took


@pytest.mark.parametrize("before", [s for s in STATES if s != "draft"])
def test_panel_members_cannot_move_feedback_through_review(ctx, world, before):
    item = feedback_in(before, world.city)
    for transition in logic.FEEDBACK.transitions:
        if before in transition.sources:
            with pytest.raises(Refused):
                logic.move(item, transition.action, user("member"), note="A reason.", response="A response.")
    assert item.state == before


def test_only_the_author_submits_their_draft(ctx, world):
    item = feedback_in("draft", world.city)
    for other in ("staff", "city2"):
        with pytest.raises(Refused):
            logic.submit(item, user(other))
    logic.submit(item, user("member"))
    assert item.state == "received" and item.submitted_at is not None


def test_a_member_removed_from_the_panel_cannot_submit_a_draft_into_it(ctx, world):
    item = feedback_in("draft", world.city)
    staff = user("staff")
    logic.remove_member(db.session.get(Panel, world.city), user("member").id, staff)
    assert not can("panels.submit_feedback", user("member"), item)
    with pytest.raises(Refused, match="no longer a member of this panel"):
        logic.submit(item, user("member"))
    assert item.state == "draft" and item.events == []
    # Added back, they can.
    logic.add_member(db.session.get(Panel, world.city), "panel@example.org", staff)
    logic.submit(item, user("member"))
    assert item.state == "received"


def test_an_incomplete_draft_cannot_be_submitted(ctx, world):
    panel = db.session.get(Panel, world.city)
    item = logic.start_draft(panel, user("member"), **{**FIELDS, "recommendation": "", "areas": []})
    with pytest.raises(RuleError, match="area"):
        logic.submit(item, user("member"))
    assert item.state == "draft"


def test_not_taken_forward_needs_a_reason(ctx, world):
    item = feedback_in("under_review", world.city)
    with pytest.raises(RuleError, match="reason"):
        logic.move(item, "decline", user("staff"), note="   ")
    logic.move(item, "decline", user("staff"), note="Outside our remit.")
    assert item.decision_reason == "Outside our remit."


def test_publishing_a_response_needs_the_response(ctx, world):
    item = feedback_in("under_review", world.city)
    with pytest.raises(RuleError, match="response"):
        logic.move(item, "respond", user("staff"), response="")
    logic.move(item, "respond", user("staff"), response="We will do it.")
    assert item.response == "We will do it."


def test_a_correction_to_a_published_response_is_saved_with_the_next_step(ctx, world):
    item = feedback_in("response_published", world.city)
    logic.move(item, "agree", user("staff"), response="We will fund later opening, from June.")
    db.session.commit()
    db.session.expire_all()
    assert (item.state, item.response) == ("action_agreed", "We will fund later opening, from June.")
    logic.move(item, "finish", user("staff"), response="We funded later opening from June.")
    assert item.response == "We funded later opening from June."


def test_a_response_typed_where_none_can_be_published_is_refused_not_dropped(ctx, world):
    item = feedback_in("received", world.city)
    with pytest.raises(RuleError, match="published with “Response published”") as refused:
        logic.move(item, "review", user("staff"), response="A premature answer")
    assert refused.value.field == "response" and item.state == "received" and item.response == ""
    published = feedback_in("response_published", world.city)
    with pytest.raises(RuleError, match="cannot be emptied"):
        logic.move(published, "agree", user("staff"), response="  ")
    assert published.state == "response_published" and published.response == "We will fund later opening."
    logic.move(item, "review", user("staff"), response="")  # an empty box is not a response
    assert item.state == "under_review"


def test_each_change_is_dated_kept_as_a_timeline_and_audited(ctx, world):
    start = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
    item = feedback_in("received", world.city, now=start)
    logic.move(item, "review", user("staff"), now=start + timedelta(days=2))
    logic.move(item, "respond", user("staff"), response="Yes.", now=start + timedelta(days=5))
    db.session.commit()
    db.session.expire_all()
    assert [(e.from_state, e.to_state, e.at) for e in item.events] == [
        ("draft", "received", start),
        ("received", "under_review", start + timedelta(days=2)),
        ("under_review", "response_published", start + timedelta(days=5)),
    ]
    assert item.answered_at == start + timedelta(days=5)
    steps = [f"panels.feedback.{t.action}" for t in logic.FEEDBACK.transitions]
    audits = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action.in_(steps), AuditEvent.subject_id == item.id).order_by(AuditEvent.id)).all()
    assert [(a.action, a.before["state"], a.after["state"]) for a in audits] == [
        ("panels.feedback.submit", "draft", "received"), ("panels.feedback.review", "received", "under_review"),
        ("panels.feedback.respond", "under_review", "response_published")]
    assert audits[1].actor_id == user("staff").id


def test_the_timeline_always_agrees_with_the_state(ctx, world):
    """Whatever path an item took, its timeline is a chain from draft to its state, one entry per step."""
    for state, path in PATHS.items():
        item = feedback_in(state, world.city)
        db.session.commit()
        events = db.session.scalars(sa.select(FeedbackEvent).where(FeedbackEvent.feedback_id == item.id)
                                    .order_by(FeedbackEvent.id)).all()
        chain = ["draft"] + [e.to_state for e in events]
        assert len(events) == len(path) and chain[-1] == item.state
        assert all(e.from_state == chain[i] for i, e in enumerate(events))


def test_answered_at_is_the_first_answer_only(ctx, world):
    start = datetime(2025, 3, 3, tzinfo=UTC)
    item = feedback_in("under_review", world.city, now=start)
    logic.move(item, "respond", user("staff"), response="Yes.", now=start + timedelta(days=3))
    logic.move(item, "decline", user("staff"), note="Funding fell through.", now=start + timedelta(days=9))
    assert item.answered_at == start + timedelta(days=3)


def _mail_to(email):
    return db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.to == email).order_by(OutboxMessage.id)).all()


def test_the_author_and_supporters_are_told_of_each_change(ctx, world):
    item = feedback_in("received", world.city)
    db.session.add(Support(feedback_id=item.id, user_id=user("city2").id))
    db.session.commit()
    before_author = len(_mail_to("panel@example.org"))
    logic.move(item, "review", user("staff"))
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
    logic.move(item, "review", user("staff"))
    db.session.commit()
    assert _mail_to("city2@example.org") == []


def test_drafts_can_only_be_edited_while_drafts(ctx, world):
    item = feedback_in("received", world.city)
    with pytest.raises(Conflict):
        logic.set_feedback_fields(item, **FIELDS)
    with pytest.raises(Refused):
        logic.edit_draft(feedback_in("draft", world.city), user("city2"), **FIELDS)


def test_only_members_of_the_panel_start_drafts_in_it(ctx, world):
    county = db.session.get(Panel, world.county)
    with pytest.raises(Refused):
        logic.start_draft(county, user("member"), **FIELDS)


def test_drafts_reject_unknown_choices(ctx, world):
    panel = db.session.get(Panel, world.city)
    for bad in ({"concerns": "nonsense"}, {"urgency": "extreme"}, {"areas": ["atlantis"]}):
        with pytest.raises(RuleError):
            logic.start_draft(panel, user("member"), **{**FIELDS, **bad})


def test_every_path_in_the_factory_is_allowed_by_the_table():
    for path in PATHS.values():
        steps = ["draft"] + [logic.FEEDBACK.transition(action).target for action in path]
        assert all((a, b) in ALLOWED for a, b in itertools.pairwise(steps))
