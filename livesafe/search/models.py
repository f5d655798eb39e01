"""Models of the search feature."""
