"""``GET, POST /sparql``: the SPARQL 1.1 Protocol, read-only and safe to expose (SPEC §8).

This module only speaks HTTP: it takes the query out of the request (GET,
form POST or ``application/sparql-query`` POST, UTF-8 only, one query, body
size capped), negotiates the result format from ``Accept`` and hands the text
to the :class:`graph.sandbox.QuerySandbox`, which guards, runs under the time
limit, caps the rows and serialises. Without a query, ``GET`` answers with a
service description. Updates are refused with 403.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import parse_qsl

import pyoxigraph as ox
from fastapi import APIRouter, Depends, Request, Response
from starlette.concurrency import run_in_threadpool

from api import deps
from api.errors import ApiError
from api.models import Error
from api.routes import pages
from graph.query_worker import GRAPH_FORMATS, GRAPH_MEDIA, RESULT_MEDIA
from graph.sandbox import QuerySandbox
from graph.settings import Settings
from graph.store import Store

router = APIRouter(tags=["sparql"])

#: Accepted media type → result format name, in order of preference.
RESULT_TYPES = {
    "application/sparql-results+json": "json", "application/json": "json",
    "application/sparql-results+xml": "xml", "application/xml": "xml", "text/xml": "xml",
    "text/csv": "csv", "text/tab-separated-values": "tsv",
}
GRAPH_TYPES = {
    "text/turtle": "turtle", "application/x-turtle": "turtle",
    "application/n-triples": "nt", "text/plain": "nt",
    "application/ld+json": "jsonld", "application/json": "jsonld",
    "application/rdf+xml": "rdfxml", "application/xml": "rdfxml", "text/xml": "rdfxml",
}
#: Values of the ``format`` parameter some clients (SPARQLWrapper) send, → (result, graph) format.
FORMAT_PARAM = {
    "json": ("json", "jsonld"), "xml": ("xml", "rdfxml"), "csv": ("csv", None), "tsv": ("tsv", None),
    "turtle": (None, "turtle"), "nt": (None, "nt"), "n-triples": (None, "nt"),
    "json-ld": (None, "jsonld"), "jsonld": (None, "jsonld"), "rdf+xml": (None, "rdfxml"),
    "rdfxml": (None, "rdfxml"),
}
SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS_NS = "http://www.w3.org/ns/formats/"

_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "query results (SELECT/ASK) or a graph (CONSTRUCT/DESCRIBE)",
          "content": {m.split(";")[0]: {} for m in [*RESULT_MEDIA.values(), *GRAPH_MEDIA.values()]}},
    400: {"model": Error, "description": "syntax error (with the parser's message) or forbidden query"},
    403: {"model": Error, "description": "an update: the endpoint is read-only"},
    406: {"model": Error, "description": "no acceptable result format"},
    413: {"model": Error, "description": "query or body larger than max_body_bytes"},
    415: {"model": Error, "description": "unsupported content type or charset"},
    503: {"model": Error, "description": "query_timeout exceeded, or all query workers busy"},
}


def negotiate(accept: str | None, types: dict[str, str]) -> str | None:
    """The format name the client prefers among ``types`` (None: nothing acceptable).

    Examples:
        >>> negotiate("text/csv;q=0.5, application/sparql-results+xml", RESULT_TYPES)
        'xml'
        >>> negotiate("*/*", GRAPH_TYPES), negotiate(None, RESULT_TYPES)
        ('turtle', 'json')
        >>> negotiate("image/png", RESULT_TYPES) is None
        True
    """
    if not accept or not accept.strip():
        return next(iter(types.values()))
    ranges: list[tuple[str, float]] = []
    for part in accept.split(","):
        fields = [f.strip() for f in part.split(";")]
        media, q = fields[0].lower(), 1.0
        for f in fields[1:]:
            if f.lower().startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        if media:
            ranges.append((media, q))
    best, best_q = None, 0.0
    for media, name in types.items():
        major = media.split("/")[0]
        matches = [(3, q) for r, q in ranges if r == media] or [(2, q) for r, q in ranges
                                                               if r == f"{major}/*"]
        matches = matches or [(1, q) for r, q in ranges if r == "*/*"]
        q = max((q for _, q in matches), default=0.0)
        if q > best_q:
            best, best_q = name, q
    return best


async def _body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 beyond ``limit`` bytes without reading it all."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise ApiError(413, "too_large", f"the body is larger than max_body_bytes = {limit}")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(413, "too_large", f"the body is larger than max_body_bytes = {limit}")
        chunks.append(chunk)
    return b"".join(chunks)


def _one(params: list[tuple[str, str]], name: str) -> str | None:
    values = [v for k, v in params if k == name]
    if len(values) > 1:
        raise ApiError(400, "bad_request", f"more than one {name!r} parameter")
    return values[0] if values else None


def _refuse_update(params: list[tuple[str, str]]) -> None:
    if any(k in ("update", "using-graph-uri", "using-named-graph-uri") for k, _ in params):
        raise ApiError(403, "read_only", "updates are not allowed: this endpoint is read-only")


async def _run(request: Request, params: list[tuple[str, str]], query: str | None,
               settings: Settings, sandbox: QuerySandbox, store: Store) -> Response:
    if query is None:
        return _service_description(request, store, settings)
    if len(query.encode("utf-8")) > settings.max_body_bytes:
        raise ApiError(413, "too_large",
                       f"the query is longer than max_body_bytes = {settings.max_body_bytes}")
    accept = request.headers.get("accept")
    result_format = negotiate(accept, RESULT_TYPES)
    graph_format = negotiate(accept, GRAPH_TYPES)
    wanted = next((v for k, v in params if k == "format"), None)  # SPARQLWrapper may repeat it
    if wanted and wanted.lower() in FORMAT_PARAM:
        forced_result, forced_graph = FORMAT_PARAM[wanted.lower()]
        result_format = forced_result or result_format
        graph_format = forced_graph or graph_format
    dataset = ([v for k, v in params if k == "default-graph-uri"],
               [v for k, v in params if k == "named-graph-uri"])
    given = bool(dataset[0] or dataset[1])
    answer = await run_in_threadpool(
        sandbox.run, query, result_format=result_format, graph_format=graph_format,
        default_graphs=dataset[0] if given else None, named_graphs=dataset[1] if given else None,
        base_iri=str(request.url_for("sparql_get")))
    return Response(answer.body, media_type=answer.media_type, headers={
        "X-Integraph-Truncated": "true" if answer.truncated else "false",
        "X-Integraph-Rows": str(answer.rows), "Vary": "Accept", "Cache-Control": "no-store"})


def _service_description(request: Request, store: Store, settings: Settings) -> Response:
    """An ``sd:Service`` description of this endpoint, its formats and its limits."""
    endpoint = ox.NamedNode(str(request.url_for("sparql_get")))
    node, dataset = ox.BlankNode(), ox.BlankNode()
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    comment = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment")
    triples = [
        ox.Triple(node, rdf_type, ox.NamedNode(SD + "Service")),
        ox.Triple(node, ox.NamedNode(SD + "endpoint"), endpoint),
        ox.Triple(node, ox.NamedNode(SD + "supportedLanguage"), ox.NamedNode(SD + "SPARQL11Query")),
        ox.Triple(node, ox.NamedNode(SD + "feature"), ox.NamedNode(SD + "UnionDefaultGraph")),
        ox.Triple(node, ox.NamedNode(SD + "defaultDataset"), dataset),
        ox.Triple(dataset, rdf_type, ox.NamedNode(SD + "Dataset")),
        ox.Triple(node, comment, ox.Literal(
            f"Read-only. The default graph is the union of the public graphs. Limits: query_timeout = "
            f"{settings.query_timeout:g} s, max_rows = {settings.max_rows}, max_body_bytes = "
            f"{settings.max_body_bytes}. SERVICE, FROM, FROM NAMED and updates are refused.", language="en")),
    ]
    for fmt in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                "Turtle", "N-Triples", "JSON-LD", "RDF_XML"):
        triples.append(ox.Triple(node, ox.NamedNode(SD + "resultFormat"), ox.NamedNode(FORMATS_NS + fmt)))
    for g in store.public_graphs():
        named = ox.BlankNode()
        triples += [ox.Triple(dataset, ox.NamedNode(SD + "namedGraph"), named),
                    ox.Triple(named, ox.NamedNode(SD + "name"), ox.NamedNode(g))]
    fmt = negotiate(request.headers.get("accept"), GRAPH_TYPES) or "turtle"
    body = ox.serialize(triples, format=GRAPH_FORMATS[fmt], prefixes={"sd": SD})
    return Response(body, media_type=GRAPH_MEDIA[fmt], headers={"Vary": "Accept"})


@router.get("/sparql", name="sparql_get", responses=_RESPONSES,
            summary="SPARQL query via GET (no query: service description)")
async def sparql_get(
    request: Request,
    settings: Annotated[Settings, Depends(deps.settings)],
    sandbox: Annotated[QuerySandbox, Depends(deps.sandbox)],
    store: Annotated[Store, Depends(deps.store)],
    query: str | None = None,
) -> Response:
    """Run a read-only query given as ``?query=``; ``default-graph-uri`` and ``named-graph-uri`` may
    only name graphs this store hosts (others are empty, never fetched). Without a query, a browser
    (``Accept`` prefers ``text/html``) gets the query editor page."""
    params = list(request.query_params.multi_items())
    _refuse_update(params)
    query_text = _one(params, "query")
    if query_text is None and pages.prefers_html(request.headers.get("accept")):
        return pages.sparql_editor(request)
    return await _run(request, params, query_text, settings, sandbox, store)


@router.post("/sparql", name="sparql_post", responses=_RESPONSES,
             summary="SPARQL query via POST (form or application/sparql-query)",
             openapi_extra={"requestBody": {"content": {
                 "application/sparql-query": {"schema": {"type": "string"}},
                 "application/x-www-form-urlencoded": {"schema": {
                     "type": "object", "properties": {"query": {"type": "string"}},
                     "required": ["query"]}}}}})
async def sparql_post(
    request: Request,
    settings: Annotated[Settings, Depends(deps.settings)],
    sandbox: Annotated[QuerySandbox, Depends(deps.sandbox)],
    store: Annotated[Store, Depends(deps.store)],
) -> Response:
    """Run a read-only query sent as a form (``query=``) or as the body (``application/sparql-query``)."""
    params = list(request.query_params.multi_items())
    _refuse_update(params)
    ctype = request.headers.get("content-type", "")
    media, *options = [p.strip() for p in ctype.split(";")]
    media = media.lower()
    charset = next((o.split("=", 1)[1].strip('"').lower() for o in options
                    if o.lower().startswith("charset=")), "utf-8")
    if media == "application/sparql-update":
        raise ApiError(403, "read_only", "updates are not allowed: this endpoint is read-only")
    if media not in ("application/x-www-form-urlencoded", "application/sparql-query"):
        raise ApiError(415, "unsupported_media_type",
                       "send application/x-www-form-urlencoded or application/sparql-query")
    if charset not in ("utf-8", "utf8"):
        raise ApiError(415, "unsupported_media_type", f"the body must be UTF-8, not {charset}")
    raw = await _body(request, settings.max_body_bytes)
    try:
        text = raw.decode("utf-8")
        if media == "application/sparql-query":
            query = text
        else:
            form = parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
            _refuse_update(form)
            params += form
            found = _one(params, "query")
            if found is None:
                raise ApiError(400, "bad_request", "the form has no 'query' field")
            query = found
    except UnicodeDecodeError:
        raise ApiError(400, "bad_request", "the body is not valid UTF-8") from None
    if _one(params, "query") is not None and media == "application/sparql-query":
        raise ApiError(400, "bad_request", "a query both in the body and in the URL")
    return await _run(request, params, query, settings, sandbox, store)


@router.api_route("/sparql", methods=["PUT", "DELETE", "PATCH", "OPTIONS"], include_in_schema=False)
def sparql_other_methods() -> Response:
    """The protocol knows GET and POST only (``bad_query_method``)."""
    raise ApiError(405, "method_not_allowed", "use GET or POST", {"Allow": "GET, POST"})
