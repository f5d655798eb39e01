"""Every hub page type: what it shows, that it is private (no cookies, no other hosts) and light."""
import re
from datetime import datetime, timezone

import pytest

from livesafe.hub import logic
from tests.helpers import sign_in

PUBLIC_PAGES = [
    "/", "/get-help", "/young-people", "/parents-carers", "/professionals", "/topics", "/topics/knife-crime",
    "/articles/knives-and-the-law", "/services", "/services?age=15&area=Charnwood", "/events",
    "/events/live-safe-youth-workshop-apr-2027/book", "/campaigns", "/campaigns/lives-not-knives",
    "/search", "/search?q=knife+law",
]
OWN_ASSETS = re.compile(r'<(?:script|link|img)[^>]+(?:src|href)="([^"]+)"')


def _text(response):
    return response.get_data(as_text=True)


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_page_is_private_and_has_the_quick_exit(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    page = _text(response)
    assert 'id="quick-exit"' in page and 'href="tel:08001111"' in page
    assert page.count("<h1") == 1
    # Scripts, styles and images all come from this site: nothing asks another host for anything.
    for asset in OWN_ASSETS.findall(page):
        assert asset.startswith("/"), asset


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_page_weight_with_its_css_and_javascript_is_under_100_kb(client, url):
    page = client.get(url).get_data()
    total = len(page)
    for asset in OWN_ASSETS.findall(page.decode()):
        response = client.get(asset)
        total += len(response.get_data())
        response.close()
    assert total <= 100 * 1024, f"{url} weighs {total} bytes"


def test_home_routes_by_audience_and_topic_with_help_and_search(client):
    page = _text(client.get("/"))
    for link in ["/young-people", "/parents-carers", "/professionals", "/topics/knife-crime", "/topics/exploitation",
                 "/campaigns/lives-not-knives", "/get-help", "/services", "/events"]:
        assert f'href="{link}"' in page, link
    assert 'action="/search"' in page and 'name="q"' in page
    assert 'href="tel:999"' in page


def test_get_help_lists_every_help_number(client):
    page = _text(client.get("/get-help"))
    for number in ["tel:999", "tel:101", "tel:08001111", "tel:0800555111", "tel:08088005000", "tel:116123",
                   "sms:85258", "tel:111", "tel:08082000247", "tel:08085002222", "tel:116000"]:
        assert number in page
    assert "Fearless" in page
    assert "If you are 19 or over" in page and "Calls to 101 cost 15p" in page
    assert "All of these are free" not in page


def test_audience_page_lists_only_that_audiences_articles(client, library):
    page = _text(client.get("/parents-carers"))
    for item in library.pages_for(audience="parents-carers"):
        assert f'href="/articles/{item.slug}"' in page
    for item in library.pages_for(audience="professionals"):
        assert f'href="/articles/{item.slug}"' not in page


def test_topic_page_groups_articles_and_lists_services(client, library):
    page = _text(client.get("/topics/knife-crime"))
    for item in library.pages_for(topic="knife-crime"):
        assert f'href="/articles/{item.slug}"' in page
    assert "For young people" in page and "For parents and carers" in page
    assert "Violence Intervention Project (VIP)" in page
    assert client.get("/topics/no-such-topic").status_code == 404


def test_topics_index_lists_every_topic(client, library):
    page = _text(client.get("/topics"))
    for topic in library.topics.values():
        assert f'href="/topics/{topic.slug}"' in page


def test_article_has_its_text_last_reviewed_related_pages_and_help(client, library):
    item = library.pages["knives-and-the-law"]
    page = _text(client.get("/articles/knives-and-the-law"))
    assert "<title>Knives and the law – Live Safe</title>" in page
    assert "A lock knife is not a folding pocket knife." in page
    assert "Last reviewed 1 October 2026." in page
    assert "Related pages" in page
    for slug in item.related:
        assert f'href="/articles/{slug}"' in page
    assert page.index("Related pages") < page.index("Need help now?")
    assert client.get("/articles/no-such-page").status_code == 404


def test_article_is_rendered_from_the_html_parsed_at_start_up(app, client, monkeypatch):
    import markdown

    def fail(*args, **kwargs):
        raise AssertionError("Markdown rendered during a request")

    monkeypatch.setattr(markdown, "markdown", fail)
    monkeypatch.setattr(markdown.Markdown, "convert", fail)
    assert client.get("/articles/why-people-carry-knives").status_code == 200


def test_every_article_and_campaign_page_loads(client, library):
    for slug in library.pages:
        assert client.get(f"/articles/{slug}").status_code == 200, slug
    for slug in library.campaigns:
        assert client.get(f"/campaigns/{slug}").status_code == 200, slug


def test_campaign_page_shows_calls_to_action_and_no_images(client, library):
    campaign = library.campaigns["youre-right-thats-wrong"]
    page = _text(client.get("/campaigns/youre-right-thats-wrong"))
    for text, url in campaign.call_to_action:
        assert f'<a href="{url}">{text}</a>'.replace("'", "&#39;") in page
    assert "<img" not in page
    assert client.get("/campaigns/nope").status_code == 404
    listing = _text(client.get("/campaigns"))
    assert all(f'href="/campaigns/{slug}"' in listing for slug in library.campaigns)


def test_events_page_shows_upcoming_events_only(client, frozen_now):
    page = _text(client.get("/events"))
    assert "Make a Stand: being an active bystander" in page  # 12 November 2026
    assert "Knife crime: talking with your child" not in page  # 15 October 2026, before "now"
    assert "Thursday 12 November 2026, 16:30 to 18:00" in page
    assert 'href="/events.ics"' in page


def test_ics_feed_route(client, frozen_now):
    response = client.get("/events.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    body = _text(response)
    assert body.startswith("BEGIN:VCALENDAR\r\n")
    assert "UID:live-safe-youth-workshop-nov-2026@livesafe" in body
    assert "live-safe-parents-webinar-oct-2026" not in body
    assert "URL:http://localhost/events/live-safe-youth-workshop-nov-2026/book" in body


def test_booking_page_explains_how_to_book_and_stores_nothing(client, frozen_now):
    response = client.get("/events/live-safe-youth-workshop-nov-2026/book")
    page = _text(response)
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
    assert "How to book" in page and "mailto:events@livesafe.example.org?subject=Booking%3A%20Make%20a%20Stand" in page
    assert "Youth centre, West Leicester" in page and "<form" not in page.split("<main", 1)[1]


def test_booking_page_for_a_finished_event_says_so(client, frozen_now):
    page = _text(client.get("/events/live-safe-parents-webinar-oct-2026/book"))
    assert "has already happened" in page and "How to book" not in page
    assert client.get("/events/no-such-event/book").status_code == 404


# The services directory and its filters ------------------------------------

def _service_names(page):
    return set(re.findall(r"<h3>([^<]+)</h3>", page))


def test_services_directory_lists_everything_without_filters(client, library):
    page = _text(client.get("/services"))
    assert _service_names(page) == {service.name.replace("&", "&amp;") for service in library.services}
    assert f"{len(library.services)} services" in page


def test_services_filter_by_get_without_javascript(client):
    page = _text(client.get("/services?age=12&area=Rutland&kind=mentoring"))
    names = _service_names(page)
    assert names == {"The Reach Programme", "Violence Intervention Project (VIP)", "The Phoenix Programme"}
    assert '<option selected value="Rutland">' in page and 'value="12"' in page


def test_services_filter_with_htmx_returns_only_the_list(client):
    response = client.get("/services?area=Leicester&kind=early-help", headers={"HX-Request": "true"})
    page = _text(response)
    assert "<html" not in page and page.lstrip().startswith('<div id="service-finder">')
    assert _service_names(page) == {"Early Intervention Service"}
    assert "HX-Request" in response.headers["Vary"]
    full = _text(client.get("/services"))
    assert 'hx-get="/services"' in full and 'hx-target="#service-finder"' in full and 'hx-replace-url="true"' in full


def test_services_filter_with_no_match_says_so(client):
    page = _text(client.get("/services?age=60&kind=schools"))
    assert "0 services" in page and "No services match" in page


@pytest.mark.parametrize("query, message", [
    ("age=abc", "Enter an age as a whole number, like 15"),
    ("age=500", "Enter an age between 0 and 120, like 15"),
    ("area=Narnia", "Choose an area from the list"),
    ("kind=<script>", "Choose a kind of help from the list"),
])
def test_services_filter_with_bad_input_is_422_with_an_error_summary(client, query, message):
    response = client.get(f"/services?{query}")
    page = _text(response)
    assert response.status_code == 422
    assert "There is a problem" in page and message in page
    assert page.count("<h1") == 1 and "<title>Error: " in page
    assert "<script>" not in page


# Content health: staff only -------------------------------------------------

def test_content_health_refuses_signed_out_visitors(client):
    response = client.get("/content-health")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["applicant", "assessor", "panel_member"])
def test_content_health_refuses_other_roles(client, demo_users, role):
    sign_in(client, role)
    assert client.get("/content-health").status_code == 403


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_content_health_for_staff_shows_reviews_links_and_readability(client, demo_users, monkeypatch, role, library):
    monkeypatch.setattr(logic, "current_time", lambda: datetime(2026, 11, 21, 9, 0, tzinfo=timezone.utc))
    sign_in(client, role)
    response = client.get("/content-health")
    page = _text(response)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    overdue = page.split("Past their review date", 1)[1].split("Due for review", 1)[0]
    assert "The local picture of serious violence" in overdue  # due 1 November 2026
    assert ">20</span>" in overdue
    due_soon = page.split("Due for review within 30 days", 1)[1].split("Broken internal links", 1)[0]
    assert "Drugs and alcohol" in due_soon  # due 10 December 2026, 19 days away
    assert "Knives and the law" not in due_soon  # due April 2027
    assert "Broken internal links (0)" in page
    readability = page.split("Readability: reading age of every page", 1)[1]
    assert "Flesch-Kincaid grade level + 5" in readability
    for item in library.pages.values():
        assert f'href="/articles/{item.slug}"' in readability
    for service in library.services:
        assert f'href="/services#{service.slug}"' in readability
    assert "Too hard" not in readability and "Meets target" in readability
