"""Secrets do not outlive their use: no outbox row holds a usable reset or invitation link once the
message is sent, the delivered link still works, and finished mail is deleted after the retention period."""
import re
from datetime import timedelta

import sqlalchemy as sa

from livesafe.auth import logic as accounts
from livesafe.auth.models import User
from livesafe.extensions import db
from livesafe.mail import logic as mail
from livesafe.mail.models import OutboxMessage
from livesafe.clock import utcnow
from tests.foundation.test_mail import smtp_server  # noqa: F401 (fixture)
from tests.helpers import post

LINK = re.compile(r"http://localhost(/\S+)")
NEW_PASSWORD = "a-long-and-unusual-passphrase-42"


def _outbox_bodies(app):
    with app.app_context():
        return [row.body for row in db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id))]


def _check_link_is_gone_after_sending_and_still_works(app, client, inbox, prefix):
    (body,) = _outbox_bodies(app)
    stored_path = LINK.search(body).group(1)
    assert stored_path.startswith(prefix)
    token = stored_path.rsplit("/", 1)[1]
    assert client.get(stored_path).status_code == 200  # before sending, the stored link is usable

    assert "Sent 1" in app.test_cli_runner().invoke(args=["send-mail"]).output

    (body,) = _outbox_bodies(app)
    assert token not in body and "http" not in body and mail.REDACTED_LINK in body
    delivered_path = LINK.search(inbox.text()).group(1)
    assert delivered_path == stored_path
    response = post(client, delivered_path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def test_reset_link_is_not_kept_in_the_outbox_after_sending(app, client, demo_users, smtp_server):
    controller, inbox = smtp_server
    post(client, "/password/forgot", {"email": "staff@example.org"})
    _check_link_is_gone_after_sending_and_still_works(app, client, inbox, "/password/reset/")
    with app.app_context():
        assert accounts.sign_in("staff@example.org", NEW_PASSWORD, "127.0.0.1").user is not None


def test_invitation_link_is_not_kept_in_the_outbox_after_sending(app, client, demo_users, smtp_server):
    controller, inbox = smtp_server
    with app.test_request_context():
        admin = db.session.scalar(sa.select(User).where(User.role == "admin"))
        accounts.invite(admin, "new.staff@example.org", "staff", "New")
        db.session.commit()  # logic flushes; the request (here, the test) commits
    _check_link_is_gone_after_sending_and_still_works(app, client, inbox, "/invite/")
    with app.app_context():
        assert accounts.find_user("new.staff@example.org").password_hash != ""


def _finished(sent_days_ago=None, failed_days_ago=None, created_days_ago=40):
    now = utcnow()
    row = OutboxMessage(to="a@example.org", subject="S", body="B", created_at=now - timedelta(days=created_days_ago),
                        next_attempt_at=now)
    if sent_days_ago is not None:
        row.sent_at = now - timedelta(days=sent_days_ago)
    if failed_days_ago is not None:
        row.failed_at = now - timedelta(days=failed_days_ago)
    db.session.add(row)
    return row


def test_finished_mail_is_deleted_after_the_retention_period(app):
    app.config["MAIL_RETENTION_DAYS"] = 30
    with app.app_context():
        old_sent, old_failed = _finished(sent_days_ago=31), _finished(failed_days_ago=31)
        recent_sent, recent_failed = _finished(sent_days_ago=29), _finished(failed_days_ago=29)
        old_pending = _finished()  # created long ago, still waiting: never pruned before it is done
        db.session.commit()
        kept = {recent_sent.id, recent_failed.id, old_pending.id}
    result = app.test_cli_runner().invoke(args=["prune"])
    assert result.exit_code == 0 and "Deleted 2 e-mail(s) past retention" in result.output
    with app.app_context():
        assert set(db.session.scalars(sa.select(OutboxMessage.id))) == kept
