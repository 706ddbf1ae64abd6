"""What GOV.UK Notify says of a text or e-mail it accepted: its delivery-status callback.

Notify sends a receipt to the hub's callback URL (a POST with the bearer token given to it,
``HUB_NOTIFY_CALLBACK_TOKEN``) when a message was delivered or failed for good. Its
``reference`` is the one the hub sent, the delivery's ``webhook_id``, so the receipt is
recorded on that delivery: the status, Notify's id and when Notify last changed it. The
recipient (``to``) in the receipt is never kept or logged. A receipt older than the one
recorded changes nothing (Notify may send them out of order); the same one twice is the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import structlog
from sqlalchemy import select

from hub.delivery.models import Delivery
from hub.platform.db import Database

log = structlog.get_logger(__name__)


class NotifyStatus(StrEnum):
    """The statuses Notify's delivery receipts carry (its callback documentation)."""

    DELIVERED = "delivered"
    PERMANENT_FAILURE = "permanent-failure"  # the number or address does not exist
    TEMPORARY_FAILURE = "temporary-failure"  # the phone was off or the inbox full, for days
    TECHNICAL_FAILURE = "technical-failure"  # Notify's own fault


@dataclass(frozen=True, slots=True)
class Receipt:
    reference: str
    notify_id: str
    status: NotifyStatus
    at: datetime  # Notify's completed_at: when it last changed the status


def record_receipt(db: Database, receipt: Receipt) -> bool:
    """Record the receipt on the delivery it names; False when no delivery has that reference."""
    with db.transaction() as session:
        delivery = session.scalar(
            select(Delivery).where(Delivery.webhook_id == receipt.reference).with_for_update()
        )
        if delivery is None:
            log.info("notify_receipt.unknown_reference")
            return False
        if delivery.provider_status_at is not None and delivery.provider_status_at > receipt.at:
            return True  # a newer receipt is recorded already
        delivery.provider_status = receipt.status
        delivery.provider_status_at = receipt.at
        delivery.provider_id = receipt.notify_id[:40]
        log.info(
            "notify_receipt.recorded", delivery_id=delivery.id, provider_status=str(receipt.status)
        )
        return True
