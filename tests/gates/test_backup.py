"""Gate: `flask backup` and `flask restore` round-trip a populated database, table by table."""
import pytest
import sqlalchemy as sa

from livesafe.auth.models import User
from livesafe.extensions import db

pytestmark = pytest.mark.commits  # the backup tools read the database through their own connections


def _snapshot():
    tables = {}
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            order = [c for c in table.primary_key.columns] or list(table.columns)
            rows = conn.execute(sa.select(table).order_by(*order)).all()
            tables[table.name] = [tuple(row) for row in rows]
    return tables


def test_backup_and_restore_round_trip_every_table(app, tmp_path):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        before = _snapshot()
        assert len(before["users"]) >= 5
    copy = tmp_path / "livesafe.backup"
    result = runner.invoke(args=["backup", str(copy)])
    assert result.exit_code == 0, result.output
    assert copy.stat().st_size > 0

    # Change things after the backup: the restore must undo all of it.
    with app.app_context():
        db.session.execute(sa.update(User).where(User.email == "applicant@example.org").values(name="Changed"))
        db.session.add(User(email="after-backup@example.org", role="staff"))
        db.session.commit()
        assert _snapshot() != before
        db.session.remove()

    result = runner.invoke(args=["restore", "--yes", str(copy)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert _snapshot() == before


def test_restore_refuses_a_missing_file(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["restore", "--yes", str(tmp_path / "nope")])
    assert result.exit_code != 0


def test_backup_file_is_readable_by_its_owner_only(app, tmp_path):
    import os
    import stat

    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo"]).exit_code == 0
    copy = tmp_path / "livesafe.backup"
    copy.write_text("an older backup")
    os.chmod(copy, 0o644)  # even a file that existed with a looser mode
    old_umask = os.umask(0o022)
    try:
        result = runner.invoke(args=["backup", str(copy)])
    finally:
        os.umask(old_umask)
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert copy.stat().st_size > len("an older backup")


def test_postgresql_password_goes_through_the_environment(tmp_path, monkeypatch):
    """pg_dump and pg_restore get the password in PGPASSWORD, never in their arguments (visible to `ps`)."""
    import subprocess
    from types import SimpleNamespace

    from livesafe import backup

    calls = []
    monkeypatch.setattr(subprocess, "run", lambda args, **kwargs: calls.append((args, kwargs)))
    engine = SimpleNamespace(
        url=sa.engine.make_url("postgresql+psycopg://keeper:s3cret-Pass@db.example:5432/livesafe"),
        dialect=SimpleNamespace(name="postgresql"), dispose=lambda: None)
    monkeypatch.setattr(backup, "db", SimpleNamespace(engine=engine, session=SimpleNamespace(remove=lambda: None)))
    backup.backup(tmp_path / "pg.backup")
    backup.restore(tmp_path / "pg.backup")
    assert [args[0] for args, _ in calls] == ["pg_dump", "pg_restore"]
    for args, kwargs in calls:
        assert not any("s3cret-Pass" in part for part in args)
        assert kwargs["env"]["PGPASSWORD"] == "s3cret-Pass"
        assert any("postgresql://keeper@db.example:5432/livesafe" in part for part in args)
