"""The staff sign-in and council pages in headless Chromium against a real hub.

Sign-in, the council's referral list and one referral (also with an error), and the
follow-ups page pass axe-core at 320 px and 1280 px (zero serious or critical violations)
and are photographed under var/screenshots/. The pages are used as a council's recruitment
officer would: sign in by the e-mailed link, acknowledge, record first contact, sign out.
"""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import Select

from hub.tracking.create_follow_ups import create_follow_ups
from tests.browser.support import (
    AXE_VERSION,
    LiveServer,
    PageAudit,
    click_and_wait,
    mark_page,
    wait_for_new_page,
)
from tests.support.council import get_enquiry, routed
from tests.web.staff_support import signed_in_browser

pytestmark = pytest.mark.slow


def _button(driver: WebDriver, text: str):
    for button in driver.find_elements(By.CSS_SELECTOR, "button.govuk-button"):
        if button.text.strip() == text:
            return button
    raise AssertionError(f"no button {text!r} on {driver.current_url}")


def _body(driver: WebDriver) -> str:
    return driver.find_element(By.TAG_NAME, "body").text


def test_council_pages_pass_axe_and_work_as_an_officer_uses_them(
    fresh_browser: WebDriver, server: LiveServer, db
) -> None:
    driver, audit = fresh_browser, PageAudit()
    reference = routed(server.app.test_client(), db)  # with its first-contact clock

    driver.get(server.url + "/council/")
    assert "/sign-in?next=" in driver.current_url
    audit.check(driver, "staff-sign-in")

    signed_in_browser(driver, server.url, db, council="Kent")
    assert driver.current_url.endswith("/council/"), driver.current_url
    assert reference in _body(driver)
    audit.check(driver, "council-referrals")

    click_and_wait(driver, driver.find_element(By.LINK_TEXT, reference))
    audit.check(driver, "council-referral")

    click_and_wait(driver, _button(driver, "Acknowledge referral"))
    assert "Referral acknowledged" in _body(driver)
    assert get_enquiry(db, reference).status == "acknowledged"

    Select(driver.find_element(By.ID, "stage")).select_by_value("withdrawn")
    click_and_wait(driver, _button(driver, "Record stage"))
    assert "There is a problem" in _body(driver)
    audit.check(driver, "council-referral-error")

    Select(driver.find_element(By.ID, "stage")).select_by_value("first_contact")
    Select(driver.find_element(By.ID, "reason")).select_by_value("")
    click_and_wait(driver, _button(driver, "Record stage"))
    assert "Recorded: first contact" in _body(driver)

    assert create_follow_ups(db) == 0  # created with the stage
    mark_page(driver)
    driver.find_element(By.LINK_TEXT, "Follow-ups").click()
    wait_for_new_page(driver)
    assert reference in _body(driver)
    audit.check(driver, "council-follow-ups")

    driver.get(server.url + f"/council/referrals/{reference}")
    driver.find_element(By.ID, "authority").send_keys("Medway")
    driver.find_element(By.ID, "transfer-reason").send_keys(
        "Moving to Chatham next month; Medway's fostering team is nearer to them"
    )
    click_and_wait(driver, _button(driver, "Transfer referral"))
    assert f"Referral {reference} transferred to Medway." in _body(driver)
    click_and_wait(driver, driver.find_element(By.LINK_TEXT, reference))
    assert "What your team did" in _body(driver)
    audit.check(driver, "council-transferred-out")

    driver.get(server.url + f"/council/referrals/{reference}")  # Medway's now
    assert "Go to your referrals" in _body(driver)
    audit.check(driver, "council-404")

    click_and_wait(driver, _button(driver, "Sign out"))
    assert "You have signed out" in _body(driver)
    driver.get(server.url + f"/council/referrals/{reference}")
    assert "/sign-in" in driver.current_url

    assert audit.blocking == {}, f"axe-core {AXE_VERSION} found: {audit.blocking}"
    assert len(audit.shots) == 2 * 7
