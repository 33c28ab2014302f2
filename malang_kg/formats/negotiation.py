"""The one rule of content negotiation, used by every route.

A route offers media types in its order of preference, its default first. The client's
``Accept`` picks among them by q-value, then by specificity (``text/turtle`` before ``text/*``
before ``*/*``); ties go to the route's order. So a client that sends no ``Accept``, or ``*/*``
alone, gets the route's default, and a browser (``text/html,…,*/*;q=0.8``) gets HTML wherever the
route offers it. Media type parameters other than q (``; charset=utf-8``) do not count. An offer
may carry another name for a media type (``("application/json", JSON_LD)``). A short name given
in the request (``format=``, a file suffix) wins over ``Accept``; that is the route's to read.
``negotiate`` returns None when the client accepts nothing offered: the route answers 406.

One leniency, as Jena Fuseki has it: a graph (CONSTRUCT, DESCRIBE) asked for with only result-set
types in ``Accept`` (rdflib's ``SPARQLStore`` asks so for every query form) is answered in the
graph default, Turtle; 406 stays for types we cannot produce at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from malang_kg.engine.tokens import QueryForm
from malang_kg.formats.media import (
    GRAPH_TYPES,
    RESULT_TYPES,
    TURTLE,
    Answer,
    MediaType,
    by_format,
    supported,
)

Offer = MediaType | tuple[str, MediaType]  # a media type, or another name for one


def parse_accept(header: str | None) -> MIMEAccept:
    """``Accept`` as Werkzeug's MIMEAccept; a missing or blank header accepts anything."""
    if header is None or not header.strip():
        return MIMEAccept([("*/*", 1)])
    parsed = parse_accept_header(header, MIMEAccept)
    # Parameters other than q do not change what is sent; Werkzeug would refuse the match.
    return MIMEAccept([(value.split(";", 1)[0].strip(), quality) for value, quality in parsed])


NEGOTIATED = 512  # (offers, Accept) pairs remembered: clients send few distinct headers


def negotiate(offered: Sequence[Offer], accept: str | None) -> MediaType | None:
    """The offered media type the client prefers (see the module's description), or None."""
    return _negotiate(tuple(offered), accept)


@lru_cache(maxsize=NEGOTIATED)
def _negotiate(offered: tuple[Offer, ...], accept: str | None) -> MediaType | None:
    """``negotiate``, remembered: on every request, and its answer depends on the offers and
    ``Accept`` alone (figures in ``docs/performance.md``)."""
    pairs = [offer if isinstance(offer, tuple) else (offer.mime, offer) for offer in offered]
    best = parse_accept(accept).best_match([name for name, _ in pairs])
    return next((media for name, media in pairs if name == best), None)


def choose(
    answer: Answer | QueryForm,
    accept: str | None,
    format_param: str | None = None,
    lenient: bool = True,
) -> MediaType | None:
    """How to answer with a result set or a graph (or a query of that form): ``format=`` if
    given, else by ``Accept`` among ``supported(answer)``; a graph asked for as a result set
    is Turtle unless not ``lenient`` (a request that is no query at all)."""
    if format_param is not None and format_param.strip():
        return by_format(answer, format_param)
    offered = supported(answer)
    chosen = negotiate(offered, accept)
    if chosen is None and lenient and offered is GRAPH_TYPES and _only_result_sets(accept):
        return TURTLE
    return chosen


_RESULT_SET_MIMES = frozenset(media.mime for media in RESULT_TYPES if not media.is_html)


def _only_result_sets(accept: str | None) -> bool:
    """Whether every type ``Accept`` takes (q > 0) is a result-set type (SPARQL JSON, XML...)."""
    taken = [name for name, quality in parse_accept(accept) if quality > 0]
    return bool(taken) and all(name in _RESULT_SET_MIMES for name in taken)


def wants_html(accept: str | None, format_param: str | None = None) -> bool:
    """Whether the client asks for the query page (a browser) rather than results."""
    media = choose("results", accept, format_param)
    return media is not None and media.is_html
