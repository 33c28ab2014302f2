"""The query page's SPARQL editor in Debian's Chromium, at desktop and phone sizes, in both
languages: it loads and highlights, completes from our data, runs on Ctrl+Enter, keeps a
history; the page has no CSP violation and no serious accessibility violation (axe-core).
Screenshots of each step go to ``test-artifacts/``."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from tests.support.browser import (
    DESKTOP,
    PHONE,
    axe_violations,
    csp_violations,
    viewport,
    watch_csp,
)
from tests.support.live import LiveServer, artifacts_dir, named_query

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

SIZES = {"desktop": DESKTOP, "phone": PHONE}
ROWS = "table#results tbody tr"


@pytest.fixture
def page(browser: webdriver.Chrome) -> Iterator[webdriver.Chrome]:
    """The browser, watching for CSP violations on every page it loads."""
    watch_csp(browser)
    yield browser
    assert csp_violations(browser) == []


def open_editor(driver: webdriver.Chrome, url: str) -> WebElement:
    """Load ``url`` and wait for the editor; its editable content element."""
    driver.get(url)
    WebDriverWait(driver, 30).until(lambda d: d.execute_script("return !!window.malangKgEditor"))
    content: WebElement = driver.execute_script(
        "return document.getElementById('editor').shadowRoot.querySelector('.cm-content')"
    )
    return content


def set_text(driver: webdriver.Chrome, text: str) -> None:
    driver.execute_script(
        "const v = window.malangKgEditor;"
        "v.dispatch({changes: {from: 0, to: v.state.doc.length, insert: arguments[0]},"
        " selection: {anchor: arguments[0].length}}); v.focus();",
        text,
    )


def text(driver: webdriver.Chrome) -> str:
    return str(driver.execute_script("return window.malangKgEditor.state.doc.toString()"))


def offered(driver: webdriver.Chrome) -> list[str]:
    """The labels of the completions shown (waits until some are)."""
    script = (
        "return [...document.getElementById('editor').shadowRoot"
        ".querySelectorAll('.cm-tooltip-autocomplete li .cm-completionLabel')]"
        ".map((e) => e.textContent)"
    )
    WebDriverWait(driver, 15).until(lambda d: d.execute_script(script))
    return list(driver.execute_script(script))


def settled(driver: webdriver.Chrome) -> list[str]:
    """The completions shown once no newer answer can replace them: no answer is pending and
    the list is the same on two looks 0.3 s apart. A key pressed on a list about to change
    lands on the new one, and CodeMirror ignores Enter on a list updated a moment ago."""
    seen: list[list[str]] = [offered(driver)]

    def same(d: webdriver.Chrome) -> bool:
        now = offered(d)
        active = d.execute_script("return window.malangKgCompletionStatus()") == "active"
        same_as_before = active and now == seen[-1]
        seen.append(now)
        return same_as_before

    WebDriverWait(driver, 15, poll_frequency=0.3).until(same)
    return seen[-1]


def shot(driver: webdriver.Chrome, name: str) -> None:
    path = artifacts_dir() / f"editor-{name}.png"
    assert driver.save_screenshot(str(path)), path


@pytest.mark.parametrize("size", SIZES)
def test_highlighting_completion_and_ctrl_enter(
    page: webdriver.Chrome, live_server: LiveServer, size: str
) -> None:
    viewport(page, SIZES[size])
    content = open_editor(page, live_server.sparql + "?lang=en")
    set_text(page, "SELECT ?x WHERE {\n  ?x a ")
    keyword_colour = page.execute_script(
        "const root = document.getElementById('editor').shadowRoot;"
        "const span = [...root.querySelectorAll('.cm-line span')]"
        ".find((s) => s.textContent === 'SELECT');"
        "return span ? getComputedStyle(span).color : null;"
    )
    plain_colour = page.execute_script(
        "return getComputedStyle(document.getElementById('editor').shadowRoot"
        ".querySelector('.cm-line')).color"
    )
    assert keyword_colour and keyword_colour != plain_colour  # SELECT is highlighted
    content.send_keys("mk:Kel")
    assert settled(page)[0] == "mk:Kelurahan"  # the list for all of "mk:Kel", not an earlier one
    shot(page, f"completion-{size}")
    content.send_keys(Keys.ENTER)
    WebDriverWait(page, 15).until(
        lambda d: "PREFIX mk: <https://w3id.org/malang-kg/ontology#>" in text(d)
    )
    content.send_keys(" .\n  ?x <https://schema.org/containedInPlace> Klojen")
    assert "kecamatan:klojen" in settled(page)
    content.send_keys(Keys.ENTER, " }")
    assert "PREFIX kecamatan: <https://w3id.org/malang-kg/id/kecamatan/>" in text(page)
    content.send_keys(Keys.CONTROL, Keys.ENTER)
    WebDriverWait(page, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, ROWS))
    rows = page.find_elements(By.CSS_SELECTOR, ROWS)
    assert rows, page.find_element(By.TAG_NAME, "main").text[:500]
    shot(page, f"ran-{size}")


def test_an_entity_by_its_label_after_a_property(
    page: webdriver.Chrome, live_server: LiveServer
) -> None:
    content = open_editor(page, live_server.sparql)
    set_text(page, "SELECT * WHERE { ?x <https://w3id.org/malang-kg/ontology#basedIn> ")
    content.send_keys("Samaan")
    assert offered(page)[0] == "kelurahan:samaan"


def test_history_is_kept_in_the_browser(page: webdriver.Chrome, live_server: LiveServer) -> None:
    query = "ASK { ?s ?p ?o }"
    open_editor(page, live_server.sparql + "?lang=id&query=" + quote(query))
    page.find_element(By.CSS_SELECTOR, "#query-form button[type=submit]").click()
    WebDriverWait(page, 30).until(lambda d: d.find_elements(By.ID, "boolean"))
    open_editor(page, live_server.sparql + "?lang=id")
    history = page.find_element(By.ID, "history")
    history.find_element(By.TAG_NAME, "summary").click()
    assert "Riwayat" in history.text
    assert query in history.text
    history.find_element(By.CSS_SELECTOR, "li button").click()
    assert text(page) == query


def test_the_plain_form_works_without_javascript(
    browser: webdriver.Chrome, live_server: LiveServer
) -> None:
    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    browser.get(live_server.sparql + "?lang=en")
    textarea = browser.find_element(By.ID, "query")
    assert textarea.is_displayed()
    textarea.clear()
    textarea.send_keys("ASK { ?s ?p ?o }")
    browser.find_element(By.CSS_SELECTOR, "#query-form button[type=submit]").click()
    WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.ID, "boolean"))


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("size", SIZES)
def test_no_serious_accessibility_violation(
    page: webdriver.Chrome, live_server: LiveServer, lang: str, size: str
) -> None:
    viewport(page, SIZES[size])
    awards = "PREFIX mk: <https://w3id.org/malang-kg/ontology#>\nSELECT * WHERE { ?a a mk:Award }"
    for url in (
        f"{live_server.sparql}?lang={lang}",
        f"{live_server.sparql}?lang={lang}&query={quote(awards)}",
    ):
        open_editor(page, url)
        assert page.find_element(By.TAG_NAME, "html").get_attribute("lang") == lang
        shot(page, f"axe-{lang}-{size}-{'result' if 'query=' in url else 'empty'}")
        assert axe_violations(page) == [], url


def awards_text() -> str:
    lines = named_query("awards").splitlines()
    while lines and (not lines[0].strip() or lines[0].lstrip().startswith("#")):
        lines.pop(0)
    return "\n".join(lines)


@pytest.mark.parametrize("size", SIZES)
def test_the_awards_example_reads_as_values(
    page: webdriver.Chrome, live_server: LiveServer, size: str
) -> None:
    """7 rows; no header or cell breaks inside a word; no ``^^xsd:``, no full IRI."""
    viewport(page, SIZES[size])
    open_editor(page, f"{live_server.sparql}?lang=id&query={quote(awards_text())}")
    rows = page.find_elements(By.CSS_SELECTOR, ROWS)
    assert len(rows) == 7
    shown = page.find_element(By.ID, "result").text
    assert "^^xsd:" not in shown and "https://w3id.org/" not in shown
    broken = page.execute_script(
        # a word is broken when an element holding one word is taller than one line of it
        "const out = [];"
        "for (const cell of document.querySelectorAll('#results th, #results td')) {"
        "  const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);"
        "  for (let node = walker.nextNode(); node; node = walker.nextNode()) {"
        "    for (const match of node.textContent.matchAll(/\\S+/g)) {"
        "      const range = document.createRange();"
        "      range.setStart(node, match.index);"
        "      range.setEnd(node, match.index + match[0].length);"
        "      if (range.getClientRects().length > 1) out.push(match[0]);"
        "    }"
        "  }"
        "}"
        "return out;"
    )
    assert broken == []
    page.execute_script("document.getElementById('result').scrollIntoView()")
    shot(page, f"awards-{size}")


def test_a_long_answer_is_paged(page: webdriver.Chrome, live_server: LiveServer) -> None:
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 3000"
    open_editor(page, f"{live_server.sparql}?lang=en&query={quote(query)}")
    assert len(page.find_elements(By.CSS_SELECTOR, ROWS)) == 100
    assert "of 3,000" in page.find_element(By.ID, "summary").text
    page.find_element(By.CSS_SELECTOR, "nav.pages a[rel=next]").click()
    WebDriverWait(page, 30).until(lambda d: "page=2" in d.current_url)
    assert "101\u2013200" in page.find_element(By.ID, "summary").text
    assert len(page.find_elements(By.CSS_SELECTOR, ROWS)) == 100
    shot(page, "paged")


@pytest.mark.parametrize(("lang", "says"), [("id", "belum dideklarasikan"), ("en", "not declared")])
def test_an_undeclared_prefix_is_explained_and_fixed(
    page: webdriver.Chrome, live_server: LiveServer, lang: str, says: str
) -> None:
    query = "SELECT ?c WHERE { ?c a skos:Concept } LIMIT 3"
    open_editor(page, f"{live_server.sparql}?lang={lang}&query={quote(query)}")
    error = page.find_element(By.ID, "error")
    assert says in error.text and "skos" in error.text
    assert "expected one of" not in error.text
    marked = page.execute_script(
        "return document.getElementById('editor').shadowRoot"
        ".querySelectorAll('.cm-lintRange-error').length"
    )
    assert marked == 1
    shot(page, f"prefix-error-{lang}")
    page.find_element(By.ID, "prefix-fix").click()
    assert text(page).startswith("PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n")
    page.find_element(By.CSS_SELECTOR, "#query-form button[type=submit]").click()
    WebDriverWait(page, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, ROWS))
    assert len(page.find_elements(By.CSS_SELECTOR, ROWS)) == 3


def test_a_short_link_round_trips(page: webdriver.Chrome, live_server: LiveServer) -> None:
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o } # short link test"
    open_editor(page, f"{live_server.sparql}?lang=en&query={quote(query)}")
    page.find_element(By.CSS_SELECTOR, "#make-short-link button").click()
    WebDriverWait(page, 30).until(lambda d: d.find_elements(By.ID, "short-link"))
    link = page.find_element(By.ID, "short-link").get_attribute("value") or ""
    assert link.startswith(live_server.url + "/q/"), link
    open_editor(page, link)
    assert text(page) == query
    assert page.find_elements(By.CSS_SELECTOR, ROWS)
