"""The panels defects of issue 13, each reproduced as its users met it and shown fixed.

Races use tests.helpers.at_once: real threads, each with its own session and connection, released
together. They are the proof on PostgreSQL and run on SQLite too (whose write lock serialises them).
"""
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from livesafe.audit.models import AuditEvent
from livesafe.auth import roles
from livesafe.extensions import db
from livesafe.kernel import Conflict
from livesafe.panels import logic
from livesafe.panels.models import (
    DEFAULT_RESPONSE_DAYS,
    Feedback,
    FeedbackEvent,
    Panel,
    Report,
)
from tests.helpers import TOKEN, at_once, post, sign_in
from tests.panels.factory import EMAILS, add_user, feedback_in, user

TODAY = date(2025, 6, 10)


def _signed_in(app, who):
    client = app.test_client()
    sign_in(client, email=EMAILS.get(who, who))
    return client


def _token(client, url):
    return TOKEN.search(client.get(url).get_data(as_text=True)).group(1)


def _item(app, world, state="received", **fields):
    with app.app_context():
        item = feedback_in(state, world.city, **fields)
        db.session.commit()
        return item.id


def _events(app, item_id):
    with app.app_context():
        return db.session.execute(sa.select(FeedbackEvent.from_state, FeedbackEvent.to_state)
                                  .where(FeedbackEvent.feedback_id == item_id).order_by(FeedbackEvent.id)).all()


# --- Two staff change an item's state at once: one wins, the other is told ------------------------


def test_two_staff_changing_the_state_at_once_one_wins_and_the_timeline_has_one_step(app, world):
    for round_ in range(3):
        item_id = _item(app, world)
        url = f"/panels/feedback/{item_id}/triage"
        clients = [_signed_in(app, "staff"), _signed_in(app, "admin")]
        tokens = [_token(client, url) for client in clients]
        # Both pages showed "received": whichever lands second is refused, overlapping or not.
        sent = [{"action": "review", "seen": "received"},
                {"action": "decline", "note": "Outside our remit.", "seen": "received"}]

        def change(index, clients=clients, tokens=tokens, sent=sent, url=url):
            response = clients[index].post(url + "/state", data={**sent[index], "csrf_token": tokens[index]})
            return response.status_code, response.get_data(as_text=True)

        results = at_once(app, 2, change)
        statuses = sorted(status for status, _ in results)
        assert statuses == [302, 409], (round_, statuses)
        loser = next(page for status, page in results if status == 409)
        assert ("Someone else changed this item at the same moment" in loser
                or "changed since you opened the page" in loser)
        with app.app_context():
            state = db.session.get(Feedback, item_id).state
            audits = db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(
                AuditEvent.subject_id == item_id, AuditEvent.action.in_(["panels.feedback.review",
                                                                          "panels.feedback.decline"])))
        assert _events(app, item_id) == [("draft", "received"), ("received", state)]
        assert state in ("under_review", "not_taken_forward") and audits == 1


def test_many_staff_at_once_through_logic_exactly_one_step_is_taken(app, world):
    item_id = _item(app, world)
    with app.app_context():
        staff_ids = [add_user(f"staff{n}@example.org", roles.STAFF, f"Staff {n}").id for n in range(4)]
        db.session.commit()

    def change(index):
        from livesafe.auth.models import User

        item = db.session.get(Feedback, item_id)
        logic.move(item, "review", db.session.get(User, staff_ids[index]))
        db.session.commit()
        return "moved"

    results = at_once(app, 4, change)
    assert results.count("moved") == 1, results
    assert all(isinstance(r, Conflict) for r in results if r != "moved"), results
    assert _events(app, item_id) == [("draft", "received"), ("received", "under_review")]


# --- A correction to a published response is never silently dropped -----------------------------


