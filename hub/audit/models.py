"""The audit log: every read of personal data and every council or operator action."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from hub.platform.models import Base, BigId, UTCDateTime, enum_column, utcnow


class AuditAction(StrEnum):
    ROUTE = "route"  # the router's own decision
    LIST_REFERRALS = "list_referrals"
    READ_REFERRAL = "read_referral"
    ACKNOWLEDGE = "acknowledge"
    RETURN = "return"
    TRANSFER_OUT = "transfer_out"
    TRANSFER_IN = "transfer_in"
    LIST_TRANSFERRED_OUT = "list_transferred_out"  # the referrals a council transferred away
    READ_TRANSFERRED_OUT = "read_transferred_out"  # one of them, up to the transfer
    LIST_TRIAGE = "list_triage"
    ROUTE_MANUALLY = "route_manually"
    READ_DECISIONS = "read_decisions"
    CLOSE_TRIAGE = "close_triage"  # detail: the reason code (and the duplicate's reference)
    REOPEN_TRIAGE = "reopen_triage"
    SEARCH_TRIAGE = "search_triage"  # detail: the kind of term, never the term
    LIST_NOTICES = "list_notices"
    # Finding people (hub/referrals/search.py, hub/people)
    SEARCH_REFERRALS = "search_referrals"  # detail: the kind of term, never the term
    READ_REPEATS = "read_repeats"
    MARK_DUPLICATE = "mark_duplicate"
    UNMARK_DUPLICATE = "unmark_duplicate"
    # Tracking (hub/tracking).
    RECORD_PROGRESS = "record_progress"
    READ_JOURNEY = "read_journey"
    LIST_FOLLOW_UPS = "list_follow_ups"
    RECORD_FOLLOW_UP_OUTCOME = "record_follow_up_outcome"
    READ_REPORT = "read_report"
    OPEN_TASK = "open_task"  # a Stage 1 task opened by hand (hub/tracking/record_task.py)
    RECORD_TASK = "record_task"  # its request sent, views or reference received, note
    LIST_CLOCKS = "list_clocks"
    ANONYMISE = "anonymise"
    # Delivery (hub/delivery)
    LIST_DELIVERIES = "list_deliveries"
    READ_DELIVERY = "read_delivery"
    REPLAY_DELIVERY = "replay_delivery"
    ADD_SUBSCRIPTION = "add_subscription"
    DISABLE_SUBSCRIPTION = "disable_subscription"
    ROTATE_SUBSCRIPTION_SECRET = "rotate_subscription_secret"  # noqa: S105 (an action name)
    # The council and operator APIs (hub/audit/api_guard.py)
    CALL_API = "call_api"  # an endpoint for another kind of token (denied: 403)
    # Ops pages (hub/web/ops)
    READ_CONTACT_DETAILS = "read_contact_details"
    # Staff pages (hub/web/staff/session.py)
    OPEN_PAGE = "open_page"  # a staff page outside the user's role (denied: the 404 page)
    SIGN_IN = "sign_in"
    SIGN_OUT = "sign_out"
    LIST_SUBSCRIPTIONS = "list_subscriptions"
    # A council running itself (hub/teams, hub/delivery/council_subscriptions.py)
    LIST_TEAM = "list_team"
    INVITE_STAFF = "invite_staff"
    CHANGE_STAFF_ROLE = "change_staff_role"
    DISABLE_STAFF = "disable_staff"
    TEST_SUBSCRIPTION = "test_subscription"
    VERIFY_MAILBOX = "verify_mailbox"
    # A council's casework (hub/casework): never the text of a note
    LIST_TRAY = "list_tray"
    READ_CASEWORK = "read_casework"
    ASSIGN_OWNER = "assign_owner"
    RECORD_CONTACT = "record_contact"
    ADD_NOTE = "add_note"
    REQUEST_NO_RESPONSE = "request_no_response"
    CLOSE_NO_RESPONSE = "close_no_response"
    # The enquirer, through the link in their confirmation e-mail (hub/self_service): actor
    # "enquirer"; a link that does not open (tampered, expired) is audited as denied.
    OPEN_ENQUIRER_LINK = "open_enquirer_link"
    WITHDRAW_ENQUIRY = "withdraw_enquiry"
    CHANGE_CONTACT_DETAILS = "change_contact_details"
    WITHDRAW_KEEP_IN_TOUCH = "withdraw_keep_in_touch"
    # The council's case system (hub/case_system): the filter and the count, never the rows
    EXPORT_REFERRALS = "export_referrals"
    READ_CHANGES = "read_changes"
    PREVIEW_IMPORT = "preview_import"
    APPLY_IMPORT = "apply_import"
    BOOK = "book"  # an initial visit or an information session, onto an event or not
    MOVE_BOOKING = "move_booking"
    CANCEL_BOOKING = "cancel_booking"
    RECORD_BOOKING_OUTCOME = "record_booking_outcome"
    READ_MY_DAY = "read_my_day"
    CREATE_EVENT = "create_event"
    LIST_EVENTS = "list_events"
    READ_EVENT = "read_event"


class AuditOutcome(StrEnum):
    OK = "ok"
    # Outside the caller's scope, or no such referral: answered 404 (a token of the wrong kind
    # for the endpoint: 403).
    DENIED = "denied"
    REFUSED = "refused"  # in scope, but the action is not allowed now (409/422)


class AuditEvent(Base):
    """Who (token and scope) did what (action, enquiry) when, and how it ended.

    Never personal data: codes, references and ids only.
    """

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(80), index=True)
    actor_scope: Mapped[str] = mapped_column(String(160))
    action: Mapped[AuditAction] = mapped_column(enum_column(AuditAction, 40))
    outcome: Mapped[AuditOutcome] = mapped_column(enum_column(AuditOutcome, 20))
    # No foreign key: the log outlives retention purges and records references that were
    # asked for but do not exist.
    enquiry_id: Mapped[int | None] = mapped_column(BigId, index=True)
    enquiry_reference: Mapped[str | None] = mapped_column(String(40))
    # The council that may see this row (the receiver of a transfer sees its own row).
    visible_to: Mapped[str | None] = mapped_column(String(120), index=True)
    request_id: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
