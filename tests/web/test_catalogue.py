"""Every page kind, rendered in one interface language, shows no text of the other language's
catalogue outside what is marked as being in that language (``lang="…"``: verbatim source text,
a label the data has only in the other language) or code. The catalogues are every ``TEXTS`` of
``malang_kg/web/i18n``, so a forgotten translation or an English message on an Indonesian page
fails here. And every word shown is from the page's own catalogue (those, the downloads' and the
named queries' texts) or the data in its language, or a name or notation: a text written into a
template instead of a catalogue fails too."""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient

import malang_kg.web.i18n as i18n
from malang_kg.pipeline import dumps
from tests.web.dom import Node, parse

PAGES = (
    "/",
    "/awards",
    "/areas",
    "/browse/Kelurahan",
    "/search?q=saman",
    "/search?q=penghargaan",
    "/page/kelurahan/samaan",
    "/page/kecamatan/klojen",
    "/page/city/malang",
    "/page/organization/kim-samaan",
    "/page/organization/diskominfo-kota-malang",
    "/page/award/kim-hackathon-2023",
    "/page/event/kim-hackathon-2023",
    "/page/article/2023-11-06-kadiskominfo-kebersamaan-berbuah-prestasi-membanggakan",
    "/page/kelurahan/no-such-place",
    "/code/kemendagri/35730210033",
    "/ontology",
    "/downloads/",
    "/api/queries",
    "/api/queries/awards",
    "/sparql",
    "/changes",
)
SKIPPED = frozenset({"script", "style", "code", "pre", "textarea", "template", "option"})
SHORTEST = 12  # shorter catalogue texts ("Kode BPS", "KIM") are names in both languages


def catalogue_texts() -> dict[str, set[str]]:
    """Each language's catalogue texts, split at their placeholders."""
    found: dict[str, set[str]] = {"id": set(), "en": set()}
    for module in pkgutil.iter_modules(i18n.__path__):
        loaded = importlib.import_module(f"{i18n.__name__}.{module.name}")
        for name in ("TEXTS", "NAV"):
            for entry in getattr(loaded, name, {}).values():
                for lang, text in entry.items():
                    for part in re.split(r"\{[a-z_]+\}|“[^”]*”", text):
                        if len(part.strip()) >= SHORTEST:
                            found[lang].add(part.strip())
    return found


def own_text(node: Node, lang: str) -> str:
    """The visible text in ``lang``: subtrees marked as another language, and code, left out."""
    if node.tag in SKIPPED or node.attrs.get("lang", lang) != lang:
        return ""
    parts = [c if isinstance(c, str) else own_text(c, lang) for c in node.children]
    return " ".join(" ".join(parts).split())


@pytest.fixture(scope="module")
def texts() -> dict[str, set[str]]:
    return catalogue_texts()


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("path", PAGES)
def test_a_page_shows_only_its_languages_catalogue(
    client: FlaskClient, texts: dict[str, set[str]], path: str, lang: str
) -> None:
    other = "en" if lang == "id" else "id"
    joiner = "&" if "?" in path else "?"
    response = client.get(f"{path}{joiner}lang={lang}", headers={"Accept": "text/html"})
    assert response.status_code in (200, 404), (path, response.status_code)
    html = response.get_data(as_text=True)
    body = parse(html).find("body")
    assert body is not None and f'<html lang="{lang}"' in html
    shown = own_text(body, lang)
    leaks = sorted(t for t in texts[other] - texts[lang] if t in shown)
    assert not leaks, f"{path} in {lang} shows {other} texts: {leaks[:5]}"


