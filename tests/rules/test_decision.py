"""A decision can be stored as JSON, read back, and explained in plain words."""

from __future__ import annotations

import json
from datetime import datetime

from hub.geo.result import Outcome
from hub.rules import DecisionOutcome, EnquiryFacts, RoutingDecision, RuleSet, decide
from tests.rules.builders import AT, matched, outside, partial, unresolved

IN_PAUSE = datetime(2025, 2, 10, 12)


def sample_decisions(rules: RuleSet) -> list[RoutingDecision]:
    return [
        decide(EnquiryFacts("RG1 2AB"), matched("E06000038", "RG1 2AB"), rules, AT),
        decide(EnquiryFacts(preferred_authority="E06000044"), matched("E10000014"), rules, AT),
        decide(EnquiryFacts(), matched("E06000045"), rules, IN_PAUSE),
        decide(EnquiryFacts(), outside("Wales"), rules, AT),
        decide(EnquiryFacts(), partial("SO5", ("E10000014", 0.7), ("E06000045", 0.3)), rules, AT),
        decide(EnquiryFacts(), unresolved(Outcome.INVALID), rules, AT),
    ]


def _is_plain_json(value: object) -> bool:
    """Only what JSON itself has: dicts with string keys, lists, strings, numbers, null."""
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_plain_json(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_is_plain_json(item) for item in value)
    return value is None or type(value) in (str, int, float, bool)


def test_to_dict_is_json_serialisable(rules: RuleSet) -> None:
    decisions = sample_decisions(rules)
    assert {d.outcome for d in decisions} == set(DecisionOutcome)
    for decision in decisions:
        stored = decision.to_dict()
        # Plain JSON types only (no enums, tuples or datetimes), so storing loses nothing.
        assert _is_plain_json(stored), stored
        assert json.loads(json.dumps(stored)) == stored


def test_from_dict_reads_back_the_same_decision(rules: RuleSet) -> None:
    for decision in sample_decisions(rules):
        stored = json.loads(json.dumps(decision.to_dict()))
        assert RoutingDecision.from_dict(stored) == decision


def test_stored_decision_holds_the_trace_and_versions(rules: RuleSet) -> None:
    stored = decide(EnquiryFacts(), matched("E10000014"), rules, AT).to_dict()
    assert stored["rules_version"] == "test-1"
    assert stored["geography_version"] == "test-geo-2025-11"
    assert stored["trace"][0] == {
        "rule": "geography",
        "applied": True,
        "reason": "The postcode PO1 2AB is in Hampshire.",
    }


def test_explanation_says_where_the_enquiry_goes(rules: RuleSet) -> None:
    text = decide(EnquiryFacts(), matched("E06000038", "RG30 1AA"), rules, AT).explain()
    assert text.splitlines()[0] == (
        "Send to Reading (E06000038), whose children's services are run by Brighter Futures "
        "for Children, through the regional hub Berkshire Hub; first contact within 3 working days."
    )


def test_explanation_names_the_home_council_to_consult(rules: RuleSet) -> None:
    facts = EnquiryFacts(preferred_authority="E06000044")
    text = decide(facts, matched("E10000014"), rules, AT).explain()
    assert "The home council, Hampshire (E10000014), must be told and consulted" in text


def test_explanation_gives_every_trace_step(rules: RuleSet) -> None:
    decision = decide(EnquiryFacts(), matched("E06000045"), rules, IN_PAUSE)
    text = decision.explain()
    for step in decision.trace:
        assert step.reason in text


def test_explanation_lists_candidates_of_an_ambiguous_postcode(rules: RuleSet) -> None:
    geo = partial("SO5", ("E10000014", 0.7), ("E06000045", 0.3))
    text = decide(EnquiryFacts(), geo, rules, AT).explain()
    assert "Possible councils for this postcode: Hampshire 70%, Southampton 30%." in text


def test_explanation_of_a_signpost_gives_the_text_for_the_enquirer(rules: RuleSet) -> None:
    text = decide(EnquiryFacts(), outside("Wales"), rules, AT).explain()
    assert "You live in Wales; contact Foster Wales." in text


def test_explanation_ends_with_the_versions_used(rules: RuleSet) -> None:
    text = decide(EnquiryFacts(), matched("E10000014"), rules, AT).explain()
    assert text.splitlines()[-1] == (
        "Rules version test-1; geography version test-geo-2025-11; "
        "decided 2025-03-10T12:00:00+00:00."
    )


def test_notice_after_a_preferred_council_paused_gives_both_reasons(rules: RuleSet) -> None:
    facts = EnquiryFacts(preferred_authority="E06000045")
    decision = decide(facts, matched("E10000014"), rules, IN_PAUSE)
    assert decision.home_council_notice is not None
    assert decision.home_council_notice.reason == (
        "the enquiry went to Portsmouth because the enquirer asked for Southampton, "
        "and Southampton has paused intake (Team vacancies)."
    )
