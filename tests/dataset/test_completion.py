"""Completion (``dataset/completion.py``) on the real data, and on a small store built here where
the order of the matches is set up on purpose: spellings, alternative labels, both languages,
classes and properties by label and local name, prefixes, limits, and the index it reads."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pyoxigraph as ox
import pytest

from malang_kg.config import Settings
from malang_kg.dataset.completion import (
    ANY,
    CLASS,
    ENTITY,
    PREFIX,
    PROPERTY,
    Completer,
    Completion,
    OutdatedIndex,
)
from malang_kg.dataset.labels import LabelIndex, write_labels
from malang_kg.dataset.search import key
from malang_kg.iris import OWL, RDF, RDFS, SKOS, Layout
from malang_kg.store.builds import Manifest

LAYOUT = Layout()
ID, MK = LAYOUT.entity_prefix, LAYOUT.vocabulary
ORO_ORO_DOWO = ID + "kelurahan/oro-oro-dowo"
SAMAAN = ID + "kelurahan/samaan"
CITY = ID + "city/malang"


@pytest.fixture(scope="module")
def completer(labels: LabelIndex, built: tuple[Settings, Manifest]) -> Completer:
    return Completer(labels, Layout(built[0].base_iri))


def iris(found: list[Completion]) -> list[str]:
    return [completion.iri for completion in found]


# --- Entities --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query", ["oro oro dowo", "Oro-oro Dowo", "orooro dowo", "ORO-ORO-DOWO", "Óro óro", "oro"]
)
def test_spellings_of_a_name_find_it(completer: Completer, query: str) -> None:
    found = completer.complete(query, ENTITY, "id", 10)
    assert found[0].iri == ORO_ORO_DOWO
    assert found[0].label == "Oro-oro Dowo"
    assert found[0].path == "kelurahan/oro-oro-dowo"
    assert found[0].prefixed == "kelurahan:oro-oro-dowo"  # the prefix of its kind
    assert found[0].namespace == ID + "kelurahan/"
    assert found[0].types == (MK + "Kelurahan",)  # the most specific class, not AdministrativeArea


def test_after_the_prefix_of_a_kind_only_entities_of_that_kind(completer: Completer) -> None:
    found = completer.complete("kelurahan:sama", ANY, "id", 10)
    assert [c.prefixed for c in found] == ["kelurahan:samaan"]
    assert completer.complete("kecamatan:sama", ENTITY, "id", 10) == []


def test_an_alternative_label_finds_the_entity(completer: Completer) -> None:
    (found,) = completer.complete("wiwid", ENTITY, "id", 10)
    assert found.iri == ID + "person/muhammad-nur-widianto"
    assert found.matched == "Wiwid"  # what matched ...
    assert found.label == "Muhammad Nur Widianto"  # ... and what it is called
    assert found.types == (MK + "Person",)


def test_an_exact_match_comes_first(completer: Completer) -> None:
    found = completer.complete("kim", ENTITY, "id", 10)
    assert found[0].iri == ID + "organization/kim-kota-malang"  # its alternative label "KIM"
    assert found[0].matched == "KIM"
    assert ID + "organization/kim-samaan" in iris(found)
    ranks = [match.rank for match in completer.matches("kim", ENTITY, 10)]
    assert ranks == sorted(ranks)


def test_labels_follow_the_language(completer: Completer) -> None:
    (indonesian,) = completer.complete("kota malang", ENTITY, "id", 1)
    (english,) = completer.complete("kota malang", ENTITY, "en", 1)
    assert indonesian.iri == english.iri == CITY
    assert (indonesian.label, english.label) == ("Kota Malang", "Malang City")
    assert indonesian.matched == english.matched == "Kota Malang"
    (city,) = completer.complete("malang city", ENTITY, "id", 1)
    assert (city.iri, city.label, city.matched) == (CITY, "Kota Malang", "Malang City")


def test_entities_are_only_ours(completer: Completer) -> None:
    found = completer.complete("kelurahan", ENTITY, "en", 50)
    assert found and all(completion.iri.startswith(ID) for completion in found)
    assert all(completion.kind == ENTITY for completion in found)


def test_nothing_for_a_text_without_letters(completer: Completer) -> None:
    assert completer.complete("-- ", ANY, "id", 10) == []
    assert completer.complete("zzzzqqq", ANY, "id", 10) == []


# --- Classes and properties --------------------------------------------------------------------


def test_classes_by_local_name(completer: Completer) -> None:
    found = completer.complete("Kel", CLASS, "en", 10)
    assert found[0].iri == MK + "Kelurahan"
    assert found[0].prefixed == "mk:Kelurahan"
    assert found[0].matched == "Kelurahan"
    assert found[0].label == "kelurahan (urban village)"
    assert found[0].path is None and found[0].types == ()
    assert completer.complete("GovernmentAg", CLASS, "en", 10)[0].iri == MK + "GovernmentAgency"


def test_classes_by_label_in_either_language(completer: Completer) -> None:
    (agency, *_) = completer.complete("instansi pemerintah", CLASS, "en", 10)
    assert agency.iri == MK + "GovernmentAgency"
    assert (agency.matched, agency.label) == ("instansi pemerintah", "government agency")
    assert completer.complete("government agency", CLASS, "id", 1)[0].label == (
        "instansi pemerintah"
    )


def test_after_a_prefix_by_local_name_alone(completer: Completer) -> None:
    assert iris(completer.complete("mk:Kelu", CLASS, "id", 10)) == [MK + "Kelurahan"]
    every = completer.complete("mk:", CLASS, "id", 50)
    assert len(every) == len([term for term in completer.vocabulary if term.kind == CLASS])
    assert completer.complete("skos:Kel", CLASS, "id", 10) == []  # not the ontology's


def test_properties(completer: Completer) -> None:
    (within, *_) = completer.complete("within", PROPERTY, "en", 10)
    assert (within.iri, within.prefixed, within.kind) == (MK + "within", "mk:within", PROPERTY)
    assert completer.complete("terletak di", PROPERTY, "id", 10)[0].iri == MK + "within"
    # A datatype property and an annotation property.
    assert MK + "value" in iris(completer.complete("value", PROPERTY, "en", 10))
    assert MK + "confidence" in iris(completer.complete("tingkat keyakinan", PROPERTY, "id", 10))


def test_classes_and_properties_stay_apart(completer: Completer) -> None:
    assert MK + "within" not in iris(completer.complete("within", CLASS, "en", 50))
    assert MK + "Kelurahan" not in iris(completer.complete("Kelurahan", PROPERTY, "en", 50))


# --- Prefixes, any kind, limits ----------------------------------------------------------------


def test_prefixes(completer: Completer) -> None:
    (skos,) = completer.complete("sk", PREFIX, "id", 10)
    assert (skos.iri, skos.prefixed, skos.matched) == (str(SKOS), "skos:", "skos")
    assert [c.prefixed for c in completer.complete("RDF", PREFIX, "id", 10)] == ["rdf:", "rdfs:"]
    assert iris(completer.complete("skos:", PREFIX, "id", 10)) == [str(SKOS)]
    assert completer.complete("skos:Con", PREFIX, "id", 10) == []  # the prefix is typed
    assert completer.complete("zz", PREFIX, "id", 10) == []


def test_any_kind_mixes_them_best_first(completer: Completer) -> None:
    found = completer.complete("kel", ANY, "en", 50)
    kinds = {completion.kind for completion in found}
    assert {CLASS, ENTITY} <= kinds
    assert found[0].iri == MK + "Kelurahan"  # the shortest name that matches
    ranks = [match.rank for match in completer.matches("kel", ANY, 50)]
    assert ranks == sorted(ranks)
    assert completer.complete("mk:Kelu", ANY, "en", 10)[0].iri == MK + "Kelurahan"


@pytest.mark.parametrize("limit", [1, 3, 10, 50])
def test_limits(completer: Completer, limit: int) -> None:
    found = completer.complete("k", ANY, "id", limit)
    assert len(found) == limit
    assert len({completion.iri for completion in found}) == limit  # each IRI once
    assert found == completer.complete("k", ANY, "id", 50)[:limit]


# --- The index ---------------------------------------------------------------------------------


def test_every_key_is_the_search_key(labels: LabelIndex) -> None:
    db = sqlite3.connect(labels.path)
    rows = db.execute("SELECT text, key FROM labels").fetchall()
    assert len(rows) > 500
    assert [folded for _, folded in rows] == [key(text) for text, _ in rows]


def test_the_terms_are_the_ontologys(labels: LabelIndex, store: ox.Store) -> None:
    terms = labels.terms()
    classes = {iri for iri, kind in terms if kind == CLASS}
    properties = {iri for iri, kind in terms if kind == PROPERTY}
    assert MK + "Kelurahan" in classes and MK + "within" in properties
    assert all(iri.startswith(MK) for iri, _ in terms)
    query = f"SELECT DISTINCT ?c {{ ?c a <{OWL.Class}> FILTER STRSTARTS(STR(?c), '{MK}') }}"
    result = store.query(query, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    assert classes == {row[0].value for row in result if row[0] is not None}


def _literal(text: str, lang: str) -> ox.Literal:
    return ox.Literal(text, language=lang)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Completer:
    """An index written from a few triples: preferred and alternative labels of each length."""
    store = ox.Store()
    pref, alt = ox.NamedNode(str(SKOS.prefLabel)), ox.NamedNode(str(SKOS.altLabel))
    triples = [
        ("one", pref, _literal("Kota", "id")),  # exact, preferred
        ("two", alt, _literal("KOTA", "id")),  # exact, alternative
        ("two", pref, _literal("Dua", "id")),
        ("three", pref, _literal("Kota Lama Sekali", "id")),  # longer, preferred
        ("four", pref, _literal("Kota Baru", "id")),  # shorter, preferred
        ("five", alt, _literal("Kotak", "en")),  # alternative (and no preferred label)
        ("six", pref, _literal("Kótà Tua", "id")),  # accents and case fold away
    ]
    for name, predicate, literal in triples:
        store.add(ox.Quad(ox.NamedNode(ID + name), predicate, literal))
    label = ox.NamedNode(str(RDFS.label))
    for name, kind in [("Kota", OWL.Class), ("kotaOf", OWL.ObjectProperty)]:
        term = ox.NamedNode(MK + name)
        store.add(ox.Quad(term, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(kind))))
        store.add(ox.Quad(term, label, _literal(name.lower(), "en")))
    thing = ox.NamedNode("https://schema.org/Place")  # a class, but not the ontology's
    store.add(ox.Quad(thing, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(OWL.Class))))
    path = tmp_path_factory.mktemp("completion") / "labels.sqlite"
    assert write_labels(store, path, LAYOUT) == 9
    return Completer(LabelIndex(path), LAYOUT)


def test_exact_then_preferred_then_shorter(small: Completer) -> None:
    found = small.complete("kota", ENTITY, "id", 10)
    assert iris(found) == [ID + n for n in ("one", "two", "six", "four", "three", "five")]
    assert [c.matched for c in found] == [
        "Kota",
        "KOTA",
        "Kótà Tua",
        "Kota Baru",
        "Kota Lama Sekali",
        "Kotak",
    ]
    assert found[1].label == "Dua"  # the preferred label, not the one that matched
    assert found[-1].label == "Kotak"  # no label to show: what matched


def test_a_limit_keeps_the_best(small: Completer) -> None:
    assert iris(small.complete("kota", ENTITY, "id", 2)) == [ID + "one", ID + "two"]
    assert iris(small.complete("kotab", ENTITY, "id", 10)) == [ID + "four"]


def test_the_small_vocabulary(small: Completer) -> None:
    assert small.labels.terms() == [(MK + "Kota", CLASS), (MK + "kotaOf", PROPERTY)]
    found = small.complete("kota", ANY, "en", 10)
    assert [c.kind for c in found[:2]] == [CLASS, ENTITY]  # equal rank: a class first
    assert found[0].prefixed == "mk:Kota"


def test_an_index_without_keys_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "labels.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE labels (iri TEXT, kind TEXT, lang TEXT, text TEXT)")
    with pytest.raises(OutdatedIndex, match="run `malang-kg build` again"):
        Completer(LabelIndex(path), LAYOUT)
