"""Exports for researchers: the public graph in every standard format (SPEC §5).

One entry point, :func:`export`, writes a dataset (or all of them) as RDF
(Turtle, TriG, JSON-LD, N-Triples, N-Quads, RDF/XML), as a network for Gephi
(GraphML, GEXF) or as tables (a zip of CSV files, the XLSX import workbook).
:func:`export_stream` does the same for the API: it runs the export *before*
the first byte is sent, so that a bad parameter becomes an error status
instead of a broken download, and then hands out the file in chunks from a
spooled temporary file (in memory when small, on disk when large).

Privacy by default (SPEC §3): the private graph (contact persons) is in no
export unless ``include_private`` is set, and ``pseudonymise`` replaces the
names and ids of migrant organisations and religious communities by stable
pseudonyms in every format.

Examples:
    >>> from graph.store import open_store
    >>> from graph.importer import import_dataset, FIXTURE
    >>> store = open_store("memory:")
    >>> _ = import_dataset(store, FIXTURE)
    >>> import io
    >>> buf = io.BytesIO()
    >>> export(store, "nt", buf, dataset="testville")
    'nt'
    >>> b"erika.mustermann" in buf.getvalue(), b"dcat#Dataset" in buf.getvalue()
    (False, True)
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, BinaryIO

from . import queries
from .errors import InvalidInput, NotFound, Problem
from .namespaces import private_graph
from .store import Store

#: Called with (step, done, total) while an export runs; ``total`` is None when unknown.
Progress = Callable[[str, int, int | None], None]
#: The SPARQL endpoint named in the DCAT/VoID description unless another is given.
DEFAULT_ENDPOINT = "http://127.0.0.1:8000/sparql"
#: ``kind`` values whose names ``pseudonymise`` replaces, with the German label of the pseudonym.
PSEUDONYMISED_KINDS = {
    "migrant_organisation": "Migrantenorganisation",
    "religious_community": "Religionsgemeinschaft",
}
CHUNK = 64 * 1024


@dataclass(frozen=True)
class Format:
    """An export format: its name on the command line, media type, file extension and family."""

    name: str
    media_type: str
    extension: str
    family: str  # rdf, network or tables


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("turtle", "text/turtle", "ttl", "rdf"),
    Format("trig", "application/trig", "trig", "rdf"),
    Format("jsonld", "application/ld+json", "jsonld", "rdf"),
    Format("nt", "application/n-triples", "nt", "rdf"),
    Format("nq", "application/n-quads", "nq", "rdf"),
    Format("rdfxml", "application/rdf+xml", "rdf", "rdf"),
    Format("graphml", "application/graphml+xml", "graphml", "network"),
    Format("gexf", "application/gexf+xml", "gexf", "network"),
    Format("csv", "application/zip", "zip", "tables"),
    Format("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx",
           "tables"),
)}


@dataclass(frozen=True)
class DatasetInfo:
    """A dataset in the store: its name, municipality and IRIs."""

    name: str
    base: str
    graph: str
    municipality: str = ""

    @property
    def private(self) -> str:
        """IRI of the dataset's private graph."""
        return private_graph(self.base)


def datasets(store: Store, name: str | None = None) -> list[DatasetInfo]:
    """The datasets an export covers: the one called ``name``, or every dataset.

    Examples:
        >>> from graph.store import open_store
        >>> datasets(open_store("memory:"), "nowhere")
        Traceback (most recent call last):
        ...
        graph.errors.NotFound: no dataset 'nowhere' in the store (it holds none)
    """
    found = [
        DatasetInfo(r["name"], r["dataset"], r["graph"], r.get("municipality", ""))
        for r in queries.run(store, "datasets")
        if r["graph"].endswith("/graph")
    ]
    if name is None:
        return found
    chosen = [d for d in found if d.name == name]
    if not chosen:
        held = ", ".join(d.name for d in found) or "none"
        raise NotFound(f"no dataset {name!r} in the store (it holds {held})")
    return chosen


