"""Models of the surveys feature."""