def test_editing_a_published_response_while_changing_state_saves_the_edit(app, world):
    item_id = _item(app, world, "response_published")
    client = _signed_in(app, "staff")
    url = f"/panels/feedback/{item_id}/triage"
    response = post(client, url + "/state", {"action": "agree", "response": "We will fund later opening from June."},
                    token_from=url)
    assert response.status_code == 302
    with app.app_context():
        item = db.session.get(Feedback, item_id)
        assert (item.state, item.response) == ("action_agreed", "We will fund later opening from June.")


def test_a_response_that_cannot_be_kept_is_refused_with_the_text_still_on_the_form(app, world):
    item_id = _item(app, world, "received")
    client = _signed_in(app, "staff")
    url = f"/panels/feedback/{item_id}/triage"
    response = post(client, url + "/state", {"action": "review", "response": "An answer typed too early"},
                    token_from=url)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "A response is published with “Response published”" in page and "An answer typed too early" in page
    with app.app_context():
        item = db.session.get(Feedback, item_id)
        assert (item.state, item.response) == ("received", "")


def test_an_edit_racing_a_state_change_is_saved_or_refused_never_lost(app, world):
    for round_ in range(3):
        item_id = _item(app, world, "response_published")
        url = f"/panels/feedback/{item_id}/triage"
        clients = [_signed_in(app, "staff"), _signed_in(app, "admin")]
        tokens = [_token(client, url) for client in clients]
        edit = "Corrected: we fund later opening from June."
        sent = [{"action": "agree", "response": edit}, {"action": "decline", "note": "Funding fell through."}]

        def change(index, clients=clients, tokens=tokens, sent=sent, url=url):
            response = clients[index].post(url + "/state", data={**sent[index], "csrf_token": tokens[index]})
            return response.status_code, response.get_data(as_text=True)

        (edit_status, edit_page), (other_status, _) = at_once(app, 2, change)
        assert sorted([edit_status, other_status]) == [302, 409], round_
        with app.app_context():
            item = db.session.get(Feedback, item_id)
            if edit_status == 302:
                assert (item.state, item.response) == ("action_agreed", edit)
            else:  # refused, said so, and what they typed is still in front of them
                assert item.state == "not_taken_forward" and item.response == "We will fund later opening."
                assert "at the same moment" in edit_page or "cannot be changed that way" in edit_page
                assert edit in edit_page


# --- A member removed from the panel cannot submit into it ----------------------------------------


def test_a_removed_member_submitting_their_draft_is_refused_with_a_reason(app, world):
    item_id = _item(app, world, "draft")
    client = _signed_in(app, "member")
    edit_url = f"/panels/feedback/{item_id}/edit"
    token = _token(client, edit_url)
    with app.app_context():
        logic.remove_member(db.session.get(Panel, world.city), user("member").id, user("staff"))
        db.session.commit()
    response = client.post(edit_url, data={
        "csrf_token": token, "title": "Youth club closes early", "concerns": "other", "areas": ["leicester"],
        "what_seen": "Seen.", "recommendation": "Open later.", "urgency": "medium", "action": "submit"})
    assert response.status_code == 403
    assert "no longer a member of this panel" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Feedback, item_id).state == "draft"
        assert _events(app, item_id) == []
    # The submit choice is not offered to them either.
    assert 'value="submit"' not in client.get(edit_url).get_data(as_text=True)


# --- One open report per person per thing -------------------------------------------------------


def test_the_same_person_cannot_report_the_same_item_twice(ctx, world):
    item = feedback_in("received", world.city)
    comment = logic.add_comment(item, user("member"), "A comment")
    first = logic.report(user("city2"), item, "abusive")
    with pytest.raises(Conflict, match="already reported this"):
        logic.report(user("city2"), item, "off_topic")
    logic.report(user("city2"), item, "abusive", comment=comment)  # the comment is another thing
    with pytest.raises(Conflict, match="already reported this"):
        logic.report(user("city2"), item, "abusive", comment=comment)
    logic.report(user("staff"), item, "abusive")  # another person
    logic.dismiss(first, user("staff"))
    logic.report(user("city2"), item, "off_topic")  # once dealt with, it can be reported again
    open_ = db.session.scalars(sa.select(Report).where(Report.resolved_at.is_(None))).all()
    assert sorted((r.reporter_id, r.comment_id or 0) for r in open_) == sorted(
        [(user("city2").id, comment.id), (user("staff").id, 0), (user("city2").id, 0)])


