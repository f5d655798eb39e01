"""Local places (the panels' register of community places and youth clubs) among the search results.

Verified places change at runtime, in the database, while the Whoosh index is built from content/; so
they are not indexed. Each search asks the database for verified places matching every word that is
not a stop word (panels.logic.search_assets: a LIKE match on a small table that never returns an
unverified place), and they join the results as hits labelled "Local place", linking to their public
page. The search page cache is keyed on verified_assets_version(), so a place verified a moment ago
shows at once. Only public fields are used (name, description, area): never a contact detail, nor who
added the place.
"""
from markupsafe import escape

from livesafe import places
from livesafe.panels.logic import search_assets
from livesafe.search.index import STOP_WORDS
from livesafe.search.logic import Hit, SearchResults
from livesafe.search.vocabulary import words_of

# Words of place searches that say nothing about which place ("a youth club near me in Melton").
PLACE_STOP_WORDS = STOP_WORDS | {"near", "nearby", "local", "around", "area", "places", "place"}
MAX_PLACES = 3
# A place the search names ("riverside youth hub") comes first; others after this many results.
AFTER = 3


def _district_name(key: str) -> str:
    found = places.district(key)
    return found.name if found else key


def place_words(query: str) -> list[str]:
    return [word for word in words_of(query) if word not in PLACE_STOP_WORDS]


def find_places(query: str) -> list[Hit]:
    words = place_words(query)
    if not words:
        return []
    return [Hit(path=f"/local-places/{asset.id}", kind="place", title=asset.name,
                snippet=escape(" ".join(filter(None, [f"{_district_name(asset.district)}.",
                                                     asset.description]))),
                audience=[])
            for asset in search_assets(" ".join(words), limit=MAX_PLACES)]


def with_places(results: SearchResults, places: list[Hit]) -> SearchResults:
    """The results with the places among them (first page only)."""
    if not places or results.page != 1:
        return results
    words = set(place_words(results.query))
    named = [place for place in places if words <= set(words_of(place.title))]
    others = [place for place in places if place not in named]
    hits = results.hits
    results.hits = named + hits[:AFTER] + others + hits[AFTER:]
    results.total += len(places)
    results.pages = max(results.pages, 1)
    return results
