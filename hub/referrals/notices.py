"""Home-council notices: enquiries from a council's area that another council took.

The regulations (Fostering Services (England) Regulations 2011, reg 26(1A)(d)) require the
home council to be consulted when another council assesses someone who lives in its area. The
routing decision records the home council; this is how that council sees it. A notice carries
no personal data (the reference, who took the enquiry, when): the receiving council shares
details as part of the consultation. Each read is audited.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select

from hub.access.caller import RequestContext
from hub.audit.models import AuditAction, AuditOutcome
from hub.audit.record import add_audit_event
from hub.enquiries.models import Enquiry
from hub.geo import find_authority_name
from hub.platform.db import Database
from hub.referrals.models import RoutingDecisionRecord
from hub.rules import DecisionOutcome

MAX_NOTICES = 100


def list_home_council_notices(
    db: Database, ctx: RequestContext, *, limit: int = MAX_NOTICES
) -> dict[str, Any]:
    """Newest first: enquiries now held elsewhere whose home council is in the caller's scope.

    Only each enquiry's latest decision counts: once a referral goes back to its home council
    (or to the hub) the notice is gone, and it comes back if the referral moves away again.
    """
    codes = sorted(ctx.caller.authority_codes)
    decision = RoutingDecisionRecord
    latest = (
        select(func.max(decision.id))
        .where(decision.enquiry_id == Enquiry.id)
        .correlate(Enquiry)
        .scalar_subquery()
    )
    with db.transaction() as session:
        rows = (
            session.execute(
                select(
                    Enquiry.reference,
                    Enquiry.created_at,
                    RoutingDecisionRecord.authority_code,
                    RoutingDecisionRecord.home_council_code,
                    RoutingDecisionRecord.decided_at,
                    RoutingDecisionRecord.transferred_from_code,
                )
                .join(Enquiry, Enquiry.id == RoutingDecisionRecord.enquiry_id)
                .where(
                    RoutingDecisionRecord.home_council_code.in_(codes),
                    RoutingDecisionRecord.outcome == DecisionOutcome.ROUTED,
                    RoutingDecisionRecord.authority_code.is_not(None),
                    RoutingDecisionRecord.authority_code != RoutingDecisionRecord.home_council_code,
                    RoutingDecisionRecord.id == latest,
                    or_(
                        RoutingDecisionRecord.transferred_from_code.is_(None),
                        RoutingDecisionRecord.transferred_from_code
                        != RoutingDecisionRecord.home_council_code,
                    ),
                )
                .order_by(RoutingDecisionRecord.decided_at.desc(), RoutingDecisionRecord.id.desc())
                .limit(max(1, min(limit, MAX_NOTICES)))
            ).all()
            if codes
            else []
        )
        items = [
            {
                "reference": row.reference,
                "received_at": row.created_at,
                "home_council_code": row.home_council_code,
                "routed_to_code": row.authority_code,
                "routed_to_name": find_authority_name(row.authority_code),
                "decided_at": row.decided_at,
                "transferred_from_code": row.transferred_from_code,
                "transferred_from_name": find_authority_name(row.transferred_from_code)
                if row.transferred_from_code
                else None,
            }
            for row in rows
        ]
        add_audit_event(
            session,
            ctx,
            AuditAction.LIST_NOTICES,
            AuditOutcome.OK,
            detail={"references": [item["reference"] for item in items]},
        )
    return {"items": items}
