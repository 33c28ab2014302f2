"""Where this app serves our IRIs: ``{BASE}id/x`` is the page ``/page/x`` (and ``/id/x``,
``/data/x``), the ontology ``{BASE}ontology#T`` is ``/ontology#T``. The base IRI maps to whatever
origin serves the app. Only paths that ``valid_path`` accepts are ever served or linked, so no
IRI in the data, and no request, can make a link or a redirect to another host."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from malang_kg.namespaces import PREFIXES as PROJECT_PREFIXES

_SEGMENT = r"[\w~-][\w.~-]*"
_PATH = re.compile(rf"{_SEGMENT}(?:/{_SEGMENT})*")
_FRAGMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
MAX_PATH = 512


def valid_path(path: str) -> bool:
    """A path we serve: segments of word characters, ``.``, ``~`` and ``-``, none empty and none
    starting with a dot (so no ``..``), joined by single slashes; never a scheme or a host."""
    return len(path) <= MAX_PATH and _PATH.fullmatch(path) is not None


def anchor(iri: str, prefix: str = "") -> str:
    """An HTML id made from the last segment of an IRI (letters, digits, ``-`` and ``_``)."""
    tail = re.split(r"[/#]", iri.rstrip("/#"))[-1]
    return prefix + (re.sub(r"[^A-Za-z0-9_-]+", "-", tail).strip("-") or "x")


@dataclass(frozen=True)
class Site:
    """Maps IRIs to this app's paths: ``{BASE}id/x`` is served at ``/page/x``, the ontology
    ``{BASE}ontology#T`` at ``/ontology#T``. ``lang_param`` is carried on local links when the
    reader chose a language with ``?lang=``."""

    base: str
    lang_param: str | None = None

    @property
    def entity_prefix(self) -> str:
        return self.base + "id/"

    @property
    def ontology(self) -> str:
        return self.base + "ontology"

    @property
    def mk(self) -> str:
        return self.ontology + "#"

    @property
    def inferred_graph(self) -> str:
        return self.base + "graph/inferred"

    @property
    def prefixes(self) -> dict[str, str]:
        return {**PROJECT_PREFIXES, "mk": self.mk}

    def iri(self, path: str) -> str:
        return self.entity_prefix + path

    def path(self, iri: str) -> str | None:
        if not iri.startswith(self.entity_prefix):
            return None
        rest = iri[len(self.entity_prefix) :]
        return rest if valid_path(rest) else None

    def query_suffix(self) -> str:
        return f"?lang={self.lang_param}" if self.lang_param else ""

    def page(self, path: str, fragment: str = "") -> str:
        return f"/page/{quote(path, safe='/~')}{self.query_suffix()}{fragment}"

    def href(self, iri: str) -> tuple[str | None, bool]:
        """(link, external) for an IRI: local for ours, the IRI itself for other http(s) IRIs,
        no link at all for anything else (``javascript:``, ``data:``, ``urn:``, ...)."""
        path = self.path(iri)
        if path is not None:
            return self.page(path), False
        if iri == self.ontology or iri == self.mk:
            return "/ontology" + self.query_suffix(), False
        if iri.startswith(self.mk):
            name = iri[len(self.mk) :]
            if _FRAGMENT.fullmatch(name):
                return f"/ontology{self.query_suffix()}#{name}", False
            return None, False
        if iri.startswith(self.base):
            return None, False  # graphs and shapes: not pages of their own
        return (iri, True) if is_web_iri(iri) else (None, False)

    def short(self, iri: str) -> str:
        for prefix, namespace in self.prefixes.items():
            if iri.startswith(namespace) and len(iri) > len(namespace):
                return f"{prefix}:{iri[len(namespace) :]}"
        return iri


def is_web_iri(iri: str) -> bool:
    try:
        parts = urlsplit(iri)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def prefix_block(site: Site) -> str:
    """PREFIX declarations for the pages' queries (the configured base, never request data)."""
    names = ("mk", "org", "schema", "oa", "skos", "prov", "owl", "rdf", "rdfs", "xsd", "dct")
    return "".join(f"PREFIX {name}: <{site.prefixes[name]}>\n" for name in names)
