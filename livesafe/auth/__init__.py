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
        ("auth.two_factor_policy", "Two-factor sign-in for staff", "Require an authenticator app for staff or admins."),
    ],
}



def init_app(app):
    @app.before_request
    def two_factor_first():
        """Where two-factor is required, staff who have not set it up can open no signed-in page but its set-up."""
        from flask import redirect, request, url_for
        from flask_login import current_user

        from livesafe.auth.twofactor import required_for

        view = app.view_functions.get(request.endpoint)
        if (getattr(view, "allowed_roles", None) and request.endpoint not in SET_UP_ENDPOINTS
                and current_user.is_authenticated and not current_user.two_factor_enabled and required_for(current_user)):
            return redirect(url_for("auth.two_factor"))


SET_UP_ENDPOINTS = {"auth.two_factor", "auth.logout", "auth.change_password"}

from livesafe.auth import views  # noqa: E402,F401
