"""The text an engine is sent: the guarded query with its bindings as an inline ``VALUES`` block
of terms in N-Triples syntax (escaped by pyoxigraph), at the start of the ``WHERE`` group of every
``SELECT`` that projects the variable. A value is one token there: it can never become syntax.
Only SELECT queries take bindings, and they must project every variable they bind."""

from __future__ import annotations

import re

import pyoxigraph as ox

from malang_kg.engine import Term
from malang_kg.engine.errors import QueryError, QuerySyntaxError
from malang_kg.engine.oxterms import to_oxigraph
from malang_kg.engine.tokens import Token, query_form, tokenize

_VARIABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def term_text(term: Term) -> str:
    """``term`` in N-Triples syntax (valid SPARQL), escaped by pyoxigraph."""
    if term.kind not in ("uri", "literal"):
        raise QueryError(f"a {term.kind} cannot be bound as a value on a remote SPARQL engine")
    try:
        return str(to_oxigraph(term))
    except ValueError:
        raise QueryError(f"not a valid RDF term: {term.value[:100]!r}") from None


def values_block(bindings: dict[str, Term]) -> str:
    names = sorted(bindings)
    for name in names:
        if not _VARIABLE_NAME.match(name):
            raise QueryError(f"not a variable name: {name[:50]!r}")
    variables = " ".join(f"?{name}" for name in names)
    terms = " ".join(term_text(bindings[name]) for name in names)
    return f" VALUES ({variables}) {{ ({terms}) }} "


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


def _insert_at(found: list[Token], group: int, block: str) -> list[tuple[int, str]]:
    """Edits putting ``block`` first in the group opened at ``group``. A group that is a bare
    sub-query (``{ SELECT … }``) gets braces around the sub-query, as VALUES cannot precede it."""
    position = found[group].end
    if group + 1 < len(found) and found[group + 1].is_word("SELECT"):
        close = _closing(found, group)
        return [(position, block + "{ "), (found[close].start, " } ")]
    return [(position, block)]


def bind_values(text: str, bindings: dict[str, Term]) -> str:
    """``text`` with ``bindings`` bound as VALUES (see the module's description)."""
    if not bindings:
        return text
    found = tokenize(text)
    if query_form(found) != "select":
        raise QueryError("values can only be bound in a SELECT query")
    edits: list[tuple[int, str]] = []
    top_level = True
    for index, token in enumerate(found):
        if not token.is_word("SELECT"):
            continue
        group = _next_brace(found, index)
        if group is None:
            raise QuerySyntaxError("a SELECT has no WHERE group")
        projected = _projection(found, index, group)
        chosen = {
            name: term for name, term in bindings.items() if projected is None or name in projected
        }
        if top_level and len(chosen) < len(bindings):
            missing = sorted(set(bindings) - set(chosen))[0]
            raise QueryError(f"the query does not project ?{missing}, so it cannot be bound")
        top_level = False
        if chosen:
            edits += _insert_at(found, group, values_block(chosen))
    for position, insertion in sorted(edits, key=lambda edit: edit[0], reverse=True):
        text = text[:position] + insertion + text[position:]
    return text


def with_base(text: str, base_iri: str | None) -> str:
    """``text`` resolving relative IRIs against ``base_iri`` (a BASE of the query's own, later
    in its prologue, still wins)."""
    if not base_iri:
        return text
    return f"BASE {ox.NamedNode(base_iri)}\n{text}"
