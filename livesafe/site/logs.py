"""Server logs that keep no trace of a visitor (used by gunicorn.conf.py).

An access line holds the minute, the method, a cleaned path, the status, the size and the time taken:
never an address, user agent, referrer or query string. Paths are normalised first (//search is
/search), then the privacy rules apply: survey paths keep only the survey (the pages reveal the branch
answered), links with tokens lose the token, and the search path never carries what was typed. Times are
kept to the minute, like the survey flood guard, so log lines cannot date a single survey answer.
"""
import re
import time

from gunicorn import glogging
from gunicorn.http import wsgi

# (normalised path pattern, what is logged instead)
PATH_RULES = [
    (re.compile(r"^/surveys/([^/]+)/.*$"), r"/surveys/\1/..."),
    (re.compile(r"^/password/reset/.*$"), "/password/reset/..."),
    (re.compile(r"^/invite/.*$"), "/invite/..."),
]
MAX_PATH = 200
_SLASHES = re.compile(r"/{2,}")
_UNPRINTABLE = re.compile(r"[^\x21-\x7e]")
_IP = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b|\b(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}\b"
                 r"|[0-9a-fA-F:]*::[0-9a-fA-F:]*")
_IP_FIELD = re.compile(r"\bip=\S*")
_QUERY = re.compile(r"(/[^\s?]*)\?\S*")


def clean_path(path: str) -> str:
    """The path as it may be logged: no query, slashes collapsed, private parts removed."""
    path = _SLASHES.sub("/", (path or "/").split("?", 1)[0]) or "/"
    for pattern, replacement in PATH_RULES:
        if pattern.match(path):
            path = pattern.sub(replacement, path)
            break
    # No line breaks or other bytes that could forge a log line; long paths are cut.
    return _UNPRINTABLE.sub("_", path)[:MAX_PATH]


def access_line(method: str, path: str, status: str, length, seconds: float, now: float | None = None) -> str:
    minute = time.strftime("%Y-%m-%dT%H:%MZ", time.gmtime(now if now is not None else time.time()))
    method = _UNPRINTABLE.sub("_", method or "-")[:10]
    size = "-" if length is None else length
    return f'{minute} "{method} {clean_path(path)}" {status} {size} {seconds * 1000:.0f}ms'


def scrub(message: str) -> str:
    """Addresses and query strings out of gunicorn's own messages (e.g. "Invalid request from ip=...")."""
    return _QUERY.sub(r"\1", _IP.sub("-", _IP_FIELD.sub("ip=-", message)))


class PrivateLogger(glogging.Logger):
    """gunicorn's logger with the access line above and scrubbed error messages."""

    def access(self, resp, req, environ, request_time):
        if not (self.cfg.accesslog or self.cfg.logconfig or self.cfg.logconfig_dict or self.cfg.syslog):
            return
        status = (resp.status or "-").split(None, 1)[0]
        seconds = request_time.total_seconds()
        self.access_log.info(access_line(environ.get("REQUEST_METHOD"), environ.get("PATH_INFO"), status,
                                         getattr(resp, "sent", None), seconds))

    def _scrubbed(self, level, msg, *args, **kwargs):
        text = str(msg) % args if args else str(msg)
        getattr(super(), level)(scrub(text), **kwargs)  # no args: logging will not %-format it again

    def critical(self, msg, *args, **kwargs):
        self._scrubbed("critical", msg, *args, **kwargs)

    def error(self, msg, *args, **kwargs):
        self._scrubbed("error", msg, *args, **kwargs)

    def warning(self, msg, *args, **kwargs):
        self._scrubbed("warning", msg, *args, **kwargs)

    def info(self, msg, *args, **kwargs):
        self._scrubbed("info", msg, *args, **kwargs)

    def debug(self, msg, *args, **kwargs):
        self._scrubbed("debug", msg, *args, **kwargs)

    def exception(self, msg, *args, **kwargs):
        self._scrubbed("exception", msg, *args, **kwargs)


def hide_server_header() -> None:
    """gunicorn names itself in a Server header on every response; say nothing about the software."""
    if getattr(wsgi.Response.default_headers, "_no_server", False):
        return
    original = wsgi.Response.default_headers

    def default_headers(self):
        return [header for header in original(self) if not header.lower().startswith("server:")]

    default_headers._no_server = True
    wsgi.Response.default_headers = default_headers


def quiet_dev_server() -> None:
    """The development server (`make run`, test servers) logs like production: no address, no query."""
    from werkzeug.serving import WSGIRequestHandler

    if getattr(WSGIRequestHandler, "_private_log", False):
        return

    def address_string(self):
        return "-"

    def log_request(self, code="-", size="-"):
        self.log("info", '"%s %s" %s %s', _UNPRINTABLE.sub("_", self.command or "-"), clean_path(self.path), code, size)

    WSGIRequestHandler.address_string = address_string
    WSGIRequestHandler.log_request = log_request
    WSGIRequestHandler._private_log = True
