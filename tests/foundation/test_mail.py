"""Mail goes to the outbox, and `flask send-mail` delivers it to a real SMTP server on loopback.

The `smtp_server` fixture and `Inbox` here are shared by the other test_mail_*.py files."""
import email
import socket
import threading
from email import policy

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from livesafe.extensions import db
from livesafe.mail import logic as mail
from livesafe.mail.models import OutboxMessage


class Inbox:
    """A real SMTP server's handler: keeps what it receives; `answers` are replies to the next DATA
    commands (e.g. "451 try later") before it goes back to accepting."""

    def __init__(self):
        self.envelopes = []
        self.answers = []
        self.data_commands = 0
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            self.data_commands += 1
            if self.answers:
                return self.answers.pop(0)
            self.envelopes.append(envelope)
        return "250 OK"

    @property
    def messages(self):
        return [email.message_from_bytes(e.content, policy=policy.default) for e in self.envelopes]

    def text(self, index=0):
        return self.messages[index].get_body(("plain",)).get_content()


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server(app):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    app.config.update(MAIL_HOST="127.0.0.1", MAIL_PORT=controller.port)
    yield controller, inbox
    controller.stop()


def test_send_mail_delivers_the_outbox_over_smtp(app, smtp_server):
    controller, inbox = smtp_server
    with app.app_context():
        mail.queue("someone@example.org", "Hello", "A message body")
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["send-mail"])
    assert result.exit_code == 0, result.output
    assert "Sent 1" in result.output
    assert len(inbox.envelopes) == 1
    assert inbox.envelopes[0].rcpt_tos == ["someone@example.org"]
    assert inbox.messages[0]["Subject"] == "Hello" and inbox.text().strip() == "A message body"
    with app.app_context():
        row = db.session.scalars(sa.select(OutboxMessage)).one()
        assert row.sent_at is not None and row.attempts == 1
    # Nothing is sent twice.
    app.test_cli_runner().invoke(args=["send-mail"])
    assert len(inbox.envelopes) == 1


def test_reset_email_is_delivered_with_a_working_link(app, client, demo_users, smtp_server):
    from tests.helpers import post

    controller, inbox = smtp_server
    post(client, "/password/forgot", {"email": "staff@example.org"})
    app.test_cli_runner().invoke(args=["send-mail"])
    path = inbox.text().split("http://localhost", 1)[1].split()[0]
    assert client.get(path).status_code == 200


def test_unreachable_server_claims_nothing(app):
    app.config.update(MAIL_HOST="127.0.0.1", MAIL_PORT=_free_port())
    with app.app_context():
        mail.queue("someone@example.org", "Hello", "Body")
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["send-mail"])
    assert result.exit_code != 0
    assert "unavailable" in result.output and "someone@example.org" not in result.output
    with app.app_context():
        row = db.session.scalars(sa.select(OutboxMessage)).one()
        # The server is down, not the message: it is not charged an attempt and is still due.
        assert row.sent_at is None and row.failed_at is None and row.attempts == 0


def test_catch_all_prints_each_email_decoded(app, capsys):
    """What `make run` shows a newcomer: the message on the console, with whole, clickable links."""
    from livesafe.mail.catchall import Printer

    controller = Controller(Printer(), hostname="127.0.0.1", port=_free_port())
    controller.start()
    app.config.update(MAIL_HOST="127.0.0.1", MAIL_PORT=controller.port)
    link = "http://localhost/password/reset/" + "T" * 80  # longer than a line: sent quoted-printable
    try:
        with app.app_context():
            mail.queue("someone@example.org", "Reset your password", f"Open this link:\n{link}\n")
            db.session.commit()
            assert mail.deliver_due().sent == 1
    finally:
        controller.stop()
    printed = capsys.readouterr().out
    assert "E-mail to someone@example.org" in printed and "Subject: Reset your password" in printed
    assert link in printed
