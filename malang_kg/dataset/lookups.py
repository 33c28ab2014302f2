"""Lookups several features share (browsing, code resolution, reconciliation), through the query
service with their values bound: the instances of a class, and the areas that have a code."""

from __future__ import annotations

from malang_kg.engine import Term
from malang_kg.engine.service import QueryService
from malang_kg.iris import Layout

# The code schemes of the areas, by the name used in URLs, and the datatype of their notations.
CODE_SCHEMES = {"kemendagri": "KemendagriCode", "bps": "BpsCode"}

MEMBERS_QUERY = (
    "SELECT DISTINCT ?entity ?class WHERE { ?entity a ?class . FILTER (isIRI(?entity)) }"
)
CODE_QUERY = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?area ?code WHERE { ?area skos:notation ?code } ORDER BY ?area"""


def members(service: QueryService, class_iri: str) -> tuple[list[str], bool]:
    """Every instance of the class, asserted or inferred, and whether the row limit cut them."""
    result = service.select(MEMBERS_QUERY, {"class": Term.uri(class_iri)})
    return [row["entity"].value for row in result.rows if "entity" in row], result.truncated


def areas_with_code(service: QueryService, layout: Layout, scheme: str, code: str) -> list[str]:
    """The areas whose notation of ``scheme`` (a key of ``CODE_SCHEMES``) is ``code``."""
    literal = Term.literal(code, datatype=layout.term(CODE_SCHEMES[scheme]))
    rows = service.select(CODE_QUERY, {"code": literal}).rows
    return [row["area"].value for row in rows if "area" in row]
