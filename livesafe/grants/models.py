"""Models of the grants feature."""
