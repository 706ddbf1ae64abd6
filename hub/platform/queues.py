"""Queue and task names: the contract between hub/ (which publishes) and workers/."""

from __future__ import annotations

from enum import StrEnum

# kombu.transport.redis keeps each queue as a Redis list named after it, plus one list per
# priority step above 0 (``<queue>\x06\x16<step>`` for steps 3, 6 and 9).
KOMBU_PRIORITY_SEP = "\x06\x16"
KOMBU_PRIORITY_STEPS = (3, 6, 9)
# A message header every hub publisher adds (hub.platform.broker): unix time of the publish,
# so the stall check can tell how long the oldest message of a queue has waited.
PUBLISHED_AT_HEADER = "hub_published_at"


def queue_keys(queue: str) -> list[str]:
    """The Redis lists that hold one Celery queue's waiting messages."""
    return [queue, *(f"{queue}{KOMBU_PRIORITY_SEP}{step}" for step in KOMBU_PRIORITY_STEPS)]


class Queue(StrEnum):
    ROUTING = "routing"
    DELIVERY = "delivery"
    MAINTENANCE = "maintenance"


class TaskName(StrEnum):
    ROUTE_ENQUIRY = "hub.route_enquiry"
    SWEEP_OUTBOX = "hub.sweep_outbox"
    PURGE_IDEMPOTENCY_KEYS = "hub.purge_idempotency_keys"
    # Tracking (hub/tracking): beat jobs.
    SWEEP_CLOCKS = "hub.sweep_clocks"
    CREATE_FOLLOW_UPS = "hub.create_follow_ups"
    SEND_FOLLOW_UP_DIGEST = "hub.send_follow_up_digest"
    RUN_RETENTION = "hub.run_retention"
    PURGE_FORM_DRAFTS = "hub.purge_form_drafts"  # web: form answers past their life
    # Delivery (hub/delivery)
    SEND_DELIVERY = "hub.send_delivery"
    SWEEP_DELIVERIES = "hub.sweep_deliveries"
    # Staff sign-in (hub/web): the link asked for at /sign-in, made and e-mailed off the request.
    SEND_SIGN_IN_LINK = "hub.send_sign_in_link"
    # Councils (hub/councils): a not-ready council's first manager invited; readiness by day.
    INVITE_FIRST_MANAGER = "hub.invite_first_manager"
    RECORD_READINESS = "hub.record_readiness"


TASK_QUEUES: dict[TaskName, Queue] = {
    TaskName.ROUTE_ENQUIRY: Queue.ROUTING,
    TaskName.SWEEP_OUTBOX: Queue.MAINTENANCE,
    TaskName.PURGE_IDEMPOTENCY_KEYS: Queue.MAINTENANCE,
    TaskName.SWEEP_CLOCKS: Queue.MAINTENANCE,
    TaskName.CREATE_FOLLOW_UPS: Queue.MAINTENANCE,
    TaskName.SEND_FOLLOW_UP_DIGEST: Queue.MAINTENANCE,
    TaskName.RUN_RETENTION: Queue.MAINTENANCE,
    TaskName.PURGE_FORM_DRAFTS: Queue.MAINTENANCE,
    # Delivery (hub/delivery)
    TaskName.SEND_DELIVERY: Queue.DELIVERY,
    TaskName.SWEEP_DELIVERIES: Queue.MAINTENANCE,
    # An e-mail, like a delivery: sent by the delivery pool, so routing never waits for it.
    TaskName.SEND_SIGN_IN_LINK: Queue.DELIVERY,
    TaskName.INVITE_FIRST_MANAGER: Queue.DELIVERY,  # an e-mail, like a sign-in link
    TaskName.RECORD_READINESS: Queue.MAINTENANCE,
}


# Worker pools: each runs its own worker processes so that routing (and beat's short
# maintenance jobs) never waits behind deliveries, whose attempts can take a slow council's
# whole timeout. `hub run` starts one worker per pool; `hub worker --pool P` runs one.
WORKER_POOLS: dict[str, tuple[Queue, ...]] = {
    "routing": (Queue.ROUTING, Queue.MAINTENANCE),
    "delivery": (Queue.DELIVERY,),
    "all": tuple(Queue),
}
