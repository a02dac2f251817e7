"""One typed settings object for every limit and location.

Values come from keyword arguments, else from ``INTEGRAPH_*`` environment
variables, else from the safe defaults below. Settings are passed explicitly
(``create_app(settings)``, ``open_store(settings.store)``); nothing reads a
module global at run time.

Examples:
    >>> Settings(store="memory:").store
    'memory:'
    >>> Settings.from_env({"INTEGRAPH_QUERY_TIMEOUT": "2.5"}).query_timeout
    2.5
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path

from .archive_guard import MAX_UNPACK_RATIO, MAX_UNPACKED_BYTES, MAX_ZIP_MEMBERS

DEFAULT_STORE = "oxigraph:./var/store"


@dataclass(frozen=True)
class Settings:
    """Everything that can be configured, each field documented in ``metadata['doc']``."""

    store: str = field(
        default=DEFAULT_STORE,
        metadata={"doc": "Store: oxigraph:PATH (embedded), memory: or sparql:URL."},
    )
    update_url: str | None = field(
        default=None,
        metadata={"doc": "SPARQL Update endpoint of a sparql: store (default: URL + /update)."},
    )
    graph_store_url: str | None = field(
        default=None,
        metadata={"doc": "Graph Store Protocol endpoint of a sparql: store (default: URL's sibling /store)."},
    )
    sparql_user: str | None = field(
        default=None, metadata={"doc": "User name for HTTP basic auth on a sparql: store."}
    )
    sparql_password: str | None = field(
        default=None, metadata={"doc": "Password for HTTP basic auth on a sparql: store (never logged)."}
    )
    sparql_token: str | None = field(
        default=None, metadata={"doc": "Bearer token for a sparql: store (never logged)."}
    )
    remote_timeout: float = field(
        default=30.0, metadata={"doc": "Seconds to wait for a remote SPARQL server before giving up."}
    )
    sparql_endpoint: str = field(
        default="http://127.0.0.1:8000/sparql",
        metadata={"doc": "Public SPARQL endpoint named in exported dataset descriptions (DCAT/VoID)."},
    )
    query_timeout: float = field(
        default=10.0, metadata={"doc": "Seconds a SPARQL query may run before it is stopped."}
    )
    max_rows: int = field(
        default=10_000, metadata={"doc": "Rows a /sparql SELECT returns at most (then truncated)."}
    )
    query_workers: int = field(
        default=2, metadata={"doc": "Worker processes that run /sparql queries (each killable at the limit)."}
    )
    max_body_bytes: int = field(
        default=1_000_000, metadata={"doc": "Largest accepted query or form body in bytes."}
    )
    max_upload_bytes: int = field(
        default=50_000_000, metadata={"doc": "Largest accepted import upload in bytes."}
    )
    max_unpacked_bytes: int = field(
        default=MAX_UNPACKED_BYTES,
        metadata={"doc": "Most bytes an uploaded zip or XLSX may unpack to (declared and actual)."},
    )
    max_unpack_ratio: float = field(
        default=MAX_UNPACK_RATIO,
        metadata={"doc": "Highest unpacked/packed size ratio of a zip member over 1 MB (zip bombs)."},
    )
    max_zip_members: int = field(
        default=MAX_ZIP_MEMBERS, metadata={"doc": "Most members an uploaded zip or XLSX may hold."}
    )
    tokens_file: Path | None = field(
        default=None, metadata={"doc": "File with hashed bearer tokens and roles (none: no writes)."}
    )
    host: str = field(default="127.0.0.1", metadata={"doc": "Address integraph serve binds to."})
    port: int = field(default=8000, metadata={"doc": "Port integraph serve listens on."})

    @classmethod
    def from_env(
        cls, env: Mapping[str, str] | None = None, **overrides: object
    ) -> Settings:
        """Settings from ``INTEGRAPH_<FIELD>`` variables, then ``overrides`` (if not None)."""
        env = os.environ if env is None else env
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = env.get(f"INTEGRAPH_{f.name.upper()}")
            if raw is None or raw == "":
                continue
            values[f.name] = _convert(f.name, raw, f.default)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]


def _convert(name: str, raw: str, default: object) -> object:
    if isinstance(default, bool):
        return raw.lower() in ("1", "true", "yes", "on")
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    if name == "tokens_file":
        return Path(raw)
    return raw
