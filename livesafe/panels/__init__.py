from flask import Blueprint

bp = Blueprint("panels", __name__)

from livesafe.panels import views  # noqa: E402,F401
