"""Consistent backups: SQLite's online backup API, or pg_dump/pg_restore on PostgreSQL.

A backup holds every account and token, so it is created readable by its owner
only (0600) and the PostgreSQL password goes to the tools in PGPASSWORD, never on
the command line where any local user can read it in the process list.
"""
import os
import sqlite3
import subprocess
from pathlib import Path

import sqlalchemy as sa

from livesafe.extensions import db

MODE = 0o600


def _pg_command() -> tuple[str, dict]:
    """A libpq URL without the password, and an environment carrying it."""
    url = db.engine.url.set(drivername="postgresql")
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    bare = sa.engine.URL.create(url.drivername, username=url.username, host=url.host, port=url.port,
                                database=url.database, query=url.query)
    return bare.render_as_string(hide_password=False), env


def _sqlite_path() -> str:
    return db.engine.url.database


def _create_private(target: Path) -> None:
    """Create (or truncate) the file as 0600 before anything is written to it."""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, MODE)
    os.close(fd)
    os.chmod(target, MODE)  # an existing file keeps its old mode through O_CREAT


def backup(target: str | Path) -> Path:
    """Write a consistent copy of the whole database to `target`, readable by its owner only."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    _create_private(target)
    if db.engine.dialect.name == "postgresql":
        url, env = _pg_command()
        subprocess.run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}", url], check=True, env=env)
    else:
        with sqlite3.connect(_sqlite_path()) as source, sqlite3.connect(target) as copy:
            source.backup(copy)
        copy.close()
    os.chmod(target, MODE)
    return target


def restore(source: str | Path) -> None:
    """Replace the whole database with the copy at `source`."""
    source = Path(source)
    if not source.is_file():
        raise FileNotFoundError(source)
    db.session.remove()
    db.engine.dispose()
    if db.engine.dialect.name == "postgresql":
        url, env = _pg_command()
        subprocess.run(
            ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", f"--dbname={url}", str(source)],
            check=True, env=env,
        )
    else:
        with sqlite3.connect(source) as copy, sqlite3.connect(_sqlite_path()) as live:
            copy.backup(live)
    db.engine.dispose()
