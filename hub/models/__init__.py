"""SQLAlchemy models, one module per aggregate; importing this registers them all."""

from hub.models.base import Base
from hub.models.decision import RoutingDecisionRecord
from hub.models.enquiry import Enquiry, EnquiryStatus
from hub.models.idempotency import IdempotencyRecord
from hub.models.journey import JourneyEvent
from hub.models.outbox import OutboxMessage

__all__ = [
    "Base",
    "Enquiry",
    "EnquiryStatus",
    "IdempotencyRecord",
    "JourneyEvent",
    "OutboxMessage",
    "RoutingDecisionRecord",
]
