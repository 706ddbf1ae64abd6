"""Headless Chromium (Debian's chromium + chromium-driver) driven by Selenium, and axe-core.

Nothing is downloaded: the Service points at /usr/bin/chromedriver and the binary at
/usr/bin/chromium, so Selenium Manager never runs. axe-core is vendored beside this file
(scripts/update_govuk_frontend.sh records its version in vendor/AXE_VERSION).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.wait import WebDriverWait
from werkzeug.serving import WSGIRequestHandler, make_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
VENDOR = Path(__file__).parent / "vendor"
AXE = (VENDOR / "axe.min.js").read_text(encoding="utf-8")
AXE_VERSION = (VENDOR / "AXE_VERSION").read_text(encoding="utf-8").strip()
REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "var" / "screenshots"
WIDTHS = (320, 1280)
BLOCKING_IMPACTS = {"serious", "critical"}


def require_chromium() -> None:
    """Skip (on a developer's machine) or fail (in CI) when Chromium is not installed."""
    if CHROMIUM.exists() and CHROMEDRIVER.exists():
        return
    message = (
        f"browser tests need Debian's chromium and chromium-driver ({CHROMIUM}, {CHROMEDRIVER}):"
        " apt-get install -y chromium chromium-driver"
    )
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message + " (CI=true: .ci/run installs them)")
    pytest.skip(message)


def new_driver(*, javascript: bool = True) -> WebDriver:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1280,900",
    ):
        options.add_argument(argument)
    if not javascript:
        options.add_experimental_option(
            "prefs", {"profile.managed_default_content_settings.javascript": 2}
        )
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    return driver


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None


@dataclass
class LiveServer:
    """The hub's app on a real HTTP server thread on loopback."""

    app: Flask
    url: str = ""
    _server: Any = None
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._server = make_server(
            "127.0.0.1", 0, self.app, threaded=True, request_handler=_QuietHandler
        )
        self.url = f"http://127.0.0.1:{self._server.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


@contextmanager
def live_server(app: Flask) -> Iterator[LiveServer]:
    server = LiveServer(app)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def set_width(driver: WebDriver, width: int) -> None:
    """Lay the page out as on a screen ``width`` CSS pixels wide (320: a small phone)."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": 800, "deviceScaleFactor": 1, "mobile": width < 800},
    )


def run_axe(driver: WebDriver) -> list[dict[str, Any]]:
    """axe-core's violations on the current page."""
    if not driver.execute_script("return typeof window.axe === 'object'"):
        driver.execute_script(AXE)
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']})"
        ".then(r => done(r.violations)).catch(e => done([{id: 'axe-error', impact: 'critical',"
        " help: String(e), nodes: []}]));"
    )
    assert isinstance(result, list)
    return result


def screenshot(driver: WebDriver, name: str, width: int) -> Path:
    """A full-page screenshot under var/screenshots/ (ignored by git)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    height = int(driver.execute_script("return document.documentElement.scrollHeight"))
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": max(height, 600), "deviceScaleFactor": 1, "mobile": width < 800},
    )
    path = SCREENSHOTS / f"{name}-{width}.png"
    driver.save_screenshot(str(path))
    set_width(driver, width)
    return path


@dataclass
class PageAudit:
    """axe results and screenshots of every page type, at every width."""

    blocking: dict[str, list[str]] = field(default_factory=dict)
    # Rule ids a page breaks knowingly (named at the call, with the reason), by page.
    accepted: dict[str, set[str]] = field(default_factory=dict)
    shots: list[Path] = field(default_factory=list)

    def check(self, driver: WebDriver, name: str, *, accept: frozenset[str] = frozenset()) -> None:
        """Audit the current page at each width; remember serious or critical violations.

        A violation of a rule in ``accept`` is recorded in ``accepted`` instead of ``blocking``.
        """
        for width in WIDTHS:
            set_width(driver, width)
            violations = run_axe(driver)
            serious = [v for v in violations if v.get("impact") in BLOCKING_IMPACTS]
            for v in serious:
                if v["id"] in accept:
                    self.accepted.setdefault(f"{name}@{width}", set()).add(v["id"])
            bad = [
                f"{v['id']} ({v['impact']}): {v['help']} -> "
                + ", ".join(str(n.get("target")) for n in v.get("nodes", [])[:3])
                for v in serious
                if v["id"] not in accept
            ]
            # The page's Content-Security-Policy must not have refused anything it needs.
            bad += [
                entry["message"]
                for entry in driver.get_log("browser")  # type: ignore[attr-defined]
                if "Content Security Policy" in entry["message"]
            ]
            # Nothing makes the page itself scroll sideways (a table may, inside its region).
            sideways = driver.execute_script(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            if sideways > 0:
                bad.append(f"the page scrolls sideways by {sideways} px")
            if bad:
                self.blocking[f"{name}@{width}"] = bad
            self.shots.append(screenshot(driver, name, width))
        set_width(driver, 1280)


def fill(driver: WebDriver, field_id: str, value: str) -> None:
    element = driver.find_element(By.ID, field_id)
    element.clear()
    element.send_keys(value)


def mark_page(driver: WebDriver) -> None:
    """Mark the current document, so ``wait_for_new_page`` can tell when another replaced it.

    (An element going stale is not enough: a page kept in the back-forward cache keeps its
    elements alive.)
    """
    driver.execute_script("window.__hubOldPage = true")


def wait_for_new_page(driver: WebDriver) -> None:
    WebDriverWait(driver, 30).until(
        lambda d: d.execute_script(
            "return document.readyState === 'complete' && window.__hubOldPage === undefined"
        )
    )


def click_and_wait(driver: WebDriver, element: WebElement) -> None:
    """Click, then wait until another page has loaded in its place."""
    mark_page(driver)
    element.click()
    wait_for_new_page(driver)


def click_continue(driver: WebDriver) -> None:
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "form button.govuk-button"))
