"""Why a query was not answered: one exception per case, each with its HTTP status and, for a
refusal, a typed ``reason`` that metrics and logs use. The web layer maps them to responses in
one place; their messages are written for the client and never carry engine internals."""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Mapping
from typing import Literal

from malang_kg.iris import PREFIXES, Layout

Reason = Literal[
    "service",
    "load",
    "update",
    "nesting",
    "too-large",
    "syntax",
    "unknown-graph",
    "encoding",
    "media-type",
    "not-acceptable",
    "invalid",
]
REASONS: tuple[Reason, ...] = (
    "service",
    "load",
    "update",
    "nesting",
    "too-large",
    "syntax",
    "unknown-graph",
    "encoding",
    "media-type",
    "not-acceptable",
    "invalid",
)

# What is wrong where a syntax error is: an undeclared prefix, an IRI that is not valid, the text
# ends before the query does, or something near a token.
SyntaxProblem = Literal["prefix", "iri", "end", "near"]


class QueryError(Exception):
    status = 400
    title = "Bad Request"
    reason: Reason = "invalid"

    def __init__(self, message: str, reason: Reason | None = None) -> None:
        super().__init__(message)
        self.message = message
        if reason is not None:
            self.reason = reason


class QueryRejected(QueryError):
    """The guard refused the query (forbidden operation, nesting, unknown graph, bad encoding);
    ``reason`` says which, ``subject`` what was refused (the update word, the graph's IRI, the
    escape), ``limit`` the limit passed (levels of nesting), ``choices`` what is allowed instead
    (the dataset's graphs)."""

    def __init__(
        self,
        message: str,
        reason: Reason | None = None,
        *,
        subject: str | None = None,
        limit: int | None = None,
        choices: tuple[str, ...] = (),
    ) -> None:
        super().__init__(message, reason)
        self.subject = subject
        self.limit = limit
        self.choices = choices


class QuerySyntaxError(QueryError):
    """The query does not parse; the message says where. When known: ``line`` and ``column``
    (1-based, in characters), ``token`` (the text there, from the query), ``prefix`` (an
    undeclared prefix's name) and ``problem`` (which of ``SyntaxProblem``)."""

    reason: Reason = "syntax"

    def __init__(
        self,
        message: str,
        *,
        line: int | None = None,
        column: int | None = None,
        token: str | None = None,
        prefix: str | None = None,
        problem: SyntaxProblem | None = None,
    ) -> None:
        super().__init__(message)
        self.line = line
        self.column = column
        self.token = token
        self.prefix = prefix
        self.problem: SyntaxProblem | None = problem or ("prefix" if prefix is not None else None)


class QueryTooLarge(QueryError):
    """The query (or the request's body) is longer than ``limit`` bytes, when known."""

    status = 413
    title = "Payload Too Large"
    reason: Reason = "too-large"

    def __init__(self, message: str, *, limit: int | None = None) -> None:
        super().__init__(message)
        self.limit = limit


class QueryTimeout(QueryError):
    """The query ran past ``limit_seconds``; ``queued``: it waited that long for a turn among
    the large answers being computed, and never ran."""

    status = 503
    title = "Service Unavailable"

    def __init__(
        self, message: str, *, limit_seconds: float | None = None, queued: bool = False
    ) -> None:
        super().__init__(message)
        self.limit_seconds = limit_seconds
        self.queued = queued


class QueryAbandoned(QueryError):
    """The client went away while its query ran; the query was stopped. Nobody reads the answer:
    the status (nginx's "client closed request") is for the access log and the metrics."""

    status = 499
    title = "Client Closed Request"


class QueryResourceExceeded(QueryError):
    """The query needed more memory than a query may use (``memory_mib``, when known), or its
    process died."""

    status = 503
    title = "Service Unavailable"

    def __init__(self, message: str, *, memory_mib: int | None = None) -> None:
        super().__init__(message)
        self.memory_mib = memory_mib


class BackendUnavailable(QueryError):
    status = 503
    title = "Service Unavailable"


class BackendError(QueryError):
    """The engine failed, refused the service or answered something unreadable."""

    status = 502
    title = "Bad Gateway"


class BackendTimeout(QueryError):
    """The engine did not answer the service's own call, or the connection, in time."""

    status = 504
    title = "Gateway Timeout"


