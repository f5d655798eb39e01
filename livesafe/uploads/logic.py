"""The upload component: attach a file to something a feature owns, list, remove and download them.

A feature registers a kind of owner once (`register(Kind(...))`): how to load the owner, which permissions
(rules in the kernel registry) decide who may attach, read and remove its files, which types it accepts and
how big they may be. Then:

    upload = uploads.attach(form.file.data, "grants.application", application.id, current_user, slot="budget")
    uploads.for_owner("grants.application", application.id)
    uploads.remove(upload, current_user)
    uploads.delete_for("grants.application", application.id)   # when the application itself is deleted

`attach` checks, in order: the permission, the size, the type by content, the virus scan; only a file that
passes all four is written to disk and recorded. Files follow the transaction: a file written by a request
that is rolled back is deleted, and a removed upload's file is deleted only once the removal is committed.
`prune()` (run by `flask prune`) removes any file a crash left without its row.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from livesafe.audit.logic import record
from livesafe.clock import utcnow
from livesafe.extensions import db
from livesafe.kernel.errors import RuleError
from livesafe.kernel.permissions import require
from livesafe.uploads import storage
from livesafe.uploads.filetypes import DOCUMENTS, TYPES, detect
from livesafe.uploads.models import Upload
from livesafe.uploads.scanning import scan


class TooLarge(RuleError):
    status = 413


class NotFound(RuleError):
    status = 404


@dataclass(frozen=True)
class Kind:
    """A kind of thing files are attached to, and the feature's rules for its files."""

    name: str  # "grants.application", "panels.meeting"
    load: Callable[[int], Any]  # owner id -> the owner, or None when there is no such thing
    read: str  # permission (kernel registry) checked as can(read, user, owner) before a download
    attach: str  # permission to add a file to the owner
    remove: str = ""  # permission to remove one of its files; the attach permission when empty
    accept: tuple[str, ...] = DOCUMENTS  # keys of filetypes.TYPES
    max_bytes: int | None = None  # at most UPLOAD_MAX_BYTES, the default

    def __post_init__(self) -> None:
        unknown = set(self.accept) - set(TYPES)
        if unknown or not self.accept:
            raise ValueError(f"{self.name}: unknown or no file types {sorted(unknown)}")


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    if kind.name in KINDS and KINDS[kind.name] != kind:
        raise ValueError(f"upload kind {kind.name!r} is already registered")
    KINDS[kind.name] = kind
    return kind


def kind_of(name: str) -> Kind:
    return KINDS[name]  # an unregistered kind is a programming error


def limit_for(kind: Kind) -> int:
    ceiling = current_app.config["UPLOAD_MAX_BYTES"]
    return min(kind.max_bytes or ceiling, ceiling)


def megabytes(size: int) -> str:
    value = size / (1024 * 1024)
    return f"{value:.0f} MB" if value >= 10 or value == int(value) else f"{value:.1f} MB"


def too_large(size: int | None, limit: int) -> TooLarge:
    what = f"This file is {megabytes(size)}" if size else "This file is too big"
    return TooLarge(f"{what}. The largest file you can upload here is {megabytes(limit)}.", field="file")


# --- names -------------------------------------------------------------------------------------------------

_UNSAFE = re.compile(r'[<>:"|?*]')
_EXTENSION = re.compile(r"[A-Za-z0-9]{1,5}")


