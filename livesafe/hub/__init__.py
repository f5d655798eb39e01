from flask import Blueprint

bp = Blueprint("hub", __name__)

NAVIGATION = {None: [("hub.home", "Home")]}

from livesafe.hub import views  # noqa: E402,F401
