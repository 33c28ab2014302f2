"""Competency questions about the awards: every fact the press release of 6 November 2023
states about the seven awards, the competitions that gave them, their handover, the works that
won them and the programme assessed, asked of the real build (asserted data plus the owlrl
inferences).

Each test asks one question and checks the specific answer the release gives. Questions that the
ontology answers by reasoning also check *where* the answer lives: in the inferred graph, and in
no graph of asserted data. (The people and posts, the areas, and the quotations and the article
are the other ``test_competency_*.py`` modules.)
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
import pytest

from malang_kg.engine.service import QueryService
from tests.conftest import ID, MK, PREFIXES, Ask
from tests.support.competency import (
    AMH,
    APW,
    ASSEMBLY,
    BALAI_KOTA,
    DISKOMINFO_JATIM,
    DISKOMINFO_MALANG,
    GELARAN_MALANG,
    INFERRED,
    JPRA,
    KAYUTANGAN,
    KAYUTANGAN_CAMPAIGN,
    KIM_HACKATHON,
    KIM_SAMAAN,
    KIM_TUNJUNGSEKAR,
    MINISTRY,
    PEMKOT_MALANG,
    PRESS_RELEASE_GRAPH,
    REGENCY_CITY_LEVEL,
    UMKM_OF_THE_WEEK,
    WAHYU,
    count,
    en_label,
    graphs_holding,
    objects,
    text,
)

# --------------------------------------------------------------------------------------------
# The seven awards
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AwardFact:
    slug: str
    recipient: str
    competition: str
    conferred_by: str
    category: str  # the English prefLabel of the category concept
    rank: int
    work: str | None
    level: str | None

    @property
    def iri(self) -> str:
        return ID + "award/" + self.slug


AWARDS = [
    AwardFact(
        "amh-2023-audiovisual-media",
        DISKOMINFO_MALANG,
        AMH,
        MINISTRY,
        "Audiovisual Media",
        1,
        GELARAN_MALANG,
        None,
    ),
    AwardFact(
        "jpra-2023-website",
        DISKOMINFO_MALANG,
        JPRA,
        DISKOMINFO_JATIM,
        "Website",
        1,
        None,
        REGENCY_CITY_LEVEL,
    ),
    AwardFact(
        "jpra-2023-public-communication-campaign-program",
        DISKOMINFO_MALANG,
        JPRA,
        DISKOMINFO_JATIM,
        "Public Communication Campaign Program",
        1,
        KAYUTANGAN_CAMPAIGN,
        REGENCY_CITY_LEVEL,
    ),
    AwardFact(
        "jpra-2023-creative-video",
        DISKOMINFO_MALANG,
        JPRA,
        DISKOMINFO_JATIM,
        "Creative Video",
        2,
        None,
        REGENCY_CITY_LEVEL,
    ),
    AwardFact(
        "jpra-2023-social-media",
        DISKOMINFO_MALANG,
        JPRA,
        DISKOMINFO_JATIM,
        "Social Media",
        2,
        None,
        REGENCY_CITY_LEVEL,
    ),
    AwardFact(
        "apw-2023-videographic",
        KIM_TUNJUNGSEKAR,
        APW,
        DISKOMINFO_JATIM,
        "Videographic",
        3,
        None,
        None,
    ),
    AwardFact(
        "kim-hackathon-2023",
        KIM_SAMAAN,
        KIM_HACKATHON,
        DISKOMINFO_JATIM,
        "Overall ranking",
        3,
        None,
        None,
    ),
]
award_cases = pytest.mark.parametrize("award", AWARDS, ids=[a.slug for a in AWARDS])


def test_the_release_names_seven_awards(engine: QueryService) -> None:
    assert count(engine, "?x a mk:Award") == 7
    assert {a.iri for a in AWARDS} == {
        text(row["x"]) for row in engine.select(f"{PREFIXES} SELECT ?x {{ ?x a mk:Award }}").rows
    }


@award_cases
def test_award_recipient(engine: QueryService, award: AwardFact) -> None:
    """Who won the award?"""
    assert objects(engine, award.iri, "mk:recipient") == {award.recipient}


@award_cases
def test_award_competition(engine: QueryService, award: AwardFact) -> None:
    """At which competition was the award won?"""
    assert objects(engine, award.iri, "mk:atEvent") == {award.competition}


@award_cases
def test_award_conferred_by(engine: QueryService, award: AwardFact) -> None:
    """Who conferred the award?"""
    assert objects(engine, award.iri, "mk:conferredBy") == {award.conferred_by}


@award_cases
def test_award_category(engine: QueryService, award: AwardFact) -> None:
    """In which category was the award won?"""
    categories = objects(engine, award.iri, "mk:category")
    assert len(categories) == 1
    assert en_label(engine, categories.pop()) == {award.category}


@award_cases
def test_award_rank(ask: Ask, engine: QueryService, award: AwardFact) -> None:
    """At which rank? (an xsd:integer, and the matching rank concept)"""
    assert objects(engine, award.iri, "mk:rank") == {str(award.rank)}
    assert ask(f"<{award.iri}> mk:rank {award.rank:d}")  # a bare integer is an xsd:integer
    assert objects(engine, award.iri, "mk:placing") == {f"{ID}award-rank/{award.rank}"}


@award_cases
def test_award_year(ask: Ask, engine: QueryService, award: AwardFact) -> None:
    """In which year?"""
    assert objects(engine, award.iri, "mk:year") == {"2023"}
    assert ask(f'<{award.iri}> mk:year "2023"^^xsd:gYear')


@award_cases
def test_award_winning_work(engine: QueryService, award: AwardFact) -> None:
    """Which work won it? Only the AMH and JPRA campaign awards name one."""
    expected = set() if award.work is None else {award.work}
    assert objects(engine, award.iri, "mk:winningWork") == expected


@award_cases
def test_award_level(engine: QueryService, award: AwardFact) -> None:
    """At which level of entrants? Only the four JPRA awards state one."""
    expected = set() if award.level is None else {award.level}
    assert objects(engine, award.iri, "mk:level") == expected


def test_the_level_is_regency_city_diskominfo(engine: QueryService) -> None:
    assert en_label(engine, REGENCY_CITY_LEVEL) == {
        "Regency/City Communication and Information Service level"
    }


@award_cases
def test_recipient_received_award_by_inference(store: ox.Store, award: AwardFact) -> None:
    """mk:received is the inverse of mk:recipient: inferred, never asserted."""
    assert graphs_holding(store, award.iri, MK + "recipient", award.recipient) == {
        PRESS_RELEASE_GRAPH
    }
    assert graphs_holding(store, award.recipient, MK + "received", award.iri) == {INFERRED}


# --------------------------------------------------------------------------------------------
# The competitions
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("competition", "organizer", "label"),
    [
        (AMH, MINISTRY, "Public Relations Media Award 2023"),
        (JPRA, DISKOMINFO_JATIM, "East Java Public Relations Award 2023"),
        (APW, DISKOMINFO_JATIM, "Citizen Journalist Award 2023"),
        (KIM_HACKATHON, DISKOMINFO_JATIM, "KIM Hackathon 2023"),
    ],
    ids=["AMH", "JPRA", "APW", "KIM-Hackathon"],
)
def test_competition_organizer(
    ask: Ask, engine: QueryService, competition: str, organizer: str, label: str
) -> None:
    """Who organised the competition?"""
    assert ask(f"<{competition}> a mk:AwardCompetition")
    assert en_label(engine, competition) == {label}
    assert objects(engine, competition, "mk:organizer") == {organizer}
    assert ask(f'<{competition}> mk:year "2023"^^xsd:gYear')


# --------------------------------------------------------------------------------------------
# The handover
# --------------------------------------------------------------------------------------------


def test_handover_assembly(ask: Ask, engine: QueryService) -> None:
    """When and where were the awards handed over, and by whom?"""
    assert ask(f'<{ASSEMBLY}> a mk:Assembly ; schema:startDate "2023-11-06"^^xsd:date')
    assert objects(engine, ASSEMBLY, "mk:venue") == {BALAI_KOTA}
    assert ask(f'<{ASSEMBLY}> mk:locationDetail "front yard of Malang City Hall"@en')
    assert objects(engine, ASSEMBLY, "mk:handedOverBy") == {WAHYU}
    assert en_label(engine, ASSEMBLY) == {
        "Morning assembly of Malang City Government employees, 6 November 2023"
    }


def test_all_seven_awards_handed_over(engine: QueryService) -> None:
    assert objects(engine, ASSEMBLY, "mk:awardHandedOver") == {a.iri for a in AWARDS}


def test_balai_kota_malang(ask: Ask) -> None:
    assert ask(
        f"""<{BALAI_KOTA}> a mk:Place ; skos:prefLabel "Balai Kota Malang"@id ,
        "Malang City Hall"@en"""
    )
    assert ask(f"<{PEMKOT_MALANG}> mk:seat <{BALAI_KOTA}>")


# --------------------------------------------------------------------------------------------
# The works and the programme
# --------------------------------------------------------------------------------------------


def test_umkm_of_the_week_rubric(ask: Ask, engine: QueryService) -> None:
    """The UMKM Of The Week rubric was a point in the assessment of AMH and JPRA."""
    assert ask(f'<{UMKM_OF_THE_WEEK}> a mk:Programme ; skos:prefLabel "UMKM Of The Week rubric"@en')
    assert objects(engine, UMKM_OF_THE_WEEK, "mk:assessedIn") == {AMH, JPRA}


def test_video_gelaran_malang(ask: Ask) -> None:
    assert ask(f'<{GELARAN_MALANG}> a mk:Video ; schema:name "Gelaran Malang"')


def test_kayutangan_campaign_is_about_kayutangan_heritage(ask: Ask) -> None:
    assert ask(f"<{KAYUTANGAN_CAMPAIGN}> a mk:Campaign ; schema:about <{KAYUTANGAN}>")


# --------------------------------------------------------------------------------------------
# Reasoning
# --------------------------------------------------------------------------------------------


def test_diskominfo_received_amh_award_by_inference_only(ask: Ask, store: ox.Store) -> None:
    amh_award = ID + "award/amh-2023-audiovisual-media"
    assert ask(f"<{DISKOMINFO_MALANG}> mk:received <{amh_award}>")
    assert graphs_holding(store, DISKOMINFO_MALANG, MK + "received", amh_award) == {INFERRED}
