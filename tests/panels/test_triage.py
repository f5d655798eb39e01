"""Staff triage: owners, deadlines, overdue flags, publication over HTTP, and the dashboard figures."""
from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from livesafe.extensions import db
from livesafe import clock
from livesafe.kernel import Refused, RuleError
from livesafe.mail.models import OutboxMessage
from livesafe.panels import logic
from livesafe.panels.models import Feedback, Support
from tests.helpers import post, sign_in
from tests.panels.factory import EMAILS, feedback_in, user

TODAY = date(2025, 6, 10)


@pytest.mark.parametrize("state,deadline,overdue", [
    ("received", TODAY - timedelta(days=1), True),
    ("under_review", TODAY - timedelta(days=30), True),
    ("under_review", TODAY, False),  # due today is not late yet
    ("under_review", TODAY + timedelta(days=1), False),
    ("under_review", None, False),
    ("response_published", TODAY - timedelta(days=5), False),
    ("action_agreed", TODAY - timedelta(days=5), False),
    ("done", TODAY - timedelta(days=5), False),
    ("not_taken_forward", TODAY - timedelta(days=5), False),
])
def test_overdue_means_deadline_passed_and_no_answer_yet(ctx, world, state, deadline, overdue):
    item = feedback_in(state, world.city)
    logic.assign(item, user("staff").id, deadline, user("staff"))
    db.session.commit()
    assert logic.is_overdue(item, today=TODAY) is overdue
    assert (item in logic.overdue_feedback(today=TODAY)) is overdue


def test_an_item_stops_being_overdue_once_answered(ctx, world):
    item = feedback_in("under_review", world.city)
    logic.assign(item, user("staff").id, TODAY - timedelta(days=2), user("staff"))
    assert logic.is_overdue(item, today=TODAY)
    logic.move(item, "respond", user("staff"), response="Answer.")
    assert not logic.is_overdue(item, today=TODAY)


def test_the_owner_must_be_active_staff(ctx, world):
    item = feedback_in("received", world.city)
    for who in ("member", "applicant"):
        with pytest.raises(RuleError):
            logic.assign(item, user(who).id, None, user("staff"))
    user("admin").active = False
    with pytest.raises(RuleError):
        logic.assign(item, user("admin").id, None, user("staff"))
    with pytest.raises(Refused):
        logic.assign(item, user("staff").id, None, user("member"))


def test_assigning_tells_the_new_owner(ctx, world):
    item = feedback_in("received", world.city)
    logic.assign(item, user("admin").id, TODAY, user("staff"))
    db.session.commit()
    mail = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.to == "admin@example.org")).all()
    assert len(mail) == 1 and "10 June 2025" in mail[0].body
    assert item.owner_id == user("admin").id and item.response_deadline == TODAY


def test_dashboard_figures(ctx, world):
    start = datetime(2025, 5, 1, 9, tzinfo=timezone.utc)
    fast = feedback_in("under_review", world.city, now=start)
    logic.move(fast, "respond", user("staff"), response="Yes.", now=start + timedelta(days=2))
    slow = feedback_in("received", world.county, author="county", now=start)
    logic.move(slow, "decline", user("staff"), note="No.", now=start + timedelta(days=10))
    middle = feedback_in("under_review", world.city, now=start)
    logic.move(middle, "respond", user("staff"), response="Yes.", now=start + timedelta(days=4))
    waiting = feedback_in("received", world.city)
    feedback_in("draft", world.city)
    db.session.add_all([Support(feedback_id=waiting.id, user_id=user("city2").id)])
    db.session.commit()
    assert logic.median_days_to_first_response() == pytest.approx(4.0)
    counts = logic.open_counts()
    assert counts[(world.city, "response_published")] == 2
    assert counts[(world.city, "received")] == 1
    assert (world.county, "not_taken_forward") not in counts  # closed items are not open
    assert logic.most_supported() == [(waiting, 1)]


def test_median_is_none_without_answers(ctx, world):
    feedback_in("received", world.city)
    assert logic.median_days_to_first_response() is None


def _triage_item(app, world, state="received", **fields):
    with app.app_context():
        item = feedback_in(state, world.city, **fields)
        db.session.commit()
        return item.id


