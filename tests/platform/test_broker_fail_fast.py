"""The request path publishes once and gives up at once; workers keep retrying the broker."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from hub.platform.broker import BrokerGate, PublishError
from hub.platform.outbox import OutboxEntry, publish_entry, publisher_for
from hub.platform.queues import TaskName


class ClosingBroker:
    """A TCP server on loopback that accepts each connection and closes it (a dying Redis)."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.accepted = 0
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.sock.getsockname()[1]}/0"

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            conn.close()

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def closing_broker(settings) -> Iterator[ClosingBroker]:
    server = ClosingBroker()
    yield server
    server.close()


ENTRY = OutboxEntry(1, TaskName.ROUTE_ENQUIRY, 1)


def test_the_request_path_tries_the_broker_once_and_does_not_retry(
    closing_broker, settings
) -> None:
    with pytest.raises(PublishError):
        publisher_for(settings, closing_broker.url)(ENTRY)
    assert closing_broker.accepted == 1


def test_worker_side_publishing_still_retries_the_broker(closing_broker, settings) -> None:
    with pytest.raises(PublishError):
        publish_entry(ENTRY, settings=settings, redis_url=closing_broker.url)
    assert closing_broker.accepted >= 2


def test_after_a_failure_the_request_path_skips_the_broker_a_while(
    closing_broker, settings
) -> None:
    publish = publisher_for(settings, closing_broker.url)
    for _ in range(3):
        with pytest.raises(PublishError):
            publish(ENTRY)
    assert closing_broker.accepted == 1  # the second and third were left for the sweeper


def test_the_gate_reopens_after_its_hold_or_at_the_first_success() -> None:
    now = [100.0]
    gate = BrokerGate(hold=2.0, clock=lambda: now[0])
    url = "redis://127.0.0.1:1/0"
    assert gate.allows(url)
    gate.failed(url)
    assert not gate.allows(url)
    assert gate.allows("redis://127.0.0.1:2/0")  # another broker is not affected
    now[0] += 2.0
    assert gate.allows(url)
    gate.failed(url)
    gate.succeeded(url)
    assert gate.allows(url)
