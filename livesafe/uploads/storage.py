"""Files on disk under UPLOAD_DIR (outside static/, so the web server never serves them directly).

A file's path comes only from its random stored name (32 hex characters), sharded by its first two, with no
extension and nothing the person typed. Files are written whole (temp file, then rename), readable by the
app's user only.
"""
from __future__ import annotations

import os
import re
import secrets
import tempfile
from pathlib import Path

from flask import current_app

NAME = re.compile(r"\A[0-9a-f]{32}\Z")


def new_name() -> str:
    return secrets.token_hex(16)


def root() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


def path_for(stored_name: str) -> Path:
    if not NAME.match(stored_name):
        raise ValueError("not a stored upload name")
    return root() / stored_name[:2] / stored_name


def write(stored_name: str, data: bytes) -> Path:
    target = path_for(stored_name)
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")  # mode 0600
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def delete(stored_name: str) -> None:
    path_for(stored_name).unlink(missing_ok=True)


def stored_files() -> list[Path]:
    """Every file under UPLOAD_DIR: stored uploads and any temp file a crash left behind."""
    base = root()
    if not base.is_dir():
        return []
    return [entry for shard in base.iterdir() if shard.is_dir() for entry in shard.iterdir() if entry.is_file()]
