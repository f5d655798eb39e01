from flask import Blueprint

from livesafe.auth import roles

bp = Blueprint("auth", __name__)

# Header links and dashboard cards per role (see livesafe/site/templating.py).
NAVIGATION = {
    None: [("auth.login", "Sign in")],
    **{role: [("auth.dashboard", "Your account")] for role in roles.ALL},
}
NAVIGATION[roles.ADMIN] = NAVIGATION[roles.ADMIN] + [("auth.users", "Users"), ("auth.audit", "Audit log")]
DASHBOARD = {
    roles.ADMIN: [
        ("auth.users", "Users", "Invite people, change roles and deactivate accounts."),
        ("auth.audit", "Audit log", "Every change to accounts, applications and decisions."),
    ],
}

from livesafe.auth import views  # noqa: E402,F401
