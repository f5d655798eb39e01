"""One transaction policy: logic adds and flushes, the request commits once.

A request that changes things (POST, PUT, PATCH, DELETE) and succeeds (status below 400, redirects
included) is committed after the view returns; anything else is rolled back, so a refused or failed
request leaves nothing half-written. CLI commands commit once at their end. Code that must keep
something even when the request fails (a counted sign-in attempt, a throttle) commits it itself, on
purpose, and says why.
"""
from __future__ import annotations

from flask import Flask, Response, request

from livesafe.extensions import db

CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def finish(response: Response) -> Response:
    if request.method in CHANGING:
        if response.status_code < 400:
            db.session.commit()
        else:
            db.session.rollback()
    # A reading request writes nothing; the session is closed (rolled back) when the app context ends.
    return response


def register(app: Flask) -> None:
    app.after_request(finish)
