"""Views of the search feature (thin: parse, call logic, render)."""
from flask import current_app, request

from livesafe.hub import logic as hub_logic
from livesafe.hub.content import AUDIENCES, library
from livesafe.search import bp
from livesafe.search.logic import MAX_PAGE
from livesafe.site.render import render


def _page_number() -> int:
    raw = request.args.get("page", "1")
    return min(int(raw), MAX_PAGE) if raw.isdigit() and len(raw) < 6 else 1


@bp.route("/search")
def search():
    topics = library().topics
    audience = request.args.get("audience")
    topic = request.args.get("topic")
    audience = audience if audience in AUDIENCES else None
    topic = topic if topic in topics else None
    results = current_app.extensions["search_index"].search(
        request.args.get("q", ""), audience=audience, topic=topic, page=_page_number(),
        now=hub_logic.current_time(),
    )
    # `assets`: verified community assets matching the query, passed in by the panels feature when wired.
    return render("search/search.html", "search/_results.html", results=results, audience=audience, topic=topic,
                  topics=topics, audiences=AUDIENCES, assets=None)
