"""Keep client addresses and browser details out of the server logs for survey pages.

The development server (werkzeug) logs every request with the client address first;
a filter on its logger blanks the address for /surveys/ paths. For production,
gunicorn's access log is told to do the same with
`--logger-class livesafe.surveys.privacy.SurveyPrivateLogger`.
"""
import logging
import re

# The request line may be wrapped in terminal colour codes (werkzeug colours redirects and errors).
SURVEY_REQUEST = re.compile(r'"(?:\x1b\[[0-9;]*m)*[A-Z]+ /surveys(?:[/?\s]|$)')
LEADING_ADDRESS = re.compile(r"^\S+ - - \[")


def is_survey_path(path: str) -> bool:
    return path == "/surveys" or path.startswith("/surveys/") or path.startswith("/surveys?")


class SurveyAddressFilter(logging.Filter):
    """Blank the client address in werkzeug's request log lines for survey pages."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if SURVEY_REQUEST.search(message):
            record.msg, record.args = LEADING_ADDRESS.sub("- - - [", message, count=1), ()
        return True


def hide_survey_addresses() -> None:
    logger = logging.getLogger("werkzeug")
    if not any(isinstance(f, SurveyAddressFilter) for f in logger.filters):
        logger.addFilter(SurveyAddressFilter())


try:
    from gunicorn.glogging import Logger as _GunicornLogger
except ImportError:  # gunicorn is only needed in production
    _GunicornLogger = None

if _GunicornLogger is not None:

    class SurveyPrivateLogger(_GunicornLogger):
        """gunicorn's logger, with the address, forwarded-for and user agent blanked for survey paths."""

        def atoms(self, resp, req, environ, request_time):
            atoms = super().atoms(resp, req, environ, request_time)
            if is_survey_path(environ.get("PATH_INFO") or ""):
                for key in list(atoms):
                    if key in ("h", "a") or key in ("{remote_addr}e", "{http_user_agent}e", "{http_x_forwarded_for}e",
                                                     "{http_x_real_ip}e", "{user-agent}i", "{x-forwarded-for}i",
                                                     "{x-real-ip}i", "{forwarded}i", "{http_forwarded}e"):
                        atoms[key] = "-"
            return atoms
