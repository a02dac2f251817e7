"""Further ``integraph`` commands, one module per concern.

Every module in this package is imported by :mod:`graph.cli` and registers
its commands on :data:`graph.cli.app`, so a new command never needs an edit
of ``cli.py``.
"""
