"""Published panel items ("You said, we did") among the site search results.

Like local places, they live in the database and change at runtime, so they are not in the Whoosh build:
panels.finding keeps one entry per published item (only what the public may read, redactions applied,
never a hidden item) and matches the query's words through the same analyser as the index. They join the
first page of results labelled "Panel recommendation", linking to the item on "You said, we did"; the
search page cache is keyed on finding.version(), so publishing, hiding or redacting shows at once.
"""
from markupsafe import escape

from livesafe.panels import finding
from livesafe.search.logic import Hit, SearchResults

MAX_ITEMS = 3
# After this many of the index's own results (its pages answer questions; items are what panels said).
AFTER = 5


def find_panel_items(query: str) -> list[Hit]:
    entries = finding.search(query, limit=MAX_ITEMS)
    names = finding.panel_names(entries)
    return [Hit(path=f"/you-said-we-did/items/{entry.feedback_id}", kind="panel_item", title=entry.title,
                snippet=escape(" ".join(filter(None, [f"{names.get(entry.feedback_id, '')}.",
                                                     finding.snippet(entry)]))), audience=[])
            for entry in entries]


def with_panel_items(results: SearchResults, items: list[Hit]) -> SearchResults:
    """The results with the panel items among them (first page only)."""
    if not items or results.page != 1:
        return results
    results.hits = results.hits[:AFTER] + items + results.hits[AFTER:]
    results.total += len(items)
    results.pages = max(results.pages, 1)
    return results
