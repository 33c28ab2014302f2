"""The one rule of content negotiation, used by every route.

A route offers media types in its order of preference, its default first. The client's
``Accept`` picks among them by q-value, then by specificity (``text/turtle`` before ``text/*``
before ``*/*``); ties go to the route's order. So a client that sends no ``Accept``, or ``*/*``
alone, gets the route's default, and a browser (``text/html,…,*/*;q=0.8``) gets HTML wherever the
route offers it. Media type parameters other than q (``; charset=utf-8``) do not count. An offer
may carry another name for a media type (``("application/json", JSON_LD)``). A short name given
in the request (``format=``, a file suffix) wins over ``Accept``; that is the route's to read.
``negotiate`` returns None when the client accepts nothing offered: the route answers 406.
"""

from __future__ import annotations

from collections.abc import Sequence

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from malang_kg.engine.tokens import QueryForm
from malang_kg.formats.media import Answer, MediaType, by_format, supported

Offer = MediaType | tuple[str, MediaType]  # a media type, or another name for one


def parse_accept(header: str | None) -> MIMEAccept:
    """``Accept`` as Werkzeug's MIMEAccept; a missing or blank header accepts anything."""
    if header is None or not header.strip():
        return MIMEAccept([("*/*", 1)])
    parsed = parse_accept_header(header, MIMEAccept)
    # Parameters other than q do not change what is sent; Werkzeug would refuse the match.
    return MIMEAccept([(value.split(";", 1)[0].strip(), quality) for value, quality in parsed])


def negotiate(offered: Sequence[Offer], accept: str | None) -> MediaType | None:
    """The offered media type the client prefers (see the module's description), or None."""
    pairs = [offer if isinstance(offer, tuple) else (offer.mime, offer) for offer in offered]
    best = parse_accept(accept).best_match([name for name, _ in pairs])
    return next((media for name, media in pairs if name == best), None)


def choose(
    answer: Answer | QueryForm, accept: str | None, format_param: str | None = None
) -> MediaType | None:
    """How to answer with a result set or a graph (or a query of that form): ``format=`` if
    given, else by ``Accept`` among ``supported(answer)``."""
    if format_param is not None and format_param.strip():
        return by_format(answer, format_param)
    return negotiate(supported(answer), accept)


def wants_html(accept: str | None, format_param: str | None = None) -> bool:
    """Whether the client asks for the query page (a browser) rather than results."""
    media = choose("results", accept, format_param)
    return media is not None and media.is_html
