from flask import Blueprint

bp = Blueprint("surveys", __name__)

from livesafe.surveys import views  # noqa: E402,F401
