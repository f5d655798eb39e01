"""Migration 0014_grants_monitoring gives returns that already exist their reporting periods: back to back from
the agreement's acceptance (or the decision, before agreements), in London dates, and a record key each."""
from datetime import date, datetime

import sqlalchemy as sa
from flask_migrate import upgrade

from livesafe import create_app
from livesafe.extensions import db


def _filler(column: sa.Column):
    kind = column.type
    if isinstance(kind, sa.DateTime):
        return datetime(2026, 1, 1)
    if isinstance(kind, sa.Date):
        return date(2026, 1, 1)
    if isinstance(kind, sa.Boolean):
        return False
    if isinstance(kind, sa.JSON):
        return {}
    if isinstance(kind, sa.Integer):
        return 1
    return "x"


def _insert(conn, name: str, **values) -> None:
    """A row with the values given and a placeholder in every other required column."""
    table = sa.Table(name, sa.MetaData(), autoload_with=conn)
    row = {c.name: _filler(c) for c in table.columns
           if not c.nullable and c.server_default is None and not c.primary_key}
    conn.execute(table.insert().values({**row, **values}))


def test_existing_returns_get_back_to_back_periods(base_config, tmp_path):
    config = {**base_config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'migrate.sqlite3'}"}
    app = create_app(config)
    with app.app_context():
        upgrade(revision="0011_grants_lifecycle")
        with db.engine.begin() as conn:
            _insert(conn, "grant_rounds", id=1)
            _insert(conn, "grant_organisations", id=1)
            _insert(conn, "grant_organisations", id=2)
            # Accepted at 23:30 UTC on 30 June 2026: 1 July in London.
            _insert(conn, "grant_applications", id=1, round_id=1, organisation_id=1, decided_at=datetime(2026, 6, 1, 9))
            _insert(conn, "grant_agreements", id=1, application_id=1, accepted_at=datetime(2026, 6, 30, 23, 30))
            # Before agreements: the decision starts the first period.
            _insert(conn, "grant_applications", id=2, round_id=1, organisation_id=2, decided_at=datetime(2026, 2, 10, 9))
            for id_, application, due in ((1, 1, datetime(2026, 10, 1, 9)), (2, 1, datetime(2027, 1, 1, 9)),
                                          (3, 2, datetime(2026, 5, 10, 9))):
                _insert(conn, "grant_monitoring_returns", id=id_, application_id=application, due_at=due, state="due",
                        young_people_reached=0, sessions_delivered=0, young_people_mentored=0, referrals_made=0,
                        safeguarding_incidents=0, what_changed="", safeguarding_details="", reached={})
        upgrade()
        with db.engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT id, period_start, period_end, record_key FROM grant_monitoring_returns "
                                        "ORDER BY id")).all()
        db.engine.dispose()
    periods = {row.id: (str(row.period_start), str(row.period_end)) for row in rows}
    assert periods == {1: ("2026-07-01", "2026-09-30"), 2: ("2026-10-01", "2026-12-31"), 3: ("2026-02-10", "2026-05-09")}
    assert all(0 <= row.record_key < 256 for row in rows)
