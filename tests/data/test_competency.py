"""Competency questions: every fact the press release of 6 November 2023 states, asked of the
real build (asserted data plus the owlrl inferences).

Each test asks one question and checks the specific answer the release gives. Questions that the
ontology answers by reasoning also check *where* the answer lives: in the inferred graph, and in
no graph of asserted data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox
import pytest

from malang_kg.engine import Term
from malang_kg.engine.service import QueryService
from tests.conftest import ARTICLE, ID, MK, PREFIXES, Ask, source_file

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


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


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


@pytest.mark.parametrize(
    ("organization", "english_name"),
    [
        (MINISTRY, "Ministry of Communication and Information Technology"),
        (DISKOMINFO_JATIM, "East Java Provincial Communication and Informatics Service"),
        (DISKOMINFO_MALANG, "Malang City Communication and Informatics Service"),
    ],
    ids=["ministry", "diskominfo-jatim", "diskominfo-malang"],
)
def test_organization_names(engine: QueryService, organization: str, english_name: str) -> None:
    assert en_label(engine, organization) == {english_name}


# --------------------------------------------------------------------------------------------
# People and posts
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("post", "holder", "organization", "label_id", "label_en"),
    [
        (
            ID + "post/penjabat-wali-kota-malang",
            WAHYU,
            PEMKOT_MALANG,
            "Penjabat Wali Kota Malang",
            "Acting Mayor of Malang",
        ),
        (
            ID + "post/kepala-diskominfo-kota-malang",
            WIDIANTO,
            DISKOMINFO_MALANG,
            "Kepala Dinas Komunikasi dan Informatika Kota Malang",
            "Head of the Malang City Communication and Informatics Service",
        ),
    ],
    ids=["acting-mayor", "head-of-diskominfo"],
)
class TestPosts:
    def test_post_holder_and_organization(
        self,
        ask: Ask,
        engine: QueryService,
        post: str,
        holder: str,
        organization: str,
        label_id: str,
        label_en: str,
    ) -> None:
        """Who holds the post, which organisation does it head, and on what date?"""
        assert ask(f'<{post}> a mk:Post ; skos:prefLabel "{label_id}"@id , "{label_en}"@en')
        assert objects(engine, post, "org:heldBy") == {holder}
        assert objects(engine, post, "mk:headPostIn") == {organization}
        assert objects(engine, post, "org:postIn") == {organization}
        assert ask(f'<{post}> mk:attestedOn "2023-11-06"^^xsd:date')

    @pytest.mark.parametrize("predicate", ["headOf", "memberOf"], ids=["headOf", "memberOf"])
    def test_org_membership_is_inferred(
        self,
        store: ox.Store,
        post: str,
        holder: str,
        organization: str,
        label_id: str,
        label_en: str,
        predicate: str,
    ) -> None:
        """The holder heads (so is a member of) the organisation: by inference only."""
        assert graphs_holding(store, holder, ORG + predicate, organization) == {INFERRED}

    def test_serves_in_is_inferred(
        self,
        store: ox.Store,
        post: str,
        holder: str,
        organization: str,
        label_id: str,
        label_en: str,
    ) -> None:
        """mk:servesIn follows from org:holds o org:postIn: by inference only."""
        assert graphs_holding(store, holder, MK + "servesIn", organization) == {INFERRED}
        assert graphs_holding(store, holder, ORG + "holds", post) == {INFERRED}


def test_wahyu_hidayat_name_and_titles(ask: Ask) -> None:
    assert ask(
        f"""<{WAHYU}> a mk:Person ; schema:name "Wahyu Hidayat" ;
        schema:honorificPrefix "Dr. Ir." ; schema:honorificSuffix "MM" """
    )


@pytest.mark.parametrize("name", ["M. Nur Widianto", "Wiwid"])
def test_widianto_is_also_called(engine: QueryService, name: str) -> None:
    """The release calls the head of Diskominfo 'M. Nur Widianto' and 'Wiwid'."""
    assert name in objects(engine, WIDIANTO, "schema:alternateName")
    assert name in objects(engine, WIDIANTO, "skos:altLabel")


def test_diskominfo_malang_is_part_of_the_city_government(ask: Ask) -> None:
    assert ask(f"<{DISKOMINFO_MALANG}> org:subOrganizationOf <{PEMKOT_MALANG}>")


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
# Works, programme and places
# --------------------------------------------------------------------------------------------


def test_umkm_of_the_week_rubric(ask: Ask, engine: QueryService) -> None:
    """The UMKM Of The Week rubric was a point in the assessment of AMH and JPRA."""
    assert ask(f'<{UMKM_OF_THE_WEEK}> a mk:Programme ; skos:prefLabel "UMKM Of The Week rubric"@en')
    assert objects(engine, UMKM_OF_THE_WEEK, "mk:assessedIn") == {AMH, JPRA}


def test_video_gelaran_malang(ask: Ask) -> None:
    assert ask(f'<{GELARAN_MALANG}> a mk:Video ; schema:name "Gelaran Malang"')


def test_kayutangan_campaign_is_about_kayutangan_heritage(ask: Ask) -> None:
    assert ask(f"<{KAYUTANGAN_CAMPAIGN}> a mk:Campaign ; schema:about <{KAYUTANGAN}>")


def test_kayutangan_heritage_is_in_kauman(ask: Ask, store: ox.Store) -> None:
    """Kayutangan Heritage lies in kelurahan Kauman (asserted), so in Klojen (inferred)."""
    assert ask(f'<{KAYUTANGAN}> a mk:HeritageArea ; skos:prefLabel "Kayutangan Heritage"@en')
    assert ask(f"<{KAYUTANGAN}> schema:containedInPlace <{ID}kelurahan/kauman>")
    assert graphs_holding(store, KAYUTANGAN, MK + "within", ID + "kecamatan/klojen") == {INFERRED}


# --------------------------------------------------------------------------------------------
# Quotations
# --------------------------------------------------------------------------------------------

QUOTATIONS = [
    "regional-potential",
    "kayutangan-video",
    "umkm-of-the-week",
    "position-of-kim",
    "kim-coverage",
]


def test_the_release_has_five_quotations(engine: QueryService) -> None:
    assert len(source_quotations()) == 5
    assert count(engine, "?x a mk:Quotation") == 5


@pytest.mark.parametrize("slug", QUOTATIONS)
def test_quotation_is_verbatim_and_attributed(engine: QueryService, slug: str) -> None:
    """Who said it, and is its text a whole passage of direct speech in the source?"""
    quotation = f"{ID}quotation/2023-11-06-{slug}"
    assert objects(engine, quotation, "mk:statedBy") == {WIDIANTO}
    texts = objects(engine, quotation, "schema:text")
    assert len(texts) == 1
    assert texts.pop() in source_quotations()


# --------------------------------------------------------------------------------------------
# The article
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("predicate", "expected"),
    [
        ("schema:headline", "Kadiskominfo: Kebersamaan Berbuah Prestasi Membanggakan"),
        ("schema:datePublished", "2023-11-06"),
        (
            "schema:url",
            "https://malangkota.go.id/2023/11/06/kadiskominfo-kebersamaan-berbuah-prestasi-membanggakan/",
        ),
        ("schema:publisher", PEMKOT_MALANG),
        ("schema:dateline", "Klojen"),
        ("mk:writerInitials", "say"),
        ("mk:editorInitials", "yon"),
    ],
    ids=["headline", "datePublished", "url", "publisher", "dateline", "writer", "editor"],
)
def test_article_metadata(engine: QueryService, predicate: str, expected: str) -> None:
    assert objects(engine, ARTICLE, predicate) == {expected}


def test_article_is_a_press_release_published_on_2023_11_06(ask: Ask) -> None:
    assert ask(
        f"""<{ARTICLE}> a mk:PressRelease ; schema:datePublished "2023-11-06"^^xsd:date ;
        schema:headline "Kadiskominfo: Kebersamaan Berbuah Prestasi Membanggakan"@id"""
    )


def test_article_body_is_the_source_text(engine: QueryService) -> None:
    source = source_file(*SOURCE_TEXT).read_text(encoding="utf-8").strip()
    assert objects(engine, ARTICLE, "schema:articleBody") == {source}


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


def test_diskominfo_received_amh_award_by_inference_only(ask: Ask, store: ox.Store) -> None:
    amh_award = ID + "award/amh-2023-audiovisual-media"
    assert ask(f"<{DISKOMINFO_MALANG}> mk:received <{amh_award}>")
    assert graphs_holding(store, DISKOMINFO_MALANG, MK + "received", amh_award) == {INFERRED}
