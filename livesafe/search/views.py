"""Views of the search feature (thin: parse, call logic, render)."""
from flask import current_app, request

from livesafe.hub import logic as hub_logic
from livesafe.hub.content import AUDIENCES, library
from livesafe.search import bp
from livesafe.hub.cache import cached_render
from livesafe.panels.logic import verified_assets_version
from livesafe.search.logic import MAX_PAGE, clean_query
from livesafe.site.numbers import query_page
from livesafe.search.places import find_places, with_places
from livesafe.search.panel_items import find_panel_items, with_panel_items
from livesafe.panels import finding


@bp.route("/search")
def search():
    lib = library()
    searches = current_app.extensions["search_index"]
    query = clean_query(request.args.get("q"))
    audience = request.args.get("audience")
    audience = audience if audience in AUDIENCES else None
    topic = request.args.get("topic")
    topic = topic if topic in lib.topics else None
    page = query_page(MAX_PAGE)
    now = hub_logic.current_time()

    def context():
        results = searches.search(query, audience=audience, topic=topic, page=page, now=now)
        # Places have no topic: a search narrowed to a topic shows none.
        results = with_places(results, find_places(query) if page == 1 and not topic else [])
        results = with_panel_items(results, find_panel_items(query) if page == 1 and not topic else [])
        return dict(results=results, audience=audience, topic=topic, topics=lib.topics, audiences=AUDIENCES,
                    crisis_contacts=searches.data.general_contacts)

    # The same address gives the same page until the index is rebuilt or another event finishes.
    finished = tuple(event.slug for event in lib.events if event.ends <= now)
    key = ("search", searches.target(), query, audience, topic, page, finished, verified_assets_version(),
           finding.version())
    return cached_render(key, "search/search.html", "search/_results.html", context=context)

