"""The HTTP shell of integraph: REST routes, the SPARQL endpoint and writes (SPEC §7–9).

Every route parses the request, calls one function of :mod:`graph`, maps its
errors to one status each (:mod:`api.errors`) and shapes the response. Build
the app with :func:`api.app.create_app`.
"""
