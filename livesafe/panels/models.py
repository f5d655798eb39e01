"""Models of the panels feature."""
