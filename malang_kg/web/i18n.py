"""Interface language: Indonesian or English, chosen per request, and the texts of each feature.

The language is ``?lang=id|en`` if given, else the best of ``Accept-Language`` (Werkzeug's
parsing, q-values respected), else Indonesian, the language of the city. Each blueprint keeps its
own texts as ``{"key": {"id": "...", "en": "..."}}`` and renders with ``translator(TEXTS, lang)``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from flask import request

LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"

Texts = Mapping[str, Mapping[str, str]]


def choose_language() -> str:
    asked = request.args.get("lang", "").strip().lower()
    if asked in LANGUAGES:
        return asked
    best = request.accept_languages.best_match(LANGUAGES)
    return best or DEFAULT_LANGUAGE


def other_language(lang: str) -> str:
    return "en" if lang == "id" else "id"


def translator(texts: Texts, lang: str) -> Callable[[str], str]:
    """``t(key)``: the text in ``lang``, else in the other language; a missing key is an error
    (so a forgotten translation fails a test instead of showing a key to a citizen)."""

    def t(key: str) -> str:
        entry = texts[key]
        return entry.get(lang) or entry[other_language(lang)]

    return t
