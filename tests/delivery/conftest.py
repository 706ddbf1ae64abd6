"""Delivery fixtures: a loopback receiver, delivery settings, and the personal-data check."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from config.settings import Settings, load_settings
from tests.delivery.capture import leaks, record_mail
from tests.delivery.receiver import Receiver, running_receiver
from tests.delivery.smtp_sink import SmtpSink, running_smtp_sink
from tests.support.settings import use_test_settings

# Retries at once (scale 0) unless a test says otherwise; a short lease for the drills.
DELIVERY_ENV = {
    "HUB_DELIVERY_RETRY_SCALE": "0",
    "HUB_DELIVERY_LEASE_SECONDS": "20",
    "HUB_WEBHOOK_CONNECT_TIMEOUT": "2",
    "HUB_WEBHOOK_READ_TIMEOUT": "3",
}


@pytest.fixture
def delivery_env(hub_env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    return {**hub_env, **DELIVERY_ENV, "HUB_DATA_DIR": str(tmp_path / "data")}


@pytest.fixture
def settings(delivery_env: dict[str, str]) -> Iterator[Settings]:
    """The session's settings with the delivery settings above, for this test."""
    with use_test_settings(load_settings(delivery_env)) as installed:
        yield installed


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as found:
        yield found


@pytest.fixture
def smtp() -> Iterator[tuple[SmtpSink, int]]:
    """A loopback SMTP server: (the sink, its port)."""
    with running_smtp_sink() as found:
        yield found


@pytest.fixture(autouse=True)
def no_personal_data_is_sent(delivery_env: dict[str, str]) -> Iterator[None]:
    """After every delivery test: nothing any receiver or mailbox got names an enquirer (an
    enquirer's own confirmation is addressed to them, and says nothing else of them)."""
    yield
    mail = Path(delivery_env["HUB_DATA_DIR"]) / "mail"
    if mail.is_dir():
        for path in mail.glob("*.eml"):
            record_mail(path.read_bytes())
    assert leaks() == []
