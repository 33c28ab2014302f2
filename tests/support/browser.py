"""A headless Chromium for the browser tests: Debian's chromium driven by Selenium.

Selenium is given ``/usr/bin/chromedriver`` explicitly, so Selenium Manager never downloads a
driver or a browser. Without chromium or its driver a browser test fails under CI (``CI`` set:
.ci/run installs them) and is skipped elsewhere. Load with ``pytest_plugins``.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from tests.support.live import PROXY_VARIABLES

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARGUMENTS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--no-proxy-server",
    "--lang=en-US",
    "--window-size=1400,1000",
)


def require_browser() -> None:
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.exists()]
    if not missing:
        return
    message = (
        f"{' and '.join(missing)} missing: install Debian's chromium and chromium-driver "
        "(.ci/run does: apt-get install chromium chromium-driver)"
    )
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[webdriver.Chrome]:
    require_browser()
    for name in PROXY_VARIABLES:  # Selenium's own HTTP client honours them too
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        options = webdriver.ChromeOptions()
        options.binary_location = str(CHROMIUM)
        for argument in (*ARGUMENTS, f"--user-data-dir={profile}"):
            options.add_argument(argument)
        driver = webdriver.Chrome(
            service=Service(executable_path=str(CHROMEDRIVER)), options=options
        )
        try:
            driver.set_page_load_timeout(60)
            yield driver
        finally:
            driver.quit()


# --- what a page does in the browser --------------------------------------------------------

AXE = Path(__file__).resolve().parents[2] / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP = (1366, 900)
PHONE = (390, 844)
_WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


def watch_csp(driver: webdriver.Chrome) -> None:
    """Record every Content-Security-Policy violation of every page loaded from now on (the
    listener is installed before any script of the page runs)."""
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": _WATCH_CSP})


def csp_violations(driver: webdriver.Chrome) -> list[str]:
    """The violations of the current page, and any the browser logged (also of earlier pages)."""
    seen = driver.execute_script("return window.__cspViolations || []")
    logged = [
        entry["message"]
        for entry in driver.get_log("browser")  # type: ignore[no-untyped-call]
        if "Content Security Policy" in entry.get("message", "")
    ]
    return [*seen, *logged]


def viewport(driver: webdriver.Chrome, size: tuple[int, int]) -> None:
    """Emulate a screen of ``size`` CSS pixels (a phone when narrow: touch, mobile viewport)."""
    width, height = size
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
    )


def axe_violations(
    driver: webdriver.Chrome, impacts: tuple[str, ...] = ("serious", "critical")
) -> list[dict[str, Any]]:
    """axe-core's violations of ``impacts`` on the current page (axe from frontend/node_modules,
    put there by ``make frontend``; run through WebDriver, so the page's CSP does not apply)."""
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `make frontend` (npm ci in frontend/)")
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    driver.set_script_timeout(60)
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then("
        "  (r) => done(r.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,"
        "    nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' '))}))),"
        "  (e) => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));"
    )
    return [violation for violation in result or [] if violation["impact"] in impacts]
