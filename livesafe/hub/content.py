"""The hub's content, read once from `content/` at start-up and kept per app.

Pages and campaigns are Markdown with YAML front matter; topics, services and events are YAML.
Everything is parsed and rendered to HTML here, so requests only look things up.
A malformed file stops the app starting (ContentError) rather than showing a broken page.
"""
import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import markdown
import yaml
from flask import current_app
from markupsafe import Markup

from livesafe import places
from livesafe.hub.readability import html_to_text
from livesafe.clock import london_to_utc

AUDIENCES = {
    "young-people": "Young people",
    "parents-carers": "Parents and carers",
    "professionals": "Professionals",
}
SERVICE_KINDS = {
    "emergency": "Emergency help",
    "helpline": "Helplines",
    "reporting": "Reporting a crime",
    "mentoring": "Mentoring and youth work",
    "early-help": "Early help",
    "schools": "In schools",
    "education-and-work": "Education, training and work",
}
EVENT_KINDS = {"workshop": "Workshop", "webinar": "Webinar"}
FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n(.*)\Z", re.S)
# Bare web addresses in the text become links (Markdown only links <https://...>).
BARE_URL = re.compile(r"(?<![(<\w/\[])(https://[^\s()<>\[\]]+?)(?=[.,;:!?]?(?:\s|$))", re.M)


class ContentError(ValueError):
    pass


@dataclass(frozen=True)
class Topic:
    slug: str
    name: str
    description: str


@dataclass(frozen=True)
class Page:
    """An article at /articles/<slug>."""

    slug: str
    title: str
    summary: str
    audience: str
    topics: tuple[str, ...]
    last_reviewed: date
    next_review: date
    related: tuple[str, ...]
    source: str
    html: Markup
    text: str

    @property
    def audience_label(self) -> str:
        return AUDIENCES[self.audience]


@dataclass(frozen=True)
class Campaign:
    slug: str
    title: str
    summary: str
    call_to_action: tuple[tuple[str, str], ...]
    last_reviewed: date
    next_review: date
    related: tuple[str, ...]
    source: str
    html: Markup
    text: str


@dataclass(frozen=True)
class Service:
    slug: str
    name: str
    kind: str
    summary: str
    offers: str
    age_min: int
    age_max: int
    areas: tuple[str, ...]
    how_to_contact: str
    national: bool
    topics: tuple[str, ...] = ()
    phone: str | None = None
    website: str | None = None
    hours: str | None = None

    @property
    def kind_label(self) -> str:
        return SERVICE_KINDS[self.kind]

    @property
    def ages_label(self) -> str:
        if self.age_min == 0 and self.age_max >= 99:
            return "Any age"
        if self.age_min == 0:
            return f"Up to {self.age_max}"
        if self.age_max >= 99:
            return f"{self.age_min} and over"
        return f"{self.age_min} to {self.age_max}"

    @property
    def areas_label(self) -> str:
        if set(self.areas) == set(places.NAMES):
            return "All of Leicester, Leicestershire and Rutland"
        return ", ".join(self.areas)

    @property
    def tel(self) -> str | None:
        return self.phone.replace(" ", "") if self.phone else None


@dataclass(frozen=True)
class Event:
    slug: str
    title: str
    kind: str
    starts: datetime  # aware UTC
    ends: datetime  # aware UTC
    online: bool
    place: str | None
    audience: str
    summary: str
    booking_url: str
    topics: tuple[str, ...] = ()

    @property
    def audience_label(self) -> str:
        return AUDIENCES[self.audience]

    @property
    def where(self) -> str:
        return "Online" if self.online else self.place


@dataclass(frozen=True)
class Library:
    topics: dict[str, Topic]
    pages: dict[str, Page]
    campaigns: dict[str, Campaign]
    services: tuple[Service, ...]
    events: tuple[Event, ...]
    content_hash: str

    def pages_for(self, audience: str | None = None, topic: str | None = None) -> list[Page]:
        return sorted(
            (page for page in self.pages.values()
             if (audience is None or page.audience == audience) and (topic is None or topic in page.topics)),
            key=lambda page: page.title,
        )


