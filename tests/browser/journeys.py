"""A carer's way through the form in the browser, by mouse or by keyboard alone."""

from __future__ import annotations

from collections.abc import Callable

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver

from tests.browser.support import (
    click_and_wait,
    click_continue,
    fill,
    mark_page,
    wait_for_new_page,
)

Hook = Callable[[str], None]


def _nothing(_name: str) -> None:
    return None


def choose(driver: WebDriver, input_id: str) -> None:
    """Click a radio's or checkbox's label (what a person clicks)."""
    driver.find_element(By.CSS_SELECTOR, f"label[for='{input_id}']").click()


def fill_in_form(driver: WebDriver, base: str, postcode: str, on_page: Hook = _nothing) -> None:
    """Start page to check answers; ``on_page(name)`` is called on each page and error state."""
    driver.get(base + "/")
    on_page("start")
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "a.govuk-button--start"))
    on_page("q1-where-you-live")
    fill(driver, "postcode", postcode)
    click_continue(driver)
    if driver.current_url.endswith("/enquire/check-postcode"):
        # Not in the postcode list: go on with it as typed (triage will find the council).
        link = driver.find_element(By.PARTIAL_LINK_TEXT, "Continue with")
        click_and_wait(driver, link)
    on_page("q2-your-name")
    click_continue(driver)  # nothing filled in: the error state
    on_page("q2-your-name-errors")
    fill(driver, "given_name", "Sam")
    fill(driver, "family_name", "Jones")
    click_continue(driver)
    on_page("q3-contact")
    fill(driver, "email", "not-an-email")
    click_continue(driver)
    on_page("q3-contact-errors")
    fill(driver, "email", "sam@example.org")
    fill(driver, "phone", "07911 123456")
    choose(driver, "preferred_contact")
    click_continue(driver)
    on_page("q4-fostering")
    choose(driver, "interest")
    click_continue(driver)
    on_page("q5-household")
    fill(driver, "adults", "²")
    fill(driver, "children", "0")
    choose(driver, "spare_bedroom")
    click_continue(driver)
    on_page("q5-household-errors")
    fill(driver, "adults", "2")
    click_continue(driver)
    on_page("q6-about-you")
    choose(driver, "age_band")  # under 21: told, and the enquiry still goes
    click_continue(driver)
    on_page("q7-anything-else")
    click_continue(driver)
    on_page("q8-your-information")
    click_continue(driver)
    on_page("q8-your-information-errors")
    choose(driver, "privacy_notice")
    click_continue(driver)
    on_page("check-answers")


def send(driver: WebDriver) -> None:
    click_and_wait(
        driver, driver.find_element(By.XPATH, "//button[normalize-space()='Send enquiry']")
    )


def tab_to(driver: WebDriver, element_id: str, limit: int = 60) -> None:
    """Press Tab until the element with this id has focus (as a keyboard user would)."""
    for _ in range(limit):
        if driver.switch_to.active_element.get_attribute("id") == element_id:
            return
        ActionChains(driver).send_keys(Keys.TAB).perform()
    raise AssertionError(f"Tab never reached #{element_id}")


def tab_to_button(driver: WebDriver, text: str, limit: int = 60) -> None:
    for _ in range(limit):
        active = driver.switch_to.active_element
        if active.tag_name in ("button", "a") and active.text.strip() == text:
            return
        ActionChains(driver).send_keys(Keys.TAB).perform()
    raise AssertionError(f"Tab never reached the {text!r} button")


def keys(driver: WebDriver, *typed: str) -> None:
    ActionChains(driver).send_keys(*typed).perform()


def press_enter_and_wait(driver: WebDriver) -> None:
    """Enter on the focused link or button, then wait until the next page has loaded."""
    mark_page(driver)
    ActionChains(driver).send_keys(Keys.ENTER).perform()
    wait_for_new_page(driver)
