"""The enquirer's own page (from the link in their confirmation e-mail) in headless Chromium:
axe-core at 320 px and 1280 px, the page and a link that does not open. No worker: the
enquiry is routed in this process."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from config.settings import Settings
from hub.app import create_app
from tests.browser.support import LiveServer, PageAudit, click_and_wait, fill, live_server
from tests.self_service.support import enquire, link_path
from tests.support.settings import use_test_settings

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def own_server(database, hub_settings: Settings, geography_version: str) -> Iterator[LiveServer]:
    with use_test_settings(hub_settings):
        with live_server(create_app(hub_settings, db=database)) as running:
            yield running


def test_the_enquirers_page_and_a_broken_link_pass_axe_at_both_widths(
    browser: WebDriver, own_server: LiveServer, client, db
) -> None:
    audit = PageAudit()
    reference = enquire(client, db)
    browser.delete_all_cookies()
    browser.get(own_server.url + link_path(db, reference))
    assert browser.current_url.endswith("/your-enquiry")  # the token left the address bar
    assert reference in browser.find_element(By.TAG_NAME, "h1").text + browser.page_source
    audit.check(browser, "own-enquiry")
    fill(browser, "phone", "12")
    click_and_wait(browser, browser.find_element(By.XPATH, "//button[contains(., 'contact')]"))
    assert "There is a problem" in browser.page_source
    audit.check(browser, "own-enquiry-error")
    browser.get(own_server.url + link_path(db, reference)[:-3] + "xyz")
    assert "This link does not work" in browser.page_source
    audit.check(browser, "own-enquiry-broken-link")
    assert audit.blocking == {}
