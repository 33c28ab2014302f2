"""The shapes compiled to SPARQL find what pyshacl finds, on the real data and on broken data.

pyshacl (``validate_reference``) is the reference. Both validators run on the same parsed
sources; their results compare by file, focus node, constraint component, path, value and, where
the shapes give one, message (pyshacl's own default messages are worded differently).
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pyshacl
import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import SH

from malang_kg.config import Settings
from malang_kg.pipeline.dumps import DOWNLOADS_DIR
from malang_kg.pipeline.sources import BuildError, Sources, discover, parse_turtle
from malang_kg.pipeline.validate import Report, Violation, validate, validate_reference
from malang_kg.store.builds import Manifest, current_build_dir
from synthetic import generate
from tests.conftest import BASE, ROOT
from tests.pipeline.test_build import BROKEN_AWARD
from tests.pipeline.test_shapes import CASES, PREFIXES

# Compares with pyshacl over whole graphs: minutes, so in the slow tier.
pytestmark = pytest.mark.slow

Key = tuple[tuple[str, ...], str, str, str, str, str, tuple[str, ...]]


def _keys(report: Report, explicit: set[str]) -> list[Key]:
    def message(text: str, violation: Violation) -> str:
        return text if text in explicit or violation.constraint.startswith("SPARQL") else ""

    return sorted(
        (
            v.files,
            v.focus,
            v.constraint,
            v.path,
            v.value,
            message(v.message, v),
            tuple(sorted(d for d in v.details if d in explicit)),
        )
        for v in report.violations
    )


def assert_same_results(sources: Sources) -> Report:
    explicit = {str(m) for m in sources.shapes_graph.objects(None, SH.message)}
    compiled = validate(sources)
    reference = validate_reference(sources)
    assert compiled.conforms == reference.conforms
    assert _keys(compiled, explicit) == _keys(reference, explicit)
    return compiled


def test_the_real_data_conforms_for_both() -> None:
    assert assert_same_results(discover(ROOT, BASE)).conforms


@pytest.mark.parametrize("case", sorted(CASES))
def test_same_results_on_the_broken_cases(tmp_path: Path, case: str) -> None:
    (tmp_path / "case.ttl").write_text(PREFIXES + CASES[case][0], encoding="utf-8")
    assert not assert_same_results(discover(ROOT, BASE, tmp_path)).conforms


def test_same_results_on_the_broken_award(tmp_path: Path) -> None:
    (tmp_path / "broken.ttl").write_text(BROKEN_AWARD, encoding="utf-8")
    report = assert_same_results(discover(ROOT, BASE, tmp_path))
    assert {v.constraint for v in report.violations} >= {
        "MaxInclusiveConstraintComponent",
        "QualifiedMinCountConstraintComponent",
        "NodeConstraintComponent",
        "SPARQLConstraintComponent",
    }


# Edits of one synthetic release file, each breaking a different constraint.
MUTATIONS = [
    ("mk:rank 3 ;", 'mk:rank "3" ;'),  # datatype, and the rank no longer equals the placing
    ("mk:rank 2 ;", "mk:rank 0 ;"),  # minInclusive
    ('"Best I"@en ;', '"Best I"@en , "Best one"@en ;'),  # maxCount of rankTitle
    ('(synthetic)"@en ;\n    mk:atEvent', '(synthetic)"@en , "again"@en ;\n    mk:atEvent'),
    ('(sintetis)"@id ;\n    skos:prefLabel "Head', '(sintetis)"@ms ;\n    skos:prefLabel "Head'),
    ('mk:year "2024"^^xsd:gYear', 'mk:year "2024"^^xsd:integer'),  # datatype
    ('mk:attestedOn "2024-01-01"^^xsd:date', 'mk:attestedOn "2024-02-30"^^xsd:date'),  # ill-typed
    (  # nodeKind
        "schema:url <https://synthetic.invalid/malang-kg/000001>",
        'schema:url "https://synthetic.invalid/malang-kg/000001" , <ftp://synthetic.invalid/x>',
    ),
    ("mk:category category:", "mk:category rank:1 , category:"),  # class, maxCount
    ("mk:headPostIn so:", "org:memberOf so:"),  # alternative path minCount
    ("mk:recipient so:kim-", "mk:recipient level:diskominfo-kabupaten-kota , so:kim-"),  # sh:or
    ("mk:value 10 ;", 'mk:value "ten" ;'),  # sh:or of datatypes
    ("mk:approximate false", 'mk:approximate "no"'),
    ("mk:confidence confidence:medium-high", 'mk:confidence "medium-high"'),  # class of a literal
    ('oa:exact "At the Synthetic', 'oa:exact "", "At the Synthetic'),  # minLength, maxCount
    ("handed over the awards won by groups", "handed over the prizes won by groups"),  # verbatim
    (  # an award without its sentence
        "mk:evidence ss:000001-2 ;\n    prov:wasDerivedFrom sa:000001 .\n\nsaw:",
        "prov:wasDerivedFrom sa:000001 .\n\nsaw:",
    ),
    ("mk:organizer so:agency-", "mk:organizer so:kim-network , so:agency-"),
]


def test_same_results_on_mutated_synthetic_data(tmp_path: Path) -> None:
    out = tmp_path / "synthetic"
    generate(out, 2500, seed=11)
    release = out / "synthetic-releases-00001.ttl"
    text = release.read_text(encoding="utf-8")
    for old, new in MUTATIONS:
        assert old in text, old
        text = text.replace(old, new, 1)
    release.write_text(text, encoding="utf-8")
    report = assert_same_results(discover(ROOT, BASE, out))
    assert len({(v.focus, v.constraint) for v in report.violations}) >= 15, report.render()


def test_valid_synthetic_data_conforms_for_both(tmp_path: Path) -> None:
    generate(tmp_path / "synthetic", 4000, seed=12)
    assert assert_same_results(discover(ROOT, BASE, tmp_path / "synthetic")).conforms


def test_a_shape_beyond_the_compiler_asks_for_pyshacl(tmp_path: Path) -> None:
    shapes = parse_turtle(ROOT / "ontology" / "shapes.ttl", BASE)
    dummy = URIRef("https://example.org/DummyShape")
    shapes.add((dummy, SH.targetClass, dummy))
    shapes.add((dummy, SH.closed, Literal(True)))
    sources = discover(ROOT, BASE)
    sources.shapes_graph = shapes
    with pytest.raises(BuildError, match=r"sh:closed.*MALANG_KG_BUILD_ENGINE=reference"):
        validate(sources)


@pytest.mark.parametrize("inference", ["none", "rdfs"])
def test_pyshacl_finds_the_served_graph_conforms(
    built: tuple[Settings, Manifest], inference: str
) -> None:
    """The published shapes hold on what is served: the union of every graph of the N-Quads
    dump (the data, the ontology and the inferences), also with RDFS inference on top."""
    dump = current_build_dir(built[0].store) / DOWNLOADS_DIR / "malang-kg.nq.gz"
    dataset = Dataset()
    dataset.parse(data=gzip.decompress(dump.read_bytes()), format="nquads")
    union = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        union.add((s, p, o))
    assert len(union) == built[1].triples
    shapes = Graph().parse(ROOT / "ontology" / "shapes.ttl")
    conforms, _, text = pyshacl.validate(
        union, shacl_graph=shapes, inference=inference, advanced=True
    )
    assert conforms, text[:3000]
