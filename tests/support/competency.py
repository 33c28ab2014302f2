"""What the competency questions (``tests/data/test_competency_*.py``) ask about: the IRIs of
the things the press release of 6 November 2023 names, and helpers that ask the real build for
the values of a property, a count, an English label, and the graphs that hold a triple."""

from __future__ import annotations

import re

import pyoxigraph as ox

from malang_kg.engine import Term
from malang_kg.engine.service import QueryService
from tests.conftest import ID, PREFIXES, source_file

GRAPH = "https://w3id.org/malang-kg/graph/"
INFERRED = GRAPH + "inferred"
PRESS_RELEASE_GRAPH = GRAPH + "data/press-release-2023-11-06"
AREAS_GRAPH = GRAPH + "data/areas"
ORG = "http://www.w3.org/ns/org#"
SCHEMA = "https://schema.org/"

DISKOMINFO_MALANG = ID + "organization/diskominfo-kota-malang"
DISKOMINFO_JATIM = ID + "organization/diskominfo-provinsi-jawa-timur"
MINISTRY = ID + "organization/kementerian-komunikasi-dan-informatika"
PEMKOT_MALANG = ID + "organization/pemerintah-kota-malang"
KIM_KOTA_MALANG = ID + "organization/kim-kota-malang"
KIM_SAMAAN = ID + "organization/kim-samaan"
KIM_TUNJUNGSEKAR = ID + "organization/kim-lestari-tunjungsekar"
WAHYU = ID + "person/wahyu-hidayat"
WIDIANTO = ID + "person/muhammad-nur-widianto"
KOTA_MALANG = ID + "city/malang"
JAWA_TIMUR = ID + "province/jawa-timur"
INDONESIA = ID + "country/indonesia"
AMH = ID + "event/amh-2023"
JPRA = ID + "event/jpra-2023"
APW = ID + "event/apw-2023"
KIM_HACKATHON = ID + "event/kim-hackathon-2023"
ASSEMBLY = ID + "event/apel-pagi-2023-11-06"
BALAI_KOTA = ID + "place/balai-kota-malang"
GELARAN_MALANG = ID + "work/gelaran-malang"
KAYUTANGAN_CAMPAIGN = ID + "work/kayutangan-heritage-campaign"
KAYUTANGAN = ID + "place/kayutangan-heritage"
UMKM_OF_THE_WEEK = ID + "programme/umkm-of-the-week"
REGENCY_CITY_LEVEL = ID + "award-level/diskominfo-kabupaten-kota"
SOURCE_TEXT = ("press-release-2023-11-06.en.txt",)


def text(term: Term) -> str:
    """The lexical value of an IRI or literal (the string form of anything else)."""
    return term.value


def objects(engine: QueryService, subject: str, predicate: str) -> set[str]:
    """The values of ``<subject> predicate ?o`` (predicate as a prefixed name or ``<iri>``)."""
    query = f"{PREFIXES}\nSELECT DISTINCT ?o WHERE {{ <{subject}> {predicate} ?o }}"
    return {text(row["o"]) for row in engine.select(query).rows}


def count(engine: QueryService, pattern: str) -> int:
    """How many distinct ``?x`` match the graph pattern."""
    query = f"{PREFIXES}\nSELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {pattern} }}"
    return int(text(engine.select(query).rows[0]["n"]))


def graphs_holding(store: ox.Store, subject: str, predicate: str, obj: str) -> set[str]:
    """The names of the graphs that hold the triple ``<subject> <predicate> <obj>``."""
    quads = store.quads_for_pattern(
        ox.NamedNode(subject), ox.NamedNode(predicate), ox.NamedNode(obj)
    )
    return {q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else "" for q in quads}


def en_label(engine: QueryService, concept: str) -> set[str]:
    query = f"""{PREFIXES}
    SELECT ?label WHERE {{ <{concept}> skos:prefLabel ?label FILTER(LANG(?label) = "en") }}"""
    return {text(row["label"]) for row in engine.select(query).rows}


def source_quotations() -> set[str]:
    """Every passage of direct speech in the source, without the comma that closes it."""
    source = source_file(*SOURCE_TEXT).read_text(encoding="utf-8")
    return {quote.rstrip(",") for quote in re.findall(r'"([^"]+)"', source)}
