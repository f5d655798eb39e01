"""A poisoned message (header injection, an over-long title, a recipient the server refuses) is sent
safely or marked failed with its error, is logged without the address, and never blocks the next one."""
import logging

import pytest
import sqlalchemy as sa

from livesafe.extensions import db
from livesafe.mail import logic as mail
from livesafe.mail.models import SUBJECT_LENGTH, OutboxMessage
from livesafe.clock import utcnow
from tests.foundation.test_mail import smtp_server  # noqa: F401 (fixture)

POISON_TITLE = "Youth club\r\nBcc: everyone@example.net\r\n\r\nFake body" + " and more" * 60  # > 500 characters


@pytest.mark.parametrize("raw, expected", [
    ("Hello\r\nBcc: x@example.org", "Hello Bcc: x@example.org"),
    ("a\nb\rc\x00d\x1be\u2028f\u2029g\x85h\u202ei", "a b c d e f g h i"),
    ("  spaced \t out  ", "spaced out"),
    ("Café ☕ ok", "Café ☕ ok"),
])
def test_header_text_is_one_line_of_plain_text(raw, expected):
    assert mail.header_text(raw, 200) == expected


def test_header_text_is_cut_with_an_ellipsis():
    cut = mail.header_text("x" * 500, SUBJECT_LENGTH)
    assert len(cut) == SUBJECT_LENGTH and cut.endswith("…")


def test_queue_stores_a_safe_subject_that_fits_and_keeps_the_full_title_in_the_body(ctx):
    mail.queue("group@example.org", f"We have your application: {POISON_TITLE}", "Thank you.")
    db.session.commit()  # PostgreSQL refuses a subject longer than the column: this commit proves it fits
    row = db.session.scalars(sa.select(OutboxMessage)).one()
    assert len(row.subject) <= SUBJECT_LENGTH and row.subject.endswith("…")
    assert "\r" not in row.subject and "\n" not in row.subject
    assert row.body.startswith("We have your application: Youth club Bcc: everyone@example.net Fake body and more")
    assert row.body.count(" and more") == 60 and row.body.endswith("Thank you.")


def test_short_clean_subjects_are_left_alone(ctx):
    mail.queue("group@example.org", "Your application: Youth club", "Body")
    db.session.commit()
    row = db.session.scalars(sa.select(OutboxMessage)).one()
    assert (row.subject, row.body) == ("Your application: Youth club", "Body")


def _raw_row(**values):
    """A row written without queue() (as older code did), to show the sender defends itself too."""
    row = OutboxMessage(**{"to": "group@example.org", "subject": "S", "body": "B", "next_attempt_at": utcnow(), **values})
    db.session.add(row)
    db.session.commit()
    return row.id


def test_injected_subject_is_sent_as_one_harmless_line(app, smtp_server):
    controller, inbox = smtp_server
    with app.app_context():
        mail.queue("group@example.org", f"Your application: {POISON_TITLE}", "Body")
        _raw_row(subject="Old row\r\nBcc: everyone@example.net")
        db.session.commit()
        result = mail.deliver_due()
    assert (result.sent, result.failed) == (2, 0)
    for envelope, message in zip(inbox.envelopes, inbox.messages):
        assert envelope.rcpt_tos == ["group@example.org"]
        assert message["Bcc"] is None and "Bcc: everyone" in message["Subject"]
        assert "\n" not in message["Subject"]


def test_a_message_that_cannot_be_built_is_failed_and_the_next_is_delivered(app, smtp_server, caplog):
    controller, inbox = smtp_server
    with app.app_context():
        bad = _raw_row(to="victim@example.org\r\nBcc: everyone@example.net", body="Reset: http://localhost/password/reset/SECRET")
        mail.queue("next@example.org", "Next", "Still delivered")
        db.session.commit()
    with caplog.at_level(logging.WARNING, logger="livesafe.mail"):
        result = app.test_cli_runner().invoke(args=["send-mail"])
    assert result.exit_code == 1 and "Sent 1 message(s); 0 to retry later; 1 failed." in result.output
    assert [e.rcpt_tos for e in inbox.envelopes] == [["next@example.org"]]
    with app.app_context():
        row = db.session.get(OutboxMessage, bad)
        assert row.failed_at is not None and row.sent_at is None and row.attempts == 1
        assert row.last_error.startswith("ValueError") and "CR or LF" in row.last_error
        assert "SECRET" not in row.body  # given up for good: its link is redacted too
    # Logged, with the message id and without the address.
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert f"Mail {bad} failed for good" in logged and "victim@example.org" not in logged
    # A later run does not try it again.
    app.test_cli_runner().invoke(args=["send-mail"])
    assert len(inbox.envelopes) == 1


def test_any_exception_while_building_is_caught_per_message(app, smtp_server, monkeypatch):
    controller, inbox = smtp_server
    real_build = mail.build

    def explode_on_first(message):
        if message.subject == "first":
            raise RuntimeError("unexpected")
        return real_build(message)

    monkeypatch.setattr(mail, "build", explode_on_first)
    with app.app_context():
        mail.queue("a@example.org", "first", "1")
        mail.queue("b@example.org", "second", "2")
        db.session.commit()
        result = mail.deliver_due()
        first = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.subject == "first")).one()
        assert first.failed_at is not None and first.last_error == "RuntimeError: unexpected"
    assert (result.sent, result.failed) == (1, 1)
    assert [e.rcpt_tos for e in inbox.envelopes] == [["b@example.org"]]


def test_a_recipient_refused_for_good_is_failed_and_the_next_is_delivered(app, smtp_server, caplog):
    controller, inbox = smtp_server
    inbox.answers = ["554 5.7.1 Message refused"]
    with app.app_context():
        mail.queue("refused@example.org", "One", "1")
        mail.queue("fine@example.org", "Two", "2")
        db.session.commit()
        with caplog.at_level(logging.WARNING, logger="livesafe.mail"):
            result = mail.deliver_due()
        rows = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
        assert rows[0].failed_at is not None and "554" in rows[0].last_error
        assert rows[1].sent_at is not None
    assert (result.sent, result.failed) == (1, 1)
    assert [e.rcpt_tos for e in inbox.envelopes] == [["fine@example.org"]]
    assert "refused@example.org" not in caplog.text
