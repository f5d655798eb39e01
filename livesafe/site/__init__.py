"""Site-wide pages (home, privacy, accessibility), errors, headers and rendering helpers."""
from flask import Blueprint

bp = Blueprint("site", __name__)

from livesafe.site import views  # noqa: E402,F401
