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
from tests.support.live import LiveServer, artifacts_dir

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
    assert offered(page)[0] == "mk:Kelurahan"
    shot(page, f"completion-{size}")
    content.send_keys(Keys.ENTER)
    assert "PREFIX mk: <https://w3id.org/malang-kg/ontology#>" in text(page)
    content.send_keys(" .\n  ?x <https://schema.org/containedInPlace> Klojen")
    assert "kecamatan:klojen" in offered(page)
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
