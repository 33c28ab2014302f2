"""The schema.org JSON-LD embedded in each entity page, for search engines."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from malang_kg.engine import Row, Term
from malang_kg.iris import OWL, RDF, RDFS, SCHEMA, SKOS, is_web_iri

_AS_NAME = {str(SKOS.prefLabel): "name", str(SKOS.altLabel): "alternateName"}
_AS_DESCRIPTION = {str(SKOS.definition), str(RDFS.comment), "http://purl.org/dc/terms/description"}


def _jsonld_value(term: Term) -> Any:
    if term.kind == "uri":
        return {"@id": term.value}
    if term.lang:
        return {"@value": term.value, "@language": term.lang}
    if term.datatype:
        return {"@value": term.value, "@type": term.datatype}
    return term.value


def schema_jsonld(iri: str, rows: Iterable[Row]) -> dict[str, Any]:
    """The entity in schema.org terms, for search engines: its schema.org types and properties
    (asserted or inferred), names, descriptions and ``sameAs`` links (http(s) only). Blank nodes
    and IRIs of other schemes are left out; the template escapes it with ``tojson``."""
    schema = str(SCHEMA)
    types: list[str] = []
    properties: dict[str, list[Any]] = defaultdict(list)
    seen: set[tuple[str, Term]] = set()  # (key, term): a hub has thousands of values
    for row in rows:
        p, o = row["p"].value, row["o"]
        if o.kind == "bnode" or (o.kind == "uri" and not is_web_iri(o.value)):
            continue
        if p == str(RDF.type):
            if o.value.startswith(schema) and o.value[len(schema) :] not in types:
                types.append(o.value[len(schema) :])
            continue
        key = None
        if p.startswith(schema):
            key = p[len(schema) :]
        elif p in _AS_NAME:
            key = _AS_NAME[p]
        elif p in _AS_DESCRIPTION:
            key = "description"
        elif p in (str(SKOS.exactMatch), str(OWL.sameAs)) and o.kind == "uri":
            key = "sameAs"
        elif p == str(SKOS.notation) and o.kind == "literal":
            kind = (o.datatype or "").rsplit("#", 1)[-1] or "notation"
            properties["identifier"].append(
                {"@type": "PropertyValue", "propertyID": kind, "value": o.value}
            )
            continue
        if key is not None and (key, o) not in seen:
            seen.add((key, o))
            properties[key].append(_jsonld_value(o))
    document: dict[str, Any] = {"@context": "https://schema.org", "@id": iri}
    if types:
        document["@type"] = types[0] if len(types) == 1 else types
    for key, values in properties.items():
        document[key] = values[0] if len(values) == 1 else values
    return document
