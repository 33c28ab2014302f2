"""The schema.org JSON-LD embedded in each entity page, for search engines."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from malang_kg.engine import Row, Term
from malang_kg.iris import OWL, RDF, RDFS, SCHEMA, SKOS, is_web_iri

_AS_NAME = {str(SKOS.prefLabel): "name", str(SKOS.altLabel): "alternateName"}
_AS_DESCRIPTION = {str(SKOS.definition), str(RDFS.comment), "http://purl.org/dc/terms/description"}
_SAME_AS = {str(SKOS.exactMatch), str(OWL.sameAs)}
_TYPE, _NOTATION, _SCHEMA = str(RDF.type), str(SKOS.notation), str(SCHEMA)


def _jsonld_value(term: Term) -> Any:
    if term.kind == "uri":
        return {"@id": term.value}
    if term.lang:
        return {"@value": term.value, "@language": term.lang}
    if term.datatype:
        return {"@value": term.value, "@type": term.datatype}
    return term.value


def _key(p: str, o: Term) -> str | None:
    """The schema.org key a statement's value goes under, if any."""
    if p.startswith(_SCHEMA):
        return p[len(_SCHEMA) :]
    if p in _AS_NAME:
        return _AS_NAME[p]
    if p in _AS_DESCRIPTION:
        return "description"
    if p in _SAME_AS and o.kind == "uri":
        return "sameAs"
    return None


def schema_jsonld(iri: str, rows: Iterable[Row]) -> dict[str, Any]:
    """The entity in schema.org terms, for search engines: its schema.org types and properties
    (asserted or inferred), names, descriptions and ``sameAs`` links (http(s) only). Blank nodes
    and IRIs of other schemes are left out; the template escapes it with ``tojson``."""
    types: list[str] = []
    properties: dict[str, list[Any]] = defaultdict(list)
    seen: set[tuple[str, Term]] = set()  # (key, term): a hub has thousands of values
    for row in rows:
        p, o = row["p"].value, row["o"]
        if o.kind == "bnode":
            continue
        if p == _TYPE:
            if o.value.startswith(_SCHEMA) and o.value[len(_SCHEMA) :] not in types:
                types.append(o.value[len(_SCHEMA) :])
            continue
        if p == _NOTATION and o.kind == "literal":
            kind = (o.datatype or "").rsplit("#", 1)[-1] or "notation"
            properties["identifier"].append(
                {"@type": "PropertyValue", "propertyID": kind, "value": o.value}
            )
            continue
        key = _key(p, o)
        if key is None or (key, o) in seen:
            continue
        seen.add((key, o))
        if o.kind != "uri" or is_web_iri(o.value):  # checked last: most rows never get here
            properties[key].append(_jsonld_value(o))
    document: dict[str, Any] = {"@context": "https://schema.org", "@id": iri}
    if types:
        document["@type"] = types[0] if len(types) == 1 else types
    for key, values in properties.items():
        document[key] = values[0] if len(values) == 1 else values
    return document
