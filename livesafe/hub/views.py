"""Views of the resource hub (thin: look up the cached content, call logic, render)."""
from flask import abort, current_app, make_response, request
from werkzeug.exceptions import HTTPException

from livesafe.auth import roles
from livesafe.auth.permissions import roles_required
from livesafe.clock import to_london
from livesafe.hub import bp, logic
from livesafe.hub.cache import cached_render
from livesafe.hub.content import AUDIENCES, library
from livesafe.hub.forms import ServiceFilterForm
from livesafe.hub.readability import FORMULA as READABILITY_FORMULA, TARGET_READING_AGE
from livesafe.site.render import render, render_invalid

# The help numbers on the "get help now" page, most urgent first.
HELP_SERVICES = ("emergency-999", "childline", "samaritans", "shout", "nhs-111", "national-domestic-abuse-helpline",
                 "rape-crisis", "runaway-helpline", "crimestoppers", "fearless", "police-101", "nspcc-helpline")
EVENTS_EMAIL = "events@livesafe.example.org"


def _services_by_slug():
    return {service.slug: service for service in library().services}


@bp.route("/")
def home():
    lib = library()
    return cached_render(("home",), lambda: render(
        "hub/home.html",
        audiences=AUDIENCES,
        topics=lib.topics.values(),
        campaigns=lib.campaigns.values(),
        events=logic.upcoming_events(lib.events, logic.current_time())[:2],
    ))


@bp.route("/get-help")
def get_help():
    def build():
        services = _services_by_slug()
        return render("hub/get_help.html", services=[services[slug] for slug in HELP_SERVICES if slug in services])

    return cached_render(("get-help",), build)


@bp.route('/<any("young-people", "parents-carers", "professionals"):audience>')
def audience(audience):
    def build():
        lib = library()
        pages = lib.pages_for(audience=audience)
        by_topic = [(topic, [page for page in pages if topic.slug in page.topics]) for topic in lib.topics.values()]
        return render(
            "hub/audience.html",
            audience=audience,
            label=AUDIENCES[audience],
            pages=pages,
            by_topic=[(topic, found) for topic, found in by_topic if found],
            events=logic.upcoming_events(lib.events, logic.current_time(), audience=audience),
            campaigns=lib.campaigns.values() if audience == "young-people" else [],
        )

    return cached_render(("audience", audience), build)


@bp.route("/topics")
def topics():
    lib = library()
    return render("hub/topics.html", topics=[(topic, lib.pages_for(topic=topic.slug)) for topic in lib.topics.values()])


@bp.route("/topics/<slug>")
def topic(slug):
    lib = library()
    found = lib.topics.get(slug) or abort(404)

    def build():
        pages = lib.pages_for(topic=slug)
        return render(
            "hub/topic.html",
            topic=found,
            by_audience=[(label, [page for page in pages if page.audience == key]) for key, label in AUDIENCES.items()],
            services=[service for service in lib.services if slug in service.topics],
        )

    return cached_render(("topic", slug), build)


@bp.route("/articles/<slug>")
def article(slug):
    lib = library()
    page = lib.pages.get(slug) or abort(404)
    return cached_render(("article", slug), lambda: render(
        "hub/article.html", page=page, topics=[lib.topics[topic] for topic in page.topics],
        related=logic.related_pages(lib, page)))


@bp.route("/services")
def services():
    def build():
        form = ServiceFilterForm(request.args)
        everything = library().services
        if request.args and not form.validate():
            return render_invalid("hub/services.html", "hub/_services.html", form=form, services=everything)
        found = logic.filter_services(everything, age=form.age.data, area=form.area.data or None,
                                      kind=form.kind.data or None)
        return render("hub/services.html", "hub/_services.html", form=form, services=found)

    # Keyed by the whole query; a refused filter (422) is never kept.
    return cached_render(("services", request.query_string), build)


@bp.route("/events")
def events():
    return render("hub/events.html", events=logic.upcoming_events(library().events, logic.current_time()))


@bp.route("/events.ics")
def events_ics():
    now = logic.current_time()
    body = logic.ics_calendar(library().events, now, current_app.config["BASE_URL"])
    response = make_response(body)
    response.mimetype = "text/calendar"
    response.headers["Content-Disposition"] = 'inline; filename="live-safe-events.ics"'
    return response


@bp.route("/events/<slug>/book")
def event_booking(slug):
    event = logic.find_event(library(), slug) or abort(404)
    finished = event.ends <= logic.current_time()
    return render("hub/event_booking.html", event=event, finished=finished, events_email=EVENTS_EMAIL)


@bp.route("/campaigns")
def campaigns():
    return render("hub/campaigns.html", campaigns=library().campaigns.values())


@bp.route("/campaigns/<slug>")
def campaign(slug):
    lib = library()
    found = lib.campaigns.get(slug) or abort(404)
    return render("hub/campaign.html", campaign=found, related=logic.related_pages(lib, found))


def _route_exists(path: str) -> bool:
    adapter = current_app.url_map.bind("localhost")
    try:
        adapter.match(path, method="GET")
    except HTTPException:
        return False
    return True


@bp.route("/content-health")
@roles_required(*roles.STAFF_ROLES)
def content_health():
    lib = library()
    today = to_london(logic.current_time()).date()
    overdue, due_soon = logic.reviews_due(lib, today)
    return render(
        "hub/content_health.html",
        today=today,
        overdue=overdue,
        due_soon=due_soon,
        window=logic.REVIEW_WINDOW_DAYS,
        broken=logic.broken_links(lib, _route_exists),
        readability=logic.readability_report(lib),
        target=TARGET_READING_AGE,
        formula=READABILITY_FORMULA,
    )
