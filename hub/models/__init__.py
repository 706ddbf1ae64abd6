"""SQLAlchemy models, one module per aggregate; importing this registers them all."""

from hub.models.audit import AuditAction, AuditEvent, AuditOutcome
from hub.models.base import Base
from hub.models.council import ApiToken, TokenScope
from hub.models.decision import RoutingDecisionRecord
from hub.models.enquiry import Enquiry, EnquiryStatus
from hub.models.idempotency import IdempotencyRecord
from hub.models.journey import JourneyEvent
from hub.models.outbox import OutboxMessage

__all__ = [
    "ApiToken",
    "AuditAction",
    "AuditEvent",
    "AuditOutcome",
    "Base",
    "Enquiry",
    "EnquiryStatus",
    "IdempotencyRecord",
    "JourneyEvent",
    "OutboxMessage",
    "RoutingDecisionRecord",
    "TokenScope",
]
