"""The SHACL shapes catch what they promise, and name the file and node of each problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from malang_kg.pipeline.sources import discover
from malang_kg.pipeline.validate import Report, validate
from tests.conftest import ARTICLE, BASE, ID, MK, ROOT

PREFIXES = f"""\
@prefix mk: <{MK}> .
@prefix id: <{ID}> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix schema: <https://schema.org/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix org: <http://www.w3.org/ns/org#> .
"""


def _validate_with(tmp_path: Path, turtle: str) -> tuple[Report, str]:
    extra = tmp_path / "extra"
    extra.mkdir()
    path = extra / "case.ttl"
    path.write_text(PREFIXES + turtle, encoding="utf-8")
    return validate(discover(ROOT, BASE, extra)), str(path)


def test_the_real_data_conforms() -> None:
    report = validate(discover(ROOT, BASE))
    assert report.conforms, report.render()


CASES = {
    "quote not verbatim": (
        f"""<{ID}sentence/invented> a mk:Sentence ;
               oa:hasSource <{ARTICLE}> ;
               oa:hasSelector [ a oa:TextQuoteSelector ;
                                oa:exact "KIM Samaan won first place." ] .""",
        f"<{ID}sentence/invented>",
        "is not verbatim in the text of its source: KIM Samaan won first place.",
    ),
    "fact from the article without a sentence": (
        f"""<{ID}work/untraced> a mk:Video ; skos:prefLabel "x"@id , "x"@en ;
               prov:wasDerivedFrom <{ARTICLE}> ; mk:evidence <{ID}sentence/2023-11-06-p2-s1> .
            <{ID}programme/untraced> a mk:Programme ; skos:prefLabel "y"@id , "y"@en ;
               prov:wasDerivedFrom <{ARTICLE}> .""",
        f"<{ID}programme/untraced>",
        "cites none of its sentences",
    ),
    "kelurahan code outside its kecamatan": (
        f"""<{ID}kelurahan/invented> a mk:Kelurahan ; skos:prefLabel "Invented"@id , "Invented"@en ;
               skos:notation "35.73.01.1099"^^mk:KemendagriCode , "3573030099"^^mk:BpsCode ;
               schema:containedInPlace <{ID}kecamatan/klojen> ;
               prov:wasDerivedFrom <{ID}source/kota-malang-wilayah> .""",
        f"<{ID}kelurahan/invented>",
        "the Kemendagri code 35.73.01.1099",
    ),
    "kelurahan without a BPS code": (
        f"""<{ID}kelurahan/nobps> a mk:Kelurahan ; skos:prefLabel "No BPS"@id , "No BPS"@en ;
               skos:notation "35.73.02.1099"^^mk:KemendagriCode , "3573030099" ;
               schema:containedInPlace <{ID}kecamatan/klojen> ;
               prov:wasDerivedFrom <{ID}source/kota-malang-wilayah> .""",
        f"<{ID}kelurahan/nobps>",
        "a kelurahan has one BPS code NNNNNNNNNN",
    ),
    "award conferred by a body that did not organise it": (
        f"""<{ID}award/wrong-body> a mk:Award ; skos:prefLabel "x"@id , "x"@en ;
               mk:atEvent <{ID}event/amh-2023> ;
               mk:conferredBy <{ID}organization/diskominfo-provinsi-jawa-timur> ;
               mk:category <{ID}award-category/website> ; mk:rank 2 ;
               mk:placing <{ID}award-rank/2> ; mk:year "2023"^^xsd:gYear ;
               mk:recipient <{ID}organization/kim-samaan> ;
               mk:evidence <{ID}sentence/2023-11-06-p2-s1> ; prov:wasDerivedFrom <{ARTICLE}> .""",
        f"<{ID}award/wrong-body>",
        "is conferred by a body that does not organise its competition",
    ),
    "rank disagreeing with its placing": (
        f"""<{ID}award/wrong-rank> a mk:Award ; skos:prefLabel "x"@id , "x"@en ;
               mk:atEvent <{ID}event/amh-2023> ;
               mk:conferredBy <{ID}organization/kementerian-komunikasi-dan-informatika> ;
               mk:category <{ID}award-category/website> ; mk:rank 2 ;
               mk:placing <{ID}award-rank/3> ; mk:year "2023"^^xsd:gYear ;
               mk:recipient <{ID}organization/kim-samaan> ;
               mk:evidence <{ID}sentence/2023-11-06-p2-s1> ; prov:wasDerivedFrom <{ARTICLE}> .""",
        f"<{ID}award/wrong-rank>",
        "rank disagrees with the notation of its placing",
    ),
    "KIM in two kelurahan": (
        f"""<{ID}organization/kim-samaan> mk:basedIn <{ID}kelurahan/kauman> .""",
        f"<{ID}organization/kim-samaan>",
        "a KIM is based in one kelurahan",
    ),
    "annotation of a statement the data does not make": (
        f"""[] a owl:Axiom ; owl:annotatedSource <{ID}organization/kim-samaan> ;
               owl:annotatedProperty mk:basedIn ; owl:annotatedTarget <{ID}kelurahan/bareng> ;
               mk:confidence <{ID}confidence/low> ;
               prov:wasDerivedFrom <{ID}source/background-notes> .""",
        "a blank node",
        "annotates a statement that the data does not make",
    ),
    "post without an organisation": (
        f"""<{ID}post/floating> a mk:Post ; skos:prefLabel "x"@id , "x"@en ;
               mk:evidence <{ID}sentence/2023-11-06-p1-s1> ; prov:wasDerivedFrom <{ARTICLE}> .""",
        f"<{ID}post/floating>",
        "a post needs org:postIn or mk:headPostIn",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_violation_names_file_node_and_reason(tmp_path: Path, case: str) -> None:
    turtle, node, message = CASES[case]
    report, path = _validate_with(tmp_path, turtle)
    assert not report.conforms
    matching = [
        v
        for v in report.violations
        if message in v.message or any(message in detail for detail in v.details)
    ]
    assert matching, report.render()
    violation = matching[0]
    assert path in violation.files, violation.render()
    assert node in violation.focus or node in violation.value, violation.render()
