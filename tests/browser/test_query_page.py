"""The SPARQL query page in a real browser: Debian's chromium, headless, driven by Selenium.

Selenium is given ``/usr/bin/chromedriver`` explicitly, so Selenium Manager never downloads a
driver or a browser. Without chromium or its driver the test fails under CI (``CI`` set: .ci/run
installs them) and is skipped elsewhere.
"""

from __future__ import annotations

import re
from urllib.parse import unquote_plus

import pytest
from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from tests.support.live import LiveServer, artifacts_dir

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

AWARD_COUNT = 7
ROWS = "table#results tbody tr"
AWARDS_TITLE = re.compile(r"^\s*(awards|penghargaan)\b", re.IGNORECASE)


def awards_link(driver: webdriver.Chrome) -> WebElement:
    """The example link of the ``awards`` named query: by its title ("Awards"/"Penghargaan"),
    else by the query text it carries."""
    links = [
        link
        for link in driver.find_elements(By.CSS_SELECTOR, "a[href*='query=']")
        if "/sparql" in (link.get_attribute("href") or "")
    ]
    assert links, f"no example links (/sparql?query=...) on {driver.current_url}"
    by_title = [link for link in links if AWARDS_TITLE.search(link.text)]
    if by_title:
        return by_title[0]
    by_text = [link for link in links if "?award a mk:Award" in unquote_plus(link_href(link))]
    assert by_text, [link.text for link in links]
    return by_text[0]


def link_href(link: WebElement) -> str:
    return link.get_attribute("href") or ""


def test_awards_example_in_the_browser(browser: webdriver.Chrome, live_server: LiveServer) -> None:
    """Open /sparql, click the ``awards`` example, and see its 7 rows in ``table#results``."""
    browser.get(live_server.sparql)
    WebDriverWait(browser, 30).until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "a[href*='query=']"))
    )
    awards_link(browser).click()
    try:
        WebDriverWait(browser, 60).until(
            expected_conditions.presence_of_element_located((By.CSS_SELECTOR, ROWS))
        )
    except TimeoutException:
        browser.save_screenshot(str(artifacts_dir() / "sparql-awards-failed.png"))
        body = browser.find_element(By.TAG_NAME, "body").text
        pytest.fail(
            f"no {ROWS} within 60 s at {browser.current_url[:200]}…; the page says:\n{body[:1500]}"
        )
    rows = browser.find_elements(By.CSS_SELECTOR, ROWS)
    screenshot = artifacts_dir() / "sparql-awards.png"
    assert browser.save_screenshot(str(screenshot)), f"could not save {screenshot}"
    assert len(rows) == AWARD_COUNT, [row.text[:80] for row in rows]
    assert "/sparql?" in browser.current_url
