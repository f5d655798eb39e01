"""The partnership's data: partner organisations and their accounts, uploaded extracts and their records,
and the published local picture."""
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from livesafe.clock import UTCDateTime, utcnow
from livesafe.extensions import db


class PartnerOrganisation(db.Model):
    """A core member of the partnership: a police force, an NHS trust, a council, probation, youth justice."""

    __tablename__ = "partner_organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(30))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PartnerAccount(db.Model):
    """Which organisation a partner account belongs to (one organisation per account)."""

    __tablename__ = "partner_accounts"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("partner_organisations.id"), index=True)
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user = db.relationship("User", foreign_keys=[user_id])
    organisation = db.relationship(PartnerOrganisation)


class DatasetUpload(db.Model):
    """One accepted file: it replaced every record of its source in its period (first to last month)."""

    __tablename__ = "partner_uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(sa.String(20))
    first_month: Mapped[date] = mapped_column(sa.Date)
    last_month: Mapped[date] = mapped_column(sa.Date)
    filename: Mapped[str] = mapped_column(sa.String(200), default="")
    rows: Mapped[int] = mapped_column(default=0)
    replaced: Mapped[int] = mapped_column(default=0)  # records of earlier files this one replaced
    synthetic: Mapped[bool] = mapped_column(default=False)  # made-up demo data: the dashboard says so
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    uploaded_by = db.relationship("User")


class IncidentRecord(db.Model):
    """One anonymised record of an extract: an offence, an A&E attendance, an admission or a call-out.

    Only codes are kept (no identifiers, no free text). `record_key` is the record's key for the cell key
    method (livesafe.disclosure), drawn when the record is stored."""

    __tablename__ = "partner_records"
    __table_args__ = (sa.Index("ix_partner_records_source_month", "source", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    upload_id: Mapped[int] = mapped_column(sa.ForeignKey("partner_uploads.id"), index=True)
    source: Mapped[str] = mapped_column(sa.String(20))
    month: Mapped[date] = mapped_column(sa.Date)  # the first day of the month
    weekday: Mapped[int | None] = mapped_column(sa.SmallInteger)  # 0 Monday .. 6 Sunday
    hour: Mapped[int | None] = mapped_column(sa.SmallInteger)
    district: Mapped[str] = mapped_column(sa.String(40))  # a livesafe.places key
    area: Mapped[str | None] = mapped_column(sa.String(40))  # a neighbourhood area key (schemas/areas.yaml), if given
    age_band: Mapped[str] = mapped_column(sa.String(10))
    sex: Mapped[str] = mapped_column(sa.String(10))
    weapon: Mapped[str | None] = mapped_column(sa.String(20))
    location: Mapped[str | None] = mapped_column(sa.String(30))
    offence: Mapped[str | None] = mapped_column(sa.String(30))
    domestic: Mapped[str | None] = mapped_column(sa.String(10))
    record_key: Mapped[int] = mapped_column(sa.SmallInteger)


class SummaryCell(db.Model):
    """One cell of the dashboard's summary (livesafe/partners/cube.py): how many records of a source, month and
    district fall in one group of one dimension, and the sum of their record keys (for the cell key method).
    Only the columns of its dimension are set; the others are NULL (a grouped NULL means "not recorded")."""

    __tablename__ = "partner_cells"
    __table_args__ = (sa.Index("ix_partner_cells_lookup", "source", "dimension", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(sa.String(20))
    month: Mapped[date] = mapped_column(sa.Date)
    district: Mapped[str] = mapped_column(sa.String(40))
    dimension: Mapped[str] = mapped_column(sa.String(30))
    area: Mapped[str | None] = mapped_column(sa.String(40))
    weekday: Mapped[int | None] = mapped_column(sa.SmallInteger)
    hour: Mapped[int | None] = mapped_column(sa.SmallInteger)
    age_band: Mapped[str | None] = mapped_column(sa.String(10))
    sex: Mapped[str | None] = mapped_column(sa.String(10))
    weapon: Mapped[str | None] = mapped_column(sa.String(20))
    location: Mapped[str | None] = mapped_column(sa.String(30))
    records: Mapped[int] = mapped_column()
    key_sum: Mapped[int] = mapped_column(sa.BigInteger)


class LocalPicture(db.Model):
    """The public local picture as published: only published (safe) figures are kept, so the page shows the same
    numbers until staff publish again."""

    __tablename__ = "partner_pictures"

    id: Mapped[int] = mapped_column(primary_key=True)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    data_to: Mapped[date] = mapped_column(sa.Date)  # the last month the figures cover
    figures: Mapped[dict] = mapped_column(sa.JSON)
