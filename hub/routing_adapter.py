"""Bridge from a stored enquiry to a routing decision (geography + cluster rules)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from hub.geo import resolve_postcode
from hub.geo.result import Outcome


@dataclass(frozen=True, slots=True)
class Decision:
    status: str
    authority_code: str | None = None
    authority_name: str | None = None
    delivery_body: str | None = None
    cluster: str | None = None
    reason_code: str | None = None
    rules_version: str | None = None
    geography_version: str | None = None
    explanation: str = ""
    detail: dict[str, Any] = field(default_factory=dict)


def decide_for(
    *, postcode: str | None, preferred_authority: str | None, interest: str, at: datetime
) -> Decision:
    """Walking-skeleton decision from geography alone (replaced by the rules engine)."""
    geo = resolve_postcode(postcode or "")
    if geo.outcome == Outcome.MATCHED and geo.authority is not None:
        return Decision(
            status="routed",
            authority_code=geo.authority.code,
            authority_name=geo.authority.name,
            delivery_body=geo.delivery_body,
            reason_code="postcode",
            geography_version=geo.geography_version,
            explanation=f"The postcode is in {geo.authority.name}.",
        )
    if geo.outcome == Outcome.OUTSIDE_ENGLAND:
        return Decision(
            status="signposted",
            reason_code=f"outside_england:{geo.country}",
            geography_version=geo.geography_version,
            explanation=f"The postcode is in {geo.country}.",
        )
    return Decision(
        status="triage",
        reason_code=str(geo.outcome),
        geography_version=geo.geography_version,
        explanation="The postcode needs a person at the hub to decide.",
    )
