"""The operators' pages in headless Chromium: axe-core at 320 px and 1280 px on every page type
(zero serious or critical violations), screenshots under var/screenshots/, and a route by hand
clicked through with JavaScript off."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from config.settings import Settings
from hub.app import create_app
from tests.browser.support import (
    LiveServer,
    PageAudit,
    click_and_wait,
    fill,
    live_server,
    new_driver,
)
from tests.support.council import MEDWAY, get_enquiry, routed
from tests.support.settings import use_test_settings
from tests.web.ops_support import SPLIT_SECTOR
from tests.web.staff_support import sign_in

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def ops_server(
    chromium: None, database, hub_settings: Settings, geography_version: str
) -> Iterator[LiveServer]:
    """The hub on a loopback server; no worker (the pages only read what waits)."""
    with use_test_settings(hub_settings):
        app = create_app(hub_settings, db=database)
        with live_server(app) as running:
            yield running


def _sign_in_browser(driver: WebDriver, server: LiveServer, db) -> None:
    """Sign a test client in, then give the browser its cookies (the session is signed by the
    app's secret, so any client of the same app accepts it)."""
    client: FlaskClient = server.app.test_client()
    sign_in(client, db, hub_operator=True)
    driver.get(server.url + "/privacy")
    driver.delete_all_cookies()
    cookies = client._cookies or {}  # werkzeug's test client keeps them here
    assert cookies, "sign_in set no cookie"
    for cookie in cookies.values():
        driver.add_cookie({"name": cookie.key, "value": cookie.value, "path": "/"})


def _seed(app: Flask, db) -> tuple[str, str]:
    client = app.test_client()
    split = routed(client, db, postcode=SPLIT_SECTOR, preferred_authority="Medway")
    unknown = routed(client, db, postcode="ZZ9 9ZZ")
    for _ in range(6):
        routed(client, db)  # Kent: figures for the reports
    return split, unknown


def test_every_ops_page_passes_axe_at_both_widths(
    browser: WebDriver, ops_server: LiveServer, db
) -> None:
    with use_test_settings(ops_server.app.config["HUB_SETTINGS"]):
        split, _ = _seed(ops_server.app, db)
        _sign_in_browser(browser, ops_server, db)
    audit = PageAudit()
    base = ops_server.url

    browser.get(base + "/ops/")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Queue health"
    audit.check(browser, "ops-dashboard")

    browser.get(base + "/ops/triage")
    assert split in browser.find_element(By.TAG_NAME, "main").text
    audit.check(browser, "ops-triage")

    browser.get(base + f"/ops/triage/{split}")
    audit.check(browser, "ops-triage-case")
    click_and_wait(
        browser,
        browser.find_element(By.CSS_SELECTOR, _route_button(split)),
    )
    assert "There is a problem" in browser.find_element(By.TAG_NAME, "main").text
    audit.check(browser, "ops-triage-case-errors")

    browser.get(base + f"/ops/triage/{split}/contact")
    audit.check(browser, "ops-contact-details")

    browser.get(base + "/ops/deliveries")
    audit.check(browser, "ops-deliveries")

    browser.get(base + "/ops/reports")
    audit.check(browser, "ops-reports")

    assert audit.blocking == {}, audit.blocking
    assert len(audit.shots) == 14 and all(path.exists() for path in audit.shots)


def test_an_operator_routes_a_case_by_hand_with_javascript_off(
    chromium: None, ops_server: LiveServer, db
) -> None:
    with use_test_settings(ops_server.app.config["HUB_SETTINGS"]):
        split, _ = _seed(ops_server.app, db)
    driver = new_driver(javascript=False)
    try:
        with use_test_settings(ops_server.app.config["HUB_SETTINGS"]):
            _sign_in_browser(driver, ops_server, db)
        driver.get(ops_server.url + f"/ops/triage/{split}")
        driver.find_element(By.CSS_SELECTOR, f"label[for='{_radio_for(driver, MEDWAY)}']").click()
        fill(driver, "reason", "Phoned: lives in Chatham")
        click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, _route_button(split)))
        assert f"{split} was sent to Medway" in driver.find_element(By.TAG_NAME, "main").text
    finally:
        driver.quit()
    assert get_enquiry(db, split).authority_code == MEDWAY


def _route_button(reference: str) -> str:
    # The route form's own button: the staff header has a Sign out form with a button too.
    return f"form[action='/ops/triage/{reference}/route'] button"


def _radio_for(driver: WebDriver, code: str) -> str:
    radio = driver.find_element(By.CSS_SELECTOR, f"input[name='authority'][value='{code}']")
    return str(radio.get_attribute("id"))