def test_staff_assign_move_and_publish_over_http(app, client, world):
    item_id = _triage_item(app, world)
    sign_in(client, email=EMAILS["staff"])
    url = f"/panels/feedback/{item_id}/triage"
    with app.app_context():
        staff_id = user("staff").id
    response = post(client, url, {"owner_id": str(staff_id), "response_deadline": "2025-07-01"})
    assert response.status_code == 302
    for action, extra in (("review", {}), ("respond", {"response": "We agree and will act."})):
        response = post(client, url + "/state", {"action": action, **extra}, token_from=url)
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    response = post(client, url + "/publish", {"public": "1"}, token_from=url)
    assert response.status_code == 302
    with app.app_context():
        item = db.session.get(Feedback, item_id)
        assert (item.owner_id, item.response_deadline, item.state, item.public) == (
            staff_id, date(2025, 7, 1), "response_published", True)
    assert "We agree and will act." in client.get("/you-said-we-did").get_data(as_text=True)


def test_a_refused_transition_over_http_is_a_422_with_the_reason(app, client, world):
    item_id = _triage_item(app, world, state="under_review")
    sign_in(client, email=EMAILS["staff"])
    url = f"/panels/feedback/{item_id}/triage"
    response = post(client, url + "/state", {"action": "respond", "response": ""}, token_from=url)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Write the response before publishing it" in page and "<title>Error: " in page
    response = post(client, url + "/state", {"action": "finish"}, token_from=url)
    assert response.status_code == 409  # not a step the table allows from "Under review"
    assert "is “Under review”, so it cannot be changed that way" in response.get_data(as_text=True)
    response = post(client, url + "/state", {"action": "nonsense"}, token_from=url)
    assert response.status_code == 422  # not a step at all
    response = post(client, url + "/state", {"action": "decline", "note": ""}, token_from=url)
    assert response.status_code == 422 and "Give the reason" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Feedback, item_id).state == "under_review"


def test_bad_assignment_input_is_a_422_and_changes_nothing(app, client, world):
    item_id = _triage_item(app, world)
    sign_in(client, email=EMAILS["staff"])
    url = f"/panels/feedback/{item_id}/triage"
    with app.app_context():
        member_id = user("member").id
    response = post(client, url, {"owner_id": str(member_id), "response_deadline": "2025-07-01"})
    assert response.status_code == 422
    response = post(client, url, {"owner_id": "0", "response_deadline": "31/31/2025"})
    assert response.status_code == 422
    assert "Enter the deadline as a date" in response.get_data(as_text=True)
    with app.app_context():
        item = db.session.get(Feedback, item_id)
        assert item.owner_id is None and item.response_deadline is None


def test_publishing_an_unanswered_item_over_http_is_refused(app, client, world):
    item_id = _triage_item(app, world)
    sign_in(client, email=EMAILS["staff"])
    url = f"/panels/feedback/{item_id}/triage"
    response = post(client, url + "/publish", {"public": "1"}, token_from=url)
    assert response.status_code == 422
    assert "Only an answered item can be published" in response.get_data(as_text=True)
    with app.app_context():
        assert not db.session.get(Feedback, item_id).public


def test_the_dashboard_flags_overdue_items(app, client, world):
    with app.app_context():
        item = feedback_in("under_review", world.city, title="Late item")
        logic.assign(item, user("staff").id, clock.today() - timedelta(days=3), user("staff"))
        on_time = feedback_in("under_review", world.city, title="On time item")
        logic.assign(on_time, user("staff").id, clock.today() + timedelta(days=3), user("staff"))
        db.session.commit()
    sign_in(client, email=EMAILS["staff"])
    page = client.get("/panels/triage").get_data(as_text=True)
    overdue_box = page[page.index("<h2>Overdue</h2>"):page.index("<h2>Open items")]
    assert "Late item" in overdue_box and "3 days late" in overdue_box
    assert "On time item" not in overdue_box


def test_the_member_sees_the_timeline_of_their_item(app, client, world):
    item_id = _triage_item(app, world, state="under_review")
    sign_in(client, email=EMAILS["member"])
    page = client.get(f"/panels/feedback/{item_id}").get_data(as_text=True)
    timeline = page[page.index("<h2>Timeline</h2>"):]
    assert timeline.index("Received") < timeline.index("Under review")
