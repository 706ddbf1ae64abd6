"""Publishing to the broker by task name, failing fast when Redis is away."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from celery import Celery
from celery.signals import before_task_publish

from config.settings import Settings
from hub.platform.queued_marks import mark_queued
from hub.platform.queues import PUBLISHED_AT_HEADER, TASK_QUEUES, TaskName
from hub.platform.redis_target import broker_transport_options


@before_task_publish.connect
def _stamp_published_at(headers: dict[str, Any] | None = None, **_: object) -> None:
    # Every message this process publishes (the API, the workers, beat) says when it was
    # published, so the stall check can tell work that waits from work that just arrived.
    if headers is not None:
        headers.setdefault(PUBLISHED_AT_HEADER, time.time())


def celery_config(settings: Settings) -> dict[str, Any]:
    """Celery settings shared by the publisher (hub) and the workers."""
    transport: dict[str, Any] = {
        "visibility_timeout": settings.visibility_timeout,
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
        "socket_keepalive": True,
        "retry_on_timeout": False,
        "health_check_interval": 10,
        # Through Redis Sentinel: the master's name (docs/deployment.md).
        **broker_transport_options(settings.redis_url, settings.redis_sentinel_master),
    }
    return {
        "broker_url": settings.redis_url,
        "broker_transport_options": transport,
        "broker_connection_timeout": 2,
        "broker_connection_retry_on_startup": True,
        "task_routes": {str(name): {"queue": str(queue)} for name, queue in TASK_QUEUES.items()},
        "task_default_queue": "routing",
        "task_serializer": "json",
        "accept_content": ["json"],
        "task_ignore_result": True,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "task_acks_on_failure_or_timeout": True,
        "worker_prefetch_multiplier": 1,
        "task_soft_time_limit": settings.task_soft_time_limit,
        "task_time_limit": settings.task_time_limit,
        "worker_hijack_root_logger": False,
        "enable_utc": True,
        "timezone": "UTC",
    }


# The request path's publish: one connection attempt with short socket timeouts and no
# retries. The message's outbox row is already committed, so a refused publish costs nothing
# but a short wait for the sweeper (beat), which publishes it later with the normal retries.
FAIL_FAST_TRANSPORT: dict[str, Any] = {
    "socket_connect_timeout": 0.25,
    "socket_timeout": 0.3,
    "max_retries": 0,
    "health_check_interval": 0,
}
FAIL_FAST_CONNECTION_TIMEOUT = 0.5


@lru_cache(maxsize=8)
def _sender(settings: Settings, redis_url: str, fail_fast: bool = False) -> Celery:
    app = Celery("hub-publisher", set_as_current=False)
    app.conf.update(celery_config(settings))
    app.conf.broker_url = redis_url
    if fail_fast:
        app.conf.broker_transport_options = {
            **app.conf.broker_transport_options,
            **FAIL_FAST_TRANSPORT,
        }
        app.conf.broker_connection_timeout = FAIL_FAST_CONNECTION_TIMEOUT
    return app


class PublishError(RuntimeError):
    """The broker did not take the message; the outbox row stays for the sweeper."""


class BrokerGate:
    """After a failed request-path publish, skip the broker for ``hold`` seconds.

    While Redis hangs, each try costs up to the socket timeout; a request that would only
    leave its row for the sweeper anyway need not pay it. One request per ``hold`` (per
    process) tries again; the first success opens the gate for all.
    """

    def __init__(self, hold: float = 2.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.hold = hold
        self.clock = clock
        self._closed_until: dict[str, float] = {}

    def allows(self, url: str) -> bool:
        return self.clock() >= self._closed_until.get(url, 0.0)

    def failed(self, url: str) -> None:
        self._closed_until[url] = self.clock() + self.hold

    def succeeded(self, url: str) -> None:
        self._closed_until.pop(url, None)


REQUEST_PATH_GATE = BrokerGate()


def publish(
    task: TaskName,
    *args: int | str,
    settings: Settings,
    redis_url: str | None = None,
    request_id: str | None = None,
    outbox_id: int | None = None,
    fail_fast: bool = False,
) -> None:
    """Send one task by name with ids only; raise PublishError if the broker is down.

    With ``fail_fast`` (the request path) the broker gets one short try (0.25 s to connect,
    0.3 s for an answer), and none for two seconds after a failure (``REQUEST_PATH_GATE``);
    otherwise kombu retries the connection for ``broker_connection_timeout``.
    The API's request id travels in a message header (not an argument) so one enquiry's log
    lines can be followed from the request to the worker; so does the outbox row's id, so the
    worker can clear the row's queued mark (``hub.platform.queued_marks``) when it starts.
    """
    url = redis_url or settings.redis_url
    headers: dict[str, str | int] = {}
    if request_id:
        headers["request_id"] = request_id
    if outbox_id is not None:
        headers["outbox_id"] = outbox_id
    if fail_fast and not REQUEST_PATH_GATE.allows(url):
        raise PublishError("broker unavailable: it failed moments ago (not tried)")
    if outbox_id is not None:
        # Marked before it is sent: a worker may take the message (and clear the mark) before
        # this call returns. A mark left by a failed send only expires; the row is unpublished
        # again, and the sweeper publishes unpublished rows whatever their mark says. On the
        # request path a Redis that does not answer the mark is down: one try, not two.
        marked = mark_queued(
            url, outbox_id, settings.visibility_timeout, settings.redis_sentinel_master
        )
        if not marked and fail_fast:
            REQUEST_PATH_GATE.failed(url)
            raise PublishError("broker unavailable: the queued mark was not written")
    try:
        _sender(settings, url, fail_fast).send_task(
            str(task), args=list(args), retry=False, headers=headers or None
        )
    except Exception as exc:
        if fail_fast:
            REQUEST_PATH_GATE.failed(url)
        raise PublishError(f"broker unavailable: {type(exc).__name__}") from exc
    if fail_fast:
        REQUEST_PATH_GATE.succeeded(url)
