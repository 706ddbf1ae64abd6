"""A council returns a referral to the hub's triage, with a reason code; the council loses it."""

from __future__ import annotations

from typing import Any

import structlog
from sqlalchemy.orm.exc import StaleDataError

from hub.access.caller import RequestContext
from hub.audit.models import AuditAction
from hub.audit.record import record_refusal
from hub.enquiries.journey import JourneyEventName
from hub.platform.db import Database
from hub.platform.errors import ConcurrentChangeError
from hub.referrals.action_result import action_result
from hub.referrals.queries import find_referral, referral_not_found
from hub.referrals.reasons import ReturnReason, returned_reason_code
from hub.referrals.record_routing import Handover, record_routing
from hub.rules import (
    DecisionOutcome,
    RoutingDecision,
    TraceStep,
    TriageReason,
    get_active_rules,
)

log = structlog.get_logger(__name__)


def return_referral(
    db: Database, ctx: RequestContext, reference: str, *, reason: str, note: str | None
) -> dict[str, Any]:
    """Send a referral back to triage. The note is free text: it is kept only encrypted."""
    why = ReturnReason(reason)
    try:
        with db.transaction() as session:
            enquiry = find_referral(session, ctx.caller, reference, for_update=True)
            if enquiry is not None:
                sender = enquiry.authority_code
                words = (
                    f"Returned to the hub by {enquiry.authority_name or sender} ({sender}): "
                    f"{why.words}."
                )
                trace = [TraceStep("returned_by_council", True, words)]
                if note:
                    trace.append(TraceStep("council_note", True, note))
                decision = RoutingDecision(
                    outcome=DecisionOutcome.TRIAGE,
                    rules_version=get_active_rules().version,
                    geography_version=None,
                    decided_at=ctx.now,
                    trace=tuple(trace),
                    triage_reason=TriageReason.RETURNED_BY_COUNCIL,
                )
                handover = Handover(
                    reason_code=returned_reason_code(why),
                    event=JourneyEventName.RETURNED,
                    audit=[(AuditAction.RETURN, sender)],
                    detail={"reason": str(why)},
                )
                record_routing(session, ctx, enquiry, decision, handover)
                session.flush()
                log.info("referral.returned", reference=enquiry.reference, reason=str(why))
                return action_result(enquiry, changed=True)
    except StaleDataError as exc:
        raise ConcurrentChangeError("Fetch the referral again and retry.") from exc
    record_refusal(db, ctx, AuditAction.RETURN, reference)
    raise referral_not_found()
