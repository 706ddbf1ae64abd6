"""From a stored enquiry to the engine's decision: resolve the postcode, apply the active rules.

The one bridge between the referral domain and the pure libraries (``hub.geo``,
``hub.rules``); the router, a transfer and a manual route all decide through it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from hub.enquiries.models import Enquiry
from hub.geo import resolve_postcode
from hub.platform.errors import RoutingRefusedError
from hub.rules import (
    DecisionOutcome,
    EnquiryFacts,
    RoutingDecision,
    TraceStep,
    decide,
    get_active_rules,
)


def decide_for(
    *,
    postcode: str | None,
    preferred_authority: str | None,
    interest: str | None,
    at: datetime,
    operator_choice: str | None = None,
    transferred_by: str | None = None,
    home_authority: str | None = None,
    connected_person: bool = False,
    child_authority: str | None = None,
    child_postcode: str | None = None,
) -> RoutingDecision:
    """Resolve the postcode (and a connected person's child's postcode, when it is what they
    gave) and apply the active rules (a pure decision)."""
    rules = get_active_rules()
    geo = resolve_postcode(postcode or "", min_share=rules.partial_postcode_share)
    child_geo = None
    if connected_person and child_authority is None and child_postcode:
        child_geo = resolve_postcode(child_postcode, min_share=rules.partial_postcode_share)
    facts = EnquiryFacts(
        postcode=geo.postcode,
        preferred_authority=preferred_authority,
        interest=interest,
        operator_choice=operator_choice,
        transferred_by=transferred_by,
        home_authority=home_authority,
        connected_person=connected_person,
        child_authority=child_authority,
    )
    return decide(facts, geo, rules, at, child_geo=child_geo)


def decide_for_enquiry(
    enquiry: Enquiry,
    at: datetime,
    *,
    preferred_authority: str | None = None,
    operator_choice: str | None = None,
    transferred_by: str | None = None,
) -> RoutingDecision:
    """The engine's decision for a stored enquiry; a transfer passes the target as preference
    and the sending council as ``transferred_by``."""
    return decide_for(
        postcode=(enquiry.personal or {}).get("postcode"),
        preferred_authority=preferred_authority or enquiry.preferred_authority_code,
        interest=enquiry.interest,
        at=at,
        operator_choice=operator_choice,
        transferred_by=transferred_by,
        home_authority=enquiry.home_authority_code,
        connected_person=bool(enquiry.connected_person),
        child_authority=enquiry.child_authority_code,
        child_postcode=(enquiry.personal or {}).get("child_postcode"),
    )


def authority_name(code: str) -> str:
    """A council's name in the active rules (its code when the rules do not know it)."""
    return get_active_rules().authorities.get(code) or code


def require_routed_to(decision: RoutingDecision, target: str, intro: str) -> None:
    """Raise RoutingRefusedError unless the rules send the referral to ``target``."""
    if (
        decision.outcome is DecisionOutcome.ROUTED
        and decision.authority is not None
        and decision.authority.code == target
    ):
        return
    raise RoutingRefusedError(
        f"{intro} {authority_name(target)}: {decision.headline()}",
        errors=[
            {"field": f"rules.{step.rule}", "message": step.reason}
            for step in decision.trace
            if step.applied
        ],
    )


def with_first_step(decision: RoutingDecision, rule: str, words: str) -> RoutingDecision:
    """The decision with a first trace step saying who asked for it (a person, in words)."""
    return replace(decision, trace=(TraceStep(rule, True, words), *decision.trace))
