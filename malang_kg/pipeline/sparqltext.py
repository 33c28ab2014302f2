"""Splitting the top-level UNIONs of a SPARQL group, so Oxigraph plans each branch on its own.

Oxigraph joins a pattern with a UNION by evaluating each branch in the order it planned for the
branch alone: ``?this schema:articleBody ?body . { A } UNION { ?q a mk:Quotation ; … ?this }``
scans every quotation once per article, which is quadratic. A union distributes over what the
group does with it (join, filter, OPTIONAL and MINUS on its left, BIND), so the group equals
the union of the groups that keep one branch each; each of those is planned well.
"""

from __future__ import annotations

from itertools import product

MAX_VARIANTS = 64


def _skip_string(text: str, start: int) -> int:
    """The index just past the string literal that starts at ``start``."""
    quote = text[start]
    if text.startswith(quote * 3, start):
        end = text.find(quote * 3, start + 3)
        return len(text) if end < 0 else end + 3
    index = start + 1
    while index < len(text) and text[index] != quote:
        index += 2 if text[index] == "\\" else 1
    return index + 1


def _skip_iri(text: str, start: int) -> int:
    """Past an IRI reference ``<…>``, or just past ``<`` where it is a comparison."""
    index = start + 1
    while index < len(text) and text[index] not in "> \t\r\n":
        index += 1
    return index + 1 if index < len(text) and text[index] == ">" else start + 1


def top_level_groups(text: str) -> list[tuple[int, int]]:
    """The (start, end) spans of the ``{ … }`` groups at the top level of ``text``."""
    spans: list[tuple[int, int]] = []
    depth, index, start = 0, 0, 0
    while index < len(text):
        char = text[index]
        if char in "\"'":
            index = _skip_string(text, index)
            continue
        if char == "<":
            index = _skip_iri(text, index)
            continue
        if char == "#":
            end = text.find("\n", index)
            index = len(text) if end < 0 else end
            continue
        if char == "{":
            if depth == 0:
                start = index
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                spans.append((start, index + 1))
        index += 1
    return spans


def split_unions(body: str) -> list[str]:
    """The group body as one body per combination of branches of its top-level UNIONs."""
    spans = top_level_groups(body)
    chains: list[list[tuple[int, int]]] = []  # runs of groups joined by UNION
    for span in spans:
        between = body[chains[-1][-1][1] : span[0]] if chains else ""
        if chains and between.strip().upper() == "UNION":
            chains[-1].append(span)
        else:
            chains.append([span])
    unions = [chain for chain in chains if len(chain) > 1]
    if not unions:
        return [body]
    variants = []
    for choice in product(*unions):
        pieces, cursor = [], 0
        for chain, kept in zip(unions, choice, strict=True):
            pieces += [body[cursor : chain[0][0]], body[kept[0] : kept[1]]]
            cursor = chain[-1][1]
        variants.append("".join(pieces) + body[cursor:])
        if len(variants) > MAX_VARIANTS:
            return [body]
    return variants
