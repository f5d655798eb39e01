"""Route gates, and the rules of accounts.

`roles_required(...)` guards a view by role: signed-out visitors go to the
sign-in page, signed-in users without the role get 403. It is the coarse first
gate; what a person may do to a particular thing is a rule in the kernel's
registry (`livesafe.kernel.permissions`), asked with `can(...)` by views,
templates and logic alike. The account rules are registered here.
"""
from functools import wraps

from flask import abort
from flask_login import current_user

from livesafe.auth import roles
from livesafe.extensions import login_manager
from livesafe.kernel.permissions import allow, deny, rule, signed_in


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


# Account rules ---------------------------------------------------------------------

def _admin(user) -> bool:
    return signed_in(user) and user.role == roles.ADMIN


@rule("auth.manage_users")
def manage_users(user, account=None):
    """Invite people, change roles, deactivate accounts, read the audit log, set the two-factor policy."""
    return allow if _admin(user) else deny("Only admins can manage accounts.")


def _admin_on_someone_else(reason: str):
    def check(user, account):
        if not _admin(user):
            return deny("Only admins can manage accounts.")
        if account is not None and account.id == user.id:
            return deny(reason)  # an admin never locks themself out: another admin must do it
        return allow

    return check


rule("auth.change_role")(_admin_on_someone_else("You cannot remove your own admin role; ask another admin"))
rule("auth.deactivate")(_admin_on_someone_else("You cannot deactivate your own account."))
rule("auth.clear_two_factor")(_admin_on_someone_else(
    "You cannot clear your own two-factor sign-in here: turn it off from your account, or ask another admin."))
