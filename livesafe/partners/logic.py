"""Partnership data rules: organisations, inviting partners, importing extracts, the audit of every view."""
from datetime import date

import sqlalchemy as sa

from livesafe import disclosure
from livesafe.audit.logic import record
from livesafe.auth import logic as auth
from livesafe.auth import roles
from livesafe.auth.models import User
from livesafe.extensions import db
from livesafe.kernel.errors import RuleError
from livesafe.kernel.permissions import require
from livesafe.mail import logic as mail
from livesafe.partners import cube, validation
from livesafe.partners.models import DatasetUpload, IncidentRecord, LocalPicture, PartnerAccount, PartnerOrganisation
from livesafe.partners.sources import Source

KINDS = (("police", "Police"), ("health", "Health (NHS)"), ("ambulance", "Ambulance service"), ("council", "Council"),
         ("probation", "Probation"), ("youth_justice", "Youth justice"), ("other", "Other core member"))
BATCH = 5000  # records inserted per statement


# --- Organisations and partner accounts ---------------------------------------------------------

def organisations() -> list[PartnerOrganisation]:
    return db.session.scalars(sa.select(PartnerOrganisation).order_by(PartnerOrganisation.name)).all()


def accounts() -> list[PartnerAccount]:
    return db.session.scalars(sa.select(PartnerAccount).join(User, User.id == PartnerAccount.user_id)
                              .order_by(User.email)).all()


def account_of(user) -> PartnerAccount | None:
    return db.session.get(PartnerAccount, user.id) if getattr(user, "id", None) else None


def add_organisation(actor: User, name: str, kind: str) -> PartnerOrganisation:
    require("partners.manage", actor)
    name = " ".join(name.split())
    if db.session.scalar(sa.select(PartnerOrganisation.id).where(sa.func.lower(PartnerOrganisation.name) == name.lower())):
        raise RuleError("There is already an organisation with this name.", field="name")
    organisation = PartnerOrganisation(name=name, kind=kind)
    db.session.add(organisation)
    db.session.flush()
    record(actor, "partners.organisation_added", organisation, after={"name": name, "kind": kind})
    return organisation


def invite_partner(actor: User, email: str, name: str, organisation: PartnerOrganisation) -> User:
    """A new partner account in an organisation, with the same set-your-password link as every invitation."""
    require("partners.manage", actor)
    if auth.find_user(email):
        raise RuleError("An account already uses this e-mail address.", field="email")
    user = User(email=auth.normalise_email(email), name=name.strip(), role=roles.PARTNER)
    db.session.add(user)
    db.session.flush()
    db.session.add(PartnerAccount(user_id=user.id, organisation_id=organisation.id, invited_by_id=actor.id))
    token = auth.issue_token(user, auth.INVITE)
    record(actor, "partners.partner_invited", user, after={"email": user.email, "organisation": organisation.name})
    mail.queue(
        user.email,
        "You are invited to the Live Safe partnership dashboard",
        f"You have been invited to the Live Safe partnership data dashboard for {organisation.name}.\n\n"
        f"To set your password and sign in, open this link within 7 days:\n{auth.token_link('auth.accept_invite', token)}\n\n"
        "The figures are shared under the partnership's information sharing agreement: do not pass them on "
        "beyond what it allows.\n",
    )
    db.session.flush()
    return user


# --- Importing an extract -------------------------------------------------------------------------

def _serialise(source: str) -> None:
    """Two uploads for one source wait for each other, so a period is never replaced twice at once (which
    would double it). PostgreSQL: a transaction advisory lock. SQLite: the first write takes the database lock."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:name))"), {"name": f"partners:{source}"})


def import_file(actor: User | None, source: Source, data: bytes, first: date, last: date, filename: str = "",
                synthetic: bool = False) -> tuple[validation.Checked, DatasetUpload | None]:
    """Check the file; if it is good, replace every record of the source in [first, last] with its rows.

    Nothing is stored unless every row is good. The caller's transaction makes the replacement atomic: the
    period's old records are deleted, the new ones inserted and the summary cube rebuilt for the period in one
    commit."""
    if actor is not None:
        require("partners.manage", actor)
    if first > last:
        raise RuleError("The first month must not be after the last month.", field="last_month")
    checked = validation.check(source, data, first, last)
    if not checked.ok:
        return checked, None
    _serialise(source.key)
    replaced = db.session.execute(
        sa.delete(IncidentRecord).where(IncidentRecord.source == source.key, IncidentRecord.month >= first,
                                        IncidentRecord.month <= last).execution_options(synchronize_session=False)
    ).rowcount
    upload = DatasetUpload(source=source.key, first_month=first, last_month=last, filename=filename[:200],
                           rows=len(checked.rows), replaced=replaced, synthetic=synthetic,
                           uploaded_by_id=getattr(actor, "id", None))
    db.session.add(upload)
    db.session.flush()
    rows = [{**row, "upload_id": upload.id, "source": source.key, "record_key": disclosure.new_record_key()}
            for row in checked.rows]
    for start in range(0, len(rows), BATCH):
        db.session.execute(sa.insert(IncidentRecord), rows[start:start + BATCH])
    cube.rebuild(source.key, first, last)  # the dashboard's summary of the replaced months, same transaction
    record(actor, "partners.dataset_uploaded", upload,
           after={"source": source.key, "first_month": f"{first:%Y-%m}", "last_month": f"{last:%Y-%m}",
                  "rows": len(rows), "replaced": replaced})
    db.session.flush()
    return checked, upload


def uploads() -> list[DatasetUpload]:
    return db.session.scalars(sa.select(DatasetUpload).order_by(DatasetUpload.id.desc())).all()


# --- The audit of every view and export ------------------------------------------------------------

def audit_view(user: User, action: str, filters: dict) -> None:
    """Who looked at which figures. Kept even though a page view is a GET (which the request rolls back):
    the information sharing agreement needs a record of every access, so this commits itself."""
    subject = account_of(user) or user
    record(user, action, subject, after={k: v for k, v in filters.items() if v is not None})
    db.session.commit()


# --- The public local picture ---------------------------------------------------------------------

def publish_picture(actor: User, figures: dict, data_to: date) -> LocalPicture:
    require("partners.manage", actor)
    picture = LocalPicture(published_by_id=actor.id, data_to=data_to, figures=figures)
    db.session.add(picture)
    db.session.flush()
    record(actor, "partners.picture_published", picture, after={"data_to": f"{data_to:%Y-%m}"})
    return picture


def latest_picture() -> LocalPicture | None:
    return db.session.scalar(sa.select(LocalPicture).order_by(LocalPicture.id.desc()).limit(1))
