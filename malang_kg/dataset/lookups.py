"""Lookups several features share (browsing, code resolution, reconciliation), through the query
service with their values bound: the instances of a class, and the areas that have a code. A code
is read in any common form (with or without its dots, spaces or hyphens around or inside), and a
code no area has gets the codes one or two digits away, of either scheme ("did you mean")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

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
# Kemendagri codes group their digits 2.2.2.4 (province, regency or city, district, village).
KEMENDAGRI_GROUPS = (2, 2, 2, 4)
MAX_CODE_CHARS = 40
_SEPARATORS = re.compile(r"[\s.\-]+")


@dataclass(frozen=True)
class NearCode:
    """A code some area has, near the one asked for."""

    scheme: str
    code: str
    area: str


def members(service: QueryService, class_iri: str) -> tuple[list[str], bool]:
    """Every instance of the class, asserted or inferred, and whether the row limit cut them."""
    result = service.select(MEMBERS_QUERY, {"class": Term.uri(class_iri)})
    return [row["entity"].value for row in result.rows if "entity" in row], result.truncated


def areas_with_code(service: QueryService, layout: Layout, scheme: str, code: str) -> list[str]:
    """The areas whose notation of ``scheme`` (a key of ``CODE_SCHEMES``) is ``code``."""
    literal = Term.literal(code, datatype=layout.term(CODE_SCHEMES[scheme]))
    rows = service.select(CODE_QUERY, {"code": literal}).rows
    return [row["area"].value for row in rows if "area" in row]


def code_digits(raw: str) -> str | None:
    """The digits of a code written with or without dots, spaces or hyphens; None if it has
    anything else (or nothing)."""
    if len(raw) > MAX_CODE_CHARS:
        return None
    digits = _SEPARATORS.sub("", raw)
    return digits if digits.isascii() and digits.isdigit() else None


def canonical_code(scheme: str, raw: str) -> str | None:
    """The code as the scheme writes it (Kemendagri dotted, ``35.73.02.1003``; BPS digits only),
    or None if ``raw`` cannot be a code of the scheme."""
    digits = code_digits(raw)
    if digits is None or scheme not in CODE_SCHEMES:
        return None
    if scheme == "bps":
        return digits
    parts, start = [], 0
    for size in KEMENDAGRI_GROUPS:
        if start == len(digits):
            break
        parts.append(digits[start : start + size])
        start += size
    if start != len(digits) or len(parts[-1]) != KEMENDAGRI_GROUPS[len(parts) - 1]:
        return None
    return ".".join(parts)


def all_codes(service: QueryService, layout: Layout) -> list[NearCode]:
    """Every code of both schemes, with its area."""
    schemes = {layout.term(datatype): name for name, datatype in CODE_SCHEMES.items()}
    rows = service.select(CODE_QUERY).rows  # every area's every code
    return [
        NearCode(schemes[row["code"].datatype or ""], row["code"].value, row["area"].value)
        for row in rows
        if "code" in row and (row["code"].datatype or "") in schemes
    ]


def near_codes(codes: list[NearCode], raw: str, most: int = 5) -> list[NearCode]:
    """The codes whose digits are the same as ``raw``'s (of the other scheme) or one edit away
    (two for a ten-digit code), nearest first."""
    digits = code_digits(raw)
    if digits is None:
        return []
    allowed = 2 if len(digits) >= 10 else 1
    scored = []
    for code in codes:
        distance = Levenshtein.distance(digits, _SEPARATORS.sub("", code.code))
        if distance <= allowed:
            scored.append((distance, code.scheme, code.code, code))
    return [entry[-1] for entry in sorted(scored)[:most]]
