"""Following an item (e-mail at once or a weekly digest), unfollowing, and replies one level deep."""
import os
from datetime import timedelta

import pytest
import sqlalchemy as sa

from livesafe.clock import utcnow
from livesafe.extensions import db
from livesafe.kernel import Refused, RuleError
from livesafe.mail.models import OutboxMessage
from livesafe.panels import following, logic, redaction
from livesafe.panels.models import Comment, Follow, Notification, Panel
from tests.helpers import at_once, post, sign_in
from tests.panels.factory import EMAILS, feedback_in, published, user


def _mail_to(key):
    return db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.to == EMAILS[key])
                              .order_by(OutboxMessage.id)).all()


def _clear_mail():
    db.session.execute(sa.delete(OutboxMessage))


# --- Who may follow ------------------------------------------------------------------------------


def test_members_of_the_panel_follow_others_are_refused(ctx, world):
    item = feedback_in("received", world.city)
    following.follow(item, user("city2"), "weekly")
    following.follow(item, user("member"), "immediate")  # the author too
    for who in ("county", "staff"):
        with pytest.raises(Refused):
            following.follow(item, user(who), "immediate")
    draft = feedback_in("draft", world.city)
    with pytest.raises(Refused, match="draft"):
        following.follow(draft, user("member"), "immediate")


def test_following_again_changes_the_choice_and_keeps_one_row(ctx, world):
    item = feedback_in("received", world.city)
    following.follow(item, user("city2"), "immediate")
    following.follow(item, user("city2"), "weekly")
    rows = db.session.scalars(sa.select(Follow).where(Follow.feedback_id == item.id)).all()
    assert [row.mode for row in rows] == ["weekly"]
    with pytest.raises(RuleError, match="how often"):
        following.follow(item, user("city2"), "hourly")
    assert following.follow_of(item.id, user("city2")).mode == "weekly"


# --- Hearing at once -----------------------------------------------------------------------------


def test_followers_hear_of_comments_at_once_without_their_words(ctx, world):
    item = feedback_in("received", world.city)
    following.follow(item, user("city2"), "immediate")
    following.follow(item, user("member"), "immediate")
    _clear_mail()
    comment = logic.add_comment(item, user("member"), "The bus stop on Elm Road is dark")
    assert _mail_to("member") == []  # not told of their own comment
    [mail] = _mail_to("city2")
    # Who and where, never the words (they may be hidden or redacted after the e-mail leaves).
    assert f"#comment-{comment.id}" in mail.body and "Pat Member commented" in mail.body
    assert "Elm Road" not in mail.body
    reply = following.reply(item, comment, user("city2"), "Agreed")
    assert "Casey City replied to a comment" in _mail_to("member")[-1].body and reply.parent_id == comment.id


def test_followers_hear_of_state_changes_once_even_when_they_support_it(ctx, world):
    item = feedback_in("received", world.city)
    following.follow(item, user("city2"), "immediate")
    logic.set_support(item, user("city2"), True)
    _clear_mail()
    logic.move(item, "review", user("staff"), note="Looking at it with the council")
    mails = _mail_to("city2")
    assert len(mails) == 1 and "Under review" in mails[0].subject + mails[0].body
    logic.set_support(item, user("city2"), False)
    _clear_mail()
    logic.assign(item, user("staff").id, None, user("staff"))
    logic.move(item, "respond", user("staff"), response="We will.")
    [mail] = _mail_to("city2")
    assert mail.subject == following.SUBJECTS["state"] and "Response published" in mail.body


def test_a_new_meeting_is_told_once_to_a_follower_of_several_items(ctx, world):
    first, second = feedback_in("received", world.city), feedback_in("received", world.city)
    other = feedback_in("received", world.county, author="county")
    for item in (first, second):
        following.follow(item, user("city2"), "immediate")
    following.follow(other, user("county"), "immediate")
    _clear_mail()
    logic.add_meeting(db.session.get(Panel, world.city), utcnow() + timedelta(days=10), "online", "Online",
                      user("staff"))
    assert len(_mail_to("city2")) == 1 and _mail_to("county") == []


def test_nothing_is_sent_about_a_hidden_item_nor_to_someone_who_left_the_panel(ctx, world):
    item = published(world.city)
    following.follow(item, user("city2"), "immediate")
    logic.hide(logic.report(user("city2"), item, "abusive"), "Names a person", user("staff"))
    _clear_mail()
    logic.move(item, "agree", user("staff"), note="Agreed quietly")  # staff still work on a hidden item
    assert _mail_to("city2") == []
    visible = feedback_in("received", world.city)
    following.follow(visible, user("city2"), "immediate")
    logic.remove_member(db.session.get(Panel, world.city), user("city2").id, user("staff"))
    logic.add_comment(visible, user("member"), "Anyone?")
    assert _mail_to("city2") == []


