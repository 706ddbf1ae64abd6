"""Tasks: ids in, a use case does the work. No personal data in arguments."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from celery import Task
from sqlalchemy.exc import OperationalError

from hub.councils.record_readiness import record_readiness
from hub.delivery.send_delivery import send_delivery
from hub.delivery.sweep_deliveries import sweep_deliveries
from hub.intake.purge_keys import purge_idempotency_keys
from hub.platform.outbox_sweep import sweep_outbox
from hub.platform.queues import TaskName
from hub.referrals.route_enquiry import route_enquiry
from hub.rules import get_active_rules
from hub.tracking.anonymise import run_retention
from hub.tracking.create_follow_ups import create_follow_ups
from hub.tracking.send_digest import send_follow_up_digest
from hub.tracking.sweep_clocks import sweep_clocks
from hub.web.carer.drafts import purge_expired_drafts
from hub.web.staff.invite_first_manager import invite_first_manager
from hub.web.staff.send_sign_in_link import send_sign_in_link
from workers.celery_app import celery, get_worker_db, worker_settings

# A dropped or refused database connection is transient: retried with jittered backoff.
RETRY_DATABASE_ERRORS: dict[str, Any] = {
    "autoretry_for": (OperationalError,),
    "retry_backoff": 2,
    "retry_backoff_max": 60,
    "retry_jitter": True,
    "max_retries": 8,
}


@celery.task(
    name=str(TaskName.ROUTE_ENQUIRY),
    bind=True,
    **RETRY_DATABASE_ERRORS,
)
def route_enquiry_task(self: Task, enquiry_id: int, outbox_id: int | None = None) -> str:
    """Route one enquiry (safe to run twice: the use case claims it under a row lock)."""
    outbox = int(outbox_id) if outbox_id is not None else None
    return route_enquiry(get_worker_db(), int(enquiry_id), outbox).status


@celery.task(name=str(TaskName.SWEEP_OUTBOX))
def sweep_outbox_task() -> dict[str, int]:
    """Publish outbox rows that were not published, or not finished, in time."""
    stale = timedelta(seconds=worker_settings().outbox_stale_seconds)
    result = sweep_outbox(get_worker_db(), stale_after=stale)
    return {
        "published": result.published,
        "republished": result.republished,
        "queued": result.queued,
        "deferred": result.deferred,
        "dead": result.dead,
    }


@celery.task(name=str(TaskName.PURGE_IDEMPOTENCY_KEYS))
def purge_idempotency_keys_task() -> int:
    """Delete idempotency records past their 24-hour life."""
    return purge_idempotency_keys(get_worker_db())


# Tracking (hub/tracking): beat jobs; each use case is safe to run twice.
@celery.task(name=str(TaskName.SWEEP_CLOCKS))
def sweep_clocks_task() -> dict[str, int]:
    """Announce breaches (once per clock); a safety net for handovers whose clocks are missing
    (routing opens them)."""
    result = sweep_clocks(get_worker_db())
    return {"opened": result.opened, "stopped": result.stopped, "breached": result.breached}


@celery.task(name=str(TaskName.CREATE_FOLLOW_UPS))
def create_follow_ups_task() -> int:
    """Bring yearly check-ins due; a safety net for follow-ups a stage did not create (the
    stage creates them); each once."""
    return create_follow_ups(get_worker_db())


@celery.task(name=str(TaskName.SEND_FOLLOW_UP_DIGEST))
def send_follow_up_digest_task() -> int:
    """The daily follow_up.due digest to each council's mailbox; the councils told."""
    return len(send_follow_up_digest(get_worker_db()))


@celery.task(name=str(TaskName.RUN_RETENTION))
def run_retention_task() -> int:
    """Anonymise enquiries past their retention period; the number anonymised."""
    return run_retention(get_worker_db()).anonymised


@celery.task(name=str(TaskName.PURGE_FORM_DRAFTS))
def purge_form_drafts_task() -> int:
    """Delete web form drafts (encrypted answers) and receipts past their life."""
    return purge_expired_drafts(get_worker_db())


# Delivery (hub/delivery)
@celery.task(
    name=str(TaskName.SEND_DELIVERY),
    bind=True,
    **RETRY_DATABASE_ERRORS,
)
def send_delivery_task(self: Task, delivery_id: int, outbox_id: int | None = None) -> str:
    """One attempt at one delivery (safe to run twice: the use case takes a lease)."""
    outbox = int(outbox_id) if outbox_id is not None else None
    return str(send_delivery(get_worker_db(), int(delivery_id), outbox))


@celery.task(name=str(TaskName.SWEEP_DELIVERIES))
def sweep_deliveries_task() -> int:
    """Publish a send task for every delivery whose next attempt is due."""
    return sweep_deliveries(get_worker_db()).published


# Staff sign-in (hub/web)
@celery.task(
    name=str(TaskName.SEND_SIGN_IN_LINK),
    bind=True,
    **RETRY_DATABASE_ERRORS,
)
def send_sign_in_link_task(self: Task, request_id: int, outbox_id: int | None = None) -> bool:
    """Make and e-mail the link one request asked for (safe to run twice: the request is
    taken by a conditional delete)."""
    outbox = int(outbox_id) if outbox_id is not None else None
    return send_sign_in_link(get_worker_db(), int(request_id), outbox)


# Councils (hub/councils)
@celery.task(
    name=str(TaskName.INVITE_FIRST_MANAGER),
    bind=True,
    **RETRY_DATABASE_ERRORS,
)
def invite_first_manager_task(self: Task, decision_id: int, outbox_id: int | None = None) -> bool:
    """Invite the first manager of a not-ready council a referral was routed to."""
    outbox = int(outbox_id) if outbox_id is not None else None
    return invite_first_manager(get_worker_db(), int(decision_id), outbox)


@celery.task(name=str(TaskName.RECORD_READINESS))
def record_readiness_task() -> int:
    """Write every council's readiness for today (the readiness report reads it)."""
    return record_readiness(get_worker_db(), get_active_rules())
