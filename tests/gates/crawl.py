"""Walk the site as one role with the Flask test client: every page reachable by links and GET forms.

Used by the gates for headers, permissions, hostile input and accessibility, so a new page is
covered as soon as something links to it.
"""
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from werkzeug.exceptions import HTTPException

# Downloads (.csv, .ics, .json) are fetched but not parsed; files under /static are skipped.
SKIP_SUFFIXES = (".svg", ".png", ".css", ".js", ".xml", ".xlsx")  # .xlsx: binary, not text
SKIP_PREFIXES = ("/static/", "/logout", "/exit")
# Only a few examples of each endpoint (each article is the same template with different text).
PER_ENDPOINT = 40


@dataclass
class Form:
    page: str
    action: str
    method: str
    fields: dict = field(default_factory=dict)    # name -> list of candidate values (first is the default)
    kinds: dict = field(default_factory=dict)     # name -> input type / "select" / "textarea"


@dataclass
class Page:
    url: str
    endpoint: str | None
    status: int
    headers: dict
    body: str


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links, self.forms = [], []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form":
            self._form = Form(page="", action=attrs.get("action") or "", method=(attrs.get("method") or "get").lower())
            self.forms.append(self._form)
            if attrs.get("hx-post"):
                # An htmx post (e.g. autosave) is another way in for the same fields.
                self.forms.append(Form(page="", action=attrs["hx-post"], method="post",
                                       fields=self._form.fields, kinds=self._form.kinds))
        elif self._form is not None and tag == "input" and attrs.get("name"):
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                if kind == "submit" and attrs.get("name"):
                    self._form.kinds.setdefault(attrs["name"], "submit")
                    self._form.fields.setdefault(attrs["name"], []).append(attrs.get("value", ""))
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                self._form.kinds.setdefault(attrs["name"], kind)
                self._form.fields.setdefault(attrs["name"], []).append(attrs.get("value", "on"))
                return
            self._form.kinds[attrs["name"]] = kind
            self._form.fields.setdefault(attrs["name"], []).insert(0, attrs.get("value", ""))
        elif self._form is not None and tag == "select" and attrs.get("name"):
            self._select = attrs["name"]
            self._form.kinds[self._select] = "select"
            self._form.fields.setdefault(self._select, [])
        elif self._form is not None and tag == "option" and self._select:
            self._form.fields[self._select].append(attrs.get("value", ""))
        elif self._form is not None and tag == "textarea" and attrs.get("name"):
            self._textarea = attrs["name"]
            self._form.kinds[self._textarea] = "textarea"
            self._form.fields.setdefault(self._textarea, [""])

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form.fields[self._textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def parse(body: str):
    parser = _Parser()
    parser.feed(body)
    return parser.links, parser.forms


def endpoint_of(app, path: str) -> str | None:
    adapter = app.url_map.bind("localhost")
    try:
        endpoint, _ = adapter.match(urlsplit(path).path, method="GET")
        return endpoint
    except HTTPException:
        try:
            endpoint, _ = adapter.match(urlsplit(path).path, method="POST")
            return endpoint
        except HTTPException:
            return None


def _normal(base: str, href: str) -> str | None:
    url = urljoin(base, href)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "") or parts.netloc not in ("localhost", ""):
        return None
    path = parts.path or "/"
    if path.startswith(SKIP_PREFIXES) or path.endswith(SKIP_SUFFIXES):
        return None
    return path + ("?" + parts.query if parts.query else "")


def crawl(app, client, start=("/",), limit=800):
    """Visit every page reachable from `start`; return (pages, forms)."""
    pages, forms = {}, []
    per_endpoint = {}
    queue = deque(start)
    seen = set(start)
    while queue and len(pages) < limit:
        url = queue.popleft()
        response = client.get(url)
        body = response.get_data(as_text=True)
        endpoint = endpoint_of(app, url)
        pages[url] = Page(url, endpoint, response.status_code, dict(response.headers), body)
        if response.status_code in (301, 302, 303) and response.headers.get("Location"):
            links, found = [response.headers["Location"]], []
        elif "text/html" in response.headers.get("Content-Type", ""):
            links, found = parse(body)
        else:
            continue
        for form in found:
            form.page = url
            form.action = _normal(url, form.action or url) or ""
            if form.action:
                forms.append(form)
            if form.method == "get" and form.action:
                query = {name: values[0] for name, values in form.fields.items() if values and values[0]}
                links.append(form.action.split("?")[0] + ("?" + urlencode(query) if query else ""))
        for href in links:
            target = _normal(url, href)
            if not target or target in seen:
                continue
            target_endpoint = endpoint_of(app, target)
            count = per_endpoint.get(target_endpoint, 0)
            if count >= PER_ENDPOINT:
                continue
            per_endpoint[target_endpoint] = count + 1
            seen.add(target)
            queue.append(target)
    return pages, forms


def query_params(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query, keep_blank_values=True)
