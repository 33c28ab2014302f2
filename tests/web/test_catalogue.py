"""Every page kind, rendered in one interface language, shows no text of the other language's
catalogue outside what is marked as being in that language (``lang="…"``: verbatim source text,
a label the data has only in the other language) or code. The catalogues are every ``TEXTS`` of
``malang_kg/web/i18n``, so a forgotten translation or an English message on an Indonesian page
fails here."""

from __future__ import annotations

import importlib
import pkgutil
import re

import pytest
from flask.testing import FlaskClient

import malang_kg.web.i18n as i18n
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
