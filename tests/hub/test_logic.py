"""The hub's rules, called directly with a fixed date."""
from datetime import date, datetime, timedelta, timezone

from livesafe.clock import to_london
from livesafe.hub import logic
from livesafe.hub.content import load_library
from tests.hub.conftest import NOW
from tests.hub.factory import event, page, write_content


def _events(tmp_path):
    return load_library(write_content(tmp_path, events=[
        event("past", "Past", "2026-10-15T18:30", "2026-10-15T19:30"),
        # 1 November 2026 is GMT: 11:30-12:30 local is 11:30-12:30 UTC, so it is on now (noon).
        event("now", "Happening now", "2026-11-01T11:30", "2026-11-01T12:30", audience="parents-carers"),
        event("later", "Later", "2026-12-03T12:30", "2026-12-03T13:30", audience="professionals"),
    ])).events


def test_past_events_drop_off_and_running_ones_stay(tmp_path):
    assert [item.slug for item in logic.upcoming_events(_events(tmp_path), NOW)] == ["now", "later"]
    assert [item.slug for item in logic.upcoming_events(_events(tmp_path), NOW + timedelta(hours=1))] == ["later"]


def test_upcoming_events_for_one_audience(tmp_path):
    assert [item.slug for item in logic.upcoming_events(_events(tmp_path), NOW, audience="professionals")] == ["later"]


def test_shipped_events_before_and_after_the_autumn(library):
    early = datetime(2026, 9, 1, tzinfo=timezone.utc)
    assert len(logic.upcoming_events(library.events, early)) == len(library.events)
    assert "live-safe-parents-webinar-oct-2026" not in {item.slug for item in logic.upcoming_events(library.events, NOW)}


def test_ics_feed_lists_only_upcoming_events_in_rfc_5545_form(tmp_path):
    body = logic.ics_calendar(_events(tmp_path), NOW, "https://livesafe.example.org/")
    lines = body.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR" and lines[-1] == ""
    assert "\n" not in body.replace("\r\n", "")
    assert body.count("BEGIN:VEVENT") == 2
    assert "UID:later@livesafe" in lines and "UID:past@livesafe" not in body
    assert "DTSTART:20261203T123000Z" in lines and "DTEND:20261203T133000Z" in lines
    assert "URL:https://livesafe.example.org/events/later/book" in lines
    assert all(len(line.encode()) <= 75 for line in lines)


def test_ics_text_is_escaped_and_long_lines_are_folded(tmp_path):
    long_title = "Knives, the law; and you \\ " + "x" * 120
    events = load_library(write_content(tmp_path, events=[
        event("e", long_title, "2026-12-03T12:30", "2026-12-03T13:30")])).events
    body = logic.ics_calendar(events, NOW, "http://localhost")
    unfolded = body.replace("\r\n ", "")
    assert "SUMMARY:Knives\\, the law\\; and you \\\\ " + "x" * 120 in unfolded
    assert "\r\n " in body


def test_services_filtered_by_age_area_and_kind(library):
    by_age = logic.filter_services(library.services, age=10)
    names = {service.name for service in by_age}
    assert "Early Intervention Service" in names and "Unlocking Potential (UP)" not in names
    assert all(service.age_min <= 10 <= service.age_max for service in by_age)

    in_melton = logic.filter_services(library.services, area="Melton")
    assert "Early Intervention Service" not in {service.name for service in in_melton}
    assert "Community Mentoring Project" not in {service.name for service in in_melton}
    assert all("Melton" in service.areas for service in in_melton)

    both = logic.filter_services(library.services, age=20, area="Charnwood", kind="mentoring")
    assert {service.name for service in both} == {
        "Community Mentoring Project", "Violence Intervention Project (VIP)", "The Phoenix Programme"}
    assert logic.filter_services(library.services) == list(library.services)
    assert logic.filter_services(library.services, age=200) == []


def test_reviews_overdue_and_due_within_30_days(tmp_path):
    loaded = load_library(write_content(tmp_path, pages=[
        page("overdue", "Overdue", "Text.", next_review="2026-10-31"),
        page("today", "Due today", "Text.", next_review="2026-11-01"),
        page("soon", "Due in 30 days", "Text.", next_review="2026-12-01"),
        page("later", "Due in 31 days", "Text.", next_review="2026-12-02"),
    ]))
    overdue, due_soon = logic.reviews_due(loaded, date(2026, 11, 1))
    assert [(item.slug, item.days_left) for item in overdue] == [("overdue", -1)]
    assert [(item.slug, item.days_left) for item in due_soon] == [("today", 0), ("soon", 30)]


def test_broken_links_and_missing_related_pages_are_found(tmp_path):
    loaded = load_library(write_content(tmp_path, pages=[
        page("a", "A", "See [b](/articles/b), [gone](/articles/gone), [help](/get-help), [x](/nowhere) "
                       "and [site](https://example.org).", related=["b", "missing"]),
        page("b", "B", "Back to [a](/articles/a#top) and [privacy](/privacy)."),
    ]))
    found = logic.broken_links(loaded, route_exists=lambda path: path == "/privacy")
    assert sorted(found) == [("/articles/a", "/articles/gone"), ("/articles/a", "/nowhere"),
                             ("/articles/a", "related page missing")]


def test_readability_report_lists_every_page_with_targets_for_young_people_and_too_hard_first(tmp_path):
    loaded = load_library(write_content(tmp_path, pages=[
        page("easy", "Easy", "You can get help. Call a friend."),
        page("hard", "Hard", "Considerable psychological difficulties necessitate professional consultation."),
        page("adult", "Adult", "Considerable psychological difficulties necessitate professional consultation.",
             audience="professionals"),
    ]))
    rows = logic.readability_report(loaded)
    assert [row.url for row in rows] == ["/articles/hard", "/articles/easy", "/articles/adult"]
    hard, easy, adult = rows
    assert hard.has_target and not hard.meets_target and hard.age > 12
    assert easy.has_target and easy.meets_target and easy.age <= 12
    assert not adult.has_target and adult.meets_target  # no target for professionals' pages


def test_london_today_changes_at_london_midnight():
    assert to_london(datetime(2026, 7, 1, 23, 30, tzinfo=timezone.utc)).date() == date(2026, 7, 2)
    assert to_london(datetime(2026, 12, 1, 23, 30, tzinfo=timezone.utc)).date() == date(2026, 12, 1)
