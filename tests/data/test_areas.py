"""The area data: generated from the reference CSV, every code right, labels and links as agreed."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import SKOS

from malang_kg.iris import MK, SCHEMA, WD
from malang_kg.pipeline.areas import SPELLING_VARIANTS, area_iri, build_graph, read_rows
from tests.conftest import ID, ROOT, source_file

CSV = ("reference", "kota-malang-wilayah.csv")


@pytest.fixture(scope="module")
def areas() -> Graph:
    return Graph().parse(ROOT / "data" / "areas.ttl")


def test_committed_file_is_the_generator_output(areas: Graph) -> None:
    assert isomorphic(areas, build_graph(source_file(*CSV)))


def test_counts() -> None:
    levels = [row.level for row in read_rows(source_file(*CSV))]
    assert levels.count("kota") == 1
    assert levels.count("kecamatan") == 5
    assert levels.count("kelurahan") == 57


def _notations(graph: Graph, node: URIRef) -> dict[str, str]:
    return {
        str(n.datatype): str(n)
        for n in graph.objects(node, SKOS.notation)
        if isinstance(n, Literal) and n.datatype
    }


def test_every_code_matches_the_csv(areas: Graph) -> None:
    rows = read_rows(source_file(*CSV))
    bps_by_kemendagri = {row.kemendagri_code: row.bps_code for row in rows}
    for row in rows:
        node = area_iri(row)
        assert _notations(areas, node) == {
            str(MK.KemendagriCode): row.kemendagri_code,
            str(MK.BpsCode): row.bps_code,
        }, row
        parent = areas.value(node, SCHEMA.containedInPlace)
        assert isinstance(parent, URIRef)
        parent_codes = _notations(areas, parent)
        assert parent_codes[str(MK.KemendagriCode)] == row.parent_kemendagri_code
        if row.parent_kemendagri_code in bps_by_kemendagri:
            assert parent_codes[str(MK.BpsCode)] == bps_by_kemendagri[row.parent_kemendagri_code]


def test_kecamatan_numbering_differs_between_schemes(areas: Graph) -> None:
    """The trap of SOURCES.md: Kemendagri 35.73.01 is Blimbing, BPS 3573010 is Kedungkandang."""
    blimbing = URIRef(ID + "kecamatan/blimbing")
    assert _notations(areas, blimbing) == {
        str(MK.KemendagriCode): "35.73.01",
        str(MK.BpsCode): "3573040",
    }
    kedungkandang = URIRef(ID + "kecamatan/kedungkandang")
    assert _notations(areas, kedungkandang)[str(MK.BpsCode)] == "3573010"


@pytest.mark.parametrize(("preferred", "variants"), sorted(SPELLING_VARIANTS.items()))
def test_spelling_variants_are_alternative_labels(
    areas: Graph, preferred: str, variants: tuple[str, ...]
) -> None:
    nodes = list(areas.subjects(SKOS.prefLabel, Literal(preferred, lang="id")))
    assert len(nodes) == 1, preferred
    alternatives = {str(label) for label in areas.objects(nodes[0], SKOS.altLabel)}
    assert set(variants) <= alternatives


def test_every_area_has_both_labels(areas: Graph) -> None:
    for cls in (MK.City, MK.Kecamatan, MK.Kelurahan, MK.Province, MK.Country):
        for node in areas.subjects(None, cls):
            languages = {
                label.language
                for label in areas.objects(node, SKOS.prefLabel)
                if isinstance(label, Literal)
            }
            assert languages == {"id", "en"}, node


def test_wikidata_links(areas: Graph) -> None:
    assert (URIRef(ID + "country/indonesia"), SKOS.exactMatch, WD.Q252) in areas
    assert (URIRef(ID + "province/jawa-timur"), SKOS.exactMatch, WD.Q3586) in areas
    assert (URIRef(ID + "city/malang"), SKOS.exactMatch, WD.Q11445) in areas
    assert not list(areas.subjects(None, WD.Q11095)), "Q11095 is Kabupaten Malang, never the city"


def test_bmkg_forecast_uses_the_kemendagri_code(areas: Graph) -> None:
    tunjungsekar = URIRef(ID + "kelurahan/tunjungsekar")
    assert areas.value(tunjungsekar, MK.weatherForecast) == URIRef(
        "https://api.bmkg.go.id/publik/prakiraan-cuaca?adm4=35.73.05.1008"
    )


def test_generator_script_writes_the_same_file(tmp_path: Path) -> None:
    from scripts.generate_areas import main

    out = tmp_path / "areas.ttl"
    assert main([str(source_file(*CSV)), str(out)]) == 0
    assert isomorphic(Graph().parse(out), Graph().parse(ROOT / "data" / "areas.ttl"))