def content_files(content_dir: Path) -> list[Path]:
    return sorted(
        [*content_dir.glob("pages/*.md"), *content_dir.glob("campaigns/*.md"),
         *(content_dir / name for name in ("topics.yaml", "services.yaml", "events.yaml"))]
    )


def hash_files(content_dir: Path) -> str:
    """A hash of every content file's name and bytes: it changes when any content changes."""
    digest = hashlib.sha256()
    for path in content_files(content_dir):
        digest.update(path.relative_to(content_dir).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def render_markdown(source: str) -> Markup:
    # Content is written by staff and reviewed: trusted, so its HTML is marked safe.
    return Markup(markdown.markdown(BARE_URL.sub(r"<\1>", source), extensions=["sane_lists"]))


def _require(data: dict, names: tuple[str, ...], where: str) -> None:
    missing = [name for name in names if data.get(name) in (None, "", [])]
    if missing:
        raise ContentError(f"{where}: missing {', '.join(missing)}")


def _date(value, name: str, where: str) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            raise ContentError(f"{where}: {name} must be a date like 2026-10-01") from None
    return value


def _topics(values, topics: dict, where: str) -> tuple[str, ...]:
    values = tuple(values or ())
    unknown = [value for value in values if value not in topics]
    if unknown:
        raise ContentError(f"{where}: unknown topic {', '.join(map(str, unknown))}")
    return values


def _split(path: Path) -> tuple[dict, str]:
    match = FRONT_MATTER.match(path.read_text(encoding="utf-8"))
    if not match:
        raise ContentError(f"{path.name}: no YAML front matter between --- lines")
    meta = yaml.safe_load(match.group(1)) or {}
    if not isinstance(meta, dict):
        raise ContentError(f"{path.name}: front matter must be a mapping")
    return meta, match.group(2)


def load_page(path: Path, topics: dict) -> Page:
    meta, body = _split(path)
    where = f"pages/{path.name}"
    _require(meta, ("title", "summary", "audience", "topics", "last_reviewed", "next_review"), where)
    if meta["audience"] not in AUDIENCES:
        raise ContentError(f"{where}: audience must be one of {', '.join(AUDIENCES)}")
    html = render_markdown(body)
    return Page(
        slug=path.stem,
        title=str(meta["title"]),
        summary=str(meta["summary"]),
        audience=meta["audience"],
        topics=_topics(meta["topics"], topics, where),
        last_reviewed=_date(meta["last_reviewed"], "last_reviewed", where),
        next_review=_date(meta["next_review"], "next_review", where),
        related=tuple(meta.get("related") or ()),
        source=body,
        html=html,
        text=html_to_text(html),
    )


def load_campaign(path: Path) -> Campaign:
    meta, body = _split(path)
    where = f"campaigns/{path.name}"
    _require(meta, ("title", "summary", "call_to_action", "last_reviewed", "next_review"), where)
    actions = tuple((str(item["text"]), str(item["url"])) for item in meta["call_to_action"])
    html = render_markdown(body)
    return Campaign(
        slug=path.stem,
        title=str(meta["title"]),
        summary=str(meta["summary"]),
        call_to_action=actions,
        last_reviewed=_date(meta["last_reviewed"], "last_reviewed", where),
        next_review=_date(meta["next_review"], "next_review", where),
        related=tuple(meta.get("related") or ()),
        source=body,
        html=html,
        text=html_to_text(html),
    )


def load_service(data: dict, topics: dict) -> Service:
    where = f"services.yaml: {data.get('slug')}"
    _require(data, ("slug", "name", "kind", "summary", "offers", "ages", "areas", "how_to_contact"), where)
    if data["kind"] not in SERVICE_KINDS:
        raise ContentError(f"{where}: kind must be one of {', '.join(SERVICE_KINDS)}")
    unknown = [area for area in data["areas"] if area not in places.NAMES]
    if unknown:
        raise ContentError(f"{where}: unknown area {', '.join(unknown)}")
    return Service(
        slug=data["slug"],
        name=data["name"],
        kind=data["kind"],
        summary=data["summary"],
        offers=data["offers"],
        age_min=int(data["ages"]["min"]),
        age_max=int(data["ages"]["max"]),
        areas=tuple(data["areas"]),
        how_to_contact=data["how_to_contact"],
        national=bool(data.get("national")),
        topics=_topics(data.get("topics"), topics, where),
        phone=data.get("phone"),
        website=data.get("website"),
        hours=data.get("hours"),
    )


def _london(value, name: str, where: str) -> datetime:
    try:
        local = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    except ValueError:
        raise ContentError(f"{where}: {name} must be a local time like 2026-10-15T18:30") from None
    return london_to_utc(local.replace(tzinfo=None))


def load_event(data: dict, topics: dict) -> Event:
    where = f"events.yaml: {data.get('slug')}"
    _require(data, ("slug", "title", "kind", "starts", "ends", "audience", "summary", "booking_url"), where)
    if data["kind"] not in EVENT_KINDS:
        raise ContentError(f"{where}: kind must be one of {', '.join(EVENT_KINDS)}")
    if data["audience"] not in AUDIENCES:
        raise ContentError(f"{where}: audience must be one of {', '.join(AUDIENCES)}")
    if not data.get("online") and not data.get("place"):
        raise ContentError(f"{where}: an event that is not online needs a place")
    starts, ends = _london(data["starts"], "starts", where), _london(data["ends"], "ends", where)
    if ends <= starts:
        raise ContentError(f"{where}: ends must be after starts")
    return Event(
        slug=data["slug"],
        title=data["title"],
        kind=data["kind"],
        starts=starts,
        ends=ends,
        online=bool(data.get("online")),
        place=data.get("place"),
        audience=data["audience"],
        summary=data["summary"],
        booking_url=data["booking_url"],
        topics=_topics(data.get("topics"), topics, where),
    )


def _yaml_list(path: Path) -> list[dict]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise ContentError(f"{path.name}: must be a list of entries")
    return data


def _unique(items, kind: str) -> None:
    seen = set()
    for item in items:
        if item.slug in seen:
            raise ContentError(f"{kind}: the slug {item.slug} is used twice")
        seen.add(item.slug)


def load_library(content_dir: str | Path) -> Library:
    content_dir = Path(content_dir)
    topics = {}
    for data in _yaml_list(content_dir / "topics.yaml"):
        _require(data, ("slug", "name", "description"), f"topics.yaml: {data.get('slug')}")
        topics[data["slug"]] = Topic(data["slug"], data["name"], data["description"])
    pages = {path.stem: load_page(path, topics) for path in sorted(content_dir.glob("pages/*.md"))}
    campaigns = {path.stem: load_campaign(path) for path in sorted(content_dir.glob("campaigns/*.md"))}
    services = tuple(load_service(data, topics) for data in _yaml_list(content_dir / "services.yaml"))
    events = tuple(sorted((load_event(data, topics) for data in _yaml_list(content_dir / "events.yaml")),
                          key=lambda event: event.starts))
    _unique(services, "services.yaml")
    _unique(events, "events.yaml")
    return Library(
        topics=topics,
        pages=pages,
        campaigns=campaigns,
        services=services,
        events=events,
        content_hash=hash_files(content_dir),
    )


# Parsed libraries by (directory, content hash): apps made from the same content share one parse.
_PARSED: dict[tuple[str, str], Library] = {}


def library_for(app) -> Library:
    """The app's content, parsed once at start-up (and again only if the files changed)."""
    if "hub_library" not in app.extensions:
        content_dir = Path(app.config["CONTENT_DIR"]).resolve()
        key = (str(content_dir), hash_files(content_dir))
        if key not in _PARSED:
            _PARSED[key] = load_library(content_dir)
        app.extensions["hub_library"] = _PARSED[key]
    return app.extensions["hub_library"]


def library() -> Library:
    return current_app.extensions["hub_library"]
