"""Views of the surveys feature (thin: parse, call logic, render)."""
from livesafe.surveys import bp  # noqa: F401
