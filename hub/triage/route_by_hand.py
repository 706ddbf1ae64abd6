"""A hub operator routes an enquiry in triage to a council, through the engine.

The operator's choice is an input to the rules (``operator_choice``), so pauses and the
receiving council's hub are applied exactly as for the router: a paused council or one the
rules do not know is refused (422) and the attempt audited. The enquirer's own regional hub
does not bind an operator: the one rule is ``hub.rules.operator_route.OPERATOR_ROUTE_RULE``,
which the triage page shows. Only an enquiry in triage is routed: a closed one is reopened
first (``hub.triage.reopen``).
"""

from __future__ import annotations

from typing import Any

import structlog
from sqlalchemy.orm.exc import StaleDataError

from hub.access.caller import RequestContext
from hub.audit.models import AuditAction, AuditOutcome
from hub.audit.record import record_refusal
from hub.enquiries.journey import JourneyEventName
from hub.enquiries.models import EnquiryStatus
from hub.enquiries.queries import find_enquiry_by_reference
from hub.platform.db import Database
from hub.platform.errors import (
    ActionNotAllowedError,
    ConcurrentChangeError,
    HubError,
    NotFoundError,
    RoutingRefusedError,
)
from hub.referrals.action_result import action_result
from hub.referrals.decide import decide_for_enquiry, require_routed_to, with_first_step
from hub.referrals.reasons import DecisionReason
from hub.referrals.record_routing import Handover, record_routing

log = structlog.get_logger(__name__)


def route_by_hand(
    db: Database, ctx: RequestContext, reference: str, *, target: str, reason: str
) -> dict[str, Any]:
    """Send a triage enquiry to ``target``: stored as the operator's decision, audited."""
    refusal: HubError | None = None
    try:
        with db.transaction() as session:
            enquiry = find_enquiry_by_reference(session, reference, for_update=True)
            if enquiry is None:
                refusal = NotFoundError("No enquiry has this reference.")
            elif enquiry.status != EnquiryStatus.TRIAGE:
                refusal = ActionNotAllowedError(
                    f"The enquiry is {enquiry.status}; only enquiries in triage are routed by hand"
                    + (" (reopen it first)." if enquiry.status == EnquiryStatus.CLOSED else ".")
                )
            else:
                decision = decide_for_enquiry(enquiry, ctx.now, operator_choice=target)
                try:
                    require_routed_to(decision, target, "The rules would not send this enquiry to")
                except RoutingRefusedError as exc:
                    refusal = exc
                else:
                    words = f"A hub operator ({ctx.caller.actor}) routed this by hand: {reason}"
                    handover = Handover(
                        reason_code=str(DecisionReason.MANUAL),
                        event=JourneyEventName.ROUTED,
                        audit=[(AuditAction.ROUTE_MANUALLY, target)],
                        detail={"to": target},
                    )
                    record_routing(
                        session,
                        ctx,
                        enquiry,
                        with_first_step(decision, "manual_decision", words),
                        handover,
                    )
                    session.flush()
                    log.info("triage.routed_by_hand", reference=reference, authority=target)
                    return action_result(enquiry, changed=True)
    except StaleDataError as exc:
        raise ConcurrentChangeError("Fetch the enquiry again and retry.") from exc
    assert refusal is not None
    outcome = AuditOutcome.DENIED if isinstance(refusal, NotFoundError) else AuditOutcome.REFUSED
    record_refusal(
        db, ctx, AuditAction.ROUTE_MANUALLY, reference, outcome=outcome, detail={"to": target}
    )
    raise refusal
