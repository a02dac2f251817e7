"""The library core never depends on the web layer (STYLE §1)."""

from __future__ import annotations

import subprocess
import sys


def test_graph_imports_no_web_framework() -> None:
    code = (
        "import sys, importlib, pkgutil, graph, graph.commands\n"
        "import graph.cli\n"
        "for m in pkgutil.walk_packages(graph.__path__, 'graph.'):\n"
        "    if m.name.startswith('graph.commands.'):\n"
        "        continue\n"
        "    importlib.import_module(m.name)\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in "
        "('fastapi', 'starlette', 'uvicorn', 'jinja2'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
