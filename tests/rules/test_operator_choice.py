"""A hub operator's choice goes through the engine: pauses and clusters apply as for anyone."""

from __future__ import annotations

from datetime import datetime

from hub.geo.result import Outcome
from hub.rules import DecisionOutcome, EnquiryFacts, RuleSet, TriageReason, decide
from tests.rules.builders import AT, matched, unresolved

IN_PAUSE = datetime(2025, 2, 10, 12)


def test_operator_choice_sends_the_enquiry_to_the_chosen_council(rules: RuleSet) -> None:
    decision = decide(EnquiryFacts(operator_choice="E10000014"), matched("E06000044"), rules, AT)
    assert decision.outcome is DecisionOutcome.ROUTED
    assert decision.authority is not None and decision.authority.code == "E10000014"
    assert decision.trace[0].rule == "operator_choice" and decision.trace[0].applied


def test_operator_choice_routes_an_enquiry_whose_postcode_is_unknown(rules: RuleSet) -> None:
    geo = unresolved(Outcome.UNKNOWN)
    decision = decide(EnquiryFacts(operator_choice="E10000016"), geo, rules, AT)
    assert decision.authority is not None and decision.authority.code == "E10000016"
    assert decision.home_council_notice is None


def test_operator_choice_of_a_paused_council_goes_to_its_fallback(rules: RuleSet) -> None:
    facts = EnquiryFacts(operator_choice="E06000045")  # Southampton, paused in February
    decision = decide(facts, matched("E10000014"), rules, IN_PAUSE)
    assert decision.authority is not None and decision.authority.code == "E06000044"


def test_operator_choice_of_a_council_the_rules_do_not_know_goes_to_triage(
    rules: RuleSet,
) -> None:
    decision = decide(EnquiryFacts(operator_choice="E99999999"), matched("E10000014"), rules, AT)
    assert decision.triage_reason is TriageReason.NO_RULE


def test_operator_choice_gets_the_same_delivery_body_as_the_router(rules: RuleSet) -> None:
    chosen = decide(EnquiryFacts(operator_choice="E06000038"), matched("E10000014"), rules, AT)
    routed = decide(EnquiryFacts(), matched("E06000038", "RG1 1AA"), rules, AT)
    assert chosen.delivery_body == routed.delivery_body == "Brighter Futures for Children"
    plain = decide(EnquiryFacts(operator_choice="E10000014"), matched("E10000016"), rules, AT)
    assert plain.delivery_body == "Hampshire"  # a council that runs its own service


def test_operator_choice_tells_the_home_council(rules: RuleSet) -> None:
    decision = decide(EnquiryFacts(operator_choice="E10000014"), matched("E06000044"), rules, AT)
    assert decision.home_council_notice is not None
    assert decision.home_council_notice.authority.code == "E06000044"


def test_operator_choice_outside_the_home_councils_hub_is_routed_and_traced(
    rules: RuleSet,
) -> None:
    # Portsmouth (Solent Hub) lives; the operator chooses Reading (Berkshire Hub).
    decision = decide(EnquiryFacts(operator_choice="E06000038"), matched("E06000044"), rules, AT)
    assert decision.authority is not None and decision.authority.code == "E06000038"
    step = next(s for s in decision.trace if s.rule == "operator_outside_cluster")
    assert step.applied and "outside the regional hub of the home council" in step.reason
    assert decision.home_council_notice is not None


def test_operator_choice_inside_the_home_councils_hub_is_traced_as_not_applied(
    rules: RuleSet,
) -> None:
    decision = decide(EnquiryFacts(operator_choice="E10000014"), matched("E06000044"), rules, AT)
    step = next(s for s in decision.trace if s.rule == "operator_outside_cluster")
    assert not step.applied and "inside" in step.reason


def test_the_preference_policy_does_not_bind_an_operator(rules: RuleSet) -> None:
    # The same choice made by the enquirer is refused (within_cluster): one rule for each.
    asked = decide(EnquiryFacts(preferred_authority="E06000038"), matched("E06000044"), rules, AT)
    chosen = decide(EnquiryFacts(operator_choice="E06000038"), matched("E06000044"), rules, AT)
    assert asked.triage_reason is TriageReason.PREFERENCE_OUTSIDE_CLUSTER
    assert chosen.outcome is DecisionOutcome.ROUTED
