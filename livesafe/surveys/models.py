"""Models of the surveys feature.

A wave keeps a frozen copy of its survey definition. A response holds no
address, browser details, account or exact time: only the wave, the date, an
optional setting code and whether it was a staff test. Answers are one row per
answer (a chosen option, a number or a text), so results are SQL GROUP BYs.
"""
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from livesafe.disclosure import new_record_key
from livesafe.extensions import db
from livesafe.clock import UTCDateTime, utcnow


class SurveyWave(db.Model):
    __tablename__ = "survey_waves"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    title: Mapped[str] = mapped_column(sa.String(160))
    survey_slug: Mapped[str] = mapped_column(sa.String(60), index=True)
    # The definition as it was when the wave was made; later edits to the file never change it.
    definition: Mapped[dict] = mapped_column(sa.JSON)
    status: Mapped[str] = mapped_column(sa.String(20), default="draft")
    opens_on: Mapped[date] = mapped_column(sa.Date)
    closes_on: Mapped[date] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # The version the definition was copied from (None for waves made before versions existed).
    version_id: Mapped[int | None] = mapped_column(sa.ForeignKey("survey_versions.id"))


class SurveyVersion(db.Model):
    """One version of a survey definition (livesafe/surveys/versions.py). A version a wave was made
    from never changes again: editing it makes the next version. `revision` counts edits of a version
    not yet used, so two staff editing it at once cannot overwrite each other."""

    __tablename__ = "survey_versions"
    __table_args__ = (sa.UniqueConstraint("survey_slug", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_slug: Mapped[str] = mapped_column(sa.String(60), index=True)
    number: Mapped[int]
    definition: Mapped[dict] = mapped_column(sa.JSON)
    revision: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))


class SurveySetting(db.Model):
    """A school or youth setting with a code for its survey link."""

    __tablename__ = "survey_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    name: Mapped[str] = mapped_column(sa.String(160))


class SurveyResponse(db.Model):
    """One person's submitted answers. The breakdown answers (district, age band, gender) are copied
    here from the answers so a breakdown is one join by primary key."""

    __tablename__ = "survey_responses"
    __table_args__ = (sa.Index("ix_survey_responses_wave_id_is_test", "wave_id", "is_test"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(sa.ForeignKey("survey_waves.id"))
    submitted_on: Mapped[date] = mapped_column(sa.Date)
    setting_code: Mapped[str | None] = mapped_column(sa.String(20))
    district: Mapped[str | None] = mapped_column(sa.String(60))
    age_band: Mapped[str | None] = mapped_column(sa.String(60))
    gender: Mapped[str | None] = mapped_column(sa.String(60))
    is_test: Mapped[bool] = mapped_column(default=False)
    # Random, drawn when stored: published counts are perturbed by the sum of their records' keys
    # (livesafe.disclosure, the cell key method).
    record_key: Mapped[int] = mapped_column(sa.SmallInteger, default=new_record_key)


class SurveyAnswer(db.Model):
    """One answer: a chosen option (single, multiple and rating questions), a number or a text.
    A multiple-choice answer also has one row without an option whose number is how many were chosen.

    wave_id is repeated from the response, and the results index covers every column the results
    GROUP BY reads, so a wave's results are one scan of one index.
    """

    __tablename__ = "survey_answers"
    __table_args__ = (
        sa.Index("ix_survey_answers_results", "wave_id", "question", "option", "number", "response_id"),
        sa.Index("ix_survey_answers_response_id", "response_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(sa.ForeignKey("survey_waves.id"))
    response_id: Mapped[int] = mapped_column(sa.ForeignKey("survey_responses.id", ondelete="CASCADE"))
    question: Mapped[str] = mapped_column(sa.String(60))
    option: Mapped[str | None] = mapped_column(sa.String(60))
    number: Mapped[int | None]
    text: Mapped[str | None] = mapped_column(sa.Text)


class SurveyDraft(db.Model):
    """Answers in progress, kept on the server under a random id that only the person's session holds.

    Deleted when the answers are sent, at the quick exit, and once expired (drafts.prune). It shares
    no id with the response it becomes, so the expiry time can never be joined to a response.
    """

    __tablename__ = "survey_drafts"

    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)  # secrets.token_urlsafe
    wave_id: Mapped[int] = mapped_column(sa.ForeignKey("survey_waves.id", ondelete="CASCADE"))
    answers: Mapped[dict] = mapped_column(sa.JSON)
    setting_code: Mapped[str | None] = mapped_column(sa.String(20))
    is_test: Mapped[bool] = mapped_column(default=False)
    # The language the person chose (never copied to the response: answers are stored by value).
    language: Mapped[str | None] = mapped_column(sa.String(10))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class SurveyRelease(db.Model):
    """One release of a wave's results: the responses with id <= last_response_id that existed when it
    was made. Results only ever show a release, so two views cannot be one response apart. The tables
    are the release's GROUP BY totals, kept because a release never changes (derived data).
    Only the date is kept, no time."""

    __tablename__ = "survey_releases"
    __table_args__ = (sa.UniqueConstraint("wave_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(sa.ForeignKey("survey_waves.id"))
    number: Mapped[int]
    last_response_id: Mapped[int]
    responses: Mapped[int]  # real responses included (not published as such: see livesafe.disclosure)
    released_on: Mapped[date] = mapped_column(sa.Date)
    # Set when staff delete responses: the next release counts everything again (ids can be reused).
    recount: Mapped[bool] = mapped_column(default=False)
    # {dimension ("" for none): [[question, option, group, count, sum of record keys, sum of numbers], ...]}
    tables: Mapped[dict] = mapped_column(sa.JSON)
