"""The routing simulator (issue 11 item 4): a SimPy call centre whose
arrivals, service types, handling times, patience and first-contact truth
come from the Anonymous Bank log, whose escalations come from the Volvo IT
incident log, and whose every assignment is made by the real router on a
fresh embedded graph.

It lives beside the router (not in ``bench/``) because ``graphdesk routing
simulate`` runs it, and under ``resolvers/routing/`` (not a new top-level
package) because the design card fixes the top-level layout and the
simulator is one more client of the routing family: it imports the router
and ``graph/``, and nothing imports it but the CLI and the bench.
"""
