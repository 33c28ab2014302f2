"""Interface language: Indonesian or English, chosen per request, and the catalogues of texts.

The language is ``?lang=id|en`` if given (it is then kept on every local link), else the best of
``Accept-Language`` (Werkzeug's parsing, q-values respected), else Indonesian, the language of the
city. Each feature keeps its texts in a catalogue module of this package as
``{"key": {"id": "...", "en": "..."}}`` and renders with ``translator(TEXTS, lang)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import urlencode

from flask import Flask, Response, has_request_context, request

from malang_kg.dataset.labels import LANGUAGES
from malang_kg.web.i18n.pages import NAV

DEFAULT_LANGUAGE = "id"
LANGUAGE_NAMES = {"id": "Bahasa Indonesia", "en": "English"}

Texts = Mapping[str, Mapping[str, str]]


def choose_language() -> str:
    asked = explicit_language()
    if asked:
        return asked
    best = request.accept_languages.best_match(LANGUAGES)
    return best or DEFAULT_LANGUAGE


def explicit_language() -> str | None:
    """The language the reader chose with ``?lang=``, if any (it is then kept on links)."""
    asked = request.args.get("lang", "").strip().lower()
    return asked if asked in LANGUAGES else None


def other_language(lang: str) -> str:
    return "en" if lang == "id" else "id"


def vary_language() -> tuple[str, ...]:
    """The header a negotiated page varies by: none when ``?lang=`` chose the language."""
    return () if explicit_language() else ("Accept-Language",)


def html_page(html: str, lang: str, status: int = 200, vary: Iterable[str] = ()) -> Response:
    """A page in ``lang``: ``Content-Language``, and ``Vary`` by what chose the language
    (``vary_language``) and by ``vary`` (``Accept`` where the same URL also answers with data),
    so that no cache gives a reader a page in the other language."""
    response = Response(html, status=status, mimetype="text/html")
    response.content_language.add(lang)
    response.vary.update((*vary_language(), *vary))
    return response


def whole_number(value: int, lang: str) -> str:
    """``3.000`` in Indonesian, ``3,000`` in English."""
    text = f"{value:,}"
    return text.replace(",", ".") if lang == "id" else text


def translator(texts: Texts, lang: str) -> Callable[[str], str]:
    """``t(key)``: the text in ``lang``, else in the other language; a missing key is an error
    (so a forgotten translation fails a test instead of showing a key to a citizen)."""

    def t(key: str) -> str:
        entry = texts[key]
        return entry.get(lang) or entry[other_language(lang)]

    return t


def fill(text: str, **fields: object) -> str:
    """``text`` with its ``{name}`` fields filled in; the values go in as they are (a value such
    as ``{0.__class__}`` is never read as a format)."""
    return text.format_map(fields)


def language_links() -> list[dict[str, Any]]:
    """Links to this page in each language: the current query string with ``lang`` replaced,
    relative (``?…``) so they can never point to another host."""
    current = choose_language()
    pairs = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    return [
        {
            "code": code,
            "name": LANGUAGE_NAMES[code],
            "href": "?" + urlencode([*pairs, ("lang", code)]),
            "current": code == current,
        }
        for code in LANGUAGES
    ]


def _interface() -> dict[str, Any]:
    """``lang``, ``ui`` (the navigation texts), ``language_links`` for ``site/base.html`` and
    ``count`` (a whole number as the language writes it); a template's own ``lang`` wins."""
    if not has_request_context():
        return {"lang": DEFAULT_LANGUAGE, "ui": translator(NAV, DEFAULT_LANGUAGE)}
    lang = choose_language()
    return {
        "lang": lang,
        "ui": translator(NAV, lang),
        "language_links": language_links(),
        "explicit_lang": explicit_language(),
        "count": lambda value: whole_number(value, lang),
    }


def init_app(app: Flask) -> None:
    """Give every template the interface language and the language switch."""
    app.context_processor(_interface)
