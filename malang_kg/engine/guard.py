"""The guard every query passes before any engine sees it.

It decodes SPARQL's codepoint escapes (``\\u0045`` is ``E`` before parsing, so ``S\\u0045RVICE``
is SERVICE), splits the text into tokens with strings, IRIs and comments set apart, and refuses:
text over the size limit (413); nesting deeper than the limit (400: Oxigraph's parser crashes its
process on a query nested 3,000 deep); SERVICE and LOAD, which make an engine fetch URLs; and any
update, since the endpoint is read-only. It also finds the query form and the graphs named in
FROM / FROM NAMED, which the service checks against the store's own graphs.

Written by hand because no maintained Python library exposes a SPARQL tokenizer or parser that
keeps up with SPARQL 1.1 and survives hostile nesting (rdflib's parser recurses and is slow).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from malang_kg.engine.errors import QueryRejected, QuerySyntaxError, QueryTooLarge

QueryForm = Literal["select", "ask", "construct", "describe"]
FORMS: dict[str, QueryForm] = {
    "SELECT": "select",
    "ASK": "ask",
    "CONSTRUCT": "construct",
    "DESCRIBE": "describe",
}
UPDATE_WORDS = frozenset(
    {"INSERT", "DELETE", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH", "USING"}
)

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_TOKEN = re.compile(
    r"""
      (?P<ws>\s+)
    | (?P<comment>\#[^\n\r]*)
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               |'''(?:[^'\\]|\\.|'(?!''))*'''
               |"(?:[^"\\\n\r]|\\.)*"
               |'(?:[^'\\\n\r]|\\.)*')
    | (?P<var>[?$][^\s{}()\[\],;.!=<>|&+*/^"'\#-]+)
    | (?P<langtag>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
    | (?P<bnode>_:[^\s{}()\[\],;]+)
    | (?P<pname>[^\s{}()\[\],;:"'<>?$@\#]*:[^\s{}()\[\],;"'<>\#]*)
    | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<open>[{(\[])
    | (?P<close>[})\]])
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Prepared:
    """A query that passed the guard: its decoded text, form and the graphs it names."""

    text: str
    form: QueryForm
    from_graphs: tuple[str, ...] = ()
    from_named_graphs: tuple[str, ...] = ()

    @property
    def names_a_dataset(self) -> bool:
        return bool(self.from_graphs or self.from_named_graphs)


def decode_escapes(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise QueryRejected(f"the escape {match.group(0)} is not a valid character")
        return chr(code)

    return _ESCAPE.sub(replace, text)


def tokens(text: str) -> list[tuple[str, str]]:
    """(kind, text) pairs of everything but white space and comments."""
    found = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind not in ("ws", "comment"):
            found.append((kind, match.group()))
    return found


def _nesting(found: list[tuple[str, str]], limit: int) -> None:
    depth = 0
    for kind, _ in found:
        if kind == "open":
            depth += 1
            if depth > limit:
                raise QueryRejected(
                    f"the query is nested more than {limit} levels deep; simplify it"
                )
        elif kind == "close":
            depth -= 1


def _expand(kind: str, text: str, prefixes: dict[str, str], base: str) -> str:
    if kind == "iri":
        iri = text[1:-1]
        return iri if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", iri) or not base else base + iri
    prefix, _, local = text.partition(":")
    if prefix not in prefixes:
        raise QuerySyntaxError(f"the prefix {prefix}: is not declared")
    return prefixes[prefix] + local


def check(text: str, max_bytes: int, max_nesting: int, base_iri: str | None = None) -> Prepared:
    if len(text.encode("utf-8", errors="surrogatepass")) > max_bytes:
        raise QueryTooLarge(f"the query is longer than {max_bytes} bytes")
    decoded = decode_escapes(text)
    found = tokens(decoded)
    _nesting(found, max_nesting)

    form: QueryForm | None = None
    prefixes: dict[str, str] = {}
    base = base_iri or ""
    from_graphs: list[str] = []
    from_named: list[str] = []
    for index, (kind, value) in enumerate(found):
        if kind != "word":
            continue
        word = value.upper()
        if word == "SERVICE":
            raise QueryRejected(
                "SERVICE is not allowed: this endpoint answers from its own data and never "
                "queries other endpoints"
            )
        if word == "LOAD":
            raise QueryRejected("LOAD is not allowed: this endpoint is read-only")
        if word in UPDATE_WORDS:
            raise QueryRejected(
                f"{word} is an update operation; this endpoint is read-only and answers queries "
                "(SELECT, ASK, CONSTRUCT, DESCRIBE) only"
            )
        following = found[index + 1 : index + 4]
        if word == "PREFIX" and len(following) >= 2 and following[1][0] == "iri":
            prefixes[following[0][1].rstrip(":")] = following[1][1][1:-1]
        elif word == "BASE" and following and following[0][0] == "iri":
            base = _expand(*following[0], prefixes, base)
        elif word in FORMS and form is None:
            form = FORMS[word]
        elif word == "FROM" and following:
            named = following[0][0] == "word" and following[0][1].upper() == "NAMED"
            target = following[1] if named and len(following) > 1 else following[0]
            if target[0] not in ("iri", "pname"):
                raise QuerySyntaxError("FROM must be followed by an IRI")
            (from_named if named else from_graphs).append(_expand(*target, prefixes, base))
    if form is None:
        raise QuerySyntaxError("not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE")
    return Prepared(decoded, form, tuple(from_graphs), tuple(from_named))
