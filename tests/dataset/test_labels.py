"""The label index of a build: the labels it gives are those the pages' SPARQL label OPTIONALs
gave (the preferred label or rdfs:label in the language, else in the other, else schema:name), for
every IRI of the real data, in both languages."""

from __future__ import annotations

import string
import unicodedata

import pyoxigraph as ox
import pytest

from malang_kg.dataset.labels import LABELS_FILE, Label, LabelIndex, best
from malang_kg.dataset.search import fold, words
from malang_kg.engine.service import QueryService

# The label block the pages used before the index: five OPTIONALs per labelled variable.
SPARQL_LABELS = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <https://schema.org/>
SELECT DISTINCT ?v ?vLabel WHERE {
  { SELECT DISTINCT ?v WHERE { { ?v ?p ?o } UNION { ?x ?q ?v } FILTER (isIRI(?v)) } }
  OPTIONAL { ?v skos:prefLabel ?v_1 FILTER (LANGMATCHES(LANG(?v_1), ?l1)) }
  OPTIONAL { ?v rdfs:label ?v_2 FILTER (LANGMATCHES(LANG(?v_2), ?l1)) }
  OPTIONAL { ?v skos:prefLabel ?v_3 FILTER (LANGMATCHES(LANG(?v_3), ?l2)) }
  OPTIONAL { ?v rdfs:label ?v_4 FILTER (LANGMATCHES(LANG(?v_4), ?l2)) }
  OPTIONAL { ?v schema:name ?v_5 }
  BIND (COALESCE(?v_1, ?v_2, ?v_3, ?v_4, ?v_5) AS ?vLabel)
}"""


@pytest.fixture(scope="module")
def index(labels: LabelIndex) -> LabelIndex:
    return labels


def _sparql_labels(store: ox.Store, lang: str, other: str) -> dict[str, set[str]]:
    text = SPARQL_LABELS.replace("?l1", f'"{lang}"').replace("?l2", f'"{other}"')
    found: dict[str, set[str]] = {}
    result = store.query(text, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    for iri, label in result:
        assert iri is not None
        labels = found.setdefault(iri.value, set())
        if label is not None:
            labels.add(label.value)
    return found


@pytest.mark.parametrize(("lang", "other"), [("id", "en"), ("en", "id")])
def test_the_index_gives_the_labels_the_sparql_gave(
    index: LabelIndex, store: ox.Store, lang: str, other: str
) -> None:
    expected = _sparql_labels(store, lang, other)
    assert len(expected) > 300  # every IRI of the real data, labelled or not
    chosen = index.best_labels(expected, lang, other)
    labelled = {iri for iri, labels in expected.items() if labels}
    assert set(chosen) == labelled
    wrong = {iri: (term.value, expected[iri]) for iri, term in chosen.items()}
    wrong = {iri: pair for iri, pair in wrong.items() if pair[0] not in pair[1]}
    assert not wrong


def test_labels_keep_their_language(index: LabelIndex, embedded_engine: QueryService) -> None:
    samaan = embedded_engine.base_iri + "id/kelurahan/samaan"
    assert index.best_labels([samaan], "en", "id")[samaan].lang == "en"
    city = embedded_engine.base_iri + "id/city/malang"
    assert index.best_labels([city], "en", "id")[city].value == "Malang City"
    assert index.best_labels([city], "id", "en")[city].value == "Kota Malang"


def test_the_choice_follows_the_order_of_preference() -> None:
    labels = [
        Label("x", "name", "", "name"),
        Label("x", "label", "en", "label en"),
        Label("x", "pref", "id", "pref id"),
        Label("x", "pref", "en-gb", "pref en-gb"),
    ]
    assert best(labels, "en", "id") == labels[3]  # LANGMATCHES: en-gb is en
    assert best(labels, "id", "en") == labels[2]
    assert best(labels[:2], "id", "en") == labels[1]  # the other language before the name
    assert best(labels[:1], "id", "en") == labels[0]
    assert best([], "id", "en") is None


def test_a_build_without_an_index_says_so(tmp_path: object) -> None:
    from pathlib import Path

    missing = LabelIndex(Path(str(tmp_path)) / LABELS_FILE)
    with pytest.raises(FileNotFoundError, match="malang-kg build"):
        missing.best_labels(["https://example.org/x"], "id", "en")


def test_labels_once_read_are_remembered(
    index: LabelIndex, embedded_engine: QueryService, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh = LabelIndex(index.path)
    samaan = embedded_engine.base_iri + "id/kelurahan/samaan"
    unlabelled = embedded_engine.base_iri + "id/no-such-thing"
    first = fresh.best_labels([samaan, unlabelled], "en", "id")
    assert set(first) == {samaan}

    def unreadable() -> None:
        raise AssertionError("read the index again")

    monkeypatch.setattr(fresh, "_db", unreadable)
    assert fresh.best_labels([samaan, unlabelled], "en", "id") == first
    assert fresh.best_labels([samaan], "id", "en")[samaan].lang == "id"


@pytest.mark.parametrize(
    "text",
    [string.printable, "Kelurahan Ciptomulyo", "Café Ñandú", "Straße ǅ ﬁ", "Oro2dowo kupu2 2023"],
)
def test_the_keys_of_labels_fold_ascii_as_nfkd_does(text: str) -> None:
    # The build folds every label: ASCII text skips the decomposition, with the same result.
    decomposed = unicodedata.normalize("NFKD", text)
    assert fold(text) == "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def test_a_word_is_written_out_twice_only_when_it_ends_in_a_lone_2() -> None:
    assert words("Oro2dowo kupu2 2023 a2 K2 Bänk2") == (
        "oroorodowo", "kupukupu", "2023", "a2", "k2", "bankbank",
    )  # fmt: skip
