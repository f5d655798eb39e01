"""The hub's rules as plain functions: events, service filters, review dates, links, the calendar feed.

Functions that depend on the date take `now` or `today`, so tests pass a fixed day.
"""
import re
from dataclasses import dataclass
from datetime import date, datetime

from livesafe import ics
from livesafe.hub.content import AUDIENCES, Event, Library, Page, Service
from livesafe.hub.readability import TARGET_READING_AGE, reading_age
from livesafe.clock import utcnow

REVIEW_WINDOW_DAYS = 30
LINK = re.compile(r'href="([^"]+)"')


def current_time() -> datetime:
    """The one clock the hub reads (tests replace it)."""
    return utcnow()


# Events -------------------------------------------------------------------

def upcoming_events(events, now: datetime, audience: str | None = None) -> list[Event]:
    """Events that have not finished yet, soonest first; past events drop off."""
    return [event for event in events if event.ends > now and (audience is None or event.audience == audience)]


def find_event(library: Library, slug: str) -> Event | None:
    return next((event for event in library.events if event.slug == slug), None)


def ics_calendar(events, now: datetime, base_url: str, host: str = "livesafe") -> str:
    """An iCalendar feed (RFC 5545) of the upcoming events."""
    return ics.calendar("Live Safe workshops and webinars", "Events", [[
        f"UID:{event.slug}@{host}",
        f"DTSTAMP:{ics.utc_time(now)}",
        f"DTSTART:{ics.utc_time(event.starts)}",
        f"DTEND:{ics.utc_time(event.ends)}",
        f"SUMMARY:{ics.escape(event.title)}",
        f"DESCRIPTION:{ics.escape(event.summary + ' For ' + AUDIENCES[event.audience].lower() + '.')}",
        f"LOCATION:{ics.escape(event.where)}",
        f"URL:{base_url.rstrip('/')}{event.booking_url}",
    ] for event in upcoming_events(events, now)])


# Services -----------------------------------------------------------------

def filter_services(services, age: int | None = None, area: str | None = None, kind: str | None = None) -> list[Service]:
    """Services that take this age, cover this area and offer this kind of help (None: any)."""
    return [
        service for service in services
        if (age is None or service.age_min <= age <= service.age_max)
        and (area is None or area in service.areas)
        and (kind is None or service.kind == kind)
    ]


# Articles -----------------------------------------------------------------

def related_pages(library: Library, page) -> list[Page]:
    return [library.pages[slug] for slug in page.related if slug in library.pages]


# Content health -------------------------------------------------------------

@dataclass(frozen=True)
class ReviewItem:
    kind: str  # "article" or "campaign"
    slug: str
    title: str
    next_review: date
    days_left: int


def reviews_due(library: Library, today: date, window_days: int = REVIEW_WINDOW_DAYS) -> tuple[list, list]:
    """(overdue, due within the window), each soonest first."""
    items = [ReviewItem("article", page.slug, page.title, page.next_review, (page.next_review - today).days)
             for page in library.pages.values()]
    items += [ReviewItem("campaign", campaign.slug, campaign.title, campaign.next_review,
                         (campaign.next_review - today).days)
              for campaign in library.campaigns.values()]
    items.sort(key=lambda item: (item.next_review, item.title))
    overdue = [item for item in items if item.days_left < 0]
    due_soon = [item for item in items if 0 <= item.days_left <= window_days]
    return overdue, due_soon


def library_paths(library: Library) -> set[str]:
    """Every hub address the content itself provides."""
    paths = {"/", "/get-help", "/services", "/events", "/events.ics", "/campaigns", "/search"}
    paths |= {"/" + audience for audience in AUDIENCES}
    paths |= {f"/articles/{slug}" for slug in library.pages}
    paths |= {f"/campaigns/{slug}" for slug in library.campaigns}
    paths |= {f"/topics/{slug}" for slug in library.topics}
    paths |= {event.booking_url for event in library.events}
    return paths


CONTENT_PREFIXES = ("/articles/", "/campaigns/", "/topics/", "/events/")


def broken_links(library: Library, route_exists=lambda path: False) -> list[tuple[str, str]]:
    """(where, link) for every internal link or related page that leads nowhere.

    `route_exists(path)` answers for addresses outside the hub's content (e.g. /privacy).
    """
    known = library_paths(library)
    found = []

    def check(where: str, href: str) -> None:
        if not href.startswith("/") or href.startswith("//"):
            return
        path = href.split("#", 1)[0].split("?", 1)[0]
        if path in known:
            return
        if path.startswith(CONTENT_PREFIXES) or not route_exists(path):
            found.append((where, href))

    for kind, items in (("articles", library.pages), ("campaigns", library.campaigns)):
        for item in items.values():
            where = f"/{kind}/{item.slug}"
            for href in LINK.findall(item.html):
                check(where, href)
            for slug in item.related:
                if slug not in library.pages:
                    found.append((where, f"related page {slug}"))
    for campaign in library.campaigns.values():
        for _, url in campaign.call_to_action:
            check(f"/campaigns/{campaign.slug}", url)
    for event in library.events:
        check("events.yaml", event.booking_url)
    return found


@dataclass(frozen=True)
class Readability:
    """One row of the readability report: a page, campaign or service and its reading age."""

    kind: str  # "article", "campaign" or "service"
    title: str
    url: str
    audience: str
    age: float
    has_target: bool  # young people's pages, every campaign and every service description

    @property
    def meets_target(self) -> bool:
        return not self.has_target or self.age <= TARGET_READING_AGE


def service_text(service: Service) -> str:
    """What a visitor reads about a service: its name, summary, offer and how to get a place."""
    return "\n".join([service.name, service.summary, service.offers, service.how_to_contact])


def readability_report(library: Library) -> list[Readability]:
    """Every page, campaign and service with its reading age: those over target first, then hardest first."""
    rows = [Readability("article", page.title, f"/articles/{page.slug}", page.audience_label,
                        reading_age(page.title + "\n" + page.text), page.audience == "young-people")
            for page in library.pages.values()]
    rows += [Readability("campaign", campaign.title, f"/campaigns/{campaign.slug}", "Campaign",
                         reading_age(campaign.title + "\n" + campaign.text), True)
             for campaign in library.campaigns.values()]
    rows += [Readability("service", service.name, f"/services#{service.slug}", "Service",
                         reading_age(service_text(service)), True)
             for service in library.services]
    return sorted(rows, key=lambda row: (row.meets_target, not row.has_target, -row.age))

