"""The text an engine is sent: the guarded query with its bindings as an inline ``VALUES`` block
of terms in N-Triples syntax (escaped by pyoxigraph), at the start of the ``WHERE`` group of every
``SELECT`` that projects the variable. A value is one token there: it can never become syntax.
Only SELECT queries take bindings, and they must project every variable they bind."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox

from malang_kg.engine import Term
from malang_kg.engine.errors import QueryError, QuerySyntaxError
from malang_kg.engine.oxterms import to_oxigraph
from malang_kg.engine.tokens import Token, query_form, tokenize

_VARIABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
PLANS = 4096  # query texts whose binding places are remembered (the pages' and named queries')


def term_text(term: Term) -> str:
    """``term`` in N-Triples syntax (valid SPARQL), escaped by pyoxigraph."""
    if term.kind not in ("uri", "literal"):
        raise QueryError(f"a {term.kind} cannot be bound as a value on a remote SPARQL engine")
    try:
        return str(to_oxigraph(term))
    except ValueError:
        raise QueryError(f"not a valid RDF term: {term.value[:100]!r}") from None


def values_block(names: tuple[str, ...], bindings: dict[str, Term]) -> str:
    variables = " ".join(f"?{name}" for name in names)
    terms = " ".join(term_text(bindings[name]) for name in names)
    return f" VALUES ({variables}) {{ ({terms}) }} "


@dataclass(frozen=True)
class _Edit:
    """Text to insert at ``position``: the VALUES block of ``names`` (none: no block), then
    ``then``."""

    position: int
    names: tuple[str, ...]
    then: str = ""


def _closing(found: list[Token], opening: int) -> int:
    """The index of the bracket that closes the one at ``opening``."""
    depth = 0
    for index in range(opening, len(found)):
        if found[index].kind == "open":
            depth += 1
        elif found[index].kind == "close":
            depth -= 1
            if depth == 0:
                return index
    raise QuerySyntaxError("a '{' is never closed")


def _next_brace(found: list[Token], after: int) -> int | None:
    for index in range(after + 1, len(found)):
        if found[index].is_open_brace():
            return index
    return None


def _projection(found: list[Token], select: int, group: int) -> set[str] | None:
    """The variables the SELECT at ``select`` projects (None: ``SELECT *``, all of them)."""
    depth = 0
    after_as = False
    names: set[str] = set()
    for token in found[select + 1 : group]:
        if token.kind == "open":
            depth += 1
        elif token.kind == "close":
            depth -= 1
        elif token.kind == "other" and token.text == "*" and depth == 0:
            return None
        elif token.kind == "var" and (depth == 0 or after_as):
            names.add(token.text[1:])
        after_as = token.is_word("AS")
    return names


def _insert_at(found: list[Token], group: int, names: tuple[str, ...]) -> list[_Edit]:
    """Edits putting the VALUES of ``names`` first in the group opened at ``group``. A group
    that is a bare sub-query (``{ SELECT … }``) gets braces around the sub-query, as VALUES
    cannot precede it."""
    position = found[group].end
    if group + 1 < len(found) and found[group + 1].is_word("SELECT"):
        close = _closing(found, group)
        return [_Edit(position, names, "{ "), _Edit(found[close].start, (), " } ")]
    return [_Edit(position, names)]


@lru_cache(maxsize=PLANS)
def _plan(text: str, bound: frozenset[str]) -> tuple[_Edit, ...]:
    """Where the VALUES of the variables ``bound`` go in ``text``, last position first: it
    depends on the text and the names only, and tokenising is most of binding's cost."""
    for name in bound:
        if not _VARIABLE_NAME.match(name):
            raise QueryError(f"not a variable name: {name[:50]!r}")
    found = tokenize(text)
    if query_form(found) != "select":
        raise QueryError("values can only be bound in a SELECT query")
    edits: list[_Edit] = []
    top_level = True
    for index, token in enumerate(found):
        if not token.is_word("SELECT"):
            continue
        group = _next_brace(found, index)
        if group is None:
            raise QuerySyntaxError("a SELECT has no WHERE group")
        projected = _projection(found, index, group)
        chosen = tuple(sorted(name for name in bound if projected is None or name in projected))
        if top_level and len(chosen) < len(bound):
            missing = sorted(bound - set(chosen))[0]
            raise QueryError(f"the query does not project ?{missing}, so it cannot be bound")
        top_level = False
        if chosen:
            edits += _insert_at(found, group, chosen)
    return tuple(sorted(edits, key=lambda edit: edit.position, reverse=True))


def bind_values(text: str, bindings: dict[str, Term]) -> str:
    """``text`` with ``bindings`` bound as VALUES (see the module's description)."""
    if not bindings:
        return text
    for edit in _plan(text, frozenset(bindings)):
        block = values_block(edit.names, bindings) if edit.names else ""
        text = text[: edit.position] + block + edit.then + text[edit.position :]
    return text


def with_base(text: str, base_iri: str | None) -> str:
    """``text`` resolving relative IRIs against ``base_iri`` (a BASE of the query's own, later
    in its prologue, still wins)."""
    if not base_iri:
        return text
    return f"BASE {ox.NamedNode(base_iri)}\n{text}"
