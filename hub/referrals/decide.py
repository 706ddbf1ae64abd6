"""Bridge from a stored enquiry to a routing decision: geography, then the cluster rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from hub.geo import resolve_postcode
from hub.routing import EnquiryFacts, decide, get_active_rules


@dataclass(frozen=True, slots=True)
class Decision:
    """What the route command stores: clear columns for codes, the rest encrypted."""

    status: str
    authority_code: str | None = None
    authority_name: str | None = None
    delivery_body: str | None = None
    cluster: str | None = None
    reason_code: str | None = None
    home_council_code: str | None = None
    rules_version: str | None = None
    geography_version: str | None = None
    explanation: str = ""
    detail: dict[str, Any] = field(default_factory=dict)


def decide_for(
    *, postcode: str | None, preferred_authority: str | None, interest: str, at: datetime
) -> Decision:
    """Resolve the postcode and apply the active rules (a pure decision, made once here)."""
    geo = resolve_postcode(postcode or "")
    decision = decide(
        EnquiryFacts(
            postcode=geo.postcode, preferred_authority=preferred_authority, interest=interest
        ),
        geo,
        get_active_rules(),
        at,
    )
    reason = decision.triage_reason
    if decision.signpost is not None:
        reason_code = f"signposted:{geo.country or 'outside_england'}"
    elif reason is not None:
        reason_code = str(reason)
    else:
        reason_code = "routed"
    notice = decision.home_council_notice
    return Decision(
        status=str(decision.outcome),
        authority_code=decision.authority.code if decision.authority else None,
        authority_name=decision.authority.name if decision.authority else None,
        delivery_body=decision.delivery_body,
        cluster=decision.cluster,
        reason_code=reason_code,
        home_council_code=notice.authority.code if notice else None,
        rules_version=decision.rules_version,
        geography_version=decision.geography_version,
        explanation=decision.explain(),
        detail=decision.to_dict(),
    )
