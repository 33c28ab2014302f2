"""Competency questions about where the facts come from: the press release of 6 November 2023
itself (the article's metadata and body) and its quotations, each verbatim from the source and
attributed, asked of the real build.
"""

from __future__ import annotations

import pytest

from malang_kg.engine.service import QueryService
from tests.conftest import ARTICLE, ID, Ask, source_file
from tests.support.competency import (
    PEMKOT_MALANG,
    SOURCE_TEXT,
    WIDIANTO,
    count,
    objects,
    source_quotations,
)

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
