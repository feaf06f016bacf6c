"""Versioned, checksummed graph migrations (see runner.py)."""
