"""Request bodies and parameters read strictly: a body no larger than its limit (checked before
it is read), and ``name=value&…`` percent-decoded as UTF-8, where a bad byte is a 400 rather than
the U+FFFD that Werkzeug would silently put in its place."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from flask import request
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest

from malang_kg.web.http.errors import bad_request, drain_body


def parse_whole(text: str, low: int, high: int | None = None) -> int | None:
    """``text`` as a whole number from ``low`` to ``high`` (no bound if None), written in ASCII
    digits (``2``, not ``٢``, which ``int`` would take); None if it is not one."""
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if low <= number and (high is None or number <= high) else None


MAX_PAGE = 100_000  # the highest ``?page=`` a paged list of a page or a feed accepts


def page_param(bad_page: str) -> int:
    """``?page=``: a whole number from 1 to ``MAX_PAGE`` (1 when absent); else a 400 that says
    ``bad_page``."""
    number = parse_whole(request.args.get("page", "1"), 1, MAX_PAGE)
    if number is None:
        raise BadRequest(bad_page)
    return number


def unquote(raw: bytes) -> str:
    """One percent-encoded name or value as UTF-8 (``+`` is a space); raises
    ``UnicodeDecodeError`` for bytes that are not UTF-8."""
    return unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8")


def read_body(limit: int, what: str, where: str, too_large: Callable[[str], Exception]) -> bytes:
    """The request body, at most ``limit`` bytes; past it ``too_large(message)`` is raised, the
    message naming the body (``what``) and who refuses it (``where``)."""
    length = request.content_length
    if length is not None and length > limit:
        drain_body()  # so the client, still sending, gets the 413 instead of a reset connection
        raise too_large(f"The {what} is {length} bytes; {where} accepts at most {limit}.")
    data = request.get_data(cache=False)
    if len(data) > limit:
        raise too_large(f"The {what} is larger than {limit} bytes.")
    return data


def parse_pairs(raw: bytes, where: str) -> MultiDict[str, str]:
    """The pairs of a query string or form body (``where`` names it in the error)."""
    pairs: MultiDict[str, str] = MultiDict()
    for part in raw.split(b"&"):
        if not part:
            continue
        name, _, value = part.partition(b"=")
        try:
            pairs.add(unquote(name), unquote(value))
        except UnicodeDecodeError:
            raise bad_request(
                f"The {where} is not valid UTF-8 once percent-decoded; SPARQL requests must be "
                "encoded in UTF-8.",
                reason="encoding",
            ) from None
    return pairs
