"""Reading a setting's raw text by its kind (paths, numbers, IRIs, URLs, rates, choices), with
errors that name the setting's variable and flag."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from malang_kg.config import Setting

Kind = Literal[
    "path",
    "optional-path",
    "str",
    "optional-str",
    "int",
    "float",
    "iri",
    "rate",
    "optional-url",
    "networks",
]
_NOT_IN_IRIS = ' <>"{}|\\^`'


class ConfigError(ValueError):
    """A setting has a value that cannot be used; the message names its environment variable."""


def _parse_path(row: Setting, raw: str, base: Path) -> Path:
    if not raw.strip():
        raise ConfigError(f"{row.label}: must not be empty")
    path = Path(raw).expanduser()
    return path if path.is_absolute() else base / path


def _parse_number(row: Setting, raw: str) -> float:
    kind, parse = ("an integer", int) if row.kind == "int" else ("a number", float)
    try:
        value = parse(raw.strip())
    except ValueError:
        raise ConfigError(f"{row.label}: expected {kind}, got {raw!r}") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ConfigError(f"{row.label}: expected {kind}, got {raw!r}")
    low, high = row.minimum, row.maximum
    if (low is not None and value < low) or (high is not None and value > high):
        bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise ConfigError(f"{row.label}: must be {bounds}, got {value}")
    return value


def _iri_problem(value: str) -> str | None:
    if any(char in value for char in _NOT_IN_IRIS) or any(ord(char) < 33 for char in value):
        return "contains a character not allowed in an IRI"
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return "must be an absolute http:// or https:// IRI"
    if "?" in value or "#" in value:
        return "must not have a query or a fragment"
    return None if value.endswith("/") else "must end with '/'"


def _parse_iri(row: Setting, raw: str) -> str:
    value = raw.strip()
    problem = _iri_problem(value)
    if problem:
        raise ConfigError(f"{row.label}: {problem}, got {raw!r}")
    return value


def _parse_str(row: Setting, raw: str) -> str:
    value = raw.strip()
    if not value:
        raise ConfigError(f"{row.label}: must not be empty")
    if row.choices and value not in row.choices:
        raise ConfigError(f"{row.label}: must be one of {', '.join(row.choices)}, got {raw!r}")
    return value


def _parse_rate(row: Setting, raw: str) -> str:
    from limits import parse_many  # Flask-Limiter's own notation, checked by its own parser

    value = raw.strip()
    if value.lower() == "off":
        return "off"
    try:
        if any(limit.amount < 1 for limit in parse_many(value)):
            raise ValueError("a rate of 0")
    except ValueError:
        raise ConfigError(
            f"{row.label}: expected a rate such as 30/minute or 5/second;300/hour, or off, "
            f"got {raw!r}"
        ) from None
    return value


def _parse_url(row: Setting, raw: str) -> str | None:
    value = raw.strip()
    if not value:
        return None
    parts = urlsplit(value)
    if (
        parts.scheme not in ("http", "https")
        or not parts.netloc
        or "#" in value
        or any(char in value for char in _NOT_IN_IRIS)
        or any(ord(char) < 33 for char in value)
    ):
        raise ConfigError(
            f"{row.label}: must be an absolute http:// or https:// URL without a fragment, "
            f"got {raw!r}"
        )
    return value


def _parse_networks(row: Setting, raw: str) -> tuple[str, ...]:
    """Addresses or networks (``127.0.0.1``, ``10.0.0.0/8``, ``::1``), comma-separated, each in
    its normal form; none for an empty value."""
    found = []
    for part in raw.split(","):
        text = part.strip()
        if not text:
            continue
        try:
            found.append(str(ipaddress.ip_network(text, strict=False)))
        except ValueError:
            raise ConfigError(
                f"{row.label}: expected addresses or networks such as 127.0.0.1 or 10.0.0.0/8, "
                f"comma-separated, got {text!r}"
            ) from None
    return tuple(found)


def parse(row: Setting, raw: str, home: Path) -> Any:
    """One raw value parsed by its setting's kind; relative paths are resolved against ``home``."""
    if row.kind == "path":
        return _parse_path(row, raw, home)
    if row.kind == "optional-path":
        return _parse_path(row, raw, home) if raw.strip() else None
    if row.kind in ("int", "float"):
        return _parse_number(row, raw)
    if row.kind == "iri":
        return _parse_iri(row, raw)
    if row.kind == "rate":
        return _parse_rate(row, raw)
    if row.kind == "optional-url":
        return _parse_url(row, raw)
    if row.kind == "networks":
        return _parse_networks(row, raw)
    if row.kind == "optional-str":
        return raw if raw.strip() else None  # kept verbatim: a password may end in a space
    return _parse_str(row, raw)
