"""The one IRI layout: every namespace, where the project mints its IRIs, and the local paths that
serve them.

The project's IRIs live under one base (``CANONICAL_BASE`` in the files of ``ontology/``,
``data/`` and ``queries/``; a build rewrites them to ``MALANG_KG_BASE_IRI``). ``Layout`` says where
entities, the ontology and the named graphs are under a base; ``Links`` maps those IRIs to this
app's paths (``{BASE}id/x`` is the page ``/page/x``). Only paths that ``valid_path`` accepts are
ever served or linked, so no IRI in the data and no request can make a link to another host.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from urllib.parse import quote, urlsplit

from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SH, SKOS, VOID, XSD

CANONICAL_BASE = "https://w3id.org/malang-kg/"

ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
OA = Namespace("http://www.w3.org/ns/oa#")
WD = Namespace("http://www.wikidata.org/entity/")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")

# Vocabularies whose own terms the reasoner must not describe: entailments about them are trivia.
BUILTIN_NAMESPACES: tuple[str, ...] = (str(RDF), str(RDFS), str(OWL), str(XSD))

_SEGMENT = r"[\w~-][\w.~-]*"
_PATH = re.compile(rf"{_SEGMENT}(?:/{_SEGMENT})*")
_FRAGMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
_KIND = re.compile(r"[A-Za-z][A-Za-z0-9-]*")  # a kind of entity, usable as a SPARQL prefix name
LOCAL_NAME = re.compile(r"[A-Za-z0-9_](?:[\w.-]*[\w-])?")  # a local name SPARQL writes as it is
MAX_PATH = 512
# IRIs whose short form and link each process remembers: pages ask for the same few thousand
# (properties, classes, areas) again and again, and both are pure functions of the layout.
MEMOISED = 65_536


@dataclass(frozen=True)
class Layout:
    """Where the project's IRIs are under ``base``: entities at ``{base}id/<path>``, the ontology
    at ``{base}ontology#<Term>``, named graphs at ``{base}graph/<name>``."""

    base: str = CANONICAL_BASE

    @property
    def entity_prefix(self) -> str:
        return self.base + "id/"

    @property
    def ontology(self) -> str:
        return self.base + "ontology"

    @property
    def vocabulary(self) -> str:
        """The namespace of the ontology's terms (prefix ``mk:``)."""
        return self.ontology + "#"

    @property
    def graph_prefix(self) -> str:
        return self.base + "graph/"

    def entity(self, path: str) -> str:
        return self.entity_prefix + path

    def term(self, name: str) -> str:
        return self.vocabulary + name

    def graph(self, name: str) -> str:
        return self.graph_prefix + name

    @property
    def ontology_graph(self) -> str:
        return self.graph("ontology")

    @property
    def inferred_graph(self) -> str:
        return self.graph("inferred")

    @property
    def shapes_graph(self) -> str:
        return self.graph("shapes")

    @property
    def build_graph(self) -> str:
        """The graph in which ``malang-kg publish`` describes the build it loaded into an engine."""
        return self.graph("build")

    def path(self, iri: str) -> str | None:
        """The path of one of our entities (``kelurahan/samaan``), or None for any other IRI."""
        if not iri.startswith(self.entity_prefix):
            return None
        rest = iri[len(self.entity_prefix) :]
        return rest if valid_path(rest) else None

    def rebase(self, iri: str) -> str:
        """An IRI written under ``CANONICAL_BASE``, moved under this base."""
        if iri.startswith(CANONICAL_BASE):
            return self.base + iri[len(CANONICAL_BASE) :]
        return iri

    @cached_property
    def prefixes(self) -> dict[str, str]:
        """Every prefix the project writes RDF and SPARQL with, ``mk:`` under this base."""
        return {
            "mk": self.vocabulary,
            "org": str(ORG),
            "schema": str(SCHEMA),
            "oa": str(OA),
            "wd": str(WD),
            "skos": str(SKOS),
            "dct": str(DCTERMS),
            "prov": str(PROV),
            "foaf": str(FOAF),
            "owl": str(OWL),
            "rdf": str(RDF),
            "rdfs": str(RDFS),
            "xsd": str(XSD),
            "sh": str(SH),
            "void": str(VOID),
            "dcat": str(DCAT),
        }

    def entity_prefixed(self, iri: str) -> tuple[str, str, str] | None:
        """(prefix name, namespace, local name) of one of our entities written with the prefix
        of its kind, ``kelurahan:samaan`` for ``{base}id/kelurahan/samaan``; None when its path
        has no kind or SPARQL cannot write the rest as a local name, or the kind's name is one
        of ``prefixes``."""
        path = self.path(iri)
        if path is None or "/" not in path:
            return None
        kind, local = path.split("/", 1)
        if kind in self.prefixes or not (_KIND.fullmatch(kind) and LOCAL_NAME.fullmatch(local)):
            return None
        return kind, f"{self.entity_prefix}{kind}/", local

    def sparql_prefixes(self, *names: str) -> str:
        """``PREFIX`` declarations for the service's own queries (never from request data)."""
        return "".join(f"PREFIX {name}: <{self.prefixes[name]}>\n" for name in names)

    @lru_cache(maxsize=MEMOISED)  # noqa: B019 (layouts live as long as the app)
    def short(self, iri: str) -> str:
        """``mk:Kelurahan`` for an IRI under a known prefix, else the IRI."""
        for prefix, namespace in self.prefixes.items():
            if iri.startswith(namespace) and len(iri) > len(namespace):
                return f"{prefix}:{iri[len(namespace) :]}"
        return iri


