"""Views of the search feature (thin: parse, call logic, render)."""
from livesafe.search import bp  # noqa: F401
