"""Provenance: every fact of the press release points to it and to a sentence that is verbatim."""

from __future__ import annotations

import pytest

from malang_kg.engine.service import QueryService
from tests.conftest import ARTICLE, PREFIXES, Ask, source_file

SOURCE = ("press-release-2023-11-06.en.txt",)


@pytest.fixture(scope="module")
def text() -> str:
    return source_file(*SOURCE).read_text(encoding="utf-8")


def _values(engine: QueryService, query: str) -> list[str]:
    result = engine.select(PREFIXES + query)
    column = result.columns[0]
    return [row[column].value for row in result.rows]


def test_article_body_is_the_source_text(engine: QueryService, text: str) -> None:
    bodies = _values(engine, f"SELECT ?body WHERE {{ <{ARTICLE}> schema:articleBody ?body }}")
    assert bodies == [text]


def test_every_quote_is_verbatim(engine: QueryService, text: str) -> None:
    quotes = _values(
        engine,
        "SELECT DISTINCT ?quote WHERE { { ?s oa:hasSelector/oa:exact ?quote } "
        "UNION { ?q a mk:Quotation ; schema:text ?quote } }",
    )
    assert len(quotes) >= 18
    missing = [quote for quote in quotes if quote not in text]
    assert missing == []


@pytest.mark.parametrize(
    "cls", ["Award", "Post", "AwardCompetition", "Assembly", "StatisticalClaim"]
)
def test_every_fact_is_traced_to_article_and_sentence(engine: QueryService, cls: str) -> None:
    """Each award, post, event and figure from the release: the article, and a sentence of it."""
    untraced = _values(
        engine,
        f"""SELECT ?fact WHERE {{
              ?fact a mk:{cls} .
              FILTER NOT EXISTS {{ ?fact prov:wasDerivedFrom/a mk:ReferenceDocument }}
              FILTER NOT EXISTS {{
                ?fact prov:wasDerivedFrom <{ARTICLE}> ;
                      mk:evidence/oa:hasSource <{ARTICLE}> ;
                      mk:evidence/oa:hasSelector/oa:exact ?quote .
              }}
            }}""",
    )
    assert untraced == []


@pytest.mark.parametrize(
    ("cls", "expected"),
    [("Award", 7), ("Post", 2), ("AwardCompetition", 4), ("Assembly", 1), ("Quotation", 5)],
)
def test_counts_from_the_release(engine: QueryService, cls: str, expected: int) -> None:
    count = _values(engine, f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a mk:{cls} }}")
    assert count == [str(expected)]


def test_facts_from_the_notes_say_so(ask: Ask) -> None:
    """The award ceremonies come only from the background notes, with their confidence."""
    assert ask(
        """id:event\\/amh-2023-malam-penganugerahan prov:wasDerivedFrom ?notes ;
               mk:confidence ?confidence .
           ?notes a mk:ReferenceDocument .
           ?confidence skos:notation "medium" ."""
    )


def test_uncertain_statements_are_annotated(ask: Ask) -> None:
    """Kota Malang's Wikidata link is seen in one source only: the data says so."""
    assert ask(
        """[] a owl:Axiom ;
              owl:annotatedSource id:city\\/malang ;
              owl:annotatedProperty skos:exactMatch ;
              owl:annotatedTarget wd:Q11445 ;
              mk:confidence/skos:notation "medium" ."""
    )


URL = "https://malangkota.go.id/2023/11/06/kadiskominfo-kebersamaan-berbuah-prestasi-membanggakan/"


def test_article_metadata(ask: Ask) -> None:
    assert ask(
        f"""<{ARTICLE}> a schema:NewsArticle ;
              schema:headline "Kadiskominfo: Kebersamaan Berbuah Prestasi Membanggakan"@id ;
              schema:datePublished "2023-11-06"^^xsd:date ;
              schema:url <{URL}> ;
              schema:dateline "Klojen" ;
              schema:publisher id:organization\\/pemerintah-kota-malang ;
              mk:writerInitials "say" ;
              mk:editorInitials "yon" ."""
    )
