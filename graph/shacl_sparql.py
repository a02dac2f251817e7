"""SHACL validation as SPARQL on Oxigraph: each constraint becomes one query over all focus nodes.

Why not pySHACL alone: it walks the data node by node through rdflib and
takes ~30 s for the 3,000-actor landscape (~120k triples), and a
30,000-actor import did not finish under 6 GB. pyrudof (Rust) ignores the
SHACL-SPARQL parts of our shapes and still needed 56 s and 11 GB at 30,000.
Evaluated as set-at-a-time SPARQL on an in-memory pyoxigraph store, the
same shapes take a fraction of that, because each constraint is one join
over every focus node instead of one graph walk per node.

The compiler covers the SHACL Core components and SHACL-SPARQL features
the shapes use (and a few more of the same kind); anything else in a shapes
graph raises :class:`UnsupportedShape` at compile time rather than being
skipped silently. pySHACL stays available as the reference engine
(``engine="pyshacl"`` in :mod:`graph.validation`), and a differential test
checks that both engines find the same violations.

Semantics follow the SHACL recommendation: "instance of C" means
``rdf:type/rdfs:subClassOf*`` in the data graph (the ontology is loaded
next to the data, as pySHACL's ``ont_graph`` does); value nodes are
distinct; an expression that raises a SPARQL error counts as not
conforming. SPARQL-based constraints run once without ``$this`` bound and
are then restricted to the focus nodes of their shape, which equals
pre-binding for queries that start from ``$this`` (all of ours do).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pyoxigraph as ox
import rdflib
from rdflib import RDF, BNode, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH, XSD

from .ntriples import TripleBuffer

RDFS_SUBCLASS = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"
RDF_TYPE = f"<{RDF.type}>"

#: Datatypes whose lexical forms Oxigraph checks with a cast (ill-formed literals then violate sh:datatype).
CASTABLE = {
    XSD[t]
    for t in (
        "boolean",
        "integer",
        "decimal",
        "float",
        "double",
        "date",
        "dateTime",
        "time",
        "gYear",
        "gYearMonth",
        "duration",
    )
}

#: Components that have nothing to check or are handled with their parent.
IGNORED = {
    SH.message,
    SH.severity,
    SH.name,
    SH.description,
    SH.order,
    SH.group,
    SH.defaultValue,
    SH.deactivated,
    SH.path,
    SH.property,
    SH.targetClass,
    SH.targetNode,
    SH.targetSubjectsOf,
    SH.targetObjectsOf,
    SH.target,
    SH.sparql,
    SH.qualifiedMinCount,
    SH.qualifiedMaxCount,
    SH.qualifiedValueShapesDisjoint,
    SH.flags,
    RDF.type,
}


#: Constraints on each value node, evaluated by :meth:`_Compiler.ok` (also inside sh:or/and/xone/not/node).
VALUE_LEVEL = frozenset({
    SH["class"], SH.datatype, SH.nodeKind, SH["in"], SH.languageIn, SH.pattern, SH.minInclusive,
    SH.maxInclusive, SH.minExclusive, SH.maxExclusive, SH.minLength, SH.maxLength, SH["or"], SH["and"],
    SH.xone, SH["not"], SH.node,
})


class UnsupportedShape(ValueError):
    """A shapes graph uses a SHACL feature this engine does not evaluate (use pySHACL for it)."""


@dataclass(frozen=True)
class Violation:
    """One validation result, in the terms of a SHACL report."""

    focus: str
    path: str | None  # the IRI when the path is one predicate
    value: str | None
    message: str
    severity: str  # "Violation", "Warning" or "Info"
    component: str


@dataclass
class _Check:
    """One compiled query and how to read its rows."""

    query: str
    message: str
    severity: str
    component: str
    path: str | None
    focus_filter: str | None = None  # node shape whose focus nodes the rows are restricted to
    template: bool = False  # message has {?var} placeholders filled from the row


@dataclass
class CompiledShapes:
    """The checks of a shapes graph, ready to run on any number of data graphs."""

    prefixes: str
    checks: list[_Check] = field(default_factory=list)
    focus_queries: dict[str, str] = field(default_factory=dict)

    def validate(self, store: ox.Store, workers: int | None = None) -> list[Violation]:
        """Run every check on ``store`` (data and ontology in its default graph).

        The queries are independent and pyoxigraph releases the GIL while it evaluates, so they run in
        a thread pool (2.3× faster on 2 cores); the rows are read back in check order, so the result
        does not depend on scheduling.
        """

        def run(query: str) -> tuple[list[str], list[ox.QuerySolution]]:
            rows = store.query(query)
            assert isinstance(rows, ox.QuerySolutions)
            return [v.value for v in rows.variables], list(rows)

        filtered = sorted({c.focus_filter for c in self.checks if c.focus_filter is not None})
        queries = [c.query for c in self.checks] + [self.focus_queries[f] for f in filtered]
        with ThreadPoolExecutor(max_workers=workers or min(4, os.cpu_count() or 1)) as pool:
            answers = list(pool.map(run, queries))
        focus_sets = {
            f: {_text(r["this"]) for r in answers[len(self.checks) + i][1]} for i, f in enumerate(filtered)
        }
        out: list[Violation] = []
        for check, (names, rows) in zip(self.checks, answers, strict=False):
            allowed = None if check.focus_filter is None else focus_sets[check.focus_filter]
            for row in rows:
                focus = _text(row["this"])
                if allowed is not None and focus not in allowed:
                    continue
                message = (
                    _fill(check.message, {n: row[n] for n in names}) if check.template else check.message
                )
                path = check.path
                if "path" in names and isinstance(row["path"], ox.NamedNode):
                    path = row["path"].value
                value = row["value"] if "value" in names else None
                component = _text(row["component"]) if "component" in names else check.component
                out.append(
                    Violation(
                        focus,
                        path,
                        None if value is None else _text(value),
                        message,
                        check.severity,
                        component,
                    )
                )
        return sorted(set(out), key=lambda v: (v.focus, v.path or "", v.component, v.value or ""))


def _text(term: object) -> str:
    return term.value if isinstance(term, (ox.NamedNode, ox.Literal, ox.BlankNode)) else str(term)


def _fill(template: str, row: dict[str, object]) -> str:
    def sub(m: re.Match[str]) -> str:
        value = row.get(m.group(1))
        return m.group(0) if value is None else _text(value)

    return re.sub(r"\{[?$](\w+)\}", sub, template)


def _n3(term: rdflib.term.Node) -> str:
    if isinstance(term, BNode):
        raise UnsupportedShape(f"a blank node ({term}) where a constant is needed")
    return term.n3()


class _Compiler:
    """Turns a shapes graph into :class:`CompiledShapes`."""

    def __init__(self, shapes: rdflib.Graph) -> None:
        self.g = shapes
        self._fresh = 0
        self.out = CompiledShapes(prefixes=self._prefixes())

    # -- helpers -------------------------------------------------------------

    def _prefixes(self) -> str:
        decls = {}
        for decl in self.g.objects(None, SH.declare):
            prefix, ns = self.g.value(decl, SH.prefix), self.g.value(decl, SH.namespace)
            if prefix is not None and ns is not None:
                decls[str(prefix)] = str(ns)
        return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(decls.items()))

    def _list(self, node: rdflib.term.Node) -> list[rdflib.term.Node]:
        return list(Collection(self.g, node))  # type: ignore[arg-type]

    def _message(self, *nodes: rdflib.term.Node) -> str | None:
        for node in nodes:
            messages = list(self.g.objects(node, SH.message))
            if messages:
                english = [m for m in messages if isinstance(m, Literal) and m.language == "en"]
                plain = [m for m in messages if isinstance(m, Literal) and not m.language]
                return str((english or plain or messages)[0])
        return None

    def _severity(self, shape: rdflib.term.Node) -> str:
        sev = self.g.value(shape, SH.severity)
        return str(sev).rsplit("#", 1)[-1] if sev is not None else "Violation"

    def path(self, node: rdflib.term.Node) -> str:
        """A SHACL property path as a SPARQL property path."""
        if isinstance(node, URIRef):
            return f"<{node}>"
        if (node, RDF.first, None) in self.g:
            return "(" + "/".join(self.path(p) for p in self._list(node)) + ")"
        for pred, fmt in (
            (SH.inversePath, "^{}"),
            (SH.zeroOrMorePath, "{}*"),
            (SH.oneOrMorePath, "{}+"),
            (SH.zeroOrOnePath, "{}?"),
        ):
            inner = self.g.value(node, pred)
            if inner is not None:
                return "(" + fmt.format(self.path(inner)) + ")"
        alt = self.g.value(node, SH.alternativePath)
        if alt is not None:
            return "(" + "|".join(self.path(p) for p in self._list(alt)) + ")"
        raise UnsupportedShape(f"unknown property path {node}")

    def triples(self, subject: str, node: rdflib.term.Node, obj: str) -> str:
        """``subject PATH obj`` as triple patterns: a sequence of plain and inverse steps becomes a join
        over fresh variables (Oxigraph plans those far better than a sequence path inside
        ``FILTER NOT EXISTS``: 40 s against 0.3 s at 30,000 actors), anything else a property path."""
        steps = self._list(node) if (node, RDF.first, None) in self.g else [node]
        simple: list[tuple[rdflib.term.Node, bool]] = []
        for step in steps:
            inverse = self.g.value(step, SH.inversePath)
            if isinstance(step, URIRef):
                simple.append((step, False))
            elif isinstance(inverse, URIRef):
                simple.append((inverse, True))
            else:
                return f"{subject} {self.path(node)} {obj} ."
        out, current = [], subject
        for i, (pred, backwards) in enumerate(simple):
            self._fresh += 1
            nxt = obj if i == len(simple) - 1 else f"?_step{self._fresh}"
            out.append(f"{nxt} <{pred}> {current} ." if backwards else f"{current} <{pred}> {nxt} .")
            current = nxt
        return " ".join(out)

    def focus(self, shape: rdflib.term.Node) -> str | None:
        """A group graph pattern binding ``?this`` to the focus nodes of ``shape`` (None: no targets)."""
        branches = []
        for cls in self.g.objects(shape, SH.targetClass):
            branches.append(f"?this {RDF_TYPE}/{RDFS_SUBCLASS}* {_n3(cls)} .")
        if (shape, RDF.type, rdflib.RDFS.Class) in self.g:
            branches.append(f"?this {RDF_TYPE}/{RDFS_SUBCLASS}* {_n3(shape)} .")
        for node in self.g.objects(shape, SH.targetNode):
            branches.append(f"VALUES ?this {{ {_n3(node)} }}")
        for pred in self.g.objects(shape, SH.targetSubjectsOf):
            branches.append(f"SELECT DISTINCT ?this WHERE {{ ?this {_n3(pred)} [] }}")
        for pred in self.g.objects(shape, SH.targetObjectsOf):
            branches.append(f"SELECT DISTINCT ?this WHERE {{ [] {_n3(pred)} ?this }}")
        for target in self.g.objects(shape, SH.target):
            select = self.g.value(target, SH.select)
            if select is None:
                raise UnsupportedShape(f"target {target} of {shape} is not a sh:SPARQLTarget with sh:select")
            branches.append(_strip_prologue(str(select)))
        if not branches:
            return None
        return " UNION ".join("{ " + b + " }" for b in branches)

    # -- value-level constraints ----------------------------------------------

    def ok(
        self, shape: rdflib.term.Node, var: str = "?value", skip_class: bool = False
    ) -> list[tuple[str, str]]:
        """(component, boolean SPARQL expression) for each value-level constraint of ``shape`` on ``var``."""
        exprs = []
        g = self.g
        for cls in [] if skip_class else g.objects(shape, SH["class"]):
            exprs.append(
                ("ClassConstraintComponent", f"EXISTS {{ {var} {RDF_TYPE}/{RDFS_SUBCLASS}* {_n3(cls)} }}")
            )
        for dt in g.objects(shape, SH.datatype):
            test = f"isLiteral({var}) && DATATYPE({var}) = {_n3(dt)}"
            if dt in CASTABLE:
                test += f" && isLiteral(COALESCE({_n3(dt)}(STR({var})), <urn:x-ill-formed>))"
            exprs.append(("DatatypeConstraintComponent", test))
        for kind in g.objects(shape, SH.nodeKind):
            tests: dict[rdflib.term.Node, str] = {
                SH.IRI: "isIRI({v})",
                SH.Literal: "isLiteral({v})",
                SH.BlankNode: "isBlank({v})",
                SH.BlankNodeOrIRI: "(isBlank({v}) || isIRI({v}))",
                SH.BlankNodeOrLiteral: "(isBlank({v}) || isLiteral({v}))",
                SH.IRIOrLiteral: "(isIRI({v}) || isLiteral({v}))",
            }
            if kind not in tests:
                raise UnsupportedShape(f"sh:nodeKind {kind}")
            exprs.append(("NodeKindConstraintComponent", tests[kind].format(v=var)))
        for values in g.objects(shape, SH["in"]):
            members = self._list(values)
            test = " || ".join(f"sameTerm({var}, {_n3(m)})" for m in members) or "false"
            exprs.append(("InConstraintComponent", test))
        for langs in g.objects(shape, SH.languageIn):
            tags = self._list(langs)
            test = " || ".join(f"langMatches(LANG({var}), {Literal(str(t)).n3()})" for t in tags) or "false"
            exprs.append(("LanguageInConstraintComponent", f"isLiteral({var}) && ({test})"))
        for pattern in g.objects(shape, SH.pattern):
            flags = g.value(shape, SH.flags)
            args = Literal(str(pattern)).n3() + ("" if flags is None else ", " + Literal(str(flags)).n3())
            exprs.append(("PatternConstraintComponent", f"!isBlank({var}) && REGEX(STR({var}), {args})"))
        for pred, op, comp in (
            (SH.minInclusive, ">=", "MinInclusive"),
            (SH.maxInclusive, "<=", "MaxInclusive"),
            (SH.minExclusive, ">", "MinExclusive"),
            (SH.maxExclusive, "<", "MaxExclusive"),
        ):
            for bound in g.objects(shape, pred):
                exprs.append((f"{comp}ConstraintComponent", f"{var} {op} {_n3(bound)}"))
        for pred, op, comp in ((SH.minLength, ">=", "MinLength"), (SH.maxLength, "<=", "MaxLength")):
            for bound in g.objects(shape, pred):
                test = f"!isBlank({var}) && STRLEN(STR({var})) {op} {_int(bound)}"
                exprs.append((f"{comp}ConstraintComponent", test))
        for listed in g.objects(shape, SH["or"]):
            parts = [self.conforms(m, var) for m in self._list(listed)]
            exprs.append(("OrConstraintComponent", " || ".join(parts) or "false"))
        for listed in g.objects(shape, SH["and"]):
            parts = [self.conforms(m, var) for m in self._list(listed)]
            exprs.append(("AndConstraintComponent", " && ".join(parts) or "true"))
        for listed in g.objects(shape, SH.xone):
            parts = [f"IF({self.conforms(m, var)}, 1, 0)" for m in self._list(listed)]
            exprs.append(("XoneConstraintComponent", "(" + " + ".join(parts or ["0"]) + ") = 1"))
        for inner in g.objects(shape, SH["not"]):
            exprs.append(("NotConstraintComponent", f"!({self.conforms(inner, var)})"))
        for inner in g.objects(shape, SH.node):
            exprs.append(("NodeConstraintComponent", self.conforms(inner, var)))
        return [(comp, f"COALESCE({expr}, false)") for comp, expr in exprs]

    def conforms(self, shape: rdflib.term.Node, var: str) -> str:
        """One boolean expression: does the node in ``var`` conform to ``shape`` (value-level only)."""
        known = VALUE_LEVEL | {SH.flags, SH.message, SH.severity, SH.name, SH.description, RDF.type}
        extra = {p for p in self.g.predicates(shape, None) if p not in known}
        if extra:
            raise UnsupportedShape(
                f"shape {shape} used in sh:or/sh:and/sh:xone/sh:not/sh:node has "
                f"{', '.join(sorted(map(str, extra)))}"
            )
        parts = [expr for _, expr in self.ok(shape, var)]
        return "(" + (" && ".join(parts) or "true") + ")"

    # -- shapes ------------------------------------------------------------------

    def compile(self) -> CompiledShapes:
        node_shapes = {
            s
            for p in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
            for s in self.g.subjects(p, None)
        }
        node_shapes |= {
            s for s in self.g.subjects(RDF.type, SH.NodeShape) if (s, RDF.type, rdflib.RDFS.Class) in self.g
        }
        for shape in sorted(node_shapes, key=str):
            if self.g.value(shape, SH.deactivated) == Literal(True):
                continue
            focus = self.focus(shape)
            assert focus is not None
            self.out.focus_queries[str(shape)] = (
                self.out.prefixes + f"SELECT DISTINCT ?this WHERE {{ {focus} }}"
            )
            self._node_constraints(shape, focus)
            for prop in self.g.objects(shape, SH.property):
                if self.g.value(prop, SH.deactivated) != Literal(True):
                    self._property(shape, prop, focus)
        return self.out

    def _add(
        self,
        body: str,
        select: str,
        shape: rdflib.term.Node,
        component: str,
        message: str | None,
        path: str | None,
        default: str,
    ) -> None:
        query = f"{self.out.prefixes}SELECT {select} WHERE {{ {body} }}"
        self.out.checks.append(_Check(query, message or default, self._severity(shape), component, path))

    def _node_constraints(self, shape: rdflib.term.Node, focus: str) -> None:
        self._check_known(shape, node=True)
        message = self._message(shape)
        for comp, expr in self.ok(shape, "?this"):
            self._add(
                f"{{ {focus} }} FILTER(!({expr}))",
                "DISTINCT ?this (?this AS ?value)",
                shape,
                comp,
                message,
                None,
                f"The focus node does not conform ({comp})",
            )
        for constraint in self.g.objects(shape, SH.sparql):
            select = self.g.value(constraint, SH.select)
            if select is None:
                raise UnsupportedShape(f"SPARQL constraint {constraint} of {shape} has no sh:select")
            text = str(select)
            if re.search(r"[$?](shapesGraph|currentShape|PATH)\b", text):
                raise UnsupportedShape(
                    f"SPARQL constraint {constraint} uses $shapesGraph, $currentShape or $PATH"
                )
            query = self.out.prefixes + _strip_prologue(text)
            msg = self._message(constraint, shape) or "SPARQL constraint violated"
            self.out.checks.append(
                _Check(
                    query,
                    msg,
                    self._severity(constraint),
                    "SPARQLConstraintComponent",
                    None,
                    focus_filter=str(shape),
                    template=True,
                )
            )

    def _check_known(self, shape: rdflib.term.Node, node: bool) -> None:
        focus_level = {
            SH.minCount,
            SH.maxCount,
            SH.uniqueLang,
            SH.equals,
            SH.disjoint,
            SH.hasValue,
            SH.qualifiedValueShape,
        }
        known = IGNORED | VALUE_LEVEL | (set() if node else focus_level)
        for pred in self.g.predicates(shape, None):
            if str(pred).startswith(str(SH)) and pred not in known:
                raise UnsupportedShape(f"{pred} on {shape} is not supported by the Oxigraph SHACL engine")

    def _property(self, shape: rdflib.term.Node, prop: rdflib.term.Node, focus: str) -> None:
        self._check_known(prop, node=False)
        g = self.g
        path_node = g.value(prop, SH.path)
        if path_node is None:
            raise UnsupportedShape(f"property shape {prop} has no sh:path")
        path = self.path(path_node)
        column = str(path_node) if isinstance(path_node, URIRef) else None
        message = self._message(prop)
        sev_shape = prop

        def walk(obj: str) -> str:
            return self.triples("?this", path_node, obj)

        values = f"{{ {focus} }} {walk('?value')}"

        def add(body: str, select: str, comp: str, default: str) -> None:
            self._add(body, select, sev_shape, comp, message, column, default)

        for cls in g.objects(prop, SH["class"]):
            # as an anti-join: the instances of the class are found once, not probed per value
            add(
                f"{values} MINUS {{ ?value {RDF_TYPE}/{RDFS_SUBCLASS}* {_n3(cls)} }}",
                "DISTINCT ?this ?value",
                "ClassConstraintComponent",
                f"A value of {column or path} is not an instance of {cls}",
            )
        for comp, expr in self.ok(prop, skip_class=True):
            add(
                f"{values} FILTER(!({expr}))",
                "DISTINCT ?this ?value",
                comp,
                f"A value of {column or path} does not conform ({comp})",
            )
        min_count, max_count = g.value(prop, SH.minCount), g.value(prop, SH.maxCount)
        if min_count is not None or max_count is not None:
            # one grouped count per property shape serves both bounds; the rows say which one failed
            low = -1 if min_count is None else _int(min_count)
            high = -1 if max_count is None else _int(max_count)
            having = " || ".join(
                ([f"?n < {low}"] if min_count is not None else [])
                + ([f"?n > {high}"] if max_count is not None else [])
            )
            self.out.checks.append(
                _Check(
                    f"{self.out.prefixes}SELECT ?this ?component WHERE {{ "
                    f"{{ SELECT ?this (COUNT(DISTINCT ?v) AS ?n) "
                    f"WHERE {{ {{ {focus} }} OPTIONAL {{ {walk('?v')} }} }} "
                    f"GROUP BY ?this }} FILTER({having}) "
                    f'BIND(IF(?n < {low}, "MinCountConstraintComponent", "MaxCountConstraintComponent") '
                    f"AS ?component) }}",
                    message or f"{column or path}: between {low} and {high} values expected",
                    self._severity(prop),
                    "MinCountConstraintComponent",
                    column,
                )
            )
        qualified = g.value(prop, SH.qualifiedValueShape)
        if qualified is not None:
            if g.value(prop, SH.qualifiedValueShapesDisjoint) == Literal(True):
                raise UnsupportedShape(f"sh:qualifiedValueShapesDisjoint on {prop}")
            ok = self.conforms(qualified, "?v")
            for pred, op, comp in (
                (SH.qualifiedMinCount, "<", "QualifiedMinCountConstraintComponent"),
                (SH.qualifiedMaxCount, ">", "QualifiedMaxCountConstraintComponent"),
            ):
                bound = g.value(prop, pred)
                if bound is not None:
                    add(
                        f"{{ {focus} }} OPTIONAL {{ {walk('?v')} FILTER({ok}) }}",
                        "?this",
                        comp,
                        f"Qualified value count of {column or path} {op} {_int(bound)}",
                    )
                    self.out.checks[
                        -1
                    ].query += f" GROUP BY ?this HAVING(COUNT(DISTINCT ?v) {op} {_int(bound)})"
        if g.value(prop, SH.uniqueLang) == Literal(True):
            add(
                f'{values} {walk("?other")} FILTER(isLiteral(?value) && LANG(?value) != "" '
                f"&& LCASE(LANG(?value)) = LCASE(LANG(?other)) && !sameTerm(?value, ?other))",
                "DISTINCT ?this",
                "UniqueLangConstraintComponent",
                f"More than one value of {column or path} per language",
            )
        for other in g.objects(prop, SH.equals):
            # anti-joins (MINUS) rather than FILTER NOT EXISTS: each side is computed once
            add(
                f"{{ {values} MINUS {{ ?this {_n3(other)} ?value }} }} UNION "
                f"{{ {{ {focus} }} ?this {_n3(other)} ?value MINUS {{ {walk('?value')} }} }}",
                "DISTINCT ?this ?value",
                "EqualsConstraintComponent",
                f"Values of {column or path} and {other} differ",
            )
        for other in g.objects(prop, SH.disjoint):
            add(
                f"{values} ?this {_n3(other)} ?value .",
                "DISTINCT ?this ?value",
                "DisjointConstraintComponent",
                f"Values of {column or path} and {other} overlap",
            )
        for required in g.objects(prop, SH.hasValue):
            add(
                f"{{ {focus} }} FILTER NOT EXISTS {{ {walk(_n3(required))} }}",
                "DISTINCT ?this",
                "HasValueConstraintComponent",
                f"{column or path} lacks the value {required}",
            )


def _strip_prologue(query: str) -> str:
    """The query without PREFIX/BASE lines (the compiled prologue declares the prefixes)."""
    return re.sub(r"^\s*(PREFIX\s+\S*\s*<[^>]*>|BASE\s*<[^>]*>)\s*", "", query.strip(), flags=re.IGNORECASE)


def compile_shapes(shapes: rdflib.Graph) -> CompiledShapes:
    """Compile a SHACL shapes graph (raises :class:`UnsupportedShape` for what it cannot evaluate)."""
    return _Compiler(shapes).compile()


def load(store: ox.Store, triples: Iterable[ox.Triple] | bytes) -> None:
    """Put ``triples`` (or their N-Triples) into the default graph of ``store``.

    N-Triples bytes, and a :class:`~graph.ntriples.TripleBuffer`, are parsed in Rust, several times
    faster than handing over a million Python objects.
    """
    if isinstance(triples, TripleBuffer):
        if triples:
            store.bulk_load(triples.reader(), format=ox.RdfFormat.N_TRIPLES)
        return
    if isinstance(triples, bytes):
        if triples:
            store.bulk_load(triples, format=ox.RdfFormat.N_TRIPLES)
        return
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)


def violations(
    compiled: CompiledShapes, data: Iterable[ox.Triple] | bytes, ontology: Iterable[ox.Triple]
) -> list[Violation]:
    """Validate ``data`` (with the ontology's class hierarchy) in a fresh in-memory store."""
    store = ox.Store()
    load(store, data)
    load(store, ontology)
    return compiled.validate(store)


def iter_queries(compiled: CompiledShapes) -> Iterator[str]:
    """Every query text (for debugging and for the syntax test)."""
    yield from compiled.focus_queries.values()
    for check in compiled.checks:
        yield check.query


def _int(node: rdflib.term.Node) -> int:
    return int(str(node))
