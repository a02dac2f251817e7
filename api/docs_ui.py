"""``/docs``: the interactive OpenAPI browser, served entirely by the app.

FastAPI's default ``/docs`` and ``/redoc`` load Swagger UI, fonts and a
favicon from CDNs, which intranets block and the Content-Security-Policy
forbids. Swagger UI's files come from the ``swagger-ui-bundle`` package and
are served under ``/static/swagger``; ReDoc is switched off.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles


def install(app: FastAPI) -> None:
    """Add ``/docs`` backed by local Swagger UI files (create the app with ``docs_url=None``)."""
    import swagger_ui_bundle

    app.mount("/static/swagger", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path),
              name="swagger")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json", title=f"{app.title} API",
            swagger_js_url="/static/swagger/swagger-ui-bundle.js",
            swagger_css_url="/static/swagger/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg")
