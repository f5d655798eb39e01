"""Rendered pages kept for visitors who send no cookies.

Without a cookie there is no session, no account and no flashed message, so a page depends only on its
address, the content and the clock. Most young people arrive like this, so the pages where they land
(home, get help, audiences, topics, services, articles, search) come straight from memory.

The key holds everything else a page depends on, so a change shows at once: the content's hash (the
library is re-read when the files change) and how many events have finished by now (an event that ends
leaves every listing at that moment). Pages with an error status, or that touched the session, are never kept.
"""
import bisect
import threading
from collections import OrderedDict
from collections.abc import Callable

from flask import current_app, make_response, request, session

from livesafe.hub import logic
from livesafe.hub.content import library
from livesafe.site.render import render, wants_fragment

MAX_PAGES = 256


class PageCache:
    def __init__(self, size: int = MAX_PAGES):
        self.size = size
        self._pages: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            html = self._pages.get(key)
            if html is not None:
                self._pages.move_to_end(key)
            return html

    def put(self, key, html: bytes) -> None:
        with self._lock:
            self._pages[key] = html
            self._pages.move_to_end(key)
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)


def page_cache() -> PageCache:
    return current_app.extensions.setdefault("hub_page_cache", PageCache())


_EVENT_ENDS: dict[str, list] = {}


def ended_events(lib, now) -> int:
    """How many events have finished by `now`: it changes exactly when a listing of events does."""
    ends = _EVENT_ENDS.get(lib.content_hash)
    if ends is None:
        ends = _EVENT_ENDS[lib.content_hash] = sorted(event.ends for event in lib.events)
    return bisect.bisect_right(ends, now)


def cached_render(key: tuple, build: Callable | str, fragment: str | None = None, context: Callable = dict):
    """`build()` makes the response; for a cookieless visitor a 200 page is kept under `key` (plus the
    content and event versions and whether an htmx fragment was asked for) and served from memory.

    `cached_render(key, template, fragment, context=lambda: {...})` is the same with render() as build.
    """
    if isinstance(build, str):
        template = build

        def build():
            return render(template, fragment, **context())

    if request.cookies:
        return build()
    lib = library()
    full_key = (lib.content_hash, ended_events(lib, logic.current_time()), wants_fragment(), *key)
    cache = page_cache()
    html = cache.get(full_key)
    if html is None:
        response = build()
        if response.status_code != 200 or session.modified:
            return response
        cache.put(full_key, response.get_data())
        return response
    response = make_response(html)
    response.vary.add("HX-Request")
    return response
