"""Serve the integraph app for a load test: ``python -m benchmarks.serve_app STORE PORT``.

One uvicorn process on 127.0.0.1 (as ``integraph serve`` runs it), access log off.
"""

from __future__ import annotations

import sys

import uvicorn

from api.app import create_app
from graph.settings import Settings


def main(argv: list[str]) -> None:
    store, port = argv[0], int(argv[1])
    app = create_app(Settings.from_env(store=store))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main(sys.argv[1:])
