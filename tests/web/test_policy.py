"""The Content-Security-Policy: every HTML page allows our own origin only, and no template
holds what such a policy blocks (inline scripts, inline styles, event-handler attributes)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from malang_kg.web.http.headers import CONTENT_SECURITY_POLICY

TEMPLATES = Path(__file__).resolve().parents[2] / "malang_kg" / "templates"
HTML = {"Accept": "text/html"}


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/sparql",
        "/sparql?query=ASK%7B%7D",
        "/sparql?query=SELEC",
        "/page/kelurahan/samaan",
        "/ontology",
        "/search?q=samaan",
        "/no/such/page",
    ],
)
def test_every_html_page_allows_our_origin_only(client: FlaskClient, path: str) -> None:
    response = client.get(path, headers=HTML)
    assert response.mimetype == "text/html"
    policy = response.headers["Content-Security-Policy"]
    assert policy == CONTENT_SECURITY_POLICY
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    for name in ("script-src", "style-src", "connect-src", "img-src"):
        assert "unsafe" not in directives[name] and "http" not in directives[name]
    assert directives["frame-ancestors"] == "'none'"


def test_data_answers_carry_no_page_policy(client: FlaskClient) -> None:
    response = client.get("/sparql?query=ASK%7B%7D", headers={"Accept": "application/json"})
    assert "Content-Security-Policy" not in response.headers


@pytest.mark.parametrize("template", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: p.name)
def test_templates_hold_nothing_the_policy_blocks(template: Path) -> None:
    source = template.read_text(encoding="utf-8")
    for tag in re.findall(r"<script\b[^>]*>", source):
        assert "src=" in tag or 'type="application/ld+json"' in tag, tag
    assert not re.search(r"<style\b", source)
    assert not re.search(r"\sstyle\s*=", source)
    assert not re.search(r"\son[a-z]+\s*=", source)