# --- Syntax errors: where, and what is there -----------------------------------------------------
#
# Oxigraph's parser (rust-peg) reports the farthest point it reached, 1-based, counting characters
# and lines ended by "\n": often just past the real mistake, or the end of the text. So the token
# quoted is what stands *near* the mistake, and an undeclared prefix is looked for in the text.

_POSITION = re.compile(r"^error at (\d+):(\d+): (.*)$", re.DOTALL)
PREFIX_NOT_FOUND = "Prefix not found"  # what Oxigraph's parser expects at an undeclared prefix
IRI_INVALID = "IRI parsing failed"
TOKEN_CHARS = 40  # the longest token quoted back to the client
_MARKS = "{}()[],;.\"'<>"
_RUN = re.compile(
    r"""(?:[^\s{}()\[\],;."'<>]|\.(?=[^\s{}()\[\],;."'<>]))+  # a word, name or pname
    | "[^"\n]*"? | '[^'\n]*'? | <[^<>\s]*>?                   # a string or an IRI, if closed
    | [{}()\[\],;.]+                                           # punctuation""",
    re.VERBOSE,
)
_PREFIX_NAME = re.compile(r"(?:[^\W\d_](?:[\w.-]*[\w-])?)?$")  # SPARQL's PN_PREFIX, at the end
_DANGLING = re.compile(r"[,:;\s]*\bexpected(?: one of)?$")  # what is left of a cut list
_PREFIXED = re.compile(r"[^\s/|^*+?=!&{}()\[\],;\"'<>#]*")  # a prefixed name, not its path


def dataset_prefixes(base_iri: str | None) -> Mapping[str, str]:
    """The prefixes of the dataset under ``base_iri`` (the project's without one)."""
    return Layout(base_iri).prefixes if base_iri else PREFIXES


def prefix_fix(name: str, prefixes: Mapping[str, str]) -> str | None:
    """The ``PREFIX`` line that declares ``name`` as this dataset does, if it is one of
    ``prefixes``."""
    iri = prefixes.get(name)
    return f"PREFIX {name}: <{iri}>" if iri is not None else None


def offset_of(text: str, line: int, column: int) -> int:
    """The index in ``text`` of a 1-based line and column (characters, lines ended by ``\\n``,
    as Oxigraph counts them), kept within its line and the text."""
    start = 0
    for _ in range(line - 1):
        end = text.find("\n", start)
        if end < 0:
            return len(text)
        start = end + 1
    end = text.find("\n", start)
    return min(start + max(column, 1) - 1, len(text) if end < 0 else end)


def position_of(text: str, offset: int) -> tuple[int, int]:
    """(line, column) of the index ``offset`` in ``text``, 1-based, in characters."""
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def quoted(token: str) -> str:
    """``token`` cut to ``TOKEN_CHARS`` characters, never between a character and its marks."""
    if len(token) <= TOKEN_CHARS:
        return token
    cut = TOKEN_CHARS
    while cut > 1 and unicodedata.combining(token[cut]):
        cut -= 1
    return token[:cut] + "…"


def _in_word(char: str) -> bool:
    return not char.isspace() and char not in _MARKS


def _token_at(text: str, offset: int) -> tuple[str | None, int]:
    """The token at ``offset`` (past white space, from the start of a word it falls in) and
    where it starts; None at the end of the text."""
    while offset < len(text) and text[offset].isspace():
        offset += 1
    if offset >= len(text):
        return None, len(text)
    if _in_word(text[offset]):
        while offset > 0 and _in_word(text[offset - 1]):
            offset -= 1
    match = _RUN.match(text, offset)
    return quoted(match.group() if match else text[offset]), offset