# --- The weekly digest ---------------------------------------------------------------------------


def test_the_weekly_digest_sends_once_and_leaves_out_what_was_hidden_since(ctx, world):
    item = feedback_in("received", world.city)
    following.follow(item, user("city2"), "weekly")
    _clear_mail()
    kept = logic.add_comment(item, user("member"), "Kept words")
    gone = logic.add_comment(item, user("member"), "Rude words")
    logic.move(item, "review", user("staff"), note="Checked with Elm Road residents")
    assert _mail_to("city2") == []  # only supporters and the author hear of steps at once
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.sent_at.is_(None))) == 3
    logic.hide(logic.report(user("city2"), item, "abusive", comment=gone), "Rude", user("staff"))
    redaction.add(item, "Elm Road", user("staff"))
    _clear_mail()
    assert following.send_digests() == 1
    [digest] = _mail_to("city2")
    assert f"#comment-{kept.id}" in digest.body and "Under review" in digest.body
    assert f"#comment-{gone.id}" not in digest.body and "words" not in digest.body
    assert "[redacted] residents" in digest.body and "Elm Road" not in digest.body
    assert following.send_digests() == 0  # nothing twice


def test_the_digest_command_sends_and_commits(app, world):
    with app.app_context():
        item = feedback_in("received", world.city)
        following.follow(item, user("city2"), "weekly")
        logic.add_comment(item, user("member"), "For the digest")
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["panels-digest"])
    assert result.exit_code == 0 and "Queued 1 weekly digest" in result.output
    with app.app_context():
        assert any(mail.subject == "Your weekly digest of panel items you follow" for mail in _mail_to("city2"))


def test_no_digest_for_someone_who_can_no_longer_see_the_item(ctx, world):
    item = feedback_in("received", world.city)
    following.follow(item, user("city2"), "weekly")
    logic.add_comment(item, user("member"), "Secret plans")
    logic.remove_member(db.session.get(Panel, world.city), user("city2").id, user("staff"))
    _clear_mail()
    assert following.send_digests() == 0 and _mail_to("city2") == []


def test_unfollowing_stops_mail_and_drops_what_was_waiting(ctx, world):
    item = feedback_in("received", world.city)
    following.follow(item, user("city2"), "weekly")
    logic.add_comment(item, user("member"), "One")
    assert following.unfollow(item, user("city2")) is True
    assert following.unfollow(item, user("city2")) is False
    logic.add_comment(item, user("member"), "Two")
    _clear_mail()
    assert following.send_digests() == 0 and _mail_to("city2") == []


# --- Replies ---------------------------------------------------------------------------------------


def test_a_reply_to_a_reply_answers_the_top_level_comment(ctx, world):
    item = feedback_in("received", world.city)
    top = logic.add_comment(item, user("member"), "Top")
    first = following.reply(item, top, user("city2"), "First reply")
    second = following.reply(item, first, user("member"), "Reply to the reply")
    assert first.parent_id == top.id and second.parent_id == top.id
    other = feedback_in("received", world.city)
    with pytest.raises(RuleError):
        following.reply(other, top, user("member"), "Wrong item")


def test_a_hidden_comment_cannot_be_replied_to_and_its_replies_lose_its_words(ctx, world):
    item = feedback_in("received", world.city)
    top = logic.add_comment(item, user("member"), "Rude top")
    answer = following.reply(item, top, user("city2"), "A calm answer")
    logic.hide(logic.report(user("city2"), item, "abusive", comment=top), "Rude", user("staff"))
    with pytest.raises(RuleError, match="hidden"):
        following.reply(item, top, user("city2"), "More")
    with pytest.raises(RuleError, match="hidden"):
        following.reply(item, answer, user("city2"), "More")
    assert following.threads(logic.visible_comments(item.id)) == [(None, [answer])]


