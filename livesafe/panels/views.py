"""Views of the panels feature (thin: parse, call logic, render)."""
from livesafe.panels import bp  # noqa: F401
