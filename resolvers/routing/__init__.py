"""Routing tickets to people (issue 11): the roster, a ticket's needs, the
router's fallback steps, the selection policies and learning from outcomes.
The candidate match and its score terms are one Cypher query
(``graph/queries/routing.py``); the policies only order what it returns."""