def test_replies_over_http(app, client, world):
    with app.app_context():
        item = feedback_in("received", world.city)
        top = logic.add_comment(item, user("member"), "Top comment")
        db.session.commit()
        item_id, top_id = item.id, top.id
    sign_in(client, email=EMAILS["city2"])
    url = f"/panels/feedback/{item_id}/comments/{top_id}/reply"
    assert "Top comment" in client.get(url).get_data(as_text=True)
    response = post(client, url, {"body": ""})
    assert response.status_code == 422 and "Enter your reply" in response.get_data(as_text=True)
    response = post(client, url, {"body": "x" * 2001})
    assert response.status_code == 422 and "2000 characters or fewer" in response.get_data(as_text=True)
    response = post(client, url, {"body": "My reply"})
    assert response.status_code == 302
    page = client.get(f"/panels/feedback/{item_id}").get_data(as_text=True)
    assert '<ul class="replies"' in page and "My reply" in page
    assert client.get(f"/panels/feedback/{item_id}/comments/999999/reply").status_code == 404
    other = app.test_client()
    sign_in(other, email=EMAILS["county"])
    assert other.get(url).status_code == 403
    assert post(other, url, {"body": "Sneaky"}, token_from="/dashboard").status_code == 403
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Comment).where(
            Comment.feedback_id == item_id)) == 2


def test_follow_and_unfollow_over_http(app, client, world):
    with app.app_context():
        item_id = feedback_in("received", world.city).id
        db.session.commit()
    sign_in(client, email=EMAILS["city2"])
    page = f"/panels/feedback/{item_id}"
    assert 'id="follow"' in client.get(page).get_data(as_text=True)
    response = post(client, f"{page}/follow", {"mode": "weekly"}, token_from=page)
    assert response.status_code == 302
    assert "a weekly digest" in client.get(page).get_data(as_text=True)
    response = post(client, f"{page}/follow", {"mode": "hourly"}, token_from=page)
    assert response.status_code == 422 and "Not a valid choice" in response.get_data(as_text=True)
    with app.app_context():
        assert following.follow_of(item_id, user("city2")).mode == "weekly"  # the bad choice lost nothing
    assert post(client, f"{page}/unfollow", {}, token_from=page).status_code == 302
    with app.app_context():
        assert following.follow_of(item_id, user("city2")) is None
    for who, status in (("county", 403), ("staff", 403), ("applicant", 403)):
        other = app.test_client()
        sign_in(other, email=EMAILS[who])
        assert post(other, f"{page}/follow", {"mode": "weekly"}, token_from="/dashboard").status_code == status
    assert app.test_client().post(f"{page}/follow", data={"mode": "weekly"}).status_code in (302, 400)


needs_postgresql = pytest.mark.skipif("postgresql" not in os.environ.get("DATABASE_URL", ""),
                                      reason="concurrency is tested against PostgreSQL (set DATABASE_URL)")


@needs_postgresql
@pytest.mark.commits
def test_following_at_once_keeps_one_row_and_digests_at_once_send_once(app, world):
    with app.app_context():
        item = feedback_in("received", world.city)
        db.session.commit()
        item_id = item.id

    def follow(index):
        item = db.session.get(logic.Feedback, item_id)
        following.follow(item, user("city2"), "weekly" if index % 2 else "immediate")
        db.session.commit()

    assert [r for r in at_once(app, 6, follow) if r is not None] == []
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Follow)) == 1
        following.follow(db.session.get(logic.Feedback, item_id), user("city2"), "weekly")
        logic.add_comment(db.session.get(logic.Feedback, item_id), user("member"), "Once only")
        db.session.commit()

    def digest(_):
        sent = following.send_digests()
        db.session.commit()
        return sent

    assert sorted(at_once(app, 4, digest)) == [0, 0, 0, 1]
    with app.app_context():
        assert sum("weekly digest" in mail.subject for mail in _mail_to("city2")) == 1


def test_the_item_page_stays_flat_as_replies_and_followers_are_added(app, world):
    from flask import g

    from livesafe.panels.models import Feedback
    from tests.helpers import assert_flat

    with app.app_context():
        item = feedback_in("received", world.city)
        top = logic.add_comment(item, user("member"), "Top")
        following.reply(item, top, user("city2"), "First")
        following.follow(item, user("city2"), "immediate")
        db.session.commit()
        item_id, top_id = item.id, top.id
    client = app.test_client()
    sign_in(client, email=EMAILS["city2"])

    def replies(count):
        with app.app_context():
            found, parent = db.session.get(Feedback, item_id), db.session.get(Comment, top_id)
            for n in range(count):
                following.reply(found, parent, user("member" if n % 2 else "city2"), f"Reply {n}")
                logic.add_comment(found, user("member"), f"Another top comment {n}")
            db.session.commit()
        db.session.remove()
        g.pop("_login_user", None)

    with app.app_context():
        assert_flat(client, f"/panels/feedback/{item_id}", replies)