def test_reporting_twice_over_http_says_so(app, world):
    item_id = _item(app, world)
    client = _signed_in(app, "city2")
    url = f"/panels/feedback/{item_id}/report"
    assert post(client, url, {"reason": "abusive"}).status_code == 302
    response = post(client, url, {"reason": "off_topic"})
    assert response.status_code == 409
    assert "You have already reported this" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Report.id))) == 1


def test_reports_sent_at_once_by_one_person_keep_one(app, world):
    item_id = _item(app, world)

    def report(index):
        logic.report(user("city2"), db.session.get(Feedback, item_id), "abusive")
        db.session.commit()
        return "kept"

    results = at_once(app, 4, report)
    assert results.count("kept") == 1, results
    assert all(isinstance(r, Conflict) for r in results if r != "kept"), results
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Report.id))) == 1


# --- Items with no deadline are due DEFAULT_RESPONSE_DAYS after they were received ------------------


@pytest.mark.parametrize("days_ago,overdue", [
    (DEFAULT_RESPONSE_DAYS + 5, True),
    (DEFAULT_RESPONSE_DAYS + 1, True),
    (DEFAULT_RESPONSE_DAYS, False),  # due today is not late yet
    (3, False),
])
def test_an_item_without_a_deadline_is_due_by_default(ctx, world, days_ago, overdue):
    received = datetime(2025, 6, 10, 11, tzinfo=UTC) - timedelta(days=days_ago)
    item = feedback_in("under_review", world.city, now=received)
    db.session.commit()
    assert item.response_deadline is None and item.due_by_default
    assert item.due_on == TODAY - timedelta(days=days_ago) + timedelta(days=DEFAULT_RESPONSE_DAYS)
    assert logic.is_overdue(item, today=TODAY) is overdue
    assert (item in logic.overdue_feedback(today=TODAY)) is overdue


def test_a_deadline_set_by_staff_replaces_the_default(ctx, world):
    item = feedback_in("received", world.city, now=datetime(2025, 4, 1, tzinfo=UTC))
    assert logic.is_overdue(item, today=TODAY)
    logic.assign(item, None, TODAY + timedelta(days=7), user("staff"))
    assert item.due_on == TODAY + timedelta(days=7) and not item.due_by_default
    assert not logic.is_overdue(item, today=TODAY) and logic.overdue_feedback(today=TODAY) == []


def test_the_default_deadline_is_shown_to_staff_and_the_member(app, world):
    with app.app_context():
        item = feedback_in("under_review", world.city, title="Old item",
                           now=datetime.now(UTC) - timedelta(days=DEFAULT_RESPONSE_DAYS + 3))
        db.session.commit()
        item_id, due = item.id, item.due_on
    staff = _signed_in(app, "staff")
    board = staff.get("/panels/triage").get_data(as_text=True)
    overdue_box = board[board.index("<h2>Overdue</h2>"):board.index("<h2>Open items")]
    assert "Old item" in overdue_box and f"the default, {DEFAULT_RESPONSE_DAYS} days after it was received" in overdue_box
    page = staff.get(f"/panels/feedback/{item_id}/triage").get_data(as_text=True)
    assert due.strftime("%-d %B %Y") in page and "Overdue" in page
    member = _signed_in(app, "member").get(f"/panels/feedback/{item_id}").get_data(as_text=True)
    assert f"Response due by</dt><dd>{due.strftime('%-d %B %Y')}" in member
