"""One row per stored file. The file itself lives under UPLOAD_DIR by its random `stored_name`."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from livesafe.clock import UTCDateTime, utcnow
from livesafe.extensions import db


class Upload(db.Model):
    __tablename__ = "uploads"
    __table_args__ = (sa.Index("ix_uploads_owner", "owner_kind", "owner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # What it is attached to: a registered kind ("grants.application") and that thing's id.
    owner_kind: Mapped[str] = mapped_column(sa.String(60))
    owner_id: Mapped[int]
    # Which document it is for that owner ("safeguarding_policy", "section:budget"); the feature's words.
    slot: Mapped[str] = mapped_column(sa.String(60), default="")
    stored_name: Mapped[str] = mapped_column(sa.String(32), unique=True)  # random hex; never the person's name
    original_name: Mapped[str] = mapped_column(sa.String(255))  # sanitised, for display and the download only
    content_type: Mapped[str] = mapped_column(sa.String(120))  # from the content, not from the browser
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    scanned_with: Mapped[str] = mapped_column(sa.String(120))  # clamd's version and signature database
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    uploaded_by = relationship("User")

    @property
    def size_label(self) -> str:
        if self.size < 1024 * 1024:
            return f"{max(1, round(self.size / 1024))} KB"
        return f"{self.size / (1024 * 1024):.1f} MB"

    def __repr__(self) -> str:
        return f"<Upload {self.id} {self.owner_kind}:{self.owner_id} {self.original_name!r}>"
