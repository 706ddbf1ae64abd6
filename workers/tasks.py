"""Tasks: ids in, a hub command does the work. No personal data in arguments."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from celery import Task
from sqlalchemy import delete
from sqlalchemy.exc import OperationalError

from config.settings import get_settings
from hub.intake.models import IdempotencyRecord
from hub.platform.outbox import sweep_outbox
from hub.platform.queues import TaskName
from hub.referrals.route_enquiry import route_enquiry
from workers.celery_app import celery, get_worker_db


@celery.task(
    name=str(TaskName.ROUTE_ENQUIRY),
    bind=True,
    autoretry_for=(OperationalError,),
    retry_backoff=2,
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=8,
)
def route_enquiry_task(self: Task, enquiry_id: int) -> str:
    """Route one enquiry (safe to run twice: the command claims it conditionally)."""
    return route_enquiry(get_worker_db(), int(enquiry_id)).status


@celery.task(name=str(TaskName.SWEEP_OUTBOX))
def sweep_outbox_task() -> dict[str, int]:
    """Publish outbox rows that were not published, or not finished, in time."""
    stale = timedelta(seconds=get_settings().outbox_stale_seconds)
    result = sweep_outbox(get_worker_db(), stale_after=stale)
    return {"published": result.published, "deferred": result.deferred, "dead": result.dead}


@celery.task(name=str(TaskName.PURGE_IDEMPOTENCY_KEYS))
def purge_idempotency_keys_task() -> int:
    """Delete idempotency records past their 24-hour life."""
    with get_worker_db().transaction() as session:
        result = session.execute(
            delete(IdempotencyRecord).where(IdempotencyRecord.expires_at <= datetime.now(UTC))
        )
        return int(getattr(result, "rowcount", 0) or 0)
