"""The shared throttle: counters in coarse buckets, exact limits under concurrency, pruning."""
import threading
import time

import sqlalchemy as sa

from livesafe.auth import logic as auth
from livesafe.extensions import db
from livesafe.throttle import logic as throttle
from livesafe.throttle.models import ThrottleCount


def test_allow_lets_the_limit_through_and_does_not_count_refusals(ctx):
    assert [throttle.allow("test", "k", 3, 600) for _ in range(5)] == [True, True, True, False, False]
    assert throttle.count("test", "k", 600) == 3
    # Another key has its own count.
    assert throttle.allow("test", "other", 3, 600)


def test_events_are_counted_in_one_row_per_minute_with_no_finer_time(ctx):
    for _ in range(7):
        throttle.hit("test", "k")
    rows = db.session.scalars(sa.select(ThrottleCount)).all()
    assert len(rows) == 1
    assert rows[0].hits == 7 and rows[0].bucket % throttle.BUCKET_SECONDS == 0
    assert rows[0].key != "k" and len(rows[0].key) == 64
    columns = {column.name for column in ThrottleCount.__table__.columns}
    assert columns == {"scope", "key", "bucket", "hits"}


def test_window_counts_recent_buckets_only(ctx, monkeypatch):
    now = time.time()
    monkeypatch.setattr(throttle.time, "time", lambda: now - 3600)
    throttle.hit("test", "k")
    monkeypatch.setattr(throttle.time, "time", lambda: now - 120)
    throttle.hit("test", "k")
    monkeypatch.setattr(throttle.time, "time", lambda: now)
    throttle.hit("test", "k")
    assert throttle.count("test", "k", 15 * 60) == 2
    assert throttle.count("test", "k", 2 * 3600) == 3
    assert not throttle.allow("test", "k", 2, 15 * 60)
    assert throttle.allow("test", "k", 3, 15 * 60)


def test_prune_deletes_old_buckets_and_is_a_command(app, monkeypatch):
    now = time.time()
    with app.app_context():
        monkeypatch.setattr(throttle.time, "time", lambda: now - 2 * 24 * 3600)
        throttle.hit("test", "old")
        monkeypatch.setattr(throttle.time, "time", lambda: now)
        throttle.hit("test", "new")
        throttle.hit("test", "another")
        assert throttle.prune() == 1
        throttle.hit("test", "gone")
        db.session.execute(sa.update(ThrottleCount).where(ThrottleCount.hits == 1).values(bucket=0))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["prune"])
    assert result.exit_code == 0, result.output
    assert "Deleted 3 old throttle counter(s)." in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ThrottleCount)) == 0


def _race(app, attempts, work):
    """Run work() from `attempts` threads at once, each in its own app context; return the results."""
    barrier = threading.Barrier(attempts)
    results = []

    def one():
        with app.app_context():
            barrier.wait()
            results.append(work())
            db.session.remove()

    threads = [threading.Thread(target=one) for _ in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_a_limit_holds_exactly_under_concurrency(app):
    results = _race(app, 12, lambda: throttle.allow("race", "k", 5, 900))
    assert len(results) == 12
    assert results.count(True) == 5


def test_concurrent_wrong_guesses_get_exactly_the_limit_checked(app, demo_users):
    limit = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    results = _race(app, limit + 5, lambda: auth.sign_in("staff@example.org", "wrong guess!", "192.0.2.9"))
    throttled = [r for r in results if r.throttled]
    checked = [r for r in results if not r.throttled]
    assert len(checked) == limit and len(throttled) == 5
    with app.app_context():
        assert throttle.count(auth.LOGIN_ACCOUNT, "staff@example.org", 900) == limit