def _undeclared(text: str, offset: int, anywhere: bool) -> tuple[str, str, int] | None:
    """(prefix name, prefixed name, index) of the last prefixed name with an undeclared prefix
    before ``offset`` (the parser got that far), else, if ``anywhere``, the first one."""
    from malang_kg.engine.tokens import tokenize  # tokens.py imports this module

    found = tokenize(text)
    declared = {
        following.text[:-1]
        for token, following in itertools.pairwise(found)
        if token.is_word("PREFIX") and following.kind == "pname" and following.text[-1] == ":"
    }
    candidates = []
    for previous, token in itertools.pairwise([None, *found]):
        if token is None or token.kind != "pname":
            continue
        if previous is not None and previous.text == "<" and previous.end == token.start:
            continue  # inside an IRI that is not valid: ``<http://x y>``
        before, _, _ = token.text.partition(":")
        name_match = _PREFIX_NAME.search(before)
        name = name_match.group() if name_match else ""
        if name not in declared:
            skipped = len(before) - len(name)
            pname = _PREFIXED.match(token.text, skipped)
            written = pname.group().rstrip(".") if pname else token.text[skipped:]
            candidates.append((name, written, token.start + skipped))
    reached = [candidate for candidate in candidates if candidate[2] < offset]
    if reached:
        return reached[-1]
    return candidates[0] if candidates and anywhere else None


def _clean(said: str) -> str:
    """A parser's message without its character-class dump, cut at a word."""
    what = said.strip().splitlines()[0] if said.strip() else ""
    for dump in ("['", "[_]", "\\u{"):
        if dump in what:
            what = what[: what.index(dump)]
    what = _DANGLING.sub("", what.strip().rstrip(",:;")).strip() or "the query cannot be read"
    if len(what) > 200:
        what = what[:200].rsplit(" ", 1)[0] + "…"
    return what


def _prefix_error(
    text: str, offset: int, anywhere: bool, prefixes: Mapping[str, str]
) -> QuerySyntaxError | None:
    found = _undeclared(text, offset, anywhere)
    if found is None:
        return None
    name, pname, start = found
    line, column = position_of(text, start)
    fix = prefix_fix(name, prefixes)
    where = f'The prefix "{name}:" is not declared (line {line}, column {column})'
    message = (
        f"{where}; add: {fix}"
        if fix
        else f"{where}, and it is not a prefix of this dataset; declare it with "
        f"PREFIX {name}: <…> and the IRI of its namespace"
    )
    return QuerySyntaxError(
        message, line=line, column=column, token=quoted(pname), prefix=name, problem="prefix"
    )


def _iri_error(text: str, offset: int) -> QuerySyntaxError | None:
    """The IRI that ends at ``offset`` (Oxigraph points past it) is not valid."""
    start = text.rfind("<", text.rfind("\n", 0, offset) + 1, offset)
    if start < 0:
        return None
    token = quoted(text[start:offset].rstrip())
    line, column = position_of(text, start)
    return QuerySyntaxError(
        f'Syntax error at line {line}, column {column}: "{token}" is not a valid IRI (an IRI '
        "has no spaces, quotes, braces or backslashes).",
        line=line,
        column=column,
        token=token,
        problem="iri",
    )


def _near(text: str, offset: int) -> QuerySyntaxError:
    token, start = _token_at(text, offset)
    line, column = position_of(text, start)
    if token is None:
        return QuerySyntaxError(
            f"Syntax error at the end of the query (line {line}, column {column}): something "
            "is missing, left over or out of place before it; check that every brace, bracket, "
            "parenthesis and quote is closed.",
            line=line,
            column=column,
            problem="end",
        )
    return QuerySyntaxError(
        f'Syntax error at line {line}, column {column}, near "{token}": the query cannot be '
        "read past this point; check the spelling and punctuation here and just before.",
        line=line,
        column=column,
        token=token,
        problem="near",
    )


def syntax_error(
    error: SyntaxError, text: str, prefixes: Mapping[str, str] | None = None
) -> QuerySyntaxError:
    """Oxigraph's parser says ``error at LINE:COLUMN: WHAT`` about ``text``, the exact text it
    parsed: say it in a sentence, with the token found there, or the undeclared prefix and the
    line declaring it if ``prefixes`` (by default the project's) has it. A message without a
    position (another parser's) is kept, cleaned of any dump."""
    said = str(error).strip()
    match = _POSITION.match(said)
    if not match:
        return QuerySyntaxError(f"Syntax error: {_clean(said)}.")
    offset = offset_of(text, int(match.group(1)), int(match.group(2)))
    what = match.group(3)
    known = PREFIXES if prefixes is None else prefixes
    found = _iri_error(text, offset) if IRI_INVALID in what else None
    found = found or _prefix_error(text, offset, PREFIX_NOT_FOUND in what, known)
    return found or _near(text, offset)
