"""Mail goes to the outbox, and `flask send-mail` delivers it to a real SMTP server on loopback."""
import socket

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from livesafe.extensions import db
from livesafe.mail import logic as mail
from livesafe.mail.models import OutboxMessage


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


def test_send_mail_delivers_the_outbox_over_smtp(app, smtp_server):
    controller, inbox = smtp_server
    app.config.update(MAIL_HOST="127.0.0.1", MAIL_PORT=controller.port)
    with app.app_context():
        mail.queue("someone@example.org", "Hello", "A message body")
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["send-mail"])
    assert result.exit_code == 0, result.output
    assert "Sent 1" in result.output
    assert len(inbox.messages) == 1
    envelope = inbox.messages[0]
    assert envelope.rcpt_tos == ["someone@example.org"]
    assert b"Subject: Hello" in envelope.content and b"A message body" in envelope.content
    with app.app_context():
        assert db.session.scalars(sa.select(OutboxMessage)).one().sent_at is not None
    # Nothing is sent twice.
    app.test_cli_runner().invoke(args=["send-mail"])
    assert len(inbox.messages) == 1


def test_reset_email_is_delivered_with_a_working_link(app, client, demo_users, smtp_server):
    from tests.helpers import post

    controller, inbox = smtp_server
    app.config.update(MAIL_HOST="127.0.0.1", MAIL_PORT=controller.port)
    post(client, "/password/forgot", {"email": "staff@example.org"})
    app.test_cli_runner().invoke(args=["send-mail"])
    body = inbox.messages[0].content.decode()
    path = body.split("http://localhost", 1)[1].split()[0]
    assert client.get(path).status_code == 200


def test_unreachable_server_leaves_messages_queued(app):
    app.config.update(MAIL_HOST="127.0.0.1", MAIL_PORT=_free_port())
    with app.app_context():
        mail.queue("someone@example.org", "Hello", "Body")
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["send-mail"])
    assert result.exit_code != 0
    with app.app_context():
        assert db.session.scalars(sa.select(OutboxMessage)).one().sent_at is None
