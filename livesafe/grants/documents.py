"""Documents of community grants: an organisation's standing documents and an application's evidence.

Both are the upload component's kinds (livesafe/uploads): files are checked by content, scanned by clamd,
stored under random names and served only through `GET /uploads/<id>` after the read rule below.

- "grants.organisation": one organisation's documents (safeguarding policy, constitution, latest accounts,
  proof of bank account). Its members add and remove them at any time; staff remove them too. Its members,
  staff and the assessors of any of its applications read them (assessors need the safeguarding policy).
- "grants.application": evidence for one application's sections (quotes for the budget, say). Its
  organisation's members add and remove them while the application can be edited; staff remove them at any
  time. The organisation's members, staff and the application's assessors read them.

The slot (`Upload.slot`) says which document a file is. Files stay as long as their application: withdrawing
or deciding keeps them; `delete_application_documents` deletes them when an application itself is deleted.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from livesafe import uploads
from livesafe.extensions import db
from livesafe.grants import logic
from livesafe.grants.models import GrantApplication, Organisation
from livesafe.grants.permissions import is_member, is_staff
from livesafe.kernel.errors import RuleError
from livesafe.kernel.permissions import allow, can, deny, rule

ORGANISATION = "grants.organisation"
APPLICATION = "grants.application"

ORGANISATION_SLOTS = (
    ("safeguarding_policy", "Safeguarding policy"),
    ("constitution", "Constitution or governing document"),
    ("accounts", "Latest accounts"),
    ("bank_proof", "Proof of bank account"),
)
# Per section of the application form (logic.SECTIONS keys), "section:<key>".
APPLICATION_SLOTS = (
    ("section:project", "Project plan or letters of support"),
    ("section:budget", "Budget evidence (quotes or estimates)"),
    ("section:safeguarding", "Safeguarding evidence (risk assessment, training records)"),
)
SLOT_LABELS = dict(ORGANISATION_SLOTS + APPLICATION_SLOTS)
# Accounts are often spreadsheets, and bank proof a photo of a statement.
ACCEPT = uploads.DOCUMENTS + ("xlsx", "ods") + uploads.IMAGES

SENT = "This application has been sent, so its documents can no longer be changed."
NOT_MEMBER = "Only members of the organisation can add or remove its documents."


# --- rules (the kernel registry) -------------------------------------------------------------------------------

def editable(application: GrantApplication) -> bool:
    """While the group can still change some of its application: a draft, or one returned for more information."""
    return bool(logic.editable_sections(application))


@rule("grants.read_documents")
def read_documents(user, application):
    if can("grants.see_application", user, application) or can("grants.assess", user, application):
        return allow
    return deny("Only the organisation, staff and the application's assessors can see its documents.")


@rule("grants.attach_documents")
def attach_documents(user, application):
    if not can("grants.edit_application", user, application):
        return deny(NOT_MEMBER)
    return allow if editable(application) else deny(SENT)


@rule("grants.remove_documents")
def remove_documents(user, application):
    return allow if is_staff(user) else attach_documents(user, application)


@rule("grants.read_organisation_documents")
def read_organisation_documents(user, organisation):
    if is_staff(user) or is_member(user, organisation.id):
        return allow
    if user is not None and getattr(user, "is_authenticated", False):
        assessed = db.session.scalars(sa.select(GrantApplication).where(
            GrantApplication.organisation_id == organisation.id, GrantApplication.state.in_(logic.ASSESSED)))
        if any(can("grants.assess", user, application) for application in assessed):
            return allow
    return deny("Only the organisation, staff and its applications' assessors can see its documents.")


@rule("grants.attach_organisation_documents")
def attach_organisation_documents(user, organisation):
    return allow if is_member(user, organisation.id) else deny(NOT_MEMBER)


@rule("grants.remove_organisation_documents")
def remove_organisation_documents(user, organisation):
    return allow if is_staff(user) else attach_organisation_documents(user, organisation)


uploads.register(uploads.Kind(
    ORGANISATION, load=lambda id: db.session.get(Organisation, id), read="grants.read_organisation_documents",
    attach="grants.attach_organisation_documents", remove="grants.remove_organisation_documents", accept=ACCEPT))
uploads.register(uploads.Kind(
    APPLICATION, load=lambda id: db.session.get(GrantApplication, id), read="grants.read_documents",
    attach="grants.attach_documents", remove="grants.remove_documents", accept=ACCEPT))


# --- attach, list, delete --------------------------------------------------------------------------------------

def _slot(value: str | None, slots) -> str:
    if value not in dict(slots):
        raise RuleError("Choose which document this is.", field="slot")
    return value


def attach_to_organisation(file, organisation: Organisation, slot: str | None, user):
    return uploads.attach(file, ORGANISATION, organisation.id, user, slot=_slot(slot, ORGANISATION_SLOTS))


def attach_to_application(file, application: GrantApplication, slot: str | None, user):
    return uploads.attach(file, APPLICATION, application.id, user, slot=_slot(slot, APPLICATION_SLOTS))


@dataclass
class Slot:
    key: str
    label: str
    files: list = field(default_factory=list)


@dataclass
class Documents:
    """What a page shows of an application's documents, for one viewer (nothing they may not read)."""

    organisation: list[Slot]
    application: list[Slot]
    can_read_organisation: bool
    can_read_application: bool
    can_attach: bool  # to the application (the organisation's own page is separate)

    @property
    def missing(self) -> list[str]:
        return [slot.label for slot in self.organisation if not slot.files]


