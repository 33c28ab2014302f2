"""The guard every query passes before any engine sees it.

It decodes SPARQL's codepoint escapes (``S\\u0045RVICE`` is SERVICE), reads the text as tokens
(``tokens.py``: strings, IRIs and comments apart) and refuses: text over the size limit (413);
nesting deeper than the limit (400: Oxigraph's parser crashes its process on a query nested
3,000 deep); SERVICE and LOAD, which make an engine fetch URLs; and any update, as the endpoint is
read-only. It also finds the query form and the graphs named in FROM / FROM NAMED, which the
service checks against the store's own graphs.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from malang_kg.engine.bounded import Subject, lookup_subjects
from malang_kg.engine.errors import QueryRejected, QuerySyntaxError, QueryTooLarge
from malang_kg.engine.tokens import FORMS, QueryForm, Token, tokenize

UPDATE_WORDS = frozenset(
    {"INSERT", "DELETE", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH", "USING"}
)
REMEMBERED_BYTES = 4096  # texts up to this long are checked once (``check``)
REMEMBERED_QUERIES = 1024
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


@dataclass(frozen=True)
class Prepared:
    """A query that passed the guard: its decoded text, form and the graphs it names."""

    text: str
    form: QueryForm
    from_graphs: tuple[str, ...] = ()
    from_named_graphs: tuple[str, ...] = ()
    tokens: tuple[Token, ...] = ()  # of ``text``, for what else reads the query

    @property
    def names_a_dataset(self) -> bool:
        return bool(self.from_graphs or self.from_named_graphs)

    @functools.cached_property
    def lookup_subjects(self) -> tuple[Subject, ...] | None:
        """Its patterns' subjects if it is a bounded lookup (``bounded.lookup_subjects``)."""
        return lookup_subjects(self.tokens)


def decode_escapes(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise QueryRejected(
                f"the escape {match.group(0)} is not a valid character",
                reason="encoding",
                subject=match.group(0),
            )
        return chr(code)

    return _ESCAPE.sub(replace, text)


def _nesting(found: list[Token], limit: int) -> None:
    depth = 0
    for token in found:
        if token.kind == "open":
            depth += 1
            if depth > limit:
                raise QueryRejected(
                    f"the query is nested more than {limit} levels deep; simplify it",
                    reason="nesting",
                    limit=limit,
                )
        elif token.kind == "close":
            depth -= 1


def _expand(token: Token, prefixes: dict[str, str], base: str) -> str:
    if token.kind == "iri":
        iri = token.text[1:-1]
        return iri if _ABSOLUTE.match(iri) or not base else base + iri
    prefix, _, local = token.text.partition(":")
    if prefix not in prefixes:
        raise QuerySyntaxError(
            f"the prefix {prefix}: is not declared", prefix=prefix, token=token.text
        )
    return prefixes[prefix] + local


def _refuse(word: str) -> None:
    if word == "SERVICE":
        raise QueryRejected(
            "SERVICE is not allowed: this endpoint answers from its own data and never "
            "queries other endpoints",
            reason="service",
        )
    if word == "LOAD":
        raise QueryRejected("LOAD is not allowed: this endpoint is read-only", reason="load")
    if word in UPDATE_WORDS:
        raise QueryRejected(
            f"{word} is an update operation; this endpoint is read-only and answers queries "
            "(SELECT, ASK, CONSTRUCT, DESCRIBE) only",
            reason="update",
            subject=word,
        )


def check(text: str, max_bytes: int, max_nesting: int, base_iri: str | None = None) -> Prepared:
    """``text`` as the guard passes it, or the QueryError that refuses it. What passed is kept
    for texts up to ``REMEMBERED_BYTES`` (the pages' own queries, repeated lookups): the same
    text is never read twice."""
    if len(text) <= REMEMBERED_BYTES:
        return _remembered(text, max_bytes, max_nesting, base_iri)
    return _check(text, max_bytes, max_nesting, base_iri)


@functools.lru_cache(maxsize=REMEMBERED_QUERIES)
def _remembered(text: str, max_bytes: int, max_nesting: int, base_iri: str | None) -> Prepared:
    return _check(text, max_bytes, max_nesting, base_iri)


def _check(text: str, max_bytes: int, max_nesting: int, base_iri: str | None) -> Prepared:
    if len(text.encode("utf-8", errors="surrogatepass")) > max_bytes:
        raise QueryTooLarge(f"the query is longer than {max_bytes} bytes", limit=max_bytes)
    decoded = decode_escapes(text)
    found = tokenize(decoded)
    _nesting(found, max_nesting)
    form: QueryForm | None = None
    prefixes: dict[str, str] = {}
    base = base_iri or ""
    graphs: dict[bool, list[str]] = {False: [], True: []}  # FROM, FROM NAMED
    for index, token in enumerate(found):
        if token.kind != "word":
            continue
        word = token.text.upper()
        _refuse(word)
        following = found[index + 1 : index + 4]
        if word == "PREFIX" and len(following) >= 2 and following[1].kind == "iri":
            prefixes[following[0].text.rstrip(":")] = following[1].text[1:-1]
        elif word == "BASE" and following and following[0].kind == "iri":
            base = _expand(following[0], prefixes, base)
        elif word in FORMS and form is None:
            form = FORMS[word]
        elif word == "FROM" and following:
            named = following[0].is_word("NAMED")
            target = following[1] if named and len(following) > 1 else following[0]
            if target.kind not in ("iri", "pname"):
                raise QuerySyntaxError("FROM must be followed by an IRI")
            graphs[named].append(_expand(target, prefixes, base))
    if form is None:
        raise QuerySyntaxError("not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE")
    return Prepared(decoded, form, tuple(graphs[False]), tuple(graphs[True]), tuple(found))
