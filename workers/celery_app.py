"""The Celery app: configuration shared with the publisher, the beat schedule, the database."""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache
from typing import Any

import structlog
from celery import Celery, Task
from celery.schedules import crontab
from celery.signals import (
    task_prerun,
    task_received,
    worker_process_init,
    worker_ready,
    worker_shutdown,
)

from config.settings import Settings, get_settings
from hub.platform.broker import celery_config
from hub.platform.db import Database
from hub.platform.heartbeat import ConsumptionRecorder, Heartbeat
from hub.platform.logging import configure_logging
from hub.platform.queues import Queue, TaskName
from hub.platform.redis_target import redbeat_options
from hub.process_settings import use_settings


def _job(task: TaskName, schedule: timedelta | crontab, *, expires: int) -> dict[str, Any]:
    """A beat entry on the maintenance queue, dropped if no worker takes it within ``expires`` s."""
    return {
        "task": str(task),
        "schedule": schedule,
        "options": {"queue": str(Queue.MAINTENANCE), "expires": expires},
    }


BEAT_KEY_PREFIX = "hub:beat:"
BEAT_LOCK_KEY = "hub:beat:lock"


def beat_lock_config(settings: Settings) -> dict[str, Any]:
    """Beat runs on every machine and one sends the jobs: RedBeat's lock in the hub's Redis.

    The beat holding the lock renews it every loop (at most ``beat_max_loop_interval``, 5 s);
    the others wait, asking again every loop. One that dies stops renewing: its lock expires
    after ``HUB_BEAT_LOCK_SECONDS`` and another takes it within one more loop, so with the
    default 30 s a dead beat is replaced within 35 s. Each job's next run is kept in Redis
    too, so the new holder goes on from where the dead one stopped (no job runs twice for
    one period, none is skipped). Without a Redis URL (nothing to lock) beat keeps Celery's
    own file scheduler.
    """
    if not settings.redis_url:
        return {}
    loop = min(5.0, settings.beat_lock_seconds / 3)
    return {
        "beat_scheduler": "workers.beat_scheduler.HubBeatScheduler",
        "beat_max_loop_interval": loop,
        "redbeat_key_prefix": BEAT_KEY_PREFIX,
        "redbeat_lock_key": BEAT_LOCK_KEY,
        "redbeat_lock_timeout": settings.beat_lock_seconds,
        **redbeat_options(settings.redis_url, settings.redis_sentinel_master),
    }


