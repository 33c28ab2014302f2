"""Area codes in any common form, and the codes near one that no area has."""

from __future__ import annotations

import pytest

from malang_kg.dataset.lookups import all_codes, canonical_code, code_digits, near_codes
from malang_kg.engine.service import QueryService
from malang_kg.iris import Layout
from tests.conftest import BASE, ID


@pytest.mark.parametrize(
    ("scheme", "raw", "expected"),
    [
        ("kemendagri", "35.73.02.1003", "35.73.02.1003"),
        ("kemendagri", "3573021003", "35.73.02.1003"),
        ("kemendagri", " 35 73 02 1003 ", "35.73.02.1003"),
        ("kemendagri", "35-73-02-1003", "35.73.02.1003"),
        ("kemendagri", "3573", "35.73"),
        ("kemendagri", "357302", "35.73.02"),
        ("kemendagri", "35730210", None),  # eight digits: no level of the scheme
        ("kemendagri", "35.7a", None),
        ("bps", "3573 030 001", "3573030001"),
        ("bps", "3573030001", "3573030001"),
        ("bps", "", None),
        ("other", "3573", None),
    ],
)
def test_a_code_is_read_in_any_common_form(scheme: str, raw: str, expected: str | None) -> None:
    assert canonical_code(scheme, raw) == expected


def test_code_digits_refuse_anything_but_digits_and_separators() -> None:
    assert code_digits("35.73") == "3573"
    assert code_digits("35/73") is None and code_digits("٣٥") is None
    assert code_digits("1" * 100) is None


def test_near_codes_name_the_codes_one_digit_away(embedded_engine: QueryService) -> None:
    codes = all_codes(embedded_engine, Layout(BASE))
    assert len([c for c in codes if c.scheme == "kemendagri"]) == 64
    near = near_codes(codes, "35730210033")  # a digit too many
    assert near[0].code == "35.73.02.1003"  # Samaan's
    assert ID + "kelurahan/samaan" in [n.area for n in near]
    assert all(n.scheme in ("kemendagri", "bps") for n in near)
    assert near_codes(codes, "not a code") == []
