"""Generate ``data/areas.ttl`` from the reference CSV of Kota Malang's administrative areas.

The CSV (``sources/reference/kota-malang-wilayah.csv``) lists the city, its 5 kecamatan and 57
kelurahan with Kemendagri and BPS codes. Its traps are documented in
``sources/reference/SOURCES.md``: the two code schemes number kecamatan differently (so each code
keeps its own datatype and neither is ever derived from the other) and names are spelled in several
ways (kept as ``skos:altLabel``).

Run ``make areas`` (or ``python scripts/generate_areas.py``) and commit the output.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef

from malang_kg.iris import DCTERMS, ID, MK, OWL, PREFIXES, PROV, RDF, RDFS, SCHEMA, SKOS, WD

SOURCE = ID["source/kota-malang-wilayah"]
BMKG_FORECAST = "https://api.bmkg.go.id/publik/prakiraan-cuaca?adm4={code}"

# Spelling variants seen across sources (sources/reference/SOURCES.md); the CSV spelling is
# preferred.
SPELLING_VARIANTS: dict[str, tuple[str, ...]] = {
    "Rampalcelaket": ("Rampal Celaket",),
    "Gading Kasri": ("Gadingkasri",),
    "Kiduldalem": ("Kidul Dalem",),
    "Oro-oro Dowo": ("Oro Oro Dowo",),
    "Tasik Madu": ("Tasikmadu",),
    "Bakalankrajan": ("Bakalan Krajan",),
    "Pisangcandi": ("Pisang Candi",),
    "Karangbesuki": ("Karang Besuki",),
}

LEVEL_CLASS = {"kota": MK.City, "kecamatan": MK.Kecamatan, "kelurahan": MK.Kelurahan}
LEVEL_KIND = {"kota": "city", "kecamatan": "kecamatan", "kelurahan": "kelurahan"}

INDONESIA = ID["country/indonesia"]
EAST_JAVA = ID["province/jawa-timur"]
EAST_JAVA_KEMENDAGRI = "35"
MEDIUM = ID["confidence/medium"]


@dataclass(frozen=True)
class AreaRow:
    level: str
    kemendagri_code: str
    bps_code: str
    name: str
    parent_kemendagri_code: str


def read_rows(csv_path: Path) -> list[AreaRow]:
    with csv_path.open(newline="", encoding="utf-8") as handle:
        rows = [AreaRow(**row) for row in csv.DictReader(handle)]
    unknown = {row.level for row in rows} - set(LEVEL_CLASS)
    if unknown:
        raise ValueError(f"{csv_path}: unknown level(s) {sorted(unknown)}")
    return rows


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def area_iri(row: AreaRow) -> URIRef:
    name = "malang" if row.level == "kota" else row.name
    return ID[f"{LEVEL_KIND[row.level]}/{slug(name)}"]


def _labels(graph: Graph, node: URIRef, id_label: str, en_label: str) -> None:
    graph.add((node, SKOS.prefLabel, Literal(id_label, lang="id")))
    graph.add((node, SKOS.prefLabel, Literal(en_label, lang="en")))


def _annotate(
    graph: Graph, triple: tuple[URIRef, URIRef, URIRef], confidence: URIRef, note: str
) -> None:
    """Say how sure we are of one statement, as an OWL 2 axiom annotation."""
    axiom = BNode()
    graph.add((axiom, RDF.type, OWL.Axiom))
    graph.add((axiom, OWL.annotatedSource, triple[0]))
    graph.add((axiom, OWL.annotatedProperty, triple[1]))
    graph.add((axiom, OWL.annotatedTarget, triple[2]))
    graph.add((axiom, MK.confidence, confidence))
    graph.add((axiom, PROV.wasDerivedFrom, SOURCE))
    graph.add((axiom, RDFS.comment, Literal(note, lang="en")))


def _source_document(graph: Graph) -> None:
    graph.add((SOURCE, RDF.type, MK.ReferenceDocument))
    _labels(
        graph,
        SOURCE,
        "Wilayah administratif Kota Malang (kota-malang-wilayah.csv)",
        "Kota Malang administrative areas (kota-malang-wilayah.csv)",
    )
    graph.add(
        (
            SOURCE,
            DCTERMS.description,
            Literal(
                "Kota Malang, its 5 kecamatan and 57 kelurahan with Kemendagri codes, BPS codes "
                "and parent codes; with SOURCES.md, which records where the codes come from, the "
                "spelling variants of names, and the Wikidata identifiers.",
                lang="en",
            ),
        )
    )
    for upstream in (
        "Kemendagri codes: public dataset cahyadsn/wilayah (db/wilayah.sql, Kepmendagri "
        "300.2.2-2138/2025; archive db/archive/wilayah_2023.sql, Kepmendagri "
        "100.1.1-6117/2022).",
        "BPS codes, edition 2018H1: public dataset kodewilayah/explorer "
        "(data/bps/bps-to-dagri.tsv).",
    ):
        graph.add((SOURCE, DCTERMS.source, Literal(upstream, lang="en")))


def _higher_areas(graph: Graph) -> None:
    graph.add((INDONESIA, RDF.type, MK.Country))
    _labels(graph, INDONESIA, "Indonesia", "Indonesia")
    graph.add((INDONESIA, SKOS.altLabel, Literal("Republik Indonesia", lang="id")))
    graph.add((INDONESIA, SKOS.altLabel, Literal("Republic of Indonesia", lang="en")))
    graph.add((INDONESIA, SKOS.exactMatch, WD.Q252))
    graph.add((INDONESIA, PROV.wasDerivedFrom, SOURCE))

    graph.add((EAST_JAVA, RDF.type, MK.Province))
    _labels(graph, EAST_JAVA, "Jawa Timur", "East Java")
    graph.add((EAST_JAVA, SKOS.altLabel, Literal("Provinsi Jawa Timur", lang="id")))
    graph.add((EAST_JAVA, SKOS.altLabel, Literal("Jatim", lang="id")))
    graph.add((EAST_JAVA, SKOS.notation, Literal(EAST_JAVA_KEMENDAGRI, datatype=MK.KemendagriCode)))
    graph.add((EAST_JAVA, SCHEMA.containedInPlace, INDONESIA))
    graph.add((EAST_JAVA, SKOS.exactMatch, WD.Q3586))
    graph.add((EAST_JAVA, PROV.wasDerivedFrom, SOURCE))


def _area(graph: Graph, row: AreaRow, parent: URIRef) -> URIRef:
    node = area_iri(row)
    graph.add((node, RDF.type, LEVEL_CLASS[row.level]))
    graph.add((node, SKOS.notation, Literal(row.kemendagri_code, datatype=MK.KemendagriCode)))
    graph.add((node, SKOS.notation, Literal(row.bps_code, datatype=MK.BpsCode)))
    graph.add((node, SCHEMA.containedInPlace, parent))
    graph.add((node, PROV.wasDerivedFrom, SOURCE))
    if row.level == "kota":
        _labels(graph, node, row.name, "Malang City")
        graph.add((node, SKOS.altLabel, Literal("City of Malang", lang="en")))
        link = (node, SKOS.exactMatch, WD.Q11445)
        graph.add(link)
        _annotate(
            graph,
            link,
            MEDIUM,
            "Q11445 is seen in one source only (a 2016 export giving Kemendagri code 35.73). "
            "Q11095 is Kabupaten Malang (code 35.07), the regency around the city: not this area.",
        )
        return node
    _labels(graph, node, row.name, row.name)
    for variant in SPELLING_VARIANTS.get(row.name, ()):
        graph.add((node, SKOS.altLabel, Literal(variant, lang="id")))
        graph.add((node, SKOS.altLabel, Literal(variant, lang="en")))
    if row.level == "kecamatan":
        graph.add((node, SKOS.altLabel, Literal(f"Kecamatan {row.name}", lang="id")))
        graph.add((node, SKOS.altLabel, Literal(f"{row.name} District", lang="en")))
    else:
        graph.add((node, SKOS.altLabel, Literal(f"Kelurahan {row.name}", lang="id")))
        forecast = URIRef(BMKG_FORECAST.format(code=row.kemendagri_code))
        graph.add((node, MK.weatherForecast, forecast))
    return node


def build_graph(csv_path: Path) -> Graph:
    rows = read_rows(csv_path)
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    _source_document(graph)
    _higher_areas(graph)
    by_code: dict[str, URIRef] = {EAST_JAVA_KEMENDAGRI: EAST_JAVA}
    # Parents come before children in the CSV; sort by code depth so the order never matters.
    for row in sorted(rows, key=lambda r: r.kemendagri_code.count(".")):
        parent = by_code.get(row.parent_kemendagri_code)
        if parent is None:
            raise ValueError(
                f"{csv_path}: {row.name} has unknown parent {row.parent_kemendagri_code}"
            )
        by_code[row.kemendagri_code] = _area(graph, row, parent)
    return graph


HEADER = """\
# GENERATED FILE: do not edit. Regenerate with `make areas` from
# sources/reference/kota-malang-wilayah.csv (see malang_kg/build/areas.py).
"""


def write_turtle(graph: Graph, out: Path) -> None:
    out.write_text(HEADER + graph.serialize(format="turtle"), encoding="utf-8")


def default_csv_path(home: Path) -> Path:
    return home / "sources" / "reference" / "kota-malang-wilayah.csv"