def split_name(raw: str | None) -> tuple[str, str]:
    """The person's file name made safe to show: (stem, their extension in lower case).

    Any folder part is dropped (a name is never a path), Unicode is normalised (NFKC), control and
    formatting characters (bidirectional overrides, zero-width characters, new lines) and the characters
    Windows forbids are removed, and what is left is trimmed to 100 characters.
    """
    name = unicodedata.normalize("NFKC", raw or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(ch for ch in name if ch == " " or unicodedata.category(ch)[0] not in "CZ")
    name = " ".join(_UNSAFE.sub("", name).split()).strip(" .")
    stem, dot, extension = name.rpartition(".")
    if not (dot and _EXTENSION.fullmatch(extension)):
        stem, extension = name, ""
    return stem[:100].strip(" .") or "file", extension.lower()


def display_name(raw: str | None, extension: str) -> str:
    """The name shown and used for the download: the person's name made safe, with the extension of
    what the file really is (a PDF called report.docx downloads as report.pdf)."""
    return f"{split_name(raw)[0]}.{extension}"


# --- attach, list, remove --------------------------------------------------------------------------------

def _read(file: Any, limit: int) -> bytes:
    stream = getattr(file, "stream", None)
    if file is None or stream is None or not getattr(file, "filename", ""):
        raise RuleError("Choose a file to upload.", field="file")
    data = stream.read(limit + 1)
    if len(data) > limit:
        try:
            size = stream.seek(0, 2)
        except (OSError, ValueError):
            size = None
        raise too_large(size, limit)
    if not data:
        raise RuleError("The file is empty. Choose the file again and check it has something in it.", field="file")
    return data


def owner_of(kind: Kind, owner_id: int) -> Any:
    owner = kind.load(owner_id)
    if owner is None:
        raise NotFound("That no longer exists.")
    return owner


def attach(file: Any, owner_kind: str, owner_id: int, user: Any, slot: str = "") -> Upload:
    """Check, scan, store and record a file (a werkzeug FileStorage) for an owner; raise a RuleError if refused.

    Refusals: Refused (403) no permission; TooLarge (413); RuleError (422) empty or a type not accepted;
    Infected (422); ScannerUnavailable (503): the file could not be scanned, so it is not kept.
    """
    kind = kind_of(owner_kind)
    owner = owner_of(kind, owner_id)
    require(kind.attach, user, owner)
    data = _read(file, limit_for(kind))
    stem, claimed = split_name(file.filename)
    filetype = detect(data, kind.accept, claimed)
    scanned_with = scan(data)
    stored_name = storage.new_name()
    path = storage.write(stored_name, data)
    db.session.info.setdefault(_WRITTEN, []).append(path)
    upload = Upload(owner_kind=kind.name, owner_id=owner_id, slot=slot, stored_name=stored_name,
                    original_name=f"{stem}.{filetype.extension}", content_type=filetype.mime, size=len(data),
                    sha256=hashlib.sha256(data).hexdigest(), scanned_with=scanned_with,
                    uploaded_by_id=getattr(user, "id", None), created_at=utcnow())
    db.session.add(upload)
    db.session.flush()
    record(user, "upload.attach", upload, after={"owner": f"{kind.name}:{owner_id}", "slot": slot,
                                                  "type": filetype.key, "size": len(data)})
    return upload


def for_owner(owner_kind: str, owner_id: int, slot: str | None = None) -> list[Upload]:
    query = sa.select(Upload).where(Upload.owner_kind == owner_kind, Upload.owner_id == owner_id)
    if slot is not None:
        query = query.where(Upload.slot == slot)
    return list(db.session.scalars(query.order_by(Upload.created_at, Upload.id)))


def remove(upload: Upload, user: Any) -> None:
    """Remove one file, if the owner's rules allow this person to."""
    require("uploads.remove", user, upload)
    record(user, "upload.remove", upload, before={"owner": f"{upload.owner_kind}:{upload.owner_id}",
                                                   "slot": upload.slot, "sha256": upload.sha256})
    _delete(upload)


def delete_for(owner_kind: str, owner_id: int) -> int:
    """Delete every file of an owner that is being deleted (the feature has checked that already)."""
    uploads = for_owner(owner_kind, owner_id)
    for upload in uploads:
        _delete(upload)
    return len(uploads)


def _delete(upload: Upload) -> None:
    db.session.info.setdefault(_DELETED, []).append(storage.path_for(upload.stored_name))
    db.session.delete(upload)
    db.session.flush()


def readable(upload_id: int, user: Any) -> tuple[Upload, Path]:
    """The upload and its file, if this person may download it: Refused (403) or NotFound (404) otherwise."""
    upload = db.session.get(Upload, upload_id)
    if upload is None:
        raise NotFound("That file does not exist or has been removed.")
    require("uploads.read", user, upload)
    path = storage.path_for(upload.stored_name)
    if not path.is_file():
        current_app.logger.error("upload %s has no file on disk", upload.id)
        raise NotFound("That file does not exist or has been removed.")
    return upload, path


# --- files follow the transaction ------------------------------------------------------------------------

_WRITTEN = "uploads.written"  # files written in this transaction: deleted if it rolls back
_DELETED = "uploads.deleted"  # files of rows deleted in this transaction: deleted once it commits


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    session.info.pop(_WRITTEN, None)
    for path in session.info.pop(_DELETED, ()):
        path.unlink(missing_ok=True)


@event.listens_for(Session, "after_rollback")
def _rolled_back(session: Session) -> None:
    session.info.pop(_DELETED, None)
    for path in session.info.pop(_WRITTEN, ()):
        path.unlink(missing_ok=True)


ORPHAN_GRACE = timedelta(hours=1)  # longer than any upload request takes


def prune(now: Any = None) -> int:
    """Delete files on disk that have no upload row (a crash between writing and committing), once they
    are old enough that no request can still be committing them."""
    cutoff = ((now or utcnow()) - ORPHAN_GRACE).timestamp()
    known = set(db.session.scalars(sa.select(Upload.stored_name)))
    removed = 0
    for path in storage.stored_files():
        if path.name not in known and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
