import smtplib
from email.message import EmailMessage

import sqlalchemy as sa
from flask import current_app

from livesafe.extensions import db
from livesafe.mail.models import OutboxMessage
from livesafe.timeutil import utcnow

MAX_ATTEMPTS = 5


def queue(to: str, subject: str, body: str) -> OutboxMessage:
    """Put a message in the outbox; the caller's commit saves it with the change that caused it."""
    message = OutboxMessage(to=to, subject=subject, body=body)
    db.session.add(message)
    return message


def pending() -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.sent_at.is_(None), OutboxMessage.attempts < MAX_ATTEMPTS)
            .order_by(OutboxMessage.id)
        )
    )


def _smtp():
    config = current_app.config
    smtp = smtplib.SMTP(config["MAIL_HOST"], config["MAIL_PORT"], timeout=30)
    if config["MAIL_USE_TLS"]:
        smtp.starttls()
    if config["MAIL_USERNAME"]:
        smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
    return smtp


def send_pending() -> tuple[int, int]:
    """Deliver every unsent message. Returns (sent, failed)."""
    messages = pending()
    if not messages:
        return 0, 0
    sent = failed = 0
    with _smtp() as smtp:
        for message in messages:
            email = EmailMessage()
            email["From"] = current_app.config["MAIL_FROM"]
            email["To"] = message.to
            email["Subject"] = message.subject
            email.set_content(message.body)
            message.attempts += 1
            try:
                smtp.send_message(email)
            except smtplib.SMTPException as error:
                message.last_error = str(error)
                failed += 1
            else:
                message.sent_at = utcnow()
                sent += 1
            db.session.commit()
    return sent, failed
