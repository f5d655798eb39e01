"""Supports: one per member, only by other members of the same panel, htmx toggling, and concurrency."""
import os
import threading

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from livesafe.auth import roles
from livesafe.auth.models import User
from livesafe.extensions import db
from livesafe.kernel import Refused, can
from livesafe.panels import logic
from livesafe.panels.models import Feedback, Panel, Support
from tests.helpers import post, sign_in
from tests.panels.factory import EMAILS, add_user, feedback_in, user


def _count(app, feedback_id):
    with app.app_context():
        return logic.support_count(feedback_id)


def _item(app, world, state="received"):
    with app.app_context():
        item = feedback_in(state, world.city)
        db.session.commit()
        return item.id


def test_one_support_per_member_even_when_asked_twice(ctx, world):
    item = feedback_in("received", world.city)
    db.session.commit()
    logic.set_support(item, user("city2"), True)
    logic.set_support(db.session.get(Feedback, item.id), user("city2"), True)
    assert logic.support_count(item.id) == 1
    logic.set_support(db.session.get(Feedback, item.id), user("city2"), False)
    assert logic.support_count(item.id) == 0


def test_the_database_refuses_a_second_support_row(ctx, world):
    item = feedback_in("received", world.city)
    db.session.add(Support(feedback_id=item.id, user_id=user("city2").id))
    db.session.commit()
    db.session.add(Support(feedback_id=item.id, user_id=user("city2").id))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


@pytest.mark.parametrize("who", ["member", "county", "staff"])
def test_the_author_other_panels_and_staff_cannot_support(ctx, world, who):
    item = feedback_in("received", world.city)
    assert not can("panels.support", user(who), item)
    with pytest.raises(Refused):
        logic.set_support(item, user(who), True)
    assert logic.support_count(item.id) == 0


def test_drafts_and_hidden_items_cannot_be_supported(ctx, world):
    draft = feedback_in("draft", world.city)
    hidden = feedback_in("received", world.city)
    hidden.hidden_at = hidden.created_at
    assert not can("panels.support", user("city2"), draft)
    assert not can("panels.support", user("city2"), hidden)


def test_support_over_http_without_javascript_redirects_back(app, client, world):
    item_id = _item(app, world)
    sign_in(client, email=EMAILS["city2"])
    response = post(client, f"/panels/feedback/{item_id}/support", {"support": "1"}, token_from=f"/panels/feedback/{item_id}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/panels/feedback/{item_id}#support")
    assert _count(app, item_id) == 1
    page = client.get(f"/panels/feedback/{item_id}").get_data(as_text=True)
    assert "Withdraw your support" in page
    assert "<strong>1</strong> member supports this" in page


def test_support_with_htmx_returns_the_button_and_count_fragment(app, client, world):
    item_id = _item(app, world)
    sign_in(client, email=EMAILS["city2"])
    url = f"/panels/feedback/{item_id}/support"
    response = post(client, url, {"support": "1"}, token_from=f"/panels/feedback/{item_id}", headers={"HX-Request": "true"})
    assert response.status_code == 200
    fragment = response.get_data(as_text=True)
    assert "<html" not in fragment
    assert 'id="support-box"' in fragment
    assert "Withdraw your support" in fragment and "<strong>1</strong>" in fragment
    assert 'name="csrf_token"' in fragment
    assert "HX-Request" in response.headers.get("Vary", "")
    response = post(client, url, {"support": "0"}, token_from=f"/panels/feedback/{item_id}", headers={"HX-Request": "true"})
    assert "Support this" in response.get_data(as_text=True)
    assert _count(app, item_id) == 0


def test_support_without_a_csrf_token_is_refused(app, client, world):
    item_id = _item(app, world)
    sign_in(client, email=EMAILS["city2"])
    response = client.post(f"/panels/feedback/{item_id}/support", data={"support": "1"})
    assert response.status_code == 400
    assert _count(app, item_id) == 0


def test_support_with_a_nonsense_value_is_refused(app, client, world):
    item_id = _item(app, world)
    sign_in(client, email=EMAILS["city2"])
    response = post(client, f"/panels/feedback/{item_id}/support", {"support": "2"}, token_from="/dashboard")
    assert response.status_code == 400
    assert _count(app, item_id) == 0


@pytest.mark.parametrize("who,status", [("member", 403), ("county", 403), ("staff", 403), ("applicant", 403)])
def test_support_over_http_is_refused_to_the_author_other_panels_and_other_roles(app, client, world, who, status):
    item_id = _item(app, world)
    sign_in(client, email=EMAILS[who])
    response = post(client, f"/panels/feedback/{item_id}/support", {"support": "1"}, token_from="/dashboard")
    assert response.status_code == status
    assert _count(app, item_id) == 0


def test_the_author_sees_the_count_but_no_button(app, client, world):
    item_id = _item(app, world)
    sign_in(client, email=EMAILS["member"])
    page = client.get(f"/panels/feedback/{item_id}").get_data(as_text=True)
    assert "members support this" in page
    assert "Support this</button>" not in page


def _race(app, item_id, actions):
    """Run (email, wanted) actions at the same moment, each in its own thread, app context and session."""
    barrier = threading.Barrier(len(actions))
    errors = []

    def act(email, wanted):
        with app.app_context():
            try:
                feedback = db.session.get(Feedback, item_id)
                person = db.session.scalar(sa.select(User).where(User.email == email))
                barrier.wait(timeout=10)
                logic.set_support(feedback, person, wanted)
                db.session.commit()  # what the request does after the view
            except Exception as error:  # noqa: BLE001 - any error in a thread fails the test
                errors.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=act, args=action) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors


needs_postgresql = pytest.mark.skipif(
    "postgresql" not in os.environ.get("DATABASE_URL", ""),
    reason="concurrency is tested against PostgreSQL (set DATABASE_URL)",
)


@pytest.fixture
def crowd(app, world):
    """The City panel with twelve more members."""
    with app.app_context():
        panel = db.session.get(Panel, world.city)
        emails = []
        for n in range(12):
            person = add_user(f"crowd{n}@example.org", roles.PANEL_MEMBER, f"Member {n}")
            logic.add_member(panel, person.email, user("staff"))
            emails.append(person.email)
        item = feedback_in("received", world.city)
        db.session.commit()
        return item.id, emails


@needs_postgresql
def test_concurrent_supports_from_many_members_all_count(app, crowd):
    item_id, emails = crowd
    assert _race(app, item_id, [(email, True) for email in emails]) == []
    assert _count(app, item_id) == len(emails)


@needs_postgresql
def test_concurrent_double_clicks_by_one_member_count_once(app, crowd):
    item_id, emails = crowd
    assert _race(app, item_id, [(emails[0], True)] * 10) == []
    assert _count(app, item_id) == 1


@needs_postgresql
def test_concurrent_support_and_withdraw_leave_at_most_one_support(app, crowd):
    item_id, emails = crowd
    # Twelve threads at most: each holds a pooled connection while it waits at the barrier.
    actions = [(emails[0], True), (emails[0], False)] * 3 + [(email, True) for email in emails[1:7]]
    assert _race(app, item_id, actions) == []
    with app.app_context():
        rows = db.session.scalars(sa.select(Support.user_id).where(Support.feedback_id == item_id)).all()
    assert len(rows) == len(set(rows))
    assert set(emails_of(app, rows)) - {emails[0]} == set(emails[1:7])


def emails_of(app, user_ids):
    with app.app_context():
        return db.session.scalars(sa.select(User.email).where(User.id.in_(user_ids))).all()
