"""Request parameters decoded strictly: ``name=value&…`` percent-decoded as UTF-8, where a bad
byte is a 400 rather than the U+FFFD that Werkzeug would silently put in its place."""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from werkzeug.datastructures import MultiDict

from malang_kg.web.http.errors import bad_request


def _unquote(raw: bytes) -> str:
    return unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8")


def parse_pairs(raw: bytes, where: str) -> MultiDict[str, str]:
    """The pairs of a query string or form body (``where`` names it in the error)."""
    pairs: MultiDict[str, str] = MultiDict()
    for part in raw.split(b"&"):
        if not part:
            continue
        name, _, value = part.partition(b"=")
        try:
            pairs.add(_unquote(name), _unquote(value))
        except UnicodeDecodeError:
            raise bad_request(
                f"The {where} is not valid UTF-8 once percent-decoded; SPARQL requests must be "
                "encoded in UTF-8.",
                reason="encoding",
            ) from None
    return pairs
