"""Pages that list related rows load them together: the query count stays flat as rows are added."""
from datetime import timedelta

from flask import g

from livesafe.auth import roles
from livesafe.clock import utcnow
from livesafe.extensions import db
from livesafe.panels import logic
from livesafe.panels.models import Meeting, Panel
from tests.helpers import assert_flat, sign_in
from tests.panels.factory import EMAILS, add_user, feedback_in, user

_made = iter(range(10_000))


def _new_members(panel_id, count):
    """New panel members (each a different person, so nothing is shared in the session) on the panel."""
    people = []
    for _ in range(count):
        n = next(_made)
        person = add_user(f"extra{n}@example.org", roles.PANEL_MEMBER, f"Extra {n}")
        logic.add_member(db.session.get(Panel, panel_id), person.email, user("staff"))
        people.append(person)
    return people


def _client(app, who):
    client = app.test_client()
    sign_in(client, email=EMAILS[who])
    return client


def _flat(app, client, url, work):
    """assert_flat counts inside an app context that the test client's requests share; the rows are added in
    a context of their own, and the shared session is emptied after, so both counts start from nothing."""
    def add_rows(count):
        with app.app_context():
            work(count)
            db.session.commit()
        db.session.remove()
        g.pop("_login_user", None)  # Flask-Login caches the signed-in user on the shared context

    with app.app_context():
        assert_flat(client, url, add_rows)


def test_comments_page_is_flat(app, world):
    with app.app_context():
        item = feedback_in("received", world.city)
        logic.add_comment(item, user("city2"), "First")
        db.session.commit()
        item_id = item.id

    def comments(count):
        item = db.session.get(logic.Feedback, item_id)
        for person in _new_members(world.city, count):
            logic.add_comment(item, person, f"A comment by {person.name}")

    _flat(app, _client(app, "member"), f"/panels/feedback/{item_id}", comments)


def test_agenda_page_is_flat(app, world):
    with app.app_context():
        meeting = logic.add_meeting(db.session.get(Panel, world.city), utcnow() + timedelta(days=10), "online",
                                    "Online", user("staff"))
        logic.add_agenda_item(meeting, user("city2"), "First item", "")
        db.session.commit()
        meeting_id = meeting.id

    def agenda(count):
        meeting = db.session.get(Meeting, meeting_id)
        for person in _new_members(world.city, count):
            logic.add_agenda_item(meeting, person, f"Item from {person.name}", "Detail")

    _flat(app, _client(app, "member"), f"/panels/{world.city}/meetings/{meeting_id}", agenda)


def test_members_page_is_flat(app, world):
    _flat(app, _client(app, "staff"), f"/panels/manage/{world.city}", lambda count: _new_members(world.city, count))


def test_moderation_page_is_flat(app, world):
    with app.app_context():
        item = feedback_in("received", world.city)
        logic.report(user("city2"), item, "abusive")
        db.session.commit()
        item_id = item.id

    def reports(count):
        item = db.session.get(logic.Feedback, item_id)
        for person in _new_members(world.city, count):
            comment = logic.add_comment(item, person, "Something rude")
            own = feedback_in("received", world.city, author=person.email)
            logic.report(user("member"), item, "abusive", comment=comment)
            logic.report(user("member"), own, "off_topic")

    _flat(app, _client(app, "staff"), "/panels/moderation", reports)


def test_own_items_page_is_flat(app, world):
    with app.app_context():
        feedback_in("under_review", world.city)
        db.session.commit()

    def items(count):
        for n in range(count):
            feedback_in(["received", "under_review", "draft"][n % 3], world.city, title=f"Item {n}")

    _flat(app, _client(app, "member"), "/panels", items)
