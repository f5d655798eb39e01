"""The mail worker: retries with exponential backoff, gives up after MAIL_MAX_ATTEMPTS, never lets two
workers send one message, and runs as a loop (`flask send-mail --watch`) until told to stop."""
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from livesafe.extensions import db
from livesafe.mail import logic as mail
from livesafe.mail.models import OutboxMessage
from livesafe.clock import utcnow
from tests.foundation.test_mail import smtp_server  # noqa: F401 (fixture)

ROOT = Path(__file__).resolve().parents[2]


def _make_due(message_id):
    """Stand in for the passing of time: the retry is due now."""
    db.session.execute(sa.update(OutboxMessage).where(OutboxMessage.id == message_id)
                       .values(next_attempt_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()


def test_backoff_doubles_and_is_capped(ctx):
    ctx.config["MAIL_RETRY_SECONDS"] = 60
    assert [mail.retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert mail.retry_delay(30) == mail.LONGEST_RETRY


def test_temporary_failure_is_retried_after_a_backoff(app, smtp_server):
    controller, inbox = smtp_server
    inbox.answers = ["451 4.3.0 Try again later", "451 4.3.0 Try again later"]
    app.config["MAIL_RETRY_SECONDS"] = 60
    with app.app_context():
        message = mail.queue("someone@example.org", "Hello", "Body")
        db.session.commit()
        message_id = message.id

        before = utcnow()
        assert mail.deliver_due().retrying == 1
        row = db.session.get(OutboxMessage, message_id)
        assert row.attempts == 1 and row.sent_at is None and row.failed_at is None and "451" in row.last_error
        assert timedelta(seconds=59) <= row.next_attempt_at - before <= timedelta(seconds=62)

        # Not due yet: nothing is tried.
        assert mail.deliver_due().sent == 0 and inbox.data_commands == 1

        _make_due(message_id)
        before = utcnow()
        assert mail.deliver_due().retrying == 1
        row = db.session.get(OutboxMessage, message_id)
        assert row.attempts == 2
        assert timedelta(seconds=119) <= row.next_attempt_at - before <= timedelta(seconds=122)

        _make_due(message_id)
        assert mail.deliver_due().sent == 1
        row = db.session.get(OutboxMessage, message_id)
        assert row.attempts == 3 and row.sent_at is not None and row.last_error is None
    assert len(inbox.envelopes) == 1


def test_permanent_failure_after_max_attempts(app, smtp_server):
    controller, inbox = smtp_server
    inbox.answers = ["421 4.3.2 Service shutting down"] * 10
    app.config["MAIL_MAX_ATTEMPTS"] = 3
    with app.app_context():
        message = mail.queue("someone@example.org", "Hello", "Open http://localhost/invite/TOKEN123 soon")
        db.session.commit()
        message_id = message.id
        outcomes = []
        for _ in range(4):
            result = mail.deliver_due()
            outcomes.append((result.retrying, result.failed))
            _make_due(message_id)
        row = db.session.get(OutboxMessage, message_id)
        assert row.attempts == 3 and row.failed_at is not None and row.sent_at is None
        assert "TOKEN123" not in row.body and mail.REDACTED_LINK in row.body
    assert outcomes == [(1, 0), (1, 0), (0, 1), (0, 0)]
    assert inbox.data_commands == 3 and inbox.envelopes == []


def test_a_worker_that_died_holding_a_message_only_delays_it(app, smtp_server):
    controller, inbox = smtp_server
    with app.app_context():
        mail.queue("someone@example.org", "Hello", "Body")
        db.session.commit()
        claimed = mail.claim_next()  # and then the worker dies
        assert claimed.attempts == 1
        assert mail.deliver_due().sent == 0  # leased to the dead worker
        assert mail.claim_next(utcnow() + mail.LEASE + timedelta(seconds=1)).id == claimed.id


def _worker(app, results, start):
    with app.app_context():
        start.wait()
        results.append(mail.deliver_due())


def test_two_workers_at_once_never_send_one_message_twice(app, smtp_server):
    """Run on PostgreSQL too (DATABASE_URL): SKIP LOCKED there, the compare-and-set claim on SQLite."""
    controller, inbox = smtp_server
    count = 40
    with app.app_context():
        for n in range(count):
            mail.queue(f"person{n}@example.org", f"Message {n}", "Body")
        db.session.commit()
    results, start = [], threading.Barrier(2)
    workers = [threading.Thread(target=_worker, args=(app, results, start)) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert len(results) == 2, "a worker crashed"
    subjects = sorted(m["Subject"] for m in inbox.messages)
    assert subjects == sorted(f"Message {n}" for n in range(count))  # each exactly once
    assert sum(r.sent for r in results) == count
    with app.app_context():
        rows = db.session.scalars(sa.select(OutboxMessage)).all()
        assert all(r.sent_at is not None and r.attempts == 1 for r in rows)


def test_watch_loop_delivers_new_mail_until_stopped(app, smtp_server):
    controller, inbox = smtp_server
    stop = threading.Event()

    def run():
        with app.app_context():
            mail.watch(stop, interval=0.05)

    worker = threading.Thread(target=run)
    worker.start()
    try:
        with app.app_context():
            mail.queue("someone@example.org", "While watching", "Body")
            db.session.commit()
        deadline = time.monotonic() + 10
        while not inbox.envelopes and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [m["Subject"] for m in inbox.messages] == ["While watching"]
    finally:
        stop.set()
        worker.join(10)
    assert not worker.is_alive()


@pytest.mark.slow
def test_send_mail_watch_command_runs_and_stops_on_sigterm(app, smtp_server, database_url):
    controller, inbox = smtp_server
    with app.app_context():
        mail.queue("someone@example.org", "From the worker process", "Body")
        db.session.commit()
    env = {**os.environ, "LIVESAFE_ENV": "testing", "DATABASE_URL": database_url, "SECRET_KEY": "x" * 32,
           "MAIL_HOST": "127.0.0.1", "MAIL_PORT": str(controller.port), "MAIL_WATCH_SECONDS": "1"}
    worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "livesafe", "send-mail", "--watch"],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 90  # a generous wait, not a speed check: a loaded machine starts Python slowly
        while not inbox.envelopes and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.1)
        assert [m["Subject"] for m in inbox.messages] == ["From the worker process"]
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == 0, output
    assert "someone@example.org" not in output
