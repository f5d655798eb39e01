"""Mail: messages are queued in the outbox table with the change that caused them; a worker delivers them.

The outbox is the durable queue. Each message is claimed by one worker at a time (one atomic UPDATE that
counts the attempt and leases the row before anything is sent), retried with exponential backoff after a
temporary failure, and marked failed after MAIL_MAX_ATTEMPTS or at once when it can never be sent. Links
(which may carry single-use tokens) are redacted from the stored body once the message is sent or given
up, and finished messages are deleted after MAIL_RETENTION_DAYS.
"""
import logging
import re
import smtplib
import threading
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import sqlalchemy as sa
from flask import current_app

from livesafe.extensions import db
from livesafe.mail.models import SUBJECT_LENGTH, OutboxMessage
from livesafe.clock import utcnow

log = logging.getLogger(__name__)

# A claimed message is not offered to another worker for this long (longer than any SMTP timeout), so a
# worker that dies mid-send only delays its message.
LEASE = timedelta(minutes=5)
SMTP_TIMEOUT = 30
LONGEST_RETRY = timedelta(hours=6)
REDACTED_LINK = "[link removed after sending]"
_LINK = re.compile(r"https?://\S+", re.IGNORECASE)
_ADDRESS = re.compile(r"[^\s<>\"'(),;:]+@[^\s<>\"'(),;:]+")
_BLANKS = re.compile(r"\s+")


class MailServerUnavailable(RuntimeError):
    """The SMTP server cannot be reached or refuses us: nothing was claimed, so no message is charged."""


@dataclass
class Delivery:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def header_text(value: str, limit: int) -> str:
    """One line of plain text for a header: control and line-break characters become spaces, runs of
    spaces collapse, and text longer than `limit` ends with an ellipsis."""
    cleaned = "".join(
        " " if unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"} else ch for ch in value or ""
    )
    cleaned = _BLANKS.sub(" ", cleaned).strip()
    if len(cleaned) > limit:
        cleaned = cleaned[: limit - 1].rstrip() + "…"
    return cleaned


def queue(to: str, subject: str, body: str) -> OutboxMessage:
    """Put a message in the outbox; the caller's commit saves it with the change that caused it.

    The subject is made safe for a header and to fit its column on every database; when that changes
    what it says, the full text leads the body so nothing is lost."""
    safe_subject = header_text(subject, SUBJECT_LENGTH)
    if safe_subject != _BLANKS.sub(" ", subject or "").strip():
        body = f"{header_text(subject, 10_000)}\n\n{body}"
    message = OutboxMessage(to=(to or "").strip(), subject=safe_subject, body=body, next_attempt_at=utcnow())
    db.session.add(message)
    return message


def _pending():
    return sa.and_(OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None))


def _due(now: datetime):
    return sa.and_(_pending(), OutboxMessage.next_attempt_at <= now)


def claim_next(now: datetime | None = None) -> OutboxMessage | None:
    """Take the next due message for this worker, or None. One UPDATE counts the attempt and leases the
    row; PostgreSQL's SKIP LOCKED lets concurrent workers pass each other's rows, and the repeated `due`
    condition makes it a compare-and-set on SQLite too, so no two workers ever hold the same message."""
    now = now or utcnow()
    candidate = (
        sa.select(OutboxMessage.id)
        .where(_due(now))
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(1)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    claimed = db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == candidate, _due(now))
        .values(attempts=OutboxMessage.attempts + 1, next_attempt_at=now + LEASE)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    ).scalar()
    db.session.commit()
    return db.session.get(OutboxMessage, claimed) if claimed else None


def build(message: OutboxMessage) -> EmailMessage:
    """The e-mail for a message; raises ValueError (or similar) if it can never be sent."""
    email = EmailMessage()  # the default policy refuses CR/LF in any header value
    email["From"] = current_app.config["MAIL_FROM"]
    email["To"] = Address(addr_spec=message.to)
    email["Subject"] = header_text(message.subject, SUBJECT_LENGTH)
    email["Date"] = format_datetime(utcnow())
    email["Message-ID"] = make_msgid(idstring=f"outbox.{message.id}", domain=_sender_domain())
    email.set_content(message.body)
    return email


def _sender_domain() -> str:
    sender = current_app.config["MAIL_FROM"]
    return sender.rsplit("@", 1)[-1].strip(" >") or "localhost"


def connect() -> smtplib.SMTP:
    config = current_app.config
    try:
        smtp = smtplib.SMTP(config["MAIL_HOST"], config["MAIL_PORT"], timeout=SMTP_TIMEOUT)
        try:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        except BaseException:
            smtp.close()
            raise
    except (OSError, smtplib.SMTPException) as error:
        raise MailServerUnavailable(f"{config['MAIL_HOST']}:{config['MAIL_PORT']}: {error}") from error
    return smtp


