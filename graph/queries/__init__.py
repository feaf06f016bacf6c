"""Cypher statements grouped by concern; the only place (with the dialect) that holds Cypher."""
