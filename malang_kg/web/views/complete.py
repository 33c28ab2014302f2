"""``GET /api/complete``: completions for the SPARQL editor, as JSON, from the served build's label
index (``dataset/completion.py``; no query to the store).

``q`` is the text being typed (1 to 200 characters), ``kind`` one of entity, class, property,
prefix or any (the default), ``lang`` id or en (by default the interface language), ``limit`` 1 to
50 (default 10). The answer is ``{"query", "kind", "results": [...]}``. A bad, unknown or repeated
parameter answers 400 ``{"error", "status", "message", "parameter"}``, the message in the
interface language. Answers carry the build's ``ETag`` and may be cached.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, request

from malang_kg.dataset.completion import (
    ANY,
    CHOICES,
    DEFAULT_LIMIT,
    MAX_LIMIT,
    MAX_QUERY_CHARS,
    OutdatedIndex,
    completer_for,
)
from malang_kg.dataset.labels import LANGUAGES
from malang_kg.web.context import engine, label_index, layout
from malang_kg.web.http.caching import cached, etag, not_modified
from malang_kg.web.http.params import unquote
from malang_kg.web.i18n import choose_language, translator, vary_language
from malang_kg.web.i18n.complete import TEXTS

bp = Blueprint("complete", __name__)

PARAMETERS = ("q", "kind", "lang", "limit")
_NUMBER = re.compile(r"[0-9]{1,3}")
_SHOWN = 40  # characters of a refused value quoted back


class CompleteError(Exception):
    """A refused request: the parameter at fault, the catalogue's text and its values."""

    def __init__(self, parameter: str | None, text: str, **values: object) -> None:
        super().__init__(text)
        self.parameter = parameter
        self.text = text
        self.values = values


@dataclass(frozen=True)
class Asked:
    q: str
    kind: str
    lang: str
    limit: int


def _shown(value: str) -> str:
    return repr(value[:_SHOWN] + ("…" if len(value) > _SHOWN else ""))


def read_parameters(raw: bytes) -> dict[str, str]:
    """The query string as ``{name: value}``: strict UTF-8, only our parameters, each once."""
    found: dict[str, list[str]] = {}
    for part in raw.split(b"&"):
        if not part:
            continue
        name, _, value = part.partition(b"=")
        try:
            decoded_name = unquote(name)
        except UnicodeDecodeError:
            raise CompleteError(None, "encoding") from None
        try:
            found.setdefault(decoded_name, []).append(unquote(value))
        except UnicodeDecodeError:
            raise CompleteError(decoded_name, "encoding") from None
    for given, values in found.items():
        if given not in PARAMETERS:
            raise CompleteError(given, "unknown", name=_shown(given), known=", ".join(PARAMETERS))
        if len(values) > 1:
            raise CompleteError(given, "repeated", name=given, count=len(values))
    return {given: values[0] for given, values in found.items()}


def asked(parameters: dict[str, str], interface: str) -> Asked:
    """The request's completion, checked (``interface`` is the language by default)."""
    q = parameters.get("q")
    if q is None:
        raise CompleteError("q", "q_missing")
    if not q.strip():
        raise CompleteError("q", "q_empty")
    if len(q) > MAX_QUERY_CHARS:
        raise CompleteError("q", "q_long", limit=MAX_QUERY_CHARS)
    kind = parameters.get("kind", ANY).strip().lower()
    if kind not in CHOICES:
        raise CompleteError(
            "kind", "kind", choices=", ".join(CHOICES), value=_shown(parameters["kind"])
        )
    lang = parameters.get("lang", interface).strip().lower()
    if lang not in LANGUAGES:
        raise CompleteError("lang", "lang", value=_shown(parameters["lang"]))
    raw_limit = parameters.get("limit", str(DEFAULT_LIMIT)).strip()
    limit = int(raw_limit) if _NUMBER.fullmatch(raw_limit) else 0
    if not 1 <= limit <= MAX_LIMIT:
        raise CompleteError("limit", "limit", most=MAX_LIMIT, value=_shown(parameters["limit"]))
    return Asked(q, kind, lang, limit)


def _json(data: Any, status: int = 200) -> Response:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    response = Response(body, status=status, mimetype="application/json")
    for header in vary_language():
        response.vary.add(header)
    return response


def _refused(status: int, title: str, message: str, parameter: str | None) -> Response:
    body = {"error": title, "status": status, "message": message, "parameter": parameter}
    return _json(body, status)


@bp.route("/api/complete", methods=["GET"])
def complete() -> Response:
    interface = choose_language()
    t = translator(TEXTS, interface)
    try:
        wanted = asked(read_parameters(request.query_string), interface)
    except CompleteError as error:
        message = t(error.text).format(**error.values)
        return _refused(400, "Bad Request", message, error.parameter)
    service = engine()
    tag = etag(service.build_id, "complete", wanted.q, wanted.kind, wanted.lang, str(wanted.limit))
    unchanged = not_modified(tag, vary_language(), wanted.lang)
    if unchanged is not None:
        return unchanged
    try:
        completer = completer_for(service, label_index(), layout())
    except OutdatedIndex:
        return _refused(503, "Service Unavailable", t("outdated"), None)
    results = completer.complete(wanted.q, wanted.kind, wanted.lang, wanted.limit)
    body = {
        "query": wanted.q,
        "kind": wanted.kind,
        "results": [result.as_json() for result in results],
    }
    return cached(_json(body), tag, language=wanted.lang)
