"""Site-wide pages (home, privacy, accessibility), errors, headers and rendering helpers."""
from flask import Blueprint

bp = Blueprint("site", __name__)


def init_app(app):
    from livesafe.site import assets, logs, sessions

    logs.quiet_dev_server()
    app.session_interface = sessions.SessionInterface()
    assets.init_app(app)


from livesafe.site import views  # noqa: E402,F401
