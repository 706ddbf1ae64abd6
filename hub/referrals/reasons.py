"""Reason codes stored with routing decisions, and the reasons a council may give for a return."""

from __future__ import annotations

from enum import StrEnum

from hub.rules import DecisionOutcome, RoutingDecision


class ReturnReason(StrEnum):
    """Why a council sends a referral back to the hub (a fixed list: reports count these)."""

    OUT_OF_AREA = "out_of_area"
    DUPLICATE = "duplicate"
    NOT_A_FOSTERING_ENQUIRY = "not_a_fostering_enquiry"

    @property
    def words(self) -> str:
        return _RETURN_WORDS[self]


_RETURN_WORDS = {
    ReturnReason.OUT_OF_AREA: "the enquirer lives outside the council's area",
    ReturnReason.DUPLICATE: "it duplicates another enquiry",
    ReturnReason.NOT_A_FOSTERING_ENQUIRY: "it is not an enquiry about fostering",
}


class DecisionReason(StrEnum):
    """Who moved a referral, for decisions that are not the engine's own outcome."""

    ROUTED = "routed"  # the router sent it to a council
    TRANSFERRED = "transferred"  # a council passed it to another
    MANUAL = "manual"  # a hub operator routed it by hand


def router_reason_code(decision: RoutingDecision) -> str:
    """``routed``, ``signposted:<country>`` or the triage reason, for the router's decisions."""
    if decision.outcome is DecisionOutcome.SIGNPOSTED and decision.signpost is not None:
        return f"signposted:{decision.signpost.country}"
    if decision.triage_reason is not None:
        return str(decision.triage_reason)
    return str(DecisionReason.ROUTED)


def returned_reason_code(reason: ReturnReason) -> str:
    return f"returned:{reason}"
