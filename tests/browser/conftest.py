"""A real hub for the browser: the app on a loopback HTTP server, a real Celery worker, Chromium."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from redis import Redis
from selenium.webdriver.remote.webdriver import WebDriver

from config.settings import Settings
from hub.app import create_app
from hub.platform.queues import Queue
from tests.browser.support import LiveServer, live_server, new_driver, require_chromium
from tests.support.processes import CeleryProcess
from tests.support.settings import use_test_settings


@pytest.fixture(scope="module")
def chromium() -> None:
    require_chromium()


@pytest.fixture(scope="module")
def worker(
    chromium: None, hub_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[CeleryProcess]:
    broker = Redis.from_url(hub_env["HUB_REDIS_URL"])
    broker.delete(*(str(queue) for queue in Queue), "unacked", "unacked_index")
    proc = CeleryProcess("worker", hub_env, tmp_path_factory.mktemp("worker") / "worker.log")
    proc.wait_ready()
    yield proc
    proc.stop()


@pytest.fixture(scope="module")
def server(
    worker: CeleryProcess, database, hub_settings: Settings, geography_version: str
) -> Iterator[LiveServer]:
    with use_test_settings(hub_settings):
        app = create_app(hub_settings, db=database)
        with live_server(app) as running:
            yield running


@pytest.fixture(scope="module")
def browser(chromium: None) -> Iterator[WebDriver]:
    driver = new_driver()
    yield driver
    driver.quit()


@pytest.fixture
def fresh_browser(browser: WebDriver, server: LiveServer, db) -> WebDriver:
    """The module's browser with no cookies (a new visitor), on an emptied database."""
    browser.get(server.url + "/privacy")
    browser.delete_all_cookies()
    return browser
