"""The decision history of one enquiry, for operators: explanation and trace. Audited."""

from __future__ import annotations

from typing import Any

from hub.access.caller import RequestContext
from hub.audit.models import AuditAction, AuditOutcome
from hub.audit.record import add_audit_event, record_refusal
from hub.enquiries.queries import find_enquiry_by_reference
from hub.platform.db import Database
from hub.platform.errors import NotFoundError
from hub.referrals.queries import list_decisions_of


def list_decisions(db: Database, ctx: RequestContext, reference: str) -> dict[str, Any]:
    """Every routing decision for an enquiry, oldest first (the trace names the postcode)."""
    with db.transaction() as session:
        enquiry = find_enquiry_by_reference(session, reference)
        if enquiry is not None:
            records = list_decisions_of(session, enquiry.id)
            add_audit_event(
                session, ctx, AuditAction.READ_DECISIONS, AuditOutcome.OK, enquiry=enquiry
            )
            return {
                "reference": enquiry.reference,
                "decisions": [
                    {
                        "decided_at": r.decided_at,
                        "decided_by": r.decided_by,
                        "outcome": r.outcome,
                        "authority_code": r.authority_code,
                        "cluster": r.cluster,
                        "reason_code": r.reason_code,
                        "home_council_code": r.home_council_code,
                        "rules_version": r.rules_version,
                        "geography_version": r.geography_version,
                        "explanation": r.explanation,
                        "trace": list((r.detail or {}).get("trace", [])),
                    }
                    for r in records
                ],
            }
    record_refusal(db, ctx, AuditAction.READ_DECISIONS, reference)
    raise NotFoundError("No enquiry has this reference.")
