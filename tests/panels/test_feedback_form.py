"""Raising feedback over HTTP: drafts save, submission checks every field, bad input is a 422 that keeps what was typed."""
import sqlalchemy as sa

from livesafe.extensions import db
from livesafe.panels.models import Feedback
from tests.helpers import post, sign_in
from tests.panels.factory import EMAILS, feedback_in

COMPLETE = {
    "title": "Fights at the bus station", "concerns": "data", "areas": ["leicester", "charnwood"],
    "what_seen": "Groups meet there after school.", "recommendation": "Share the figures with the panel.",
    "urgency": "high",
}


def _all(app):
    with app.app_context():
        return db.session.scalars(sa.select(Feedback)).all()


def _member(client):
    sign_in(client, email=EMAILS["member"])


def test_the_form_offers_only_the_members_panels_and_name_consent_is_off(app, client, world):
    _member(client)
    page = client.get("/panels/feedback/new").get_data(as_text=True)
    assert "City panel" in page and "County panel" not in page
    assert 'name="show_name"' in page and "checked" not in page[page.index('name="show_name"') - 200:page.index('name="show_name"') + 60]
    for label in ("Mentors in Violence Prevention (MVP)", "The Phoenix Programme", "Data and evidence", "Hinckley and Bosworth", "Rutland"):
        assert label in page


def test_submitting_complete_feedback(app, client, world):
    _member(client)
    response = post(client, "/panels/feedback/new", {**COMPLETE, "panel_id": str(world.city), "action": "submit"})
    assert response.status_code == 302
    [item] = _all(app)
    assert (item.state, item.panel_id, item.show_name) == ("received", world.city, False)
    with app.app_context():
        assert db.session.get(Feedback, item.id).area_keys == ["charnwood", "leicester"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Fights at the bus station" in page and "Received" in page


def test_submitting_incomplete_feedback_explains_each_gap_and_keeps_what_was_typed(app, client, world):
    _member(client)
    response = post(client, "/panels/feedback/new", {"panel_id": str(world.city), "title": "Half an idea",
                                                     "what_seen": "Something <b>odd</b>", "action": "submit"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "<title>Error: " in page and "There is a problem" in page
    for message in ("Choose what it concerns", "Choose at least one area it affects", "Say what you recommend",
                    "Choose how urgent it is"):
        assert message in page
    assert 'value="Half an idea"' in page and "Something &lt;b&gt;odd&lt;/b&gt;" in page
    assert _all(app) == []


def test_a_draft_saves_with_only_a_title_and_only_the_author_sees_it(app, client, world):
    _member(client)
    response = post(client, "/panels/feedback/new", {"panel_id": str(world.city), "title": "Unfinished", "action": "draft"})
    assert response.status_code == 302
    [item] = _all(app)
    assert item.state == "draft" and item.submitted_at is None
    other = app.test_client()
    sign_in(other, email=EMAILS["city2"])
    assert other.get(f"/panels/feedback/{item.id}").status_code == 403
    assert "Unfinished" not in other.get(f"/panels/{world.city}").get_data(as_text=True)


def test_a_draft_needs_a_title(app, client, world):
    _member(client)
    response = post(client, "/panels/feedback/new", {"panel_id": str(world.city), "title": "  ", "action": "draft"})
    assert response.status_code == 422
    assert "Enter a title" in response.get_data(as_text=True)
    assert _all(app) == []


def test_too_long_text_is_refused_with_a_message(app, client, world):
    _member(client)
    response = post(client, "/panels/feedback/new", {**COMPLETE, "panel_id": str(world.city), "title": "x" * 151,
                                                     "action": "submit"})
    assert response.status_code == 422
    assert "Title must be 150 characters or fewer" in response.get_data(as_text=True)


def test_a_member_cannot_raise_feedback_in_another_panel(app, client, world):
    _member(client)
    response = post(client, "/panels/feedback/new", {**COMPLETE, "panel_id": str(world.county), "action": "submit"})
    assert response.status_code == 422
    assert _all(app) == []


def test_unknown_choices_are_refused(app, client, world):
    _member(client)
    response = post(client, "/panels/feedback/new", {**COMPLETE, "panel_id": str(world.city), "concerns": "bogus",
                                                     "urgency": "extreme", "areas": ["atlantis"], "action": "submit"})
    assert response.status_code == 422
    assert _all(app) == []


def test_editing_a_draft_then_submitting_it(app, client, world):
    with app.app_context():
        item_id = feedback_in("draft", world.city, title="First go", recommendation="").id
        db.session.commit()
    _member(client)
    url = f"/panels/feedback/{item_id}/edit"
    assert 'value="First go"' in client.get(url).get_data(as_text=True)
    response = post(client, url, {**COMPLETE, "recommendation": "", "action": "submit"})
    assert response.status_code == 422
    with app.app_context():
        unchanged = db.session.get(Feedback, item_id)
        assert (unchanged.title, unchanged.state) == ("First go", "draft")  # nothing already saved is lost
    response = post(client, url, {**COMPLETE, "show_name": "y", "action": "submit"})
    assert response.status_code == 302
    with app.app_context():
        item = db.session.get(Feedback, item_id)
        assert (item.title, item.state, item.show_name) == ("Fights at the bus station", "received", True)


def test_a_submitted_item_can_no_longer_be_edited(app, client, world):
    with app.app_context():
        item_id = feedback_in("received", world.city).id
        db.session.commit()
    _member(client)
    response = post(client, f"/panels/feedback/{item_id}/edit", {**COMPLETE, "action": "draft"}, token_from="/dashboard")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Feedback, item_id).title == "Youth club closes early"


def test_a_member_without_a_panel_is_told_how_to_join(app, client, world):
    with app.app_context():
        from livesafe.auth import roles
        from tests.panels.factory import add_user

        add_user("lonely@example.org", roles.PANEL_MEMBER, "Lonely")
        db.session.commit()
    sign_in(client, email="lonely@example.org")
    page = client.get("/panels/feedback/new").get_data(as_text=True)
    assert "You need to be on a panel" in page and 'name="title"' not in page


def test_comments_are_added_escaped_and_empty_ones_refused(app, client, world):
    with app.app_context():
        item_id = feedback_in("received", world.city).id
        db.session.commit()
    sign_in(client, email=EMAILS["city2"])
    url = f"/panels/feedback/{item_id}/comments"
    response = post(client, url, {"body": "   "}, token_from=f"/panels/feedback/{item_id}")
    assert response.status_code == 422
    assert "Enter your comment" in response.get_data(as_text=True)
    response = post(client, url, {"body": "<script>x()</script> I agree"}, token_from=f"/panels/feedback/{item_id}")
    assert response.status_code == 302
    page = client.get(f"/panels/feedback/{item_id}").get_data(as_text=True)
    assert "&lt;script&gt;x()&lt;/script&gt; I agree" in page and "<script>x()" not in page


def test_nul_characters_are_dropped_not_a_server_error(app, client, world):
    _member(client)
    response = post(client, "/panels/feedback/new", {**COMPLETE, "title": "Nul\x00title", "panel_id": str(world.city),
                                                     "action": "submit"})
    assert response.status_code == 302
    [item] = _all(app)
    assert item.title == "Nultitle"
