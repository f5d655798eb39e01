"""Point 2, moderation that can be undone: the hidden list, unhide with a reason, an appeal decided by another
member of staff, staff alerted to new reports, agenda items and places reportable (one open report each)."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from livesafe.clock import utcnow
from livesafe.extensions import db
from livesafe.kernel import Conflict, Refused, RuleError
from livesafe.mail.models import OutboxMessage
from livesafe.panels import logic
from livesafe.panels.models import Appeal, Feedback, Panel
from tests.helpers import post, sign_in
from tests.panels.factory import EMAILS, feedback_in, published, user


def _client(app, who):
    client = app.test_client()
    sign_in(client, email=EMAILS[who])
    return client


def _mail(email):
    query = sa.select(OutboxMessage).where(OutboxMessage.to == email).order_by(OutboxMessage.id)
    return list(db.session.scalars(query))


def _hidden_item(world, hider="staff"):
    item = published(world.city)
    logic.hide(logic.report(user("city2"), item, "abusive"), "Names a person", user(hider))
    return item


def test_staff_are_alerted_by_email_and_on_the_dashboard(app, world):
    with app.app_context():
        logic.report(user("city2"), feedback_in("received", world.city), "abusive")
        db.session.commit()
        for who in ("staff", "admin"):
            [alert] = _mail(EMAILS[who])
            assert "/panels/moderation" in alert.body and "Youth club" not in alert.body
    assert "1 open report and 0 appeals" in _client(app, "staff").get("/dashboard").get_data(as_text=True)


def test_unhide_with_a_reason_tells_the_author_and_shows_it_again(app, world):
    with app.app_context():
        item_id = _hidden_item(world).id
        db.session.commit()
    staff = _client(app, "staff")
    listing = staff.get("/panels/moderation/hidden").get_data(as_text=True)
    assert f'id="hidden-feedback-{item_id}"' in listing and "Names a person" in listing
    url = f"/panels/hidden/feedback/{item_id}/unhide"
    prefix = f"unhide-feedback-{item_id}-reason"
    assert post(_client(app, "member"), url, {prefix: "x"}, token_from="/dashboard").status_code == 403
    empty = post(staff, url, {prefix: " "}, token_from="/panels/moderation/hidden")
    assert empty.status_code == 422 and "Give the reason" in empty.get_data(as_text=True)
    assert post(staff, url, {prefix: "On review it names nobody"}, token_from="/panels/moderation/hidden").status_code == 302
    assert "Youth club closes early" in app.test_client().get("/you-said-we-did").get_data(as_text=True)
    assert post(staff, url, {prefix: "again"}, token_from="/panels/moderation/hidden").status_code == 404
    with app.app_context():
        assert "On review it names nobody" in _mail(EMAILS["member"])[-1].body


def test_an_appeal_goes_to_a_different_member_of_staff(app, world):
    with app.app_context():
        item_id = _hidden_item(world, hider="staff").id
        db.session.commit()
    url = f"/panels/hidden/feedback/{item_id}/appeal"
    assert _client(app, "city2").get(url).status_code == 403  # only the author appeals
    author = _client(app, "member")
    assert post(author, url, {"text": ""}).status_code == 422
    assert post(author, url, {"text": "It names nobody"}).status_code == 302
    again = post(author, url, {"text": "Please"})
    assert again.status_code == 409 and "already appealed" in again.get_data(as_text=True)
    with app.app_context():
        appeal_id = db.session.scalar(sa.select(Appeal.id))
        assert any("appealed" in m.body for m in _mail(EMAILS["admin"]))
        assert not any("appealed" in m.body for m in _mail(EMAILS["staff"]))  # the hider is not asked
    decide = f"/panels/appeals/{appeal_id}/decide"
    data = {f"appeal-{appeal_id}-outcome": "show", f"appeal-{appeal_id}-reason": "Fair point"}
    assert post(_client(app, "staff"), decide, data, token_from="/panels/moderation/hidden").status_code == 403
    admin = _client(app, "admin")
    bad = post(admin, decide, {f"appeal-{appeal_id}-outcome": "maybe", f"appeal-{appeal_id}-reason": "x"},
               token_from="/panels/moderation/hidden")
    assert bad.status_code == 422
    assert post(admin, decide, data, token_from="/panels/moderation/hidden").status_code == 302
    with app.app_context():
        assert db.session.get(Feedback, item_id).hidden_at is None
        assert db.session.get(Appeal, appeal_id).outcome == "unhidden"


def test_an_appeal_can_be_refused_with_a_reason(ctx, world):
    item = _hidden_item(world)
    entry = logic.appeal(item, user("member"), "Please")
    with pytest.raises(RuleError):
        logic.decide_appeal(entry, False, "", user("admin"))
    logic.decide_appeal(entry, False, "It names a child", user("admin"))
    assert item.hidden_at is not None and entry.outcome == "kept"
    assert "It names a child" in _mail(EMAILS["member"])[-1].body
    with pytest.raises(Conflict):
        logic.decide_appeal(entry, True, "changed my mind", user("admin"))


def test_agenda_items_and_places_are_reportable_once_per_person(ctx, world):
    meeting = logic.add_meeting(db.session.get(Panel, world.city), utcnow() + timedelta(days=7), "online", "Online",
                                user("staff"))
    item = logic.add_agenda_item(meeting, user("member"), "Rude agenda item", "")
    logic.report_agenda_item(user("city2"), item, "abusive")
    with pytest.raises(Conflict):
        logic.report_agenda_item(user("city2"), item, "off_topic")
    with pytest.raises(Refused):
        logic.report_agenda_item(user("county"), item, "abusive")  # another panel's meeting
    place = logic.add_asset(user("member"), name="Fake club", kind="other", district="melton", description="",
                            min_age=1, max_age=20, opening_times="", contact="", website="")
    with pytest.raises(Refused):
        logic.report_asset(user("county"), place, "abusive")  # not public yet
    logic.verify_asset(place, user("staff"))
    entry = logic.report_asset(user("county"), place, "abusive")
    with pytest.raises(Conflict):
        logic.report_asset(user("county"), place, "abusive")
    logic.hide(entry, "Not a real place", user("staff"))
    assert logic.public_assets() == [] and logic.search_assets("fake") == []
    logic.unhide(place, "It is real", user("admin"))
    assert [a.name for a in logic.public_assets()] == ["Fake club"]


def test_report_pages_for_agenda_items_and_places(app, world):
    with app.app_context():
        meeting = logic.add_meeting(db.session.get(Panel, world.city), utcnow() + timedelta(days=7), "online",
                                    "Online", user("staff"))
        item = logic.add_agenda_item(meeting, user("member"), "Agenda thing", "")
        place = logic.add_asset(user("staff"), name="Club", kind="other", district="melton", description="",
                                min_age=1, max_age=20, opening_times="", contact="", website="")
        logic.verify_asset(place, user("staff"))
        db.session.commit()
        item_id, place_id, meeting_id = item.id, place.id, meeting.id
    city2 = _client(app, "city2")
    assert f"/panels/agenda/{item_id}/report" in city2.get(f"/panels/{world.city}/meetings/{meeting_id}").get_data(
        as_text=True)
    assert post(city2, f"/panels/agenda/{item_id}/report", {"reason": "nonsense"}).status_code == 422
    assert post(city2, f"/panels/agenda/{item_id}/report", {"reason": "abusive"}).status_code == 302
    assert _client(app, "county").get(f"/panels/agenda/{item_id}/report").status_code == 403
    assert app.test_client().get(f"/local-places/{place_id}/report").status_code == 302  # sign in first
    assert post(city2, f"/local-places/{place_id}/report", {"reason": "off_topic"}).status_code == 302
    moderation = _client(app, "staff").get("/panels/moderation").get_data(as_text=True)
    assert "Agenda item reported as abusive" in moderation and "Local place reported as off-topic" in moderation
