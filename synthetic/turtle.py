"""Writing synthetic Turtle, and the material the synthetic entities are made of.

``Turtle`` writes subject blocks and counts their triples as it goes, so the generator can stop
near its target without parsing anything; with it come the prefixes, the literal helpers, the
vocabulary of the releases (names, award categories, rank titles, topics) and the loading of the
real kelurahan of ``data/areas.ttl`` that the synthetic places lie in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyoxigraph as ox

from malang_kg.iris import CANONICAL, PREFIXES

SYNTHETIC = CANONICAL.entity("synthetic/")
KINDS = {
    "sa": "article",
    "ss": "sentence",
    "so": "organization",
    "sp": "person",
    "spo": "post",
    "se": "event",
    "saw": "award",
    "sw": "work",
    "spl": "place",
    "sc": "claim",
    "sq": "quotation",
    "ssrc": "source",
}
CONCEPTS = {
    "category": "award-category",
    "rank": "award-rank",
    "level": "award-level",
    "measure": "measure",
    "confidence": "confidence",
    "city": "city",
}
CATEGORIES = {
    "audiovisual-media": "Audiovisual Media",
    "website": "Website",
    "public-communication-campaign-program": "Public Communication Campaign Program",
    "creative-video": "Creative Video",
    "social-media": "Social Media",
    "videographic": "Videographic",
    "overall": "Overall",
}
RANK_TITLES = (
    {1: "Best I", 2: "Best II", 3: "Best III"},
    {1: "first place", 2: "second place", 3: "third place"},
)
GIVEN = (
    "Adi",
    "Bayu",
    "Citra",
    "Dewi",
    "Eka",
    "Fajar",
    "Gita",
    "Hadi",
    "Indah",
    "Joko",
    "Kartika",
    "Lestari",
    "Made",
    "Nur",
    "Putri",
    "Rizky",
    "Sari",
    "Teguh",
    "Wulan",
    "Yusuf",
)
FAMILY = (
    "Pratama",
    "Santoso",
    "Wibowo",
    "Hidayati",
    "Kusuma",
    "Saputra",
    "Rahayu",
    "Nugroho",
    "Setiawan",
    "Wijaya",
    "Handoko",
    "Permata",
)
TOPICS = (
    "digital literacy",
    "local potential",
    "public information",
    "small businesses",
    "village tourism",
    "clean environment",
    "community media",
    "disaster preparedness",
)
EPOCH = date(2024, 1, 1)


@dataclass(frozen=True)
class Kelurahan:
    iri: str
    name: str
    slug: str


@dataclass(frozen=True)
class Org:
    term: str
    name: str  # English name without the "(synthetic)" mark, as the sentences write it


def esc(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")


def lit(text: str, lang: str | None = None) -> str:
    return f'"{esc(text)}"' + (f"@{lang}" if lang else "")


def typed(lexical: str, datatype: str) -> str:
    return f'"{lexical}"^^xsd:{datatype}'


def labels(name_id: str, name_en: str) -> list[tuple[str, str]]:
    """The bilingual skos:prefLabel pair, each marked as synthetic."""
    return [
        ("skos:prefLabel", lit(f"{name_id} (sintetis)", "id")),
        ("skos:prefLabel", lit(f"{name_en} (synthetic)", "en")),
    ]


class Turtle:
    """Writes subject blocks and counts the triples written."""

    def __init__(self) -> None:
        self.blocks: list[str] = []
        self.triples = 0

    def entity(
        self, subject: str, types: Sequence[str], pairs: Sequence[tuple[str, str]], nested: int = 0
    ) -> None:
        """One subject block; ``nested`` counts the triples of blank nodes written inline."""
        lines = [f"    a {', '.join(types)}"] if types else []
        lines += [f"    {predicate} {obj}" for predicate, obj in pairs]
        self.blocks.append(f"{subject}\n" + " ;\n".join(lines) + " .\n")
        self.triples += len(types) + len(pairs) + nested

    def text(self, header: str) -> str:
        prefixes = {
            **{
                p: PREFIXES[p]
                for p in ("mk", "org", "schema", "oa", "skos", "prov", "owl", "rdfs", "xsd")
            },
            **{p: f"{SYNTHETIC}{kind}/" for p, kind in KINDS.items()},
            **{p: CANONICAL.entity(f"{kind}/") for p, kind in CONCEPTS.items()},
        }
        head = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in prefixes.items())
        return f"# {header}\n{head}\n" + "\n".join(self.blocks)


def load_kelurahan(home: Path) -> list[Kelurahan]:
    """The real 57 kelurahan (IRI and Indonesian name) of ``data/areas.ttl``."""
    store = ox.Store()
    store.load(path=home / "data" / "areas.ttl", format=ox.RdfFormat.TURTLE)
    rows = store.query(
        f"""PREFIX mk: <{PREFIXES["mk"]}> PREFIX skos: <{PREFIXES["skos"]}>
        SELECT ?k ?name WHERE {{ ?k a mk:Kelurahan ; skos:prefLabel ?name
                                 FILTER (LANG(?name) = "id") }} ORDER BY ?k"""
    )
    found = []
    assert isinstance(rows, ox.QuerySolutions)
    for row in rows:
        iri, name = row[0], row[1]
        assert isinstance(iri, ox.NamedNode) and isinstance(name, ox.Literal)
        found.append(Kelurahan(iri.value, name.value, iri.value.rsplit("/", 1)[-1]))
    return found
