"""Views of the grants feature (thin: parse, call logic, render)."""
from livesafe.grants import bp  # noqa: F401
