"""The one permission check every feature uses.

`roles_required(...)` guards a view by role: signed-out visitors go to the
sign-in page, signed-in users without the role get 403. `ensure(condition)`
is the object-level check inside a view ("is this your organisation's
application?"): a False condition is a 403.
"""
from functools import wraps

from flask import abort
from flask_login import current_user

from livesafe.extensions import login_manager


def has_role(user, *allowed: str) -> bool:
    return bool(user and user.is_authenticated and user.role in allowed)


def roles_required(*allowed: str):
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = allowed
        return wrapped

    return decorator


def login_required(view):
    """Any signed-in role."""
    from livesafe.auth.roles import ALL

    return roles_required(*ALL)(view)


def ensure(condition: bool) -> None:
    if not condition:
        abort(403)
