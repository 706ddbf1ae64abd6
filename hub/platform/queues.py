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
    # Delivery (hub/delivery)
    SEND_DELIVERY = "hub.send_delivery"
    SWEEP_DELIVERIES = "hub.sweep_deliveries"


TASK_QUEUES: dict[TaskName, Queue] = {
    TaskName.ROUTE_ENQUIRY: Queue.ROUTING,
    TaskName.SWEEP_OUTBOX: Queue.MAINTENANCE,
    TaskName.PURGE_IDEMPOTENCY_KEYS: Queue.MAINTENANCE,
    # Delivery (hub/delivery)
    TaskName.SEND_DELIVERY: Queue.DELIVERY,
    TaskName.SWEEP_DELIVERIES: Queue.MAINTENANCE,
}
