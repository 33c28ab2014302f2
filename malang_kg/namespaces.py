"""Every namespace the project uses, defined once.

The project's own IRIs are minted under one base (``CANONICAL_BASE``). Files in ``ontology/``
and ``data/`` are written with it; a build rewrites them to the configured base
(``MALANG_KG_BASE_IRI``).
"""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SH, SKOS, VOID, XSD

CANONICAL_BASE = "https://w3id.org/malang-kg/"

MK = Namespace(CANONICAL_BASE + "ontology#")
ID = Namespace(CANONICAL_BASE + "id/")
GRAPH = Namespace(CANONICAL_BASE + "graph/")

ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
OA = Namespace("http://www.w3.org/ns/oa#")
WD = Namespace("http://www.wikidata.org/entity/")

# Prefixes bound when the project serialises RDF, so every output reads the same way.
PREFIXES: dict[str, str] = {
    "mk": str(MK),
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

# Vocabularies whose own terms the reasoner must not describe: entailments about them are trivia.
BUILTIN_NAMESPACES: tuple[str, ...] = (str(RDF), str(RDFS), str(OWL), str(XSD))

__all__ = [
    "BUILTIN_NAMESPACES",
    "CANONICAL_BASE",
    "DCAT",
    "DCTERMS",
    "FOAF",
    "GRAPH",
    "ID",
    "MK",
    "OA",
    "ORG",
    "OWL",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "SCHEMA",
    "SH",
    "SKOS",
    "VOID",
    "WD",
    "XSD",
]
