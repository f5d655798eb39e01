"""Gate: `flask backup` and `flask restore` round-trip a populated database, table by table."""
import sqlalchemy as sa

from livesafe.auth.models import User
from livesafe.extensions import db


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
