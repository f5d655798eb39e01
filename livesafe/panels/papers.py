"""Papers of panel meetings (issue 15 point 3): files staff attach to a meeting or to one of its agenda items.

Two kinds of the upload component (livesafe/uploads): "panels.meeting" and "panels.agenda_item". Files are
checked by content, scanned by clamd, stored under random names and served only through `GET /uploads/<id>`
after the read rule below. Staff add and remove papers; the panel's members and staff read them.

Public papers: once staff make a meeting's notes public, anyone may download its papers, except those of hidden
agenda items (`read_papers`, `read_item_papers`).
"""
from __future__ import annotations

import sqlalchemy as sa

from livesafe import uploads
from livesafe.extensions import db
from livesafe.kernel.errors import RuleError
from livesafe.kernel.permissions import allow, can, deny, rule
from livesafe.panels.models import AgendaItem, Meeting
from livesafe.uploads.models import Upload

MEETING = "panels.meeting"
ITEM = "panels.agenda_item"
# Papers, and the data a panel asked for (spreadsheets, charts, slides).
ACCEPT = uploads.DOCUMENTS + uploads.SPREADSHEETS + ("pptx",) + uploads.IMAGES
WHOLE_MEETING = "meeting"


# --- rules (the kernel registry) -------------------------------------------------------------------------------

@rule("panels.read_papers")
def read_papers(user, meeting):
    """The panel's members and staff; anyone once the meeting's notes are public (meetings.py)."""
    if can("panels.see_panel", user, meeting.panel) or can("panels.read_public_meeting", user, meeting):
        return allow
    return deny("Only the panel's members and staff can see its meeting papers.")


@rule("panels.attach_papers")
def attach_papers(user, meeting):
    return allow if can("panels.manage", user) else deny("Only staff add and remove meeting papers.")


@rule("panels.read_item_papers")
def read_item_papers(user, item):
    """A hidden agenda item's papers are staff's only, like the item."""
    if item.hidden_at is not None and not can("panels.moderate", user):
        return deny("This agenda item is hidden, and so are its papers.")
    return read_papers(user, item.meeting)


@rule("panels.attach_item_papers")
def attach_item_papers(user, item):
    return attach_papers(user, item.meeting)


uploads.register(uploads.Kind(MEETING, load=lambda id: db.session.get(Meeting, id), read="panels.read_papers",
                              attach="panels.attach_papers", accept=ACCEPT))
uploads.register(uploads.Kind(ITEM, load=lambda id: db.session.get(AgendaItem, id), read="panels.read_item_papers",
                              attach="panels.attach_item_papers", accept=ACCEPT))


# --- attach, list, delete --------------------------------------------------------------------------------------

def targets(meeting: Meeting) -> list[tuple[str, str]]:
    """What a paper can be for: the whole meeting, or one of its agenda items (form choices)."""
    return [(WHOLE_MEETING, "The whole meeting")] + [(f"item:{item.id}", f"Agenda item: {item.title}")
                                                     for item in meeting.agenda_items]


def attach(file, meeting: Meeting, target: str | None, user) -> Upload:
    if target == WHOLE_MEETING:
        return uploads.attach(file, MEETING, meeting.id, user)
    item_ids = {f"item:{item.id}": item.id for item in meeting.agenda_items}
    if target not in item_ids:
        raise RuleError("Choose what this paper is for: the whole meeting or one of its agenda items.", field="target")
    return uploads.attach(file, ITEM, item_ids[target], user)


def papers_of(meeting: Meeting) -> tuple[list[Upload], dict[int, list[Upload]]]:
    """The meeting's own papers and each agenda item's, in two queries."""
    by_item: dict[int, list[Upload]] = {item.id: [] for item in meeting.agenda_items}
    if by_item:
        for upload in db.session.scalars(sa.select(Upload).where(Upload.owner_kind == ITEM,
                                                                 Upload.owner_id.in_(list(by_item)))
                                          .order_by(Upload.created_at, Upload.id)):
            by_item[upload.owner_id].append(upload)
    return uploads.for_owner(MEETING, meeting.id), by_item


def delete_item_papers(item_id: int) -> int:
    """Call from the code that deletes an agenda item: its papers go with it."""
    return uploads.delete_for(ITEM, item_id)


def delete_meeting_papers(meeting: Meeting) -> int:
    """Call from the code that deletes a meeting: its papers and its agenda items' papers go with it."""
    return uploads.delete_for(MEETING, meeting.id) + sum(delete_item_papers(item.id) for item in meeting.agenda_items)


# --- demo data -------------------------------------------------------------------------------------------------

def load_demo(meeting: Meeting, staff) -> None:
    """A paper for the demo's past City panel meeting and one for its first agenda item (scanned by clamd; with no
    scanner running the demo goes on without them)."""
    import io

    from flask import current_app

    from livesafe.uploads.samples import pdf

    class File:
        def __init__(self, name, data):
            self.filename, self.stream = name, io.BytesIO(data)

    papers = [
        (WHOLE_MEETING, "Agenda and papers pack.pdf",
         ["1. Safer routes home from school", "2. Update on the community grants round", "Papers are for panel members."]),
    ]
    if meeting.agenda_items:
        papers.append((f"item:{meeting.agenda_items[0].id}", "Walk home survey results.pdf",
                       ["Where young people said they feel unsafe on the way home, by area.",
                        "From 212 answers to the spring survey."]))
    for target, name, lines in papers:
        try:
            attach(File(name, pdf(name.rsplit(".", 1)[0], lines)), meeting, target, staff)
        except uploads.ScannerUnavailable:
            current_app.logger.warning("demo: clamd is not running, so the panels demo has no papers")
            return