class HubCelery(Celery):
    """The worker's Celery app, holding the settings the worker started with."""

    def __init__(self, settings: Settings, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.hub_settings = settings


def make_celery(settings: Settings) -> HubCelery:
    app = HubCelery(settings, "hub", include=["workers.tasks"])
    app.conf.update(celery_config(settings))
    app.conf.task_queues = None
    app.conf.task_create_missing_queues = True
    outbox_sweep = timedelta(seconds=settings.outbox_sweep_seconds)
    delivery_sweep = timedelta(seconds=settings.delivery_sweep_seconds)
    app.conf.beat_schedule = {
        "sweep-outbox": _job(TaskName.SWEEP_OUTBOX, outbox_sweep, expires=60),
        "purge-idempotency-keys": _job(
            TaskName.PURGE_IDEMPOTENCY_KEYS, timedelta(hours=1), expires=600
        ),
        "purge-form-drafts": _job(TaskName.PURGE_FORM_DRAFTS, timedelta(minutes=15), expires=600),
        # Delivery (hub/delivery): retries are rows with next_attempt_at, swept here.
        "sweep-deliveries": _job(TaskName.SWEEP_DELIVERIES, delivery_sweep, expires=60),
        # Tracking (hub/tracking): time passing (breaches, yearly check-ins, the daily digest,
        # retention). Clocks and follow-ups start with their event; these sweeps are the net.
        "sweep-clocks": _job(TaskName.SWEEP_CLOCKS, timedelta(minutes=5), expires=240),
        "create-follow-ups": _job(TaskName.CREATE_FOLLOW_UPS, timedelta(hours=1), expires=1800),
        "send-follow-up-digest": _job(
            TaskName.SEND_FOLLOW_UP_DIGEST, crontab(hour=7, minute=0), expires=3600
        ),
        "run-retention": _job(TaskName.RUN_RETENTION, crontab(hour=2, minute=30), expires=3600),
        # Councils (hub/councils): each council's readiness, once a day (a report over time).
        "record-readiness": _job(
            TaskName.RECORD_READINESS, crontab(hour=6, minute=0), expires=3600
        ),
    }
    app.conf.beat_schedule_filename = str(settings.data_dir / "celerybeat-schedule")
    app.conf.update(beat_lock_config(settings))
    configure_logging(json_logs=settings.log_json)
    return app


# The worker's edge: its settings are read here, once, when the worker (or beat) starts, and
# every task is handed them (``worker_settings()``, and the worker's Database carries them).
celery = make_celery(use_settings(get_settings()))


def worker_settings() -> Settings:
    """The settings this worker process started with."""
    return celery.hub_settings


@lru_cache(maxsize=1)
def get_worker_db() -> Database:
    """The worker process's database (one engine per process, created after fork)."""
    # No pre-ping round trip per task: a dropped connection raises OperationalError, which the
    # tasks retry with backoff, and the pool replaces the connection.
    return Database(worker_settings(), pool_pre_ping=False)


@worker_process_init.connect
def _fresh_engine_after_fork(**_: object) -> None:
    # A pool inherited across fork shares sockets with the parent: start clean.
    get_worker_db.cache_clear()


@task_prerun.connect
def _bind_request_id(task: Task | None = None, task_id: str | None = None, **_: object) -> None:
    # Log lines in the task carry the API request's id (sent as a header) and the task id.
    structlog.contextvars.clear_contextvars()
    request_id = getattr(task.request, "request_id", None) if task is not None else None
    structlog.contextvars.bind_contextvars(task_id=task_id, request_id=request_id)


@lru_cache(maxsize=1)
def _recorder() -> ConsumptionRecorder:
    settings = worker_settings()
    return ConsumptionRecorder(settings.redis_url, settings.redis_sentinel_master)


@task_received.connect
def _clear_queued_mark(request: object = None, **_: object) -> None:
    # This worker took the message from its queue: it no longer waits in the broker, so the
    # outbox sweeper may publish it again if the worker dies with it (the row's queued mark).
    headers = getattr(request, "request_dict", None) or {}
    outbox_id = headers.get("outbox_id")
    if outbox_id is not None:
        _recorder()((), int(outbox_id))


@task_prerun.connect
def _record_consumed(task: Task | None = None, **_: object) -> None:
    # A task started: work is being taken from its queue (for the stall check of /readyz and
    # `hub run`).
    request = task.request if task is not None else None
    delivery_info = getattr(request, "delivery_info", None) or {}
    queue = delivery_info.get("routing_key") or str(Queue.ROUTING)
    _recorder()((str(queue),))


# The worker's heartbeat, for /readyz: beaten from the worker's main process while it runs.
_heartbeat: list[Heartbeat] = []


@worker_ready.connect
def _start_heartbeat(sender: object = None, **_: object) -> None:
    settings = worker_settings()
    name = str(getattr(sender, "hostname", "worker"))
    heartbeat = Heartbeat(
        settings.redis_url,
        name,
        settings.worker_heartbeat_seconds,
        settings.redis_sentinel_master,
    )
    heartbeat.start()
    # Ready to consume: what waits from now on in this worker's queues is its to take.
    queues = _consumed_queues(sender)
    _recorder()(queues, ready=True)
    _heartbeat.append(heartbeat)


def _consumed_queues(consumer: object) -> tuple[str, ...]:
    """The queues this worker was started on (``-Q``), or every hub queue."""
    app = getattr(consumer, "app", None)
    try:
        names = tuple(str(name) for name in app.amqp.queues.consume_from)  # type: ignore[union-attr]
    except AttributeError:
        names = ()
    return names or tuple(str(queue) for queue in Queue)


@worker_shutdown.connect
def _stop_heartbeat(**_: object) -> None:
    while _heartbeat:
        _heartbeat.pop().stop()
