"""SPARQL text as tokens, with strings, IRIs and comments set apart: what the guard reads and
where the binder puts ``VALUES`` blocks.

Written by hand because no maintained Python library exposes a SPARQL tokenizer that keeps up with
SPARQL 1.1 and survives hostile nesting (rdflib's parser recurses and is slow).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from malang_kg.engine.errors import QuerySyntaxError

QueryForm = Literal["select", "ask", "construct", "describe"]
FORMS: dict[str, QueryForm] = {
    "SELECT": "select",
    "ASK": "ask",
    "CONSTRUCT": "construct",
    "DESCRIBE": "describe",
}

TOKEN = re.compile(
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
class Token:
    kind: str  # a group name of ``TOKEN``: iri, string, var, pname, word, open, close, ...
    text: str
    start: int
    end: int

    def is_word(self, word: str) -> bool:
        return self.kind == "word" and self.text.upper() == word

    def is_open_brace(self) -> bool:
        return self.kind == "open" and self.text == "{"


def tokenize(text: str) -> list[Token]:
    """Every token of ``text`` but white space and comments, with its position."""
    found = []
    for match in TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind not in ("ws", "comment"):
            found.append(Token(kind, match.group(), match.start(), match.end()))
    return found


def query_form(found: list[Token]) -> QueryForm:
    """The form of the query: its first SELECT, ASK, CONSTRUCT or DESCRIBE."""
    for token in found:
        if token.kind == "word" and token.text.upper() in FORMS:
            return FORMS[token.text.upper()]
    raise QuerySyntaxError("not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE")
