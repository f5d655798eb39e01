"""Views of the search feature (thin: parse, call logic, render)."""
from livesafe.search import bp


@bp.route("/search")
def search():
    return "todo"
