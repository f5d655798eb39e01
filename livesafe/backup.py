"""Consistent backups: SQLite's online backup API, or pg_dump/pg_restore on PostgreSQL."""
import sqlite3
import subprocess
from pathlib import Path

from livesafe.extensions import db


def _pg_url() -> str:
    # The command-line tools want a plain libpq URL, not SQLAlchemy's driver name.
    return db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def _sqlite_path() -> str:
    return db.engine.url.database


def backup(target: str | Path) -> Path:
    """Write a consistent copy of the whole database to `target`."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    if db.engine.dialect.name == "postgresql":
        subprocess.run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}", _pg_url()], check=True)
    else:
        with sqlite3.connect(_sqlite_path()) as source, sqlite3.connect(target) as copy:
            source.backup(copy)
        copy.close()
    return target


def restore(source: str | Path) -> None:
    """Replace the whole database with the copy at `source`."""
    source = Path(source)
    if not source.is_file():
        raise FileNotFoundError(source)
    db.session.remove()
    db.engine.dispose()
    if db.engine.dialect.name == "postgresql":
        subprocess.run(
            ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", f"--dbname={_pg_url()}", str(source)],
            check=True,
        )
    else:
        with sqlite3.connect(source) as copy, sqlite3.connect(_sqlite_path()) as live:
            copy.backup(live)
    db.engine.dispose()
