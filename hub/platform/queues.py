"""Queue and task names: the contract between hub/ (which publishes) and workers/."""

from __future__ import annotations

from enum import StrEnum


class Queue(StrEnum):
    ROUTING = "routing"
    DELIVERY = "delivery"
    MAINTENANCE = "maintenance"


class TaskName(StrEnum):
    ROUTE_ENQUIRY = "hub.route_enquiry"
    SWEEP_OUTBOX = "hub.sweep_outbox"
    PURGE_IDEMPOTENCY_KEYS = "hub.purge_idempotency_keys"
    PURGE_FORM_DRAFTS = "hub.purge_form_drafts"  # web: form answers past their life


TASK_QUEUES: dict[TaskName, Queue] = {
    TaskName.ROUTE_ENQUIRY: Queue.ROUTING,
    TaskName.SWEEP_OUTBOX: Queue.MAINTENANCE,
    TaskName.PURGE_IDEMPOTENCY_KEYS: Queue.MAINTENANCE,
    TaskName.PURGE_FORM_DRAFTS: Queue.MAINTENANCE,
}
