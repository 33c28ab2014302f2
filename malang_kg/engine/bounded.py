"""What a query's text says about its cost: whether it is a bounded lookup, small enough,
provably, to answer in the serving process without the hop to a killable query process
(``docs/design.md``, "Bounded lookups"), and whether it may hold a large answer (it sorts or
groups all of it), which ``QueryService`` lets only ``LARGE_ANSWERS`` queries do at once.

A query is a bounded lookup when it is a SELECT or ASK whose every triple pattern has a fixed
subject (an IRI, or a variable the service binds), with no property path, sub-query, aggregate,
grouping, ordering, EXISTS or MINUS, and no arithmetic that could hide a path operator. Every
pattern then matches only triples of its subject, so the work of the whole query is at most the
product of the subjects' numbers of triples: the embedded store counts those first
and answers in process only when the product is within ``WORK_BUDGET``.
"""

from __future__ import annotations

from collections.abc import Sequence

from malang_kg.engine.tokens import Token, tokenize
from malang_kg.engine.types import Term

WORK_BUDGET = 100_000  # most combinations of triples a bounded lookup may join
SMALL_ANSWER = 1_000  # rows an answer may have without counting as large
MAX_PATTERNS = 8
REFUSED_WORDS = frozenset(
    {
        "GROUP", "ORDER", "HAVING", "COUNT", "SUM", "AVG", "MIN", "MAX", "SAMPLE",
        "GROUP_CONCAT", "EXISTS", "MINUS", "SERVICE", "CONSTRUCT", "DESCRIBE", "FROM",
    }
)  # fmt: skip
KEYWORDS = frozenset(
    {"OPTIONAL", "GRAPH", "UNION", "FILTER", "BIND", "VALUES", "NOT", "IN", "AS", "UNDEF"}
)
PATH_SIGNS = frozenset("/|^*+?!")
SUBJECTS = ("iri", "pname", "var")


def _closing(found: list[Token], opening: int) -> int | None:
    """The index of the bracket closing the one at ``opening``, or None."""
    depth = 0
    for index in range(opening, len(found)):
        depth += {"open": 1, "close": -1}.get(found[index].kind, 0)
        if depth == 0:
            return index
    return None


def _body(found: list[Token]) -> list[Token] | None:
    """The tokens of the WHERE group (without its braces); None when anything but LIMIT or
    OFFSET follows it."""
    start = next((i for i, token in enumerate(found) if token.is_open_brace()), None)
    end = _closing(found, start) if start is not None else None
    if start is None or end is None:
        return None
    if any(
        t.kind == "word" and t.text.upper() not in ("LIMIT", "OFFSET") for t in found[end + 1 :]
    ):
        return None
    return found[start + 1 : end]


def _skip_bracketed(body: list[Token], index: int) -> int | None:
    """After FILTER, BIND or VALUES at ``index``: the index just past its bracketed part."""
    opening = next((i for i in range(index + 1, len(body)) if body[i].kind == "open"), None)
    if opening is None:
        return None
    closing = _closing(body, opening)
    return None if closing is None else closing + 1


def _subjects(body: list[Token]) -> list[Token] | None:
    """The subject of every triple pattern of ``body`` (once per pattern: ``?s ?p ?o ; ?q ?r``
    is two), or None if one is not a plain term (a
    blank node, a collection) or the group holds brackets other than groups and expressions."""
    subjects: list[Token] = []
    expect_subject, index = True, 0
    while index < len(body):
        token = body[index]
        word = token.text.upper() if token.kind == "word" else ""
        if word in ("FILTER", "BIND", "VALUES"):
            after = _skip_bracketed(body, index)
            if after is None:
                return None
            index, expect_subject = after, True
            continue
        if word == "GRAPH":
            index += 2  # the graph's name, then its group
            continue
        if token.kind in ("open", "close"):
            if token.text not in "{}":
                return None  # a blank node [ … ] or a collection ( … ) in a pattern
            expect_subject = True
        elif token.kind == "other" and token.text == ".":
            expect_subject = True
        elif token.text in (";", ",") and subjects:
            subjects.append(subjects[-1])  # another pattern of the same subject
        elif word in KEYWORDS:
            pass
        elif expect_subject:
            if token.kind not in SUBJECTS:
                return None
            subjects.append(token)
            expect_subject = False
        index += 1
    return subjects


