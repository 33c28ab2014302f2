"""Inferred statements on entity pages name why they hold: the OWL 2 RL rule and the axiom."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from tests.web.test_pages_content import fetch, section

pytestmark = pytest.mark.engines("embedded", "oxigraph")


def test_inferred_statements_name_their_rule_and_axiom(client: FlaskClient) -> None:
    html, _ = fetch(client, "/page/organization/kim-samaan?lang=en")
    whys = [
        re.sub(r"<[^>]+>", "", why) for why in re.findall(r'<small class="why">(.*?)</small>', html)
    ]
    assert "(the inverse of mk:recipient; OWL 2 RL rule prp-inv)" in whys
    assert any(why.startswith("(from mk:basedIn, a sub-property") for why in whys)
    assert any("a subclass of this class; OWL 2 RL rule cax-sco" in why for why in whys)
    indonesian, _ = fetch(client, "/page/organization/kim-samaan?lang=id")
    assert "kebalikan dari <code>mk:recipient</code>; aturan OWL 2 RL" in indonesian
    # Every reason names a rule, and only inferred values have one.
    for block in re.findall(r"<li>(.*?)</li>", section(html, "statements"), re.S):
        assert ('class="why"' in block) <= ('class="badge"' in block)
