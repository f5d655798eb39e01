"""Reports and moderation: anyone signed in reports what they can see; staff hide with a reason; the author is told."""
import pytest
import sqlalchemy as sa

from livesafe.audit.models import AuditEvent
from livesafe.extensions import db
from livesafe.kernel import Refused, RuleError, can
from livesafe.mail.models import OutboxMessage
from livesafe.panels import logic
from livesafe.panels.models import Feedback, Report
from tests.helpers import post, sign_in
from tests.panels.factory import EMAILS, feedback_in, published, user


def test_reports_need_a_reason_from_the_list(ctx, world):
    item = feedback_in("received", world.city)
    with pytest.raises(RuleError):
        logic.report(user("city2"), item, "boring")


def test_people_can_only_report_what_they_can_see(ctx, world):
    private = feedback_in("received", world.city)
    public = published(world.city)
    comment = logic.add_comment(public, user("city2"), "A comment")
    db.session.flush()
    with pytest.raises(Refused):
        logic.report(user("county"), private, "abusive")
    logic.report(user("applicant"), public, "off_topic")  # a published item is seen by everyone
    with pytest.raises(Refused):
        logic.report(user("applicant"), public, "abusive", comment=comment)  # comments are the panel's
    logic.report(user("member"), public, "abusive", comment=comment)


def test_hiding_an_item_removes_it_everywhere_and_tells_the_author(ctx, world):
    item = published(world.city, title="Rude item")
    first = logic.report(user("city2"), item, "abusive")
    second = logic.report(user("applicant"), item, "off_topic")
    db.session.flush()
    with pytest.raises(RuleError):
        logic.hide(first, "  ", user("staff"))
    with pytest.raises(Refused):
        logic.hide(first, "Abusive language", user("member"))
    logic.hide(first, "Abusive language", user("staff"))
    db.session.commit()
    assert item.hidden_reason == "Abusive language"
    assert logic.public_feedback() == []
    assert logic.feedback_of_panel(world.city) == []
    assert not can("panels.view_feedback", user("city2"), item)
    assert can("panels.view_feedback", user("member"), item) and can("panels.view_feedback", user("staff"), item)
    assert not can("panels.support", user("city2"), item) and not can("panels.comment", user("city2"), item)
    assert first.outcome == second.outcome == "hidden" and logic.open_reports() == []
    mail = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.to == "panel@example.org",
                                                             OutboxMessage.subject.contains("hidden"))).all()
    assert len(mail) == 1 and "Abusive language" in mail[0].body
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "panels.moderation.hide")) is not None
    with pytest.raises(RuleError):
        logic.set_public(item, True, user("staff"))


def test_hiding_a_comment_keeps_the_item_and_tells_the_commenter(ctx, world):
    item = feedback_in("received", world.city)
    comment = logic.add_comment(item, user("city2"), "Off-topic rant")
    kept = logic.add_comment(item, user("member"), "On topic")
    db.session.flush()
    entry = logic.report(user("member"), item, "off_topic", comment=comment)
    db.session.flush()
    logic.hide(entry, "Off-topic", user("staff"))
    db.session.commit()
    assert logic.visible_comments(item.id) == [kept]
    assert item.hidden_at is None
    assert db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.to == "city2@example.org")) is not None


def test_dismissing_a_report_changes_nothing_else(ctx, world):
    item = feedback_in("received", world.city)
    entry = logic.report(user("city2"), item, "abusive")
    db.session.flush()
    logic.dismiss(entry, user("staff"))
    assert entry.outcome == "dismissed" and item.hidden_at is None and logic.open_reports() == []


def test_reporting_over_http(app, client, world):
    with app.app_context():
        item_id = published(world.city).id
        db.session.commit()
    sign_in(client, email=EMAILS["applicant"])
    url = f"/panels/feedback/{item_id}/report"
    response = post(client, url, {"reason": ""})
    assert response.status_code == 422 and "Choose why you are reporting it" in response.get_data(as_text=True)
    response = post(client, url, {"reason": "off_topic", "detail": "Not about violence"})
    assert response.status_code == 302 and response.headers["Location"] == "/you-said-we-did"
    with app.app_context():
        entry = db.session.scalar(sa.select(Report))
        assert (entry.reason, entry.detail, entry.reporter_id) == ("off_topic", "Not about violence", user("applicant").id)


def test_staff_hide_a_comment_over_http_and_it_disappears(app, client, world):
    with app.app_context():
        item = feedback_in("received", world.city)
        comment = logic.add_comment(item, user("city2"), "<b>Nasty</b> words")
        db.session.flush()
        entry = logic.report(user("member"), item, "abusive", comment=comment)
        db.session.commit()
        item_id, report_id = item.id, entry.id
    sign_in(client, email=EMAILS["staff"])
    page = client.get("/panels/moderation").get_data(as_text=True)
    assert "&lt;b&gt;Nasty&lt;/b&gt; words" in page and "<b>Nasty" not in page
    response = post(client, f"/panels/reports/{report_id}/hide", {f"report-{report_id}-reason": ""},
                    token_from="/panels/moderation")
    assert response.status_code == 422
    assert "Give the reason for hiding it" in response.get_data(as_text=True)
    response = post(client, f"/panels/reports/{report_id}/hide", {f"report-{report_id}-reason": "Abusive"},
                    token_from="/panels/moderation")
    assert response.status_code == 302
    member = app.test_client()
    sign_in(member, email=EMAILS["member"])
    assert "Nasty" not in member.get(f"/panels/feedback/{item_id}").get_data(as_text=True)
    assert "There are no reports" in client.get("/panels/moderation").get_data(as_text=True)


def test_a_hidden_item_shows_its_author_why(app, client, world):
    with app.app_context():
        item = feedback_in("received", world.city)
        entry = logic.report(user("city2"), item, "abusive")
        db.session.flush()
        logic.hide(entry, "Names a young person", user("staff"))
        db.session.commit()
        item_id = item.id
    sign_in(client, email=EMAILS["member"])
    page = client.get(f"/panels/feedback/{item_id}").get_data(as_text=True)
    assert "A moderator has hidden this item" in page and "Names a young person" in page
    other = app.test_client()
    sign_in(other, email=EMAILS["city2"])
    assert other.get(f"/panels/feedback/{item_id}").status_code == 403


def test_a_report_already_dealt_with_is_not_dealt_with_twice(app, client, world):
    with app.app_context():
        item = feedback_in("received", world.city)
        entry = logic.report(user("city2"), item, "abusive")
        db.session.flush()
        logic.dismiss(entry, user("staff"))
        db.session.commit()
        report_id = entry.id
    sign_in(client, email=EMAILS["staff"])
    response = post(client, f"/panels/reports/{report_id}/hide", {f"report-{report_id}-reason": "x"},
                    token_from="/panels/moderation")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(Feedback.hidden_at)) is None
