"""Every table of the hub in one metadata: Alembic and the tests import this to see them all."""

from hub.access.models import ApiToken, SignInLink, SignInRequest, StaffUser
from hub.audit.models import AuditEvent
from hub.casework.models import (
    Booking,
    CaseNote,
    ContactAttempt,
    InfoEvent,
    NoResponseClosure,
    ReferralOwner,
)
from hub.changes.models import ChangeCounter, CouncilChange
from hub.councils.models import CouncilReadinessDay, FirstManagerAddress
from hub.delivery.models import Delivery, Subscription
from hub.enquiries.journey import JourneyEvent
from hub.enquiries.models import DuplicateMark, EnquirerLink, Enquiry, RepeatMatch
from hub.intake.models import IdempotencyRecord
from hub.platform.models import Base
from hub.platform.outbox_model import OutboxMessage
from hub.referrals.models import RoutingDecisionRecord
from hub.tracking.models import (
    Anonymisation,
    AssessmentTask,
    FollowUp,
    Journey,
    JourneyClock,
    JourneyStage,
    SweepMark,
)
from hub.web.carer.models import FormDraft

__all__ = [
    "Anonymisation",
    "ApiToken",
    "AssessmentTask",
    "AuditEvent",
    "Base",
    "Booking",
    "CaseNote",
    "ChangeCounter",
    "ContactAttempt",
    "CouncilChange",
    "CouncilReadinessDay",
    "Delivery",
    "DuplicateMark",
    "EnquirerLink",
    "Enquiry",
    "FirstManagerAddress",
    "FollowUp",
    "FormDraft",
    "IdempotencyRecord",
    "InfoEvent",
    "Journey",
    "JourneyClock",
    "JourneyEvent",
    "JourneyStage",
    "NoResponseClosure",
    "OutboxMessage",
    "ReferralOwner",
    "RepeatMatch",
    "RoutingDecisionRecord",
    "SignInLink",
    "SignInRequest",
    "StaffUser",
    "Subscription",
    "SweepMark",
]