@dataclass
class Pseudonyms:
    """Stable pseudonyms for the actors whose kind :data:`PSEUDONYMISED_KINDS` lists.

    Actors are numbered per kind in the order of their ids, so the same data
    always gives the same pseudonyms. Both the name and the id are replaced:
    an id such as ``kulturverein-anatolien`` would give the name away.

    Examples:
        >>> p = Pseudonyms({"https://x.org/d/actor/mso": ("mso", "Kulturverein",
        ...     "migrant_organisation")}, "https://x.org/d")
        >>> p.text("Treffen im Kulturverein"), p.id("mso"), p.iri("https://x.org/d/membership/mso--ak")
        ('Treffen im Migrantenorganisation 1', 'migrantenorganisation-1', 'https://x.org/d/membership/migrantenorganisation-1--ak')
    """

    actors: dict[str, tuple[str, str, str]]  # actor IRI -> (id, name, kind)
    base: str = ""
    names: dict[str, str] = field(default_factory=dict)  # actor IRI -> pseudonym
    ids: dict[str, str] = field(default_factory=dict)  # id -> pseudonymous id
    id_names: dict[str, str] = field(default_factory=dict)  # id -> pseudonym
    _by_text: list[tuple[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        counters: dict[str, int] = {}
        for actor, (ident, name, kind) in sorted(self.actors.items(), key=lambda kv: kv[1][0]):
            label = PSEUDONYMISED_KINDS[kind]
            counters[kind] = counters.get(kind, 0) + 1
            self.names[actor] = f"{label} {counters[kind]}"
            self.ids[ident] = f"{label.lower()}-{counters[kind]}"
            self.id_names[ident] = self.names[actor]
            if name:
                self._by_text.append((name, self.names[actor]))
        # longest names first, so that "Verein Nord" is replaced before "Verein"
        self._by_text.sort(key=lambda pair: -len(pair[0]))

    def __bool__(self) -> bool:
        return bool(self.actors)

    def text(self, value: str) -> str:
        """``value`` with every pseudonymised name in it replaced."""
        for name, pseudonym in self._by_text:
            value = value.replace(name, pseudonym)
        return value

    def id(self, ident: str) -> str:
        """The id an export shows for a dataset id (unchanged unless pseudonymised)."""
        return self.ids.get(ident, ident)

    def iri(self, value: str) -> str:
        """An instance IRI with the pseudonymised ids in its path replaced."""
        if not self.ids or not value.startswith(self.base + "/"):
            return value
        rest = value[len(self.base) + 1:]
        kind, _, local = rest.partition("/")
        if not local or kind not in ("actor", "membership", "cooperation"):
            return value
        local, hash_, fragment = local.partition("#")
        parts = local.split("--")
        for i, part in enumerate(parts):
            numbered = re.fullmatch(r"(.+)-(\d+)", part)
            if part in self.ids:
                parts[i] = self.ids[part]
            elif numbered and i == len(parts) - 1 and len(parts) > 1 and numbered[1] in self.ids:
                parts[i] = f"{self.ids[numbered[1]]}-{numbered[2]}"
        return f"{self.base}/{kind}/{'--'.join(parts)}{hash_}{fragment}"


def pseudonyms_for(store: Store, info: DatasetInfo) -> Pseudonyms:
    """The pseudonyms of one dataset's migrant organisations and religious communities."""
    rows = queries.run(store, "export_pseudonymised", graph=queries.node(info.graph))
    actors = {
        r["actor"]: (r.get("id") or r["actor"].rsplit("/", 1)[-1], r.get("name", ""), r["kind"])
        for r in rows if r["kind"] in PSEUDONYMISED_KINDS
    }
    return Pseudonyms(actors, info.base)


@dataclass
class ExportJob:
    """Everything a format writer needs: the store, what to export and how."""

    store: Store
    fmt: Format
    datasets: list[DatasetInfo]
    include_private: bool = False
    pseudonymise: bool = False
    endpoint: str = DEFAULT_ENDPOINT
    as_of: str | None = None
    field_id: str | None = None
    progress: Progress | None = None
    _pseudonyms: dict[str, Pseudonyms] = field(default_factory=dict)

    def step(self, what: str, done: int = 0, total: int | None = None) -> None:
        """Report progress, if anybody listens."""
        if self.progress is not None:
            self.progress(what, done, total)

    def pseudonyms(self, info: DatasetInfo) -> Pseudonyms:
        """The pseudonyms of a dataset (empty unless ``pseudonymise`` is set)."""
        if info.graph not in self._pseudonyms:
            self._pseudonyms[info.graph] = (
                pseudonyms_for(self.store, info) if self.pseudonymise else Pseudonyms({}, info.base)
            )
        return self._pseudonyms[info.graph]


def _writer(fmt: Format) -> Callable[[ExportJob, BinaryIO], None]:
    if fmt.family == "rdf":
        from .export_rdf import write_rdf

        return write_rdf
    if fmt.family == "network":
        from .export_network import write_network

        return write_network
    from .export_tables import write_tables

    return write_tables


def make_job(store: Store, fmt: str, *, dataset: str | None = None, include_private: bool = False,
             pseudonymise: bool = False, endpoint: str = DEFAULT_ENDPOINT, as_of: str | None = None,
             field: str | None = None, progress: Progress | None = None) -> ExportJob:
    """Check the parameters of an export and collect what it covers."""
    if fmt not in FORMATS:
        raise InvalidInput(
            [Problem(f"unknown export format {fmt!r}", column="format", value=fmt,
                     expected=", ".join(FORMATS), code="bad_format")],
            f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}",
        )
    if as_of is not None and not re.fullmatch(r"\d{4}(-\d{2}-\d{2})?", as_of):
        raise InvalidInput(
            [Problem("the reference date must be YYYY-MM-DD or YYYY", column="as_of", value=as_of,
                     expected="YYYY-MM-DD", code="bad_date")],
            f"bad reference date {as_of!r}: use YYYY-MM-DD",
        )
    chosen = datasets(store, dataset)
    if not chosen:
        raise NotFound("the store holds no dataset: run `integraph import` first")
    return ExportJob(store, FORMATS[fmt], chosen, include_private=include_private,
                     pseudonymise=pseudonymise, endpoint=endpoint, as_of=as_of, field_id=field,
                     progress=progress)


def export(store: Store, fmt: str, out: BinaryIO | Path, *, dataset: str | None = None,
           include_private: bool = False, pseudonymise: bool = False,
           endpoint: str = DEFAULT_ENDPOINT, as_of: str | None = None, field: str | None = None,
           progress: Progress | None = None) -> str:
    """Write the export in format ``fmt`` to a binary file object or a path; returns ``fmt``.

    ``dataset`` limits the export to one dataset (default: all). Raises
    :class:`~graph.errors.NotFound` for an unknown dataset and
    :class:`~graph.errors.InvalidInput` for an unknown format. A file is only
    written once the export succeeded, so a failed export never leaves half a
    file behind.
    """
    job = make_job(store, fmt, dataset=dataset, include_private=include_private,
                   pseudonymise=pseudonymise, endpoint=endpoint, as_of=as_of, field=field,
                   progress=progress)
    write = _writer(job.fmt)
    if isinstance(out, str | Path):
        path = Path(out)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        try:
            with partial.open("wb") as fh:
                write(job, fh)
            partial.replace(path)
        finally:
            partial.unlink(missing_ok=True)
    else:
        write(job, out)
    return fmt


def export_stream(store: Store, fmt: str, *, dataset: str | None = None,
                  include_private: bool = False, pseudonymise: bool = False,
                  endpoint: str = DEFAULT_ENDPOINT, as_of: str | None = None,
                  field: str | None = None, chunk_size: int = CHUNK) -> Iterator[bytes]:
    """The export as an iterator of byte chunks, for a streaming HTTP response.

    The export runs when this function is *called* (errors raise here, before
    any byte is sent); the iterator then reads it back from a spooled
    temporary file, which stays in memory up to 8 MB and goes to disk beyond.

    Examples:
        >>> from graph.store import open_store
        >>> from graph.importer import import_dataset, FIXTURE
        >>> store = open_store("memory:")
        >>> _ = import_dataset(store, FIXTURE)
        >>> chunks = export_stream(store, "turtle", chunk_size=1024)
        >>> b"".join(chunks).startswith(b"@prefix")
        True
    """
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - closed below
    try:
        export(store, fmt, spool, dataset=dataset, include_private=include_private,  # type: ignore[arg-type]
               pseudonymise=pseudonymise, endpoint=endpoint, as_of=as_of, field=field)
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    return _chunks(spool, chunk_size)


def _chunks(spool: IO[bytes], size: int) -> Iterator[bytes]:
    with spool:
        while chunk := spool.read(size):
            yield chunk


def file_name(fmt: str, dataset: str | None = None) -> str:
    """A download file name for an export.

    Examples:
        >>> file_name("turtle", "wetzlar"), file_name("csv")
        ('integraph-wetzlar.ttl', 'integraph.zip')
    """
    stem = f"integraph-{dataset}" if dataset else "integraph"
    return f"{stem}.{FORMATS[fmt].extension}"
