"""Routing decisions people make: a council's transfer (through the rules) and an operator's
manual route. Both are stored like the router's own decisions, with a trace that says who."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from hub.enquiries.models import Enquiry, EnquiryStatus
from hub.geo import Authority, resolve_postcode
from hub.platform.errors import RoutingRefusedError
from hub.referrals.models import RoutingDecisionRecord
from hub.routing import (
    DecisionOutcome,
    EnquiryFacts,
    HomeCouncilNotice,
    RoutingDecision,
    TraceStep,
    decide,
    get_active_rules,
)
from hub.routing.engine import local_day

HOME_COUNCIL_REASON = (
    "the enquirer lives in its area and another council has the enquiry "
    "(Fostering Services (England) Regulations 2011, reg 26(1A)(d))."
)


def _authority_name(code: str) -> str:
    return get_active_rules().authorities.get(code) or code


def plan_transfer(enquiry: Enquiry, target: str, at: datetime, words: str) -> RoutingDecision:
    """The rules' decision for ``enquiry`` had the enquirer preferred ``target``.

    Raises RoutingRefusedError when the rules would not send it to ``target``.
    """
    if target == enquiry.authority_code:
        raise RoutingRefusedError(f"The referral is already with {_authority_name(target)}.")
    geo = resolve_postcode((enquiry.personal or {}).get("postcode") or "")
    facts = EnquiryFacts(
        postcode=geo.postcode, preferred_authority=target, interest=enquiry.interest
    )
    decision = decide(facts, geo, get_active_rules(), at)
    if (
        decision.outcome is not DecisionOutcome.ROUTED
        or decision.authority is None
        or decision.authority.code != target
    ):
        raise RoutingRefusedError(
            f"The rules would not send this referral to {_authority_name(target)}: "
            f"{decision.headline()}",
            errors=[
                {"field": f"rules.{step.rule}", "message": step.reason}
                for step in decision.trace
                if step.applied
            ],
        )
    step = TraceStep("council_transfer", True, words)
    return replace(decision, trace=(step, *decision.trace))


def plan_manual_route(enquiry: Enquiry, target: str, at: datetime, words: str) -> RoutingDecision:
    """An operator's decision to send ``enquiry`` to ``target``; refuses a paused council."""
    rules = get_active_rules()
    day = local_day(at)
    name = rules.authorities.get(target)
    if name is None:
        raise RoutingRefusedError(f"The rules do not know the council {target}.")
    pause = rules.pause_of(target, day)
    if pause is not None:
        raise RoutingRefusedError(
            f"{name} has paused intake ({pause.reason}); "
            f"its referrals go to {_authority_name(pause.fallback)} meanwhile."
        )
    cluster = rules.cluster_of(target, day)
    body = rules.delivery_body_of(target, day)
    geo = resolve_postcode((enquiry.personal or {}).get("postcode") or "")
    notice = None
    if geo.authority is not None and geo.authority.code != target:
        notice = HomeCouncilNotice(geo.authority, HOME_COUNCIL_REASON)
    return RoutingDecision(
        outcome=DecisionOutcome.ROUTED,
        rules_version=rules.version,
        geography_version=geo.geography_version,
        decided_at=at,
        trace=(TraceStep("manual_decision", True, words),),
        authority=Authority(target, name),
        delivery_body=body.name if body else None,
        cluster=cluster.name if cluster else None,
        service_level_days=(
            cluster.first_contact_working_days
            if cluster
            else rules.default_first_contact_working_days
        ),
        home_council_notice=notice,
    )


def apply_route(enquiry: Enquiry, decision: RoutingDecision, at: datetime) -> None:
    """Send ``enquiry`` where ``decision`` says (through ``move_to``); its clock restarts."""
    assert decision.authority is not None
    enquiry.move_to(EnquiryStatus.ROUTED, at)
    enquiry.authority_code = decision.authority.code
    enquiry.authority_name = decision.authority.name
    enquiry.delivery_body = decision.delivery_body
    enquiry.cluster = decision.cluster
    enquiry.acknowledged_at = None


def decision_record(
    enquiry_id: int, decision: RoutingDecision, *, decided_by: str, reason_code: str
) -> RoutingDecisionRecord:
    notice = decision.home_council_notice
    return RoutingDecisionRecord(
        enquiry_id=enquiry_id,
        decided_at=decision.decided_at,
        decided_by=decided_by,
        outcome=str(decision.outcome),
        authority_code=decision.authority.code if decision.authority else None,
        cluster=decision.cluster,
        reason_code=reason_code,
        rules_version=decision.rules_version,
        geography_version=decision.geography_version,
        home_council_code=notice.authority.code if notice else None,
        detail=decision.to_dict(),
        explanation=decision.explain(),
    )
