"""A citizen's routes through the site in Debian's Chromium, at desktop and phone sizes, in both
languages, without SPARQL on the way: home → awards; home → areas → Klojen → Samaan (whose page
names KIM Samaan and its award); forgiving searches; a code without its dots. Every page kind is
checked with axe-core (no moderate, serious or critical violation), for CSP violations, and for
tables squeezing text one character per line; a screenshot of each goes to ``test-artifacts/``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
import requests
from selenium import webdriver
from selenium.webdriver.common.by import By
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

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]

SIZES = {"desktop": DESKTOP, "phone": PHONE}
WAIT = 30
# Every kind of page a citizen meets, by a name for its screenshot.
PAGE_KINDS = {
    "home": "/",
    "awards": "/awards",
    "areas": "/areas",
    "kelurahan": "/page/kelurahan/samaan",
    "kecamatan": "/page/kecamatan/klojen",
    "organisation": "/page/organization/kim-samaan",
    "award": "/page/award/kim-hackathon-2023",
    "article": "/page/article/2023-11-06-kadiskominfo-kebersamaan-berbuah-prestasi-membanggakan",
    "search": "/search?q=saman",
    "downloads": "/downloads/",
    "not-found": "/page/kelurahan/no-such-place",
    "code-not-found": "/code/kemendagri/35730210033",
    "changes": "/changes",
}
# A table cell narrower than this (CSS px) with more than one character is text squeezed.
NARROWEST_CELL = 24


@pytest.fixture
def page(browser: webdriver.Chrome) -> Iterator[webdriver.Chrome]:
    watch_csp(browser)
    yield browser
    assert csp_violations(browser) == []


def visit(driver: webdriver.Chrome, url: str) -> None:
    driver.get(url)
    WebDriverWait(driver, WAIT).until(
        lambda d: d.execute_script("return document.readyState") == "complete"
    )


def shot(driver: webdriver.Chrome, name: str) -> None:
    path = artifacts_dir() / f"citizen-{name}.png"
    assert driver.save_screenshot(str(path)), path


def click(driver: webdriver.Chrome, selector: str) -> None:
    element = driver.find_element(By.CSS_SELECTOR, selector)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()
    WebDriverWait(driver, WAIT).until(
        lambda d: d.execute_script("return document.readyState") == "complete"
    )


def squeezed_cells(driver: webdriver.Chrome) -> list[str]:
    """Table cells whose text is wrapped into a column narrower than NARROWEST_CELL."""
    found: list[str] = driver.execute_script(
        "return [...document.querySelectorAll('th, td')].filter((c) => {"
        "  const text = c.innerText.trim(); const r = c.getBoundingClientRect();"
        f"  return text.length > 1 && r.width > 0 && r.width < {NARROWEST_CELL}"
        "    && r.height > 2 * parseFloat(getComputedStyle(c).lineHeight || 20);"
        "}).map((c) => c.innerText.trim().slice(0, 40));"
    )
    return found


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", ["id", "en"])
def test_home_to_the_awards_without_sparql(
    live_server: LiveServer, page: webdriver.Chrome, size: str, lang: str
) -> None:
    viewport(page, SIZES[size])
    visit(page, f"{live_server.url}/?lang={lang}")
    click(page, "#to-awards")
    assert urlsplit(page.current_url).path == "/awards"
    cards = page.find_elements(By.CSS_SELECTOR, ".award-card")
    assert len(cards) == 7
    recipients = [c.find_element(By.CSS_SELECTOR, ".recipient").text for c in cards]
    assert all(recipients) and "KIM Samaan" in recipients
    assert "sparql" not in urlsplit(page.current_url).path
    shot(page, f"route-awards-{lang}-{size}")


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", ["id", "en"])
def test_home_to_areas_to_klojen_to_samaan(
    live_server: LiveServer, page: webdriver.Chrome, size: str, lang: str
) -> None:
    viewport(page, SIZES[size])
    visit(page, f"{live_server.url}/?lang={lang}")
    click(page, "#to-areas")
    click(page, "a[href^='/page/kecamatan/klojen']")
    assert urlsplit(page.current_url).path == "/page/kecamatan/klojen"
    click(page, "main a[href^='/page/kelurahan/samaan'], main a[href^='/id/kelurahan/samaan']")
    assert urlsplit(page.current_url).path.endswith("/kelurahan/samaan")
    awards = page.find_element(By.ID, "awards-here").find_element(By.XPATH, "following-sibling::ul")
    assert "KIM Hackathon 2023" in awards.text and "KIM Samaan" in awards.text
    shot(page, f"route-samaan-{lang}-{size}")


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize(
    ("query", "first"),
    [("saman", "/kelurahan/samaan"), ("oro2 dowo", "/kelurahan/oro-oro-dowo")],
)
def test_forgiving_search_finds_the_place_first(
    live_server: LiveServer, page: webdriver.Chrome, query: str, first: str, size: str, lang: str
) -> None:
    viewport(page, SIZES[size])
    visit(page, f"{live_server.url}/?lang={lang}")
    box = page.find_element(By.ID, "site-search-q")
    box.send_keys(query)
    box.submit()
    WebDriverWait(page, WAIT).until(lambda d: urlsplit(d.current_url).path == "/search")
    hit = page.find_element(By.CSS_SELECTOR, "li.hit a")
    assert urlsplit(hit.get_attribute("href") or "").path.endswith(first)


def test_searching_a_kind_finds_the_awards(live_server: LiveServer, page: webdriver.Chrome) -> None:
    visit(page, f"{live_server.url}/search?q=penghargaan&lang=id")
    links = page.find_elements(By.CSS_SELECTOR, "li.hit > a")
    hrefs = [a.get_attribute("href") or "" for a in links]
    assert len([h for h in hrefs if "/award/" in h]) == 7


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_code_without_dots_opens_samaan(
    live_server: LiveServer, page: webdriver.Chrome, size: str, lang: str
) -> None:
    viewport(page, SIZES[size])
    visit(page, f"{live_server.url}/code/kemendagri/3573021003?lang={lang}")
    assert urlsplit(page.current_url).path.endswith("/kelurahan/samaan")
    assert "Samaan" in page.find_element(By.TAG_NAME, "h1").text


def _past_version(server: LiveServer) -> str:
    """The page of Samaan's first recorded version, found in its TimeMap."""
    timemap = requests.get(f"{server.url}/timemap/kelurahan/samaan", timeout=30).text
    version = re.search(r"\?version=([^>]+)>", timemap)
    assert version is not None, timemap
    return f"/page/kelurahan/samaan?version={version.group(1)}"


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_page_kind_is_accessible_and_unsqueezed(
    live_server: LiveServer, page: webdriver.Chrome, size: str, lang: str
) -> None:
    viewport(page, SIZES[size])
    problems = {}
    for name, path in {**PAGE_KINDS, "past-version": _past_version(live_server)}.items():
        joiner = "&" if "?" in path else "?"
        visit(page, f"{live_server.url}{path}{joiner}lang={lang}")
        shot(page, f"{name}-{lang}-{size}")
        found = {
            "axe": axe_violations(page, ("moderate", "serious", "critical")),
            "squeezed": squeezed_cells(page),
            "lang": page.execute_script("return document.documentElement.lang"),
        }
        if found["axe"] or found["squeezed"] or found["lang"] != lang:
            problems[name] = found
    assert not problems, problems


def test_the_search_box_suggests_names_as_you_type(
    live_server: LiveServer, page: webdriver.Chrome
) -> None:
    viewport(page, PHONE)
    visit(page, f"{live_server.url}/?lang=id")
    box = page.find_element(By.ID, "site-search-q")
    box.send_keys("saman")

    def suggested(driver: webdriver.Chrome) -> list[str]:
        found: list[str] = driver.execute_script(
            "const l = document.getElementById(arguments[0].getAttribute('list'));"
            "return l ? [...l.options].map((o) => o.value) : [];",
            box,
        )
        return found

    WebDriverWait(page, WAIT).until(lambda d: "Samaan" in suggested(d))
    assert suggested(page)[0] == "Samaan"
    shot(page, "suggestions-id-phone")
