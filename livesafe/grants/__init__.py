from flask import Blueprint

bp = Blueprint("grants", __name__)

from livesafe.grants import views  # noqa: E402,F401
