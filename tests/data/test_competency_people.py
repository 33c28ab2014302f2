"""Competency questions about people, posts and organisations in the press release of
6 November 2023, asked of the real build (asserted data plus the owlrl inferences): who holds
which post in which organisation, their names, and what follows from it by reasoning, checked
to live in the inferred graph only.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from malang_kg.engine.service import QueryService
from tests.conftest import ID, MK, Ask
from tests.support.competency import (
    DISKOMINFO_JATIM,
    DISKOMINFO_MALANG,
    INFERRED,
    MINISTRY,
    ORG,
    PEMKOT_MALANG,
    WAHYU,
    WIDIANTO,
    en_label,
    graphs_holding,
    objects,
)

# --------------------------------------------------------------------------------------------
# Organisations
# --------------------------------------------------------------------------------------------


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
