"""A visitor's path through the site in a real browser: Debian's chromium, headless, via Selenium.

Landing page → search "Samaan" → KIM Samaan's page → its kelurahan (Samaan) → its kecamatan
(Klojen), against ``malang-kg serve`` (the ``live_server`` fixture of ``tests/live.py``), with a
screenshot of every step in ``test-artifacts/``. Selenium is given ``/usr/bin/chromedriver``
explicitly, so it never downloads a driver or a browser. Without chromium or its driver the tests
fail under CI (``CI`` set) and are skipped elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from tests.support.live import LiveServer, artifacts_dir

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

WAIT = 30  # seconds a page may take to appear


class Steps:
    """Waits for each step's page, saves its screenshot, and fails with what the page says."""

    def __init__(self, driver: webdriver.Chrome, prefix: str) -> None:
        self.driver = driver
        self.prefix = prefix
        self.number = 0

    def wait_for(self, what: str, condition: Callable[[webdriver.Chrome], object]) -> None:
        try:
            WebDriverWait(self.driver, WAIT).until(condition)
        except TimeoutException:
            self.screenshot(f"failed-{what}")
            body = self.driver.find_element(By.TAG_NAME, "body").text
            pytest.fail(
                f"{what}: not reached within {WAIT} s at {self.driver.current_url}; "
                f"the page says:\n{body[:1500]}"
            )

    def at_path(self, what: str, path: str) -> None:
        self.wait_for(what, lambda d: urlsplit(d.current_url).path == path)
        self.wait_for(what, lambda d: d.execute_script("return document.readyState") == "complete")

    def screenshot(self, name: str) -> Path:
        self.number += 1
        path = artifacts_dir() / f"{self.prefix}-{self.number}-{name}.png"
        assert self.driver.save_screenshot(str(path)), f"could not save {path}"
        return path

    def heading(self) -> str:
        return self.driver.find_element(By.TAG_NAME, "h1").text


def link_to(driver: webdriver.Chrome, suffix: str, text: str | None = None) -> WebElement:
    """The first visible link whose path ends with ``suffix`` (an ``/id/…`` or ``/page/…`` link),
    with ``text`` in its text if given."""
    links = [
        link
        for link in driver.find_elements(By.CSS_SELECTOR, "main a[href]")
        if urlsplit(link.get_attribute("href") or "").path.endswith(suffix)
        and link.is_displayed()
        and (text is None or text.lower() in link.text.lower())
    ]
    assert links, (
        f"no link to …{suffix} on {driver.current_url}; its links: "
        f"{[a.get_attribute('href') for a in driver.find_elements(By.CSS_SELECTOR, 'main a')][:40]}"
    )
    return links[0]


def search_box(driver: webdriver.Chrome) -> WebElement:
    """The page's own search box, else the one in the navigation bar."""
    boxes = [
        box
        for selector in ("main form[role='search'] input[name='q']", "form[role='search'] input")
        for box in driver.find_elements(By.CSS_SELECTOR, selector)
        if box.is_displayed() and box.get_attribute("name") == "q"
    ]
    assert boxes, f"no search box on {driver.current_url}"
    return boxes[0]


def test_from_the_landing_page_to_klojen(
    browser: webdriver.Chrome, live_server: LiveServer
) -> None:
    steps = Steps(browser, "visit")
    browser.get(live_server.url + "/")
    steps.at_path("the landing page", "/")
    assert "Malang" in steps.heading()
    steps.screenshot("landing")

    box = search_box(browser)
    box.clear()
    box.send_keys("Samaan")
    steps.screenshot("landing-search-typed")
    box.submit()
    steps.at_path("the search results", "/search")
    steps.wait_for("the results", lambda d: d.find_elements(By.CSS_SELECTOR, "li.hit a"))
    steps.screenshot("search-samaan")

    link_to(browser, "/organization/kim-samaan", "KIM Samaan").click()
    steps.at_path("KIM Samaan's page", "/page/organization/kim-samaan")
    assert "KIM Samaan" in steps.heading()
    steps.screenshot("kim-samaan")

    link_to(browser, "/kelurahan/samaan", "Samaan").click()
    steps.at_path("kelurahan Samaan's page", "/page/kelurahan/samaan")
    assert "Samaan" in steps.heading()
    steps.screenshot("kelurahan-samaan")

    link_to(browser, "/kecamatan/klojen", "Klojen").click()
    steps.at_path("kecamatan Klojen's page", "/page/kecamatan/klojen")
    assert "Klojen" in steps.heading()
    steps.screenshot("kecamatan-klojen")


def test_landing_and_search_fit_a_phone(browser: webdriver.Chrome, live_server: LiveServer) -> None:
    """No sideways scrolling at a phone's width (390 CSS pixels)."""
    browser.set_window_size(390, 844)
    steps = Steps(browser, "phone")
    for path, name in (("/", "landing"), ("/search?q=samaan", "search")):
        browser.get(live_server.url + path)
        steps.at_path(name, urlsplit(path).path)
        steps.screenshot(name)
        width = browser.execute_script(
            "return [document.documentElement.scrollWidth, window.innerWidth]"
        )
        assert width[0] <= width[1], f"{path} is {width[0]} px wide in a {width[1]} px window"
