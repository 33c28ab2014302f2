"""The schema.org JSON-LD of an entity page, from the entity's statements."""

from __future__ import annotations

from malang_kg.engine import Term
from malang_kg.entities.jsonld import schema_jsonld

S = "https://schema.org/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
MK = "https://w3id.org/malang-kg/ontology#"


def _row(p: str, o: Term) -> dict[str, Term]:
    return {"p": Term.uri(p), "o": o}


def test_schema_org_terms_names_codes_and_web_links_only() -> None:
    rows = [
        _row(RDF_TYPE, Term.uri(S + "Place")),
        _row(RDF_TYPE, Term.uri(MK + "Kelurahan")),  # not schema.org: left out
        _row(RDF_TYPE, Term.uri(S + "Place")),  # stated in two graphs: once
        _row(SKOS + "prefLabel", Term.literal("Samaan", lang="id")),
        _row(SKOS + "prefLabel", Term.literal("Samaan", lang="id")),
        _row(SKOS + "exactMatch", Term.uri("http://www.wikidata.org/entity/Q1")),
        _row(SKOS + "exactMatch", Term.uri("urn:x:1")),  # not a web IRI
        _row(S + "sameAs", Term.uri("javascript:alert(1)")),
        _row(S + "containedInPlace", Term("bnode", "b1")),
        _row(SKOS + "notation", Term.literal("35.73.02.1003", datatype=MK + "KemendagriCode")),
        _row(MK + "kimName", Term.literal("KIM Samaan")),  # no schema.org key
    ]
    assert schema_jsonld("https://w3id.org/malang-kg/id/kelurahan/samaan", rows) == {
        "@context": "https://schema.org",
        "@id": "https://w3id.org/malang-kg/id/kelurahan/samaan",
        "@type": "Place",
        "name": {"@value": "Samaan", "@language": "id"},
        "sameAs": {"@id": "http://www.wikidata.org/entity/Q1"},
        "identifier": {
            "@type": "PropertyValue",
            "propertyID": "KemendagriCode",
            "value": "35.73.02.1003",
        },
    }
