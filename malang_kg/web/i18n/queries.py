"""Why a query was not answered, said in a sentence in Indonesian or English: the texts
(``TEXTS``) and ``explain``, which turns a ``QueryError`` into an ``Explanation`` (the sentence,
where the mistake is, and the ``PREFIX`` line that fixes an undeclared prefix). Each case is
chosen by the error's class and typed fields, never by reading its English message."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Literal

from malang_kg.engine.errors import (
    BackendError,
    BackendTimeout,
    BackendUnavailable,
    QueryAbandoned,
    QueryError,
    QueryRejected,
    QueryResourceExceeded,
    QuerySyntaxError,
    QueryTimeout,
    QueryTooLarge,
    Reason,
    prefix_fix,
)
from malang_kg.web.i18n import translator

Case = Literal[
    "syntax",  # near a token, at the end of the text, or an IRI that is not valid
    "prefix",  # an undeclared prefix, with the line that declares it
    "prefix-unknown",  # an undeclared prefix this dataset does not have
    "timeout",
    "busy",  # no turn among the large answers within the time limit
    "refused",  # by the guard, with its reason
    "resources",
    "backend",  # the SPARQL engine behind the service: unavailable, failing or too slow
    "abandoned",
    "other",
]

TEXTS: dict[str, dict[str, str]] = {
    "position": {"id": " (baris {line}, kolom {column})", "en": " (line {line}, column {column})"},
    "syntax_near": {
        "id": 'Kesalahan sintaks di baris {line}, kolom {column}, dekat "{token}": kueri tidak '
        "dapat dibaca melewati titik ini; periksa ejaan dan tanda baca di sini dan tepat "
        "sebelumnya.",
        "en": 'Syntax error at line {line}, column {column}, near "{token}": the query cannot '
        "be read past this point; check the spelling and punctuation here and just before.",
    },
    "syntax_end": {
        "id": "Kesalahan sintaks di akhir kueri (baris {line}, kolom {column}): ada yang kurang, "
        "berlebih, atau salah tempat sebelumnya; periksa apakah setiap kurung kurawal, kurung "
        "siku, kurung biasa, dan tanda petik sudah ditutup.",
        "en": "Syntax error at the end of the query (line {line}, column {column}): something is "
        "missing, left over or out of place before it; check that every brace, bracket, "
        "parenthesis and quote is closed.",
    },
    "syntax_iri": {
        "id": 'Kesalahan sintaks di baris {line}, kolom {column}: "{token}" bukan IRI yang sah '
        "(IRI tidak boleh memuat spasi, tanda petik, kurung kurawal, atau garis miring terbalik).",
        "en": 'Syntax error at line {line}, column {column}: "{token}" is not a valid IRI (an IRI '
        "has no spaces, quotes, braces or backslashes).",
    },
    "syntax_other": {
        "id": "Kueri tidak dapat dibaca. Pesan dari server (dalam bahasa Inggris): {message}",
        "en": "{message}",
    },
    "prefix": {
        "id": 'Prefiks "{prefix}:" belum dideklarasikan{where}; tambahkan: {fix}',
        "en": 'The prefix "{prefix}:" is not declared{where}; add: {fix}',
    },
    "prefix_unknown": {
        "id": 'Prefiks "{prefix}:" belum dideklarasikan{where} dan bukan prefiks dataset ini; '
        "deklarasikan dengan PREFIX {prefix}: <…> beserta IRI namespace-nya.",
        "en": 'The prefix "{prefix}:" is not declared{where}, and it is not a prefix of this '
        "dataset; declare it with PREFIX {prefix}: <…> and the IRI of its namespace.",
    },
    "timeout": {
        "id": "Kueri dihentikan karena berjalan lebih lama dari batas waktu {seconds} detik; "
        "buat kueri lebih selektif atau tambahkan LIMIT.",
        "en": "The query was stopped: it ran past the time limit of {seconds} s; make it more "
        "selective or add a LIMIT.",
    },
    "timeout_plain": {
        "id": "Kueri dihentikan karena berjalan melewati batas waktu; buat kueri lebih selektif "
        "atau tambahkan LIMIT.",
        "en": "The query was stopped: it ran past the time limit; make it more selective or add "
        "a LIMIT.",
    },
    "busy": {
        "id": "Server sedang menghitung jawaban-jawaban besar lain, dan kueri ini tidak mendapat "
        "giliran dalam {seconds} detik; coba lagi sebentar lagi.",
        "en": "The server is computing other large answers, and this query got no turn within "
        "{seconds} s; try again shortly.",
    },
    "refused_service": {
        "id": "SERVICE tidak diizinkan: endpoint ini menjawab hanya dari datanya sendiri dan "
        "tidak pernah mengkueri endpoint lain.",
        "en": "SERVICE is not allowed: this endpoint answers from its own data only and never "
        "queries other endpoints.",
    },
    "refused_load": {
        "id": "LOAD tidak diizinkan: endpoint ini hanya-baca (read-only) dan tidak pernah "
        "mengambil data dari URL.",
        "en": "LOAD is not allowed: this endpoint is read-only and never fetches data from a URL.",
    },
    "refused_update": {
        "id": "{word} adalah operasi SPARQL Update; endpoint ini hanya-baca (read-only) dan "
        "hanya menjawab kueri (SELECT, ASK, CONSTRUCT, DESCRIBE).",
        "en": "{word} is a SPARQL Update operation; this endpoint is read-only and answers "
        "queries (SELECT, ASK, CONSTRUCT, DESCRIBE) only.",
    },
    "refused_update_plain": {
        "id": "Ini operasi SPARQL Update; endpoint ini hanya-baca (read-only) dan hanya menjawab "
        "kueri (SELECT, ASK, CONSTRUCT, DESCRIBE).",
        "en": "This is a SPARQL Update operation; this endpoint is read-only and answers queries "
        "(SELECT, ASK, CONSTRUCT, DESCRIBE) only.",
    },
    "refused_nesting": {
        "id": "Kueri bersarang lebih dari {limit} tingkat; sederhanakan kueri.",
        "en": "The query is nested more than {limit} levels deep; simplify it.",
    },
    "refused_nesting_plain": {
        "id": "Kueri bersarang lebih dalam daripada yang diterima endpoint ini; sederhanakan "
        "kueri.",
        "en": "The query is nested deeper than this endpoint accepts; simplify it.",
    },
    "refused_too_large": {
        "id": "Kueri lebih panjang dari {limit} byte, batas yang diterima endpoint ini; "
        "persingkat kueri.",
        "en": "The query is longer than {limit} bytes, the most this endpoint accepts; shorten it.",
    },
    "refused_too_large_plain": {
        "id": "Kueri lebih panjang daripada yang diterima endpoint ini; persingkat kueri.",
        "en": "The query is longer than this endpoint accepts; shorten it.",
    },
    "refused_unknown_graph": {
        "id": "<{graph}> bukan graf dataset ini, dan tidak ada yang pernah diambil dari "
        "tempat lain.",
        "en": "<{graph}> is not a graph of this dataset, and nothing is ever fetched from "
        "elsewhere.",
    },
    "refused_unknown_graph_plain": {
        "id": "Kueri menyebut graf yang bukan milik dataset ini, dan tidak ada yang pernah "
        "diambil dari tempat lain.",
        "en": "The query names a graph that is not one of this dataset's, and nothing is ever "
        "fetched from elsewhere.",
    },
    "graphs_are": {"id": " Graf dataset ini: {graphs}.", "en": " Its graphs are: {graphs}."},
    "refused_encoding": {
        "id": "Kueri memuat {escape}, escape yang tidak menyatakan karakter yang sah (surrogate "
        "atau titik kode di atas U+10FFFF).",
        "en": "The query contains {escape}, an escape that names no valid character (a "
        "surrogate, or a code point past U+10FFFF).",
    },
    "refused_encoding_plain": {
        "id": "Kueri memuat teks yang tidak dikodekan dengan sah; kirim kueri dalam UTF-8, dengan "
        "escape yang menyatakan karakter yang sah.",
        "en": "The query contains text that is not validly encoded; send it in UTF-8, with "
        "escapes that name valid characters.",
    },
    "resources": {
        "id": "Kueri membutuhkan memori lebih dari {mib} MiB yang boleh dipakai sebuah kueri, "
        "sehingga dihentikan; buat kueri lebih selektif atau tambahkan LIMIT.",
        "en": "The query needed more than the {mib} MiB of memory a query may use and was "
        "stopped; make it more selective or add a LIMIT.",
    },
    "resources_plain": {
        "id": "Kueri membutuhkan lebih banyak memori daripada yang boleh dipakai sebuah kueri, "
        "atau prosesnya berhenti; buat kueri lebih selektif atau tambahkan LIMIT.",
        "en": "The query needed more memory than a query may use, or its process stopped; make "
        "it more selective or add a LIMIT.",
    },
    "backend_unavailable": {
        "id": "Mesin SPARQL tempat layanan ini berjalan sedang tidak dapat dihubungi; coba lagi "
        "sebentar lagi. Pesan dari server (dalam bahasa Inggris): {message}",
        "en": "{message}",
    },
    "backend_error": {
        "id": "Mesin SPARQL tempat layanan ini berjalan gagal menjawab. Pesan dari server "
        "(dalam bahasa Inggris): {message}",
        "en": "{message}",
    },
    "backend_timeout": {
        "id": "Mesin SPARQL tempat layanan ini berjalan tidak menjawab tepat waktu; coba lagi "
        "sebentar lagi. Pesan dari server (dalam bahasa Inggris): {message}",
        "en": "{message}",
    },
    "abandoned": {
        "id": "Klien menutup permintaan, sehingga kueri dihentikan.",
        "en": "The client closed the request, so the query was stopped.",
    },
    "other": {
        "id": "Kueri ini tidak dapat dijawab. Pesan dari server (dalam bahasa Inggris): {message}",
        "en": "{message}",
    },
}

Say = Callable[..., str]  # say(key, **values): the text in the language, filled in


@dataclass(frozen=True)
class Explanation:
    """Why a query was not answered: ``message``, a full sentence in the language asked for,
    and, when known, where (``line``, ``column``, 1-based, in characters; ``token``, the text
    there), the undeclared ``prefix`` and the ``fix`` (the ``PREFIX`` line to add); ``case``
    says which explanation it is."""

    message: str
    line: int | None = None
    column: int | None = None
    token: str | None = None
    prefix: str | None = None
    fix: str | None = None
    case: Case = "other"

    def fields(self) -> dict[str, str | int]:
        """``line``, ``column``, ``token``, ``prefix`` and ``fix``, those that are known."""
        known = asdict(self)
        names = ("line", "column", "token", "prefix", "fix")
        return {name: known[name] for name in names if known[name] is not None}


def sentence(message: str) -> str:
    """``message`` as a sentence: capitalised, ending with a full stop."""
    message = message.strip()
    if not message:
        return message
    message = message[0].upper() + message[1:]
    return message if message[-1] in ".!?…" else message + "."


def number(value: float, lang: str) -> str:
    """``value`` as written in ``lang`` (a decimal comma in Indonesian)."""
    written = f"{value:g}"
    return written.replace(".", ",") if lang == "id" else written


def _sayer(lang: str) -> Say:
    t = translator(TEXTS, lang)

    def say(key: str, **values: object) -> str:
        return t(key).format(**values)

    return say


def _syntax(error: QuerySyntaxError, say: Say, prefixes: Mapping[str, str]) -> Explanation:
    where = {"line": error.line, "column": error.column, "token": error.token}
    if error.prefix is not None:
        fix = prefix_fix(error.prefix, prefixes)
        position = say("position", **where) if error.line is not None else ""
        values = {"prefix": error.prefix, "where": position, "fix": fix}
        case: Case = "prefix" if fix else "prefix-unknown"
        message = say("prefix" if fix else "prefix_unknown", **values)
        return Explanation(message, error.line, error.column, error.token, error.prefix, fix, case)
    key = {"near": "syntax_near", "end": "syntax_end", "iri": "syntax_iri"}.get(error.problem or "")
    if key is None or error.line is None:
        message = say("syntax_other", message=sentence(error.message))
        return Explanation(message, error.line, error.column, error.token, case="syntax")
    return Explanation(say(key, **where), error.line, error.column, error.token, case="syntax")


_REFUSALS: dict[Reason, tuple[str, str]] = {  # the text with what was refused, and without
    "service": ("refused_service", "refused_service"),
    "load": ("refused_load", "refused_load"),
    "update": ("refused_update", "refused_update_plain"),
    "nesting": ("refused_nesting", "refused_nesting_plain"),
    "too-large": ("refused_too_large", "refused_too_large_plain"),
    "unknown-graph": ("refused_unknown_graph", "refused_unknown_graph_plain"),
    "encoding": ("refused_encoding", "refused_encoding_plain"),
}


def _refused(error: QueryRejected | QueryTooLarge, say: Say) -> Explanation | None:
    """One sentence per reason the guard refuses a query; None for the other reasons."""
    reason: Reason = "too-large" if isinstance(error, QueryTooLarge) else error.reason
    if reason not in _REFUSALS:
        return None
    subject = error.subject if isinstance(error, QueryRejected) else None
    known = error.limit is not None if reason in ("nesting", "too-large") else subject is not None
    with_it, without = _REFUSALS[reason]
    values = {"word": subject, "graph": subject, "escape": subject, "limit": error.limit}
    message = say(with_it if known else without, **values)
    if isinstance(error, QueryRejected) and reason == "unknown-graph" and error.choices:
        message += say("graphs_are", graphs=", ".join(f"<{g}>" for g in error.choices))
    return Explanation(message, case="refused")


def _time(error: QueryTimeout, say: Say, lang: str) -> Explanation:
    if error.limit_seconds is None:
        return Explanation(say("timeout_plain"), case="timeout")
    seconds = number(error.limit_seconds, lang)
    if error.queued:
        return Explanation(say("busy", seconds=seconds), case="busy")
    return Explanation(say("timeout", seconds=seconds), case="timeout")


def explain(error: QueryError, lang: str, prefixes: Mapping[str, str]) -> Explanation:
    """``error`` explained in ``lang`` (``id`` or ``en``); ``prefixes`` are the dataset's
    (``Layout.prefixes``), from which the ``PREFIX`` line for an undeclared prefix is taken."""
    say = _sayer(lang)
    message = sentence(error.message)
    if isinstance(error, QuerySyntaxError):
        return _syntax(error, say, prefixes)
    if isinstance(error, QueryTimeout):
        return _time(error, say, lang)
    if isinstance(error, QueryRejected | QueryTooLarge):
        refused = _refused(error, say)
        if refused is not None:
            return refused
    if isinstance(error, QueryResourceExceeded):
        mib = error.memory_mib
        return Explanation(
            say("resources_plain") if mib is None else say("resources", mib=mib), case="resources"
        )
    backend = {BackendUnavailable: "unavailable", BackendError: "error", BackendTimeout: "timeout"}
    for kind, name in backend.items():
        if isinstance(error, kind):
            return Explanation(say(f"backend_{name}", message=message), case="backend")
    if isinstance(error, QueryAbandoned):
        return Explanation(say("abandoned"), case="abandoned")
    return Explanation(say("other", message=message))
