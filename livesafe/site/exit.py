"""What the quick exit clears on the server.

Features register a function here (for example, surveys deletes the visitor's
unsent answers) and the exit route calls them all before it ends the session.
"""
from collections.abc import Callable

_hooks: list[Callable[[], None]] = []


def on_exit(hook: Callable[[], None]) -> Callable[[], None]:
    """Register hook (used as a decorator); it runs inside the exit request."""
    if hook not in _hooks:
        _hooks.append(hook)
    return hook


def run_hooks() -> None:
    for hook in list(_hooks):
        hook()
