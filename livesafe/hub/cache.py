"""Rendered pages kept for visitors who send no cookies.

Without a cookie there is no session, no account and no flashed message, so a page depends only on
its address (and the content, which is fixed while the app runs). Most young people arrive like this,
so their article and search pages come straight from memory.
"""
import threading
from collections import OrderedDict

from flask import current_app, make_response, render_template, request

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

    def put(self, key, html: str) -> None:
        with self._lock:
            self._pages[key] = html
            self._pages.move_to_end(key)
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)


def page_cache() -> PageCache:
    return current_app.extensions.setdefault("hub_page_cache", PageCache())


def cached_render(key: tuple, template: str, fragment: str | None = None, context=dict):
    """Like render(), but kept per address for cookieless visitors. `context()` is only called on a miss."""
    if request.cookies:
        return render(template, fragment, **context())
    chosen = fragment if fragment and wants_fragment() else template
    cache = page_cache()
    html = cache.get((chosen, *key))
    if html is None:
        html = render_template(chosen, **context())
        cache.put((chosen, *key), html)
    response = make_response(html)
    response.vary.add("HX-Request")
    return response
