"""What the quick exit clears on the server, and the answer that sends the visitor away.

Features register a function here (for example, surveys deletes the visitor's unsent answers) and the
exit route calls them all before it ends the session.
"""
from collections.abc import Callable

from flask import current_app, redirect, session
from flask_login import current_user, logout_user

_hooks: list[Callable[[], None]] = []

# Tells the browser to drop this site's cookies and cached pages, which also evicts the
# back/forward cache: a no-store page would otherwise come back with Back (see DESIGN.md).
CLEAR_SITE_DATA = '"cache", "cookies"'


def on_exit(hook: Callable[[], None]) -> Callable[[], None]:
    """Register hook (used as a decorator); it runs inside the exit request."""
    if hook not in _hooks:
        _hooks.append(hook)
    return hook


def run_hooks() -> None:
    for hook in list(_hooks):
        hook()


def leave():
    """Run the features' clean-up, end the session, and redirect to the neutral site."""
    run_hooks()
    if current_user.is_authenticated:
        logout_user()
    session.clear()  # an emptied session makes Flask send a cookie deletion
    response = redirect(current_app.config["QUICK_EXIT_URL"], 303)
    response.headers["Clear-Site-Data"] = CLEAR_SITE_DATA
    # The neutral site learns nothing about where the visitor came from.
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
