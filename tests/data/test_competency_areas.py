"""Competency questions about places and areas in the press release of 6 November 2023, asked
of the real build (asserted data plus the owlrl inferences): where each KIM is, the coverage
figures, Kayutangan Heritage, and which containments are asserted and which only inferred.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from malang_kg.engine.service import QueryService
from tests.conftest import ID, MK, PREFIXES, Ask
from tests.support.competency import (
    AREAS_GRAPH,
    DISKOMINFO_MALANG,
    INDONESIA,
    INFERRED,
    JAWA_TIMUR,
    KAYUTANGAN,
    KIM_KOTA_MALANG,
    KIM_SAMAAN,
    KIM_TUNJUNGSEKAR,
    KOTA_MALANG,
    PRESS_RELEASE_GRAPH,
    SCHEMA,
    WIDIANTO,
    count,
    graphs_holding,
    objects,
    text,
)

# --------------------------------------------------------------------------------------------
# Where each KIM is, and KIM as partner of Diskominfo
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kim", "kelurahan", "kecamatan"),
    [
        (KIM_SAMAAN, ID + "kelurahan/samaan", ID + "kecamatan/klojen"),
        (KIM_TUNJUNGSEKAR, ID + "kelurahan/tunjungsekar", ID + "kecamatan/lowokwaru"),
    ],
    ids=["KIM-Samaan", "KIM-Lestari-Tunjungsekar"],
)
class TestKimLocation:
    def test_based_in_kelurahan(
        self, ask: Ask, engine: QueryService, kim: str, kelurahan: str, kecamatan: str
    ) -> None:
        """In which kelurahan is the KIM?"""
        assert ask(f"<{kim}> a mk:CommunityInformationGroup")
        assert objects(engine, kim, "mk:basedIn") == {kelurahan}
        assert ask(f"<{kelurahan}> a mk:Kelurahan ; schema:containedInPlace <{kecamatan}>")

    @pytest.mark.parametrize("area", ["kecamatan", "city"])
    def test_operates_within_by_inference(
        self, store: ox.Store, kim: str, kelurahan: str, kecamatan: str, area: str
    ) -> None:
        """The KIM operates within its kecamatan and Kota Malang (basedIn o within)."""
        target = kecamatan if area == "kecamatan" else KOTA_MALANG
        assert graphs_holding(store, kim, MK + "operatesWithin", target) == {INFERRED}


def test_kim_is_partner_of_diskominfo(store: ox.Store) -> None:
    """Asserted one way; mk:partnerOf is symmetric, so the other way is inferred."""
    partner_of = MK + "partnerOf"
    assert graphs_holding(store, KIM_KOTA_MALANG, partner_of, DISKOMINFO_MALANG) == {
        PRESS_RELEASE_GRAPH
    }
    assert graphs_holding(store, DISKOMINFO_MALANG, partner_of, KIM_KOTA_MALANG) == {INFERRED}


def test_kim_is_a_community_group_in_kota_malang(ask: Ask) -> None:
    assert ask(f"<{KIM_KOTA_MALANG}> a mk:CommunityGroup ; mk:basedIn <{KOTA_MALANG}>")


# --------------------------------------------------------------------------------------------
# Coverage figures
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("measure", "value", "approximate", "stated_as"),
    [
        ("kelurahan-with-kim", 40, "true", "40 or so sub-districts"),
        ("kelurahan-count", 57, "false", "57 sub-districts"),
    ],
    ids=["kelurahan-with-kim", "kelurahan-count"],
)
def test_coverage_claim(
    engine: QueryService, measure: str, value: int, approximate: str, stated_as: str
) -> None:
    """What figure did Widianto state on 2023-11-06 for Kota Malang, and was it approximate?"""
    rows = engine.select(
        f"""{PREFIXES}
        SELECT ?value ?approximate ?statedAs ?who WHERE {{
            ?claim a mk:StatisticalClaim ; mk:measure <{ID}measure/{measure}> ;
                mk:asOf "2023-11-06"^^xsd:date ; mk:aboutArea <{KOTA_MALANG}> ;
                mk:value ?value ; mk:approximate ?approximate ; mk:statedAs ?statedAs ;
                mk:statedBy ?who .
        }}"""
    ).rows
    assert [{column: text(term) for column, term in row.items()} for row in rows] == [
        {
            "value": str(value),
            "approximate": approximate,
            "statedAs": stated_as,
            "who": WIDIANTO,
        }
    ]


def test_area_data_has_57_kelurahan_within_kota_malang(engine: QueryService) -> None:
    """57 kelurahan lie within Kota Malang, all by inference (each is asserted in a kecamatan)."""
    assert count(engine, f"?x a mk:Kelurahan ; mk:within <{KOTA_MALANG}>") == 57
    asserted = f"""?x a mk:Kelurahan .
        GRAPH ?g {{ ?x mk:within <{KOTA_MALANG}> }} FILTER(?g != <{INFERRED}>)"""
    assert count(engine, asserted) == 0


# --------------------------------------------------------------------------------------------
# Places
# --------------------------------------------------------------------------------------------


def test_kayutangan_heritage_is_in_kauman(ask: Ask, store: ox.Store) -> None:
    """Kayutangan Heritage lies in kelurahan Kauman (asserted), so in Klojen (inferred)."""
    assert ask(f'<{KAYUTANGAN}> a mk:HeritageArea ; skos:prefLabel "Kayutangan Heritage"@en')
    assert ask(f"<{KAYUTANGAN}> schema:containedInPlace <{ID}kelurahan/kauman>")
    assert graphs_holding(store, KAYUTANGAN, MK + "within", ID + "kecamatan/klojen") == {INFERRED}


# --------------------------------------------------------------------------------------------
# Reasoning
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "area", [KOTA_MALANG, JAWA_TIMUR, INDONESIA], ids=["Kota-Malang", "Jawa-Timur", "Indonesia"]
)
def test_samaan_is_within_by_inference_only(ask: Ask, store: ox.Store, area: str) -> None:
    """mk:within is transitive and schema:containedInPlace a subproperty of it."""
    samaan = ID + "kelurahan/samaan"
    assert ask(f"<{samaan}> mk:within <{area}>")
    assert graphs_holding(store, samaan, MK + "within", area) == {INFERRED}


def test_samaan_is_asserted_only_in_klojen(store: ox.Store) -> None:
    samaan = ID + "kelurahan/samaan"
    klojen = ID + "kecamatan/klojen"
    assert graphs_holding(store, samaan, SCHEMA + "containedInPlace", klojen) == {AREAS_GRAPH}