def _slots(slots, files) -> list[Slot]:
    by_key = {key: Slot(key, label) for key, label in slots}
    for upload in files:
        by_key.get(upload.slot, by_key[slots[0][0]]).files.append(upload)  # an unknown slot shows under the first
    return list(by_key.values())


def organisation_documents(organisation: Organisation) -> list[Slot]:
    return _slots(ORGANISATION_SLOTS, uploads.for_owner(ORGANISATION, organisation.id))


def documents_of(application: GrantApplication, user) -> Documents:
    """Two queries whatever the number of files, and one permission check per owner (not per file)."""
    read_org = bool(can("grants.read_organisation_documents", user, application.organisation))
    read_app = bool(can("grants.read_documents", user, application))
    return Documents(
        organisation=organisation_documents(application.organisation) if read_org else [],
        application=_slots(APPLICATION_SLOTS, uploads.for_owner(APPLICATION, application.id)) if read_app else [],
        can_read_organisation=read_org, can_read_application=read_app,
        can_attach=bool(can("grants.attach_documents", user, application)))


def missing_required(application: GrantApplication) -> list[tuple[str, str]]:
    """The round's required organisation documents (GrantRound.required_documents) the group has not uploaded."""
    required = application.round.required_documents or []
    if not required:
        return []
    have = {upload.slot for upload in uploads.for_owner(ORGANISATION, application.organisation_id)}
    return [(key, label) for key, label in ORGANISATION_SLOTS if key in required and key not in have]


def check_required(application: GrantApplication) -> None:
    """Refuse any sending (the application, an expression of interest, changes sent back) while a required
    organisation document is missing: the group could remove one after its first send."""
    missing = missing_required(application)
    if missing:
        raise RuleError(f"{application.round.name} needs these documents from your organisation before you can send: "
                        + ", ".join(label for _, label in missing) + ". Add them on your organisation's documents page.")


def delete_application_documents(application_id: int) -> int:
    """Call from any code that deletes an application (main has none yet): its files go with it."""
    return uploads.delete_for(APPLICATION, application_id)


def delete_organisation_documents(organisation_id: int) -> int:
    """Call from any code that deletes an organisation (main has none yet)."""
    return uploads.delete_for(ORGANISATION, organisation_id)


# --- demo data -------------------------------------------------------------------------------------------------

class _DemoFile:
    """What a form gives attach(): a file name and a stream."""

    def __init__(self, name: str, data: bytes) -> None:
        import io

        self.filename, self.stream = name, io.BytesIO(data)


def load_demo(application: GrantApplication, member) -> None:
    """Documents for the demo applicant's draft: three of the organisation's four, and budget evidence. Added
    through attach(), so clamd scans them; with no scanner running the demo goes on without them."""
    from flask import current_app

    from livesafe.uploads.samples import pdf

    organisation = application.organisation
    files = [
        (ORGANISATION, organisation.id, "safeguarding_policy", "Safeguarding policy 2026.pdf",
         ["Our designated safeguarding lead is the club secretary.", "Two adults at every session.",
          "Concerns are reported the same day to the local authority's front door team."]),
        (ORGANISATION, organisation.id, "constitution", "Constitution.pdf",
         ["Adopted at our annual general meeting.", "Objects: to provide sport and mentoring for young people."]),
        (ORGANISATION, organisation.id, "accounts", "Accounts year to March 2026.pdf",
         ["Income: 12,400 pounds.", "Spending: 11,950 pounds.", "Independently examined."]),
        (APPLICATION, application.id, "section:budget", "Pitch hire quote.pdf",
         ["Quote for Friday evening pitch hire, 40 weeks.", "Total: 500 pounds 50 pence."]),
    ]
    for kind, owner_id, slot, name, lines in files:
        try:
            uploads.attach(_DemoFile(name, pdf(name.rsplit(".", 1)[0], lines)), kind, owner_id, member, slot=slot)
        except uploads.ScannerUnavailable:
            current_app.logger.warning("demo: clamd is not running, so the grants demo has no documents")
            return