def _permanent(error: Exception) -> bool:
    """Errors that a retry cannot cure: a message that cannot be built, or a recipient the server refuses
    for good (5xx). A refused sender is our configuration, not the message, so it is retried."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPSenderRefused):
        return False
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return not isinstance(error, (OSError, smtplib.SMTPException))


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: MAIL_RETRY_SECONDS after the first attempt, doubling each time, capped."""
    base = current_app.config["MAIL_RETRY_SECONDS"]
    return min(timedelta(seconds=base * 2 ** max(attempts - 1, 0)), LONGEST_RETRY)


def scrub(text: str) -> str:
    """Text for the log: no e-mail addresses in clear."""
    return _ADDRESS.sub("<address>", text)


def redact(body: str) -> str:
    """The body without links, which may carry single-use sign-in tokens."""
    return _LINK.sub(REDACTED_LINK, body)


def _sent(message: OutboxMessage, now: datetime) -> None:
    message.sent_at = now
    message.last_error = None
    message.body = redact(message.body)
    db.session.commit()


def _failed(message: OutboxMessage, error: Exception, now: datetime) -> bool:
    """Record a failed attempt. Returns True if the message is given up for good."""
    description = f"{type(error).__name__}: {error}"[:2000]
    message.last_error = description
    final = _permanent(error) or message.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]
    if final:
        message.failed_at = now
        message.body = redact(message.body)
        log.error("Mail %s failed for good after %s attempt(s): %s", message.id, message.attempts, scrub(description))
    else:
        message.next_attempt_at = now + retry_delay(message.attempts)
        log.warning("Mail %s attempt %s failed, retrying at %s: %s", message.id, message.attempts,
                    message.next_attempt_at.isoformat(timespec="seconds"), scrub(description))
    db.session.commit()
    return final


def _close(smtp) -> None:
    try:
        smtp.quit()
    except Exception:  # the connection is already broken; nothing to tell anyone
        smtp.close()


def deliver_due(stop: threading.Event | None = None) -> Delivery:
    """Send every message that is due, one claim at a time. A message that fails is recorded (retry or
    failed) and never stops the others. Raises MailServerUnavailable, before claiming anything, if the
    server cannot be reached."""
    result = Delivery()
    smtp = None
    try:
        while not (stop and stop.is_set()):
            if smtp is None:
                if db.session.scalar(sa.select(OutboxMessage.id).where(_due(utcnow())).limit(1)) is None:
                    break
                smtp = connect()
            message = claim_next()
            if message is None:
                break
            try:
                smtp.send_message(build(message))
            except Exception as error:  # any error, so one bad message can never block the queue
                db.session.rollback()
                if _failed(message, error, utcnow()):
                    result.failed += 1
                else:
                    result.retrying += 1
                # The server may be in any state after an error: start the next message on a fresh connection.
                _close(smtp)
                smtp = None
            else:
                _sent(message, utcnow())
                result.sent += 1
    finally:
        if smtp is not None:
            _close(smtp)
    return result


def prune(now: datetime | None = None) -> int:
    """Delete messages sent or given up more than MAIL_RETENTION_DAYS ago. Returns how many."""
    cutoff = (now or utcnow()) - timedelta(days=current_app.config["MAIL_RETENTION_DAYS"])
    deleted = db.session.execute(
        sa.delete(OutboxMessage)
        .where(sa.or_(OutboxMessage.sent_at < cutoff, OutboxMessage.failed_at < cutoff))
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return deleted


def watch(stop: threading.Event, interval: float | None = None, prune_every: float = 3600) -> None:
    """The worker: deliver due mail every `interval` seconds until `stop` is set, and run the hourly
    housekeeping (old mail, throttle counters, expired survey drafts).
    While the server is down (or the database is), wait longer each time, up to five minutes."""
    interval = current_app.config["MAIL_WATCH_SECONDS"] if interval is None else interval
    outages = 0
    last_prune = None
    while not stop.is_set():
        try:
            result = deliver_due(stop)
            if result.sent or result.retrying or result.failed:
                log.info("Mail: %s sent, %s to retry, %s failed", result.sent, result.retrying, result.failed)
            if last_prune is None or (utcnow() - last_prune).total_seconds() >= prune_every:
                from livesafe.housekeeping import prune_all

                pruned = prune_all()
                last_prune = utcnow()
                if any(pruned.values()):
                    log.info("Housekeeping: deleted %s", ", ".join(f"{n} {what}" for what, n in pruned.items()))
            outages = 0
        except MailServerUnavailable as error:
            outages += 1
            log.warning("Mail server unavailable: %s", scrub(str(error)))
        except Exception:
            outages += 1
            log.exception("Mail worker error")
        finally:
            db.session.remove()  # hold no transaction or connection while waiting
        stop.wait(min(interval * 2 ** outages, 300) if outages else interval)