def _prefixes(found: list[Token]) -> dict[str, str]:
    declared = {}
    for index, token in enumerate(found[:-2]):
        if token.is_word("PREFIX") and found[index + 2].kind == "iri":
            declared[found[index + 1].text.rstrip(":")] = found[index + 2].text[1:-1]
    return declared


Subject = tuple[str, str]  # ("iri", the IRI) or ("var", the variable's name)


def _subject(token: Token, prefixes: dict[str, str]) -> Subject | None:
    if token.kind == "var":
        return ("var", token.text[1:])
    if token.kind == "iri":
        return ("iri", token.text[1:-1])
    prefix, _, local = token.text.partition(":")
    return ("iri", prefixes[prefix] + local) if prefix in prefixes else None


def lookup_subjects(tokens: Sequence[Token]) -> tuple[Subject, ...] | None:
    """The subject of every triple pattern when the query of ``tokens`` is a bounded lookup
    once its variable subjects are bound, else None. It depends on the text alone, so the guard
    keeps it with the text (``Prepared.lookup_subjects``)."""
    found = list(tokens)
    words = {token.text.upper() for token in found if token.kind == "word"}
    forms = [token for token in found if token.is_word("SELECT") or token.is_word("ASK")]
    if len(forms) != 1 or words & REFUSED_WORDS:
        return None
    body = _body(found)
    if body is None:
        return None
    # A path: a sign between terms, or inside a prefixed name (``oa:hasSelector/oa:exact``).
    if any(
        (token.kind == "other" and token.text in PATH_SIGNS)
        or (token.kind == "pname" and PATH_SIGNS & set(token.text))
        for token in body
    ):
        return None
    subjects = _subjects(body)
    if not subjects or len(subjects) > MAX_PATTERNS:
        return None
    prefixes = _prefixes(found)
    resolved = [_subject(subject, prefixes) for subject in subjects]
    if any(subject is None for subject in resolved):
        return None
    return tuple(subject for subject in resolved if subject is not None)


def bound_subjects(
    subjects: tuple[Subject, ...] | None, bindings: dict[str, Term]
) -> tuple[str, ...] | None:
    """The IRIs of ``subjects`` (``lookup_subjects``) under ``bindings``, or None when one is a
    variable not bound to an IRI (then it is no bounded lookup)."""
    if subjects is None:
        return None
    iris = []
    for kind, value in subjects:
        if kind == "var":
            term = bindings.get(value)
            if term is None or term.kind != "uri":
                return None
            value = term.value
        iris.append(value)
    return tuple(iris)


def fixed_subjects(text: str, bindings: dict[str, Term]) -> tuple[str, ...] | None:
    """The IRIs of the fixed subjects of ``text`` as a bounded lookup, or None when it is not
    one."""
    return bound_subjects(lookup_subjects(tokenize(text)), bindings)


def within_budget(degrees: list[int]) -> bool:
    """Whether joining patterns that match at most these numbers of triples stays within the
    budget (a pattern of a subject with no triple makes the whole join empty)."""
    work = 1
    for degree in degrees:
        work *= degree
        if work > WORK_BUDGET:
            return False
    return True


def holds_large_answer(text: str, max_rows: int, tokens: Sequence[Token] | None = None) -> bool:
    """Whether answering ``text`` may hold many rows at once: it sorts or groups (ORDER BY,
    GROUP BY), which makes the engine keep every solution, and no LIMIT of at most
    ``SMALL_ANSWER`` rows bounds it; or it may return more than ``SMALL_ANSWER`` rows anyway
    while sorting."""
    found = list(tokens) if tokens is not None else tokenize(text)
    words = [token.text.upper() for token in found if token.kind == "word"]
    if "ORDER" not in words and "GROUP" not in words:
        return False
    if max_rows <= SMALL_ANSWER:
        return False
    limits = [index for index, token in enumerate(found[:-1]) if token.is_word("LIMIT")]
    return not any(
        found[index + 1].kind == "other" and _number(found, index + 1) <= SMALL_ANSWER
        for index in limits
    )


def _number(found: list[Token], start: int) -> int:
    digits = ""
    for token in found[start:]:
        if token.kind != "other" or not token.text.isdigit():
            break
        digits += token.text
    return int(digits) if digits else SMALL_ANSWER + 1
