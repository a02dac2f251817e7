"""``integraph serve``: the API, the SPARQL endpoint and the web pages, with uvicorn (SPEC §5, §7).

The web framework is imported inside the command, so :mod:`graph` stays free
of it (STYLE §1). The server opens the store read-write (imports through
``POST /api/import``); the embedded store allows one writer process, so other
CLI commands that only read open it read-only and keep working meanwhile.
"""

from __future__ import annotations

from typing import Annotated

import typer

from graph.cli import app, run_command, state


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="address to bind [default: 127.0.0.1]")] = None,
    port: Annotated[int | None, typer.Option(help="port to listen on [default: 8000]")] = None,
) -> None:
    """Serve the JSON API, the read-only SPARQL endpoint (/sparql) and the web pages."""
    import dataclasses

    import uvicorn

    from api.app import create_app
    from api.logs import log_config

    settings = dataclasses.replace(state.settings, host=host or state.settings.host,
                                   port=port or state.settings.port)
    application = run_command(lambda: create_app(settings))
    uvicorn.run(application, host=settings.host, port=settings.port, log_level="info",
                log_config=log_config())


@app.command()
def token(
    name: Annotated[str, typer.Argument(help="who the token is for")],
    role: Annotated[str, typer.Option(help="viewer, editor or admin")] = "editor",
) -> None:
    """Create a bearer token for the write API; its hash goes to the tokens file, the token is shown once."""
    from api import tokens

    path = state.settings.tokens_file
    if path is None:
        run_command(_no_tokens_file)
        return
    try:
        entry, secret = tokens.new_token(name, role)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    kept = [e for e in tokens.load(path) if e.name != name]
    tokens.save(path, [*kept, entry])
    print(secret)


def _no_tokens_file() -> None:
    from graph.errors import IntegraphError

    raise IntegraphError("set INTEGRAPH_TOKENS_FILE to the file that keeps the token hashes")
