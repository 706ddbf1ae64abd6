"""Route an enquiry: resolve its postcode, apply the cluster rules, record the decision
(and the earlier enquiries by the same person, ``hub.enquiries.repeats``).

Read and decide outside any write transaction (the decision is pure), then, in one short
transaction with the enquiry's row locked, record it only if the enquiry is still
``received``: a redelivered or duplicated task changes nothing the second time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import structlog

from hub.access.caller import ROUTER, RequestContext
from hub.audit.models import AuditAction
from hub.enquiries.journey import JourneyEventName
from hub.enquiries.models import EnquiryStatus
from hub.enquiries.queries import find_enquiry
from hub.enquiries.repeats import record_repeat_matches
from hub.platform.db import Database
from hub.platform.models import utcnow
from hub.platform.outbox import complete_outbox_message
from hub.referrals.decide import decide_for_enquiry
from hub.referrals.reasons import router_reason_code
from hub.referrals.record_routing import Handover, record_routing

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class RouteResult:
    enquiry_id: int
    changed: bool
    status: str


def route_enquiry(
    db: Database, enquiry_id: int, outbox_id: int | None = None, *, now: datetime | None = None
) -> RouteResult:
    """Decide where an enquiry goes, exactly once in effect; completes its outbox row."""
    ctx = RequestContext(ROUTER, now=now or utcnow())
    with db.sessions() as session:
        enquiry = find_enquiry(session, enquiry_id)
        if enquiry is None:
            log.warning("route.enquiry_missing", enquiry_id=enquiry_id)
            return RouteResult(enquiry_id, False, "missing")
        received = enquiry.status == EnquiryStatus.RECEIVED
        decision = decide_for_enquiry(enquiry, ctx.now) if received else None
    with db.transaction() as session:
        enquiry = find_enquiry(session, enquiry_id, for_update=True)
        if enquiry is None or decision is None or enquiry.status != EnquiryStatus.RECEIVED:
            # Done already (or being done by another run): nothing of ours to write.
            complete_outbox_message(session, outbox_id, ctx.now)
            return RouteResult(enquiry_id, False, enquiry.status if enquiry else "missing")
        handover = Handover(
            reason_code=router_reason_code(decision),
            event=JourneyEventName(decision.outcome),
            audit=[(AuditAction.ROUTE, decision.authority.code if decision.authority else None)],
        )
        record_routing(session, ctx, enquiry, decision, handover)
        # Has this person enquired before? Found once, at the first decision (never merged).
        record_repeat_matches(session, enquiry, ctx.now)
        complete_outbox_message(session, outbox_id, ctx.now)
    log.info(
        "route.decided",
        enquiry_id=enquiry_id,
        outcome=str(decision.outcome),
        authority=decision.authority.code if decision.authority else None,
        geography_version=decision.geography_version,
        rules_version=decision.rules_version,
    )
    return RouteResult(enquiry_id, True, str(decision.outcome))
