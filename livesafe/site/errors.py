from flask import render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from livesafe.kernel.errors import RuleError

MESSAGES = {
    400: ("Something was wrong with that request", "Go back, reload the page and try again."),
    403: ("You do not have permission to see this page", "If you think you should, ask the Live Safe team."),
    404: ("Page not found", "If you typed the web address, check it is correct."),
    405: ("That did not work", "Go back and try again."),
    409: ("That has changed since you opened the page", "Go back, refresh the page and try again."),
    413: ("That was too big to send", "Make what you are sending smaller and try again."),
    422: ("Some of what you sent was not right", "Go back, check the form and try again."),
    429: ("Too many tries", "Wait a few minutes and try again."),
    500: ("Sorry, something went wrong on our side", "Please try again later. What you saved before is safe."),
}


def _page(code: int, detail: str | None = None):
    title, advice = MESSAGES.get(code, MESSAGES[500])
    return render_template("errors/error.html", code=code, title=title, advice=detail or advice), code


def register(app):
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return _page(400, "The form had expired or was not sent from this site. Go back, reload the page and try again.")

    @app.errorhandler(HTTPException)
    def http_error(error):
        if error.code in MESSAGES:
            return _page(error.code)
        return error

    @app.errorhandler(RuleError)
    def rule_error(error):
        # A rule said no and no form took the message: an error page with the rule's own words and status.
        return _page(error.status, error.message)

    @app.errorhandler(Exception)
    def server_error(error):
        app.logger.exception("unhandled error")
        return _page(500)
