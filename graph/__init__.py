"""integraph: a knowledge graph of a city's integration landscape.

The package is the library core. The CLI (:mod:`graph.cli`), the HTTP API
(``api/``) and the notebooks are thin shells over the functions here, so
every answer is computed in one place.
"""

__version__ = "0.1.0"
