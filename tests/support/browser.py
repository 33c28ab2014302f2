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