CANONICAL = Layout()
MK = Namespace(CANONICAL.vocabulary)
ID = Namespace(CANONICAL.entity_prefix)
GRAPH = Namespace(CANONICAL.graph_prefix)
PREFIXES: dict[str, str] = CANONICAL.prefixes


def valid_path(path: str) -> bool:
    """A path we serve: segments of word characters, ``.``, ``~`` and ``-``, none empty and none
    starting with a dot (so no ``..``), joined by single slashes; never a scheme or a host."""
    return len(path) <= MAX_PATH and _PATH.fullmatch(path) is not None


def is_web_iri(iri: str) -> bool:
    try:
        parts = urlsplit(iri)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def anchor(iri: str, prefix: str = "") -> str:
    """An HTML id made from the last segment of an IRI (letters, digits, ``-`` and ``_``)."""
    tail = re.split(r"[/#]", iri.rstrip("/#"))[-1]
    return prefix + (re.sub(r"[^A-Za-z0-9_-]+", "-", tail).strip("-") or "x")


def local_path(*parts: str, query: str = "") -> str:
    """An absolute path on this origin from validated parts. It starts with exactly one ``/``
    and holds no backslash, so no client can read it as another host."""
    path = "/" + "/".join(quote(part, safe="/~") for part in parts)
    if path.startswith("//") or "\\" in path or ".." in path.split("/"):
        raise ValueError(f"refusing to build the path {path!r}")
    return path + (f"?{query}" if query else "")


@dataclass(frozen=True)
class Links:
    """This app's links to IRIs: ``{BASE}id/x`` is ``/page/x`` (and ``/id/x``, ``/data/x``), the
    ontology's ``{BASE}ontology#T`` is ``/ontology#T``. ``lang`` is carried on local links when
    the reader chose a language with ``?lang=``."""

    layout: Layout
    lang: str | None = None

    def _suffix(self) -> str:
        return f"?lang={self.lang}" if self.lang else ""

    def page(self, path: str, fragment: str = "") -> str:
        return local_path("page", path) + self._suffix() + fragment

    def entity(self, iri: str, kind: str = "page") -> str | None:
        """``/page/x`` (or ``/id/x``, ``/data/x``) for one of our entities, else None."""
        path = self.layout.path(iri)
        return None if path is None else local_path(kind, path) + self._suffix()

    @lru_cache(maxsize=MEMOISED)  # noqa: B019 (a language's links are equal across requests)
    def href(self, iri: str) -> tuple[str | None, bool]:
        """(link, external) for an IRI: local for ours, the IRI itself for other http(s) IRIs,
        no link at all for anything else (``javascript:``, ``data:``, ``urn:``, ...)."""
        path = self.layout.path(iri)
        if path is not None:
            return self.page(path), False
        vocabulary = self.layout.vocabulary
        if iri in (self.layout.ontology, vocabulary):
            return "/ontology" + self._suffix(), False
        if iri.startswith(vocabulary):
            name = iri[len(vocabulary) :]
            if _FRAGMENT.fullmatch(name):
                return f"/ontology{self._suffix()}#{name}", False
            return None, False
        if iri.startswith(self.layout.base):
            return None, False  # graphs and shapes: not pages of their own
        return (iri, True) if is_web_iri(iri) else (None, False)

    def short(self, iri: str) -> str:
        return self.layout.short(iri)


__all__ = [
    "BUILTIN_NAMESPACES",
    "CANONICAL",
    "CANONICAL_BASE",
    "DCAT",
    "DCTERMS",
    "FOAF",
    "GRAPH",
    "ID",
    "LOCAL_NAME",
    "MAX_PATH",
    "MK",
    "OA",
    "ORG",
    "OWL",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "SCHEMA",
    "SD",
    "SH",
    "SKOS",
    "SPDX",
    "VCARD",
    "VOID",
    "WD",
    "XSD",
    "Layout",
    "Links",
    "anchor",
    "is_web_iri",
    "local_path",
    "valid_path",
]