# Names and notations the same in both languages (formats, standards, bodies, this project).
NAMES = frozenset(
    {
        "SPARQL",
        "JSON",
        "JSON-LD",
        "CSV",
        "TSV",
        "Turtle",
        "RDF",
        "XML",
        "HTML",
        "API",
        "OpenAPI",
        "VoID",
        "DCAT",
        "SHACL",
        "OWL",
        "SKOS",
        "PROV",
        "ORG",
        "BMKG",
        "BPS",
        "Kemendagri",
        "Wikidata",
        "KIM",
        "IRI",
        "URL",
        "HTTP",
        "GET",
        "POST",
        "malang-kg",
        "Oxigraph",
        "gzip",
    }
)
_WORDS = re.compile(r"[^\W\d_]{3,}(?:[-'\u2019][^\W\d_]+)*")
# Addresses, paths, prefixed names, file names, media types: notation, not words of a language.
_NOTATION = re.compile(
    r"\S+://\S+|(?<!\w)/[\w/.-]+|\b[\w-]+:[\w-]+|\S+\.[a-z]{2,6}\b|\b[a-z]+/[a-z0-9.+-]+|\b[A-Z]-[A-Z][a-z]+"
)
_HEADER = re.compile(r"^#\s*[a-z]+@(id|en)(?:\s+\w+)?:\s*(.+)$", re.M)


def text_nodes(node: Node, lang: str) -> list[str]:
    """Each visible text node in ``lang`` (as ``own_text`` leaves them), whitespace normalised."""
    if node.tag in SKIPPED or node.attrs.get("lang", lang) != lang:
        return []
    found: list[str] = []
    for child in node.children:
        if isinstance(child, str):
            if child.strip():
                found.append(" ".join(child.split()))
        else:
            found.extend(text_nodes(child, lang))
    return found


def _bilingual(value: object) -> list[dict[str, str]]:
    """Every ``{"id": …, "en": …}`` inside ``value`` (tuples, dataclasses, dicts)."""
    if isinstance(value, dict):
        if set(value) == {"id", "en"}:
            return [value]
        return [found for item in value.values() for found in _bilingual(item)]
    if isinstance(value, tuple | list):
        return [found for item in value for found in _bilingual(item)]
    if dataclasses.is_dataclass(value):
        return _bilingual([getattr(value, f.name) for f in dataclasses.fields(value)])
    return []


@pytest.fixture(scope="module")
def allowed(store: object) -> dict[str, str]:
    """Per language, one blob of everything a page may say in it: the catalogue's texts and
    the data's literals in that language or none."""
    import pyoxigraph as ox

    assert isinstance(store, ox.Store)
    blobs: dict[str, list[str]] = {"id": [], "en": []}
    for module in pkgutil.iter_modules(i18n.__path__):
        loaded = importlib.import_module(f"{i18n.__name__}.{module.name}")
        for name in ("TEXTS", "NAV"):
            for entry in getattr(loaded, name, {}).values():
                for lang, text in entry.items():
                    blobs[lang].append(text)
    for entry in _bilingual(dumps.DUMPS):  # the downloads' descriptions
        for lang in blobs:
            blobs[lang].append(entry[lang])
    for path in (Path(__file__).parents[2] / "queries").glob("*.rq"):  # named queries' headers
        for lang, text in _HEADER.findall(path.read_text(encoding="utf-8")):
            blobs[lang].append(text)
    for quad in store.quads_for_pattern(None, None, None, None):
        for term in (quad.subject, quad.object):
            if isinstance(term, ox.Literal) and term.language in (None, "id", "en"):
                for lang in (term.language,) if term.language else ("id", "en"):
                    blobs[lang].append(term.value)
    return {lang: "\n".join(parts).casefold() for lang, parts in blobs.items()}


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("path", PAGES)
def test_every_word_a_page_shows_is_from_its_catalogue_or_the_data(
    client: FlaskClient, allowed: dict[str, str], path: str, lang: str
) -> None:
    joiner = "&" if "?" in path else "?"
    response = client.get(f"{path}{joiner}lang={lang}", headers={"Accept": "text/html"})
    body = parse(response.get_data(as_text=True)).find("body")
    assert body is not None
    asked = parse_qs(urlsplit(path).query).get("q", [""])[0].casefold()  # echoed back
    strays = sorted(
        {
            word
            for text in text_nodes(body, lang)
            for word in _WORDS.findall(_NOTATION.sub(" ", text))
            if word not in NAMES
            and word.casefold() not in allowed[lang]
            and word.casefold() not in asked
        }
    )
    assert not strays, (
        f"{path} in {lang} shows words of neither its catalogue nor the data: {strays}"
    )
