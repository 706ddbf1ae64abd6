"""A council set up by its own people, in headless Chromium against a real hub.

An operator invites Medway's first manager; the manager signs in by the e-mailed link,
invites an officer, adds a webhook (first a URL the safe-target rules refuse), sees its
secret once and sends it a test event that a real receiver verifies; the officer has no
Team or Webhooks link and meets the 404 page. Every page passes axe-core at 320 and 1280
px (no serious or critical violations) and is photographed under var/screenshots/.
"""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from tests.browser.support import AXE_VERSION, LiveServer, PageAudit, click_and_wait, fill
from tests.delivery.receiver import running_receiver
from tests.web.staff_support import browser_uses_link, new_address, signed_in_browser

pytestmark = pytest.mark.slow


def _button(driver: WebDriver, text: str):
    for button in driver.find_elements(By.CSS_SELECTOR, "button.govuk-button"):
        if button.text.strip() == text:
            return button
    raise AssertionError(f"no button {text!r} on {driver.current_url}")


def _body(driver: WebDriver) -> str:
    return driver.find_element(By.TAG_NAME, "body").text


def _nav_links(driver: WebDriver) -> set[str]:
    links = driver.find_elements(By.CSS_SELECTOR, "#staff-navigation a")
    return {str(a.get_attribute("href")).split("//", 1)[-1].split("/", 1)[-1] for a in links}


def _sign_out(driver: WebDriver) -> None:
    click_and_wait(driver, _button(driver, "Sign out"))


def test_an_operator_invites_a_manager_who_sets_up_the_team_and_a_webhook(
    fresh_browser: WebDriver, server: LiveServer, db
) -> None:
    driver, audit, base = fresh_browser, PageAudit(), server.url
    manager, officer = new_address("medway.example"), new_address("medway.example")

    signed_in_browser(driver, base, db, hub_operator=True)
    driver.get(base + "/ops/invitations")
    audit.check(driver, "ops-invitations")
    fill(driver, "council", "E99999999")
    fill(driver, "email", manager)
    click_and_wait(driver, _button(driver, "Send invitation"))
    assert "No council or delivery body has that name or code" in _body(driver)
    audit.check(driver, "ops-invitations-error")
    fill(driver, "council", "Medway")
    click_and_wait(driver, _button(driver, "Send invitation"))
    assert f"Invitation e-mailed to {manager}" in _body(driver)
    _sign_out(driver)

    browser_uses_link(driver, base, manager)
    assert driver.current_url.endswith("/council/"), driver.current_url
    assert {"council/team", "council/subscriptions"} <= _nav_links(driver)
    assert "manager" in driver.find_element(By.CLASS_NAME, "hub-signed-in").text
    driver.get(base + "/council/team")
    audit.check(driver, "council-team")
    fill(driver, "email", officer)
    click_and_wait(driver, _button(driver, "Send invitation"))
    assert f"Invitation e-mailed to {officer} (officer)" in _body(driver)

    with running_receiver() as receiver:
        driver.get(base + "/council/subscriptions")
        audit.check(driver, "council-subscriptions")
        fill(driver, "url", "http://169.254.169.254/latest/meta-data")
        click_and_wait(driver, _button(driver, "Add webhook"))
        assert "The hub cannot send to this address" in _body(driver)
        audit.check(driver, "council-subscriptions-error")
        fill(driver, "url", receiver.url)
        click_and_wait(driver, _button(driver, "Add webhook"))
        secret = str(driver.find_element(By.ID, "secret").get_attribute("value"))
        assert secret.startswith("whsec_")
        audit.check(driver, "council-webhook-secret")
        receiver.secrets = [secret]
        click_and_wait(driver, driver.find_element(By.LINK_TEXT, "Back to webhooks and mailboxes"))
        assert secret not in driver.page_source
        click_and_wait(driver, _button(driver, "Send a test event"))
        assert "The receiver accepted the test event (HTTP 200)" in _body(driver)
        audit.check(driver, "council-webhook-tested")
        [got] = receiver.received
        assert got.verified and got.payload["type"] == "hub.test"
    _sign_out(driver)

    browser_uses_link(driver, base, officer)
    assert driver.current_url.endswith("/council/"), driver.current_url
    assert not {"council/team", "council/subscriptions"} & _nav_links(driver)
    assert "officer" in driver.find_element(By.CLASS_NAME, "hub-signed-in").text
    driver.get(base + "/council/subscriptions")
    assert "Page not found" in _body(driver) or "not found" in _body(driver).lower()
    audit.check(driver, "council-officer-refused")

    assert audit.blocking == {}, f"axe-core {AXE_VERSION} found: {audit.blocking}"
    assert len(audit.shots) == 2 * 8
