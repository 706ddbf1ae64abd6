"""Each precedence step of the engine, one behaviour per test (rules: fixtures/valid.yaml)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from hub.geo.result import Outcome
from hub.rules import (
    DecisionOutcome,
    EnquiryFacts,
    PreferencePolicy,
    RuleSet,
    TriageReason,
    decide,
)
from hub.rules.model import Pause, UnclusteredRoute, Validity
from tests.rules.builders import AT, matched, outside, partial, unresolved


def code_of(decision: object) -> str | None:
    authority = getattr(decision, "authority", None)
    return authority.code if authority is not None else None


# -- 1. geography -------------------------------------------------------------------------


def test_invalid_postcode_goes_to_triage(rules: RuleSet) -> None:
    decision = decide(EnquiryFacts(), unresolved(Outcome.INVALID), rules, AT)
    assert decision.triage_reason is TriageReason.INVALID_POSTCODE


def test_unknown_postcode_goes_to_triage(rules: RuleSet) -> None:
    decision = decide(EnquiryFacts("ZZ9 9ZZ"), unresolved(Outcome.UNKNOWN), rules, AT)
    assert decision.triage_reason is TriageReason.UNKNOWN_POSTCODE


def test_invalid_postcode_is_triaged_even_with_a_preference(rules: RuleSet) -> None:
    facts = EnquiryFacts(preferred_authority="E06000044")
    decision = decide(facts, unresolved(Outcome.INVALID), rules, AT)
    assert decision.outcome is DecisionOutcome.TRIAGE


def test_welsh_postcode_is_signposted(rules: RuleSet) -> None:
    decision = decide(EnquiryFacts(), outside("Wales"), rules, AT)
    assert decision.outcome is DecisionOutcome.SIGNPOSTED
    assert (
        decision.signpost is not None and decision.signpost.url == "https://fosterwales.gov.wales"
    )


def test_country_given_as_gss_code_finds_its_signpost(rules: RuleSet) -> None:
    decision = decide(EnquiryFacts(), outside("W92000004"), rules, AT)
    assert decision.outcome is DecisionOutcome.SIGNPOSTED


def test_country_without_a_signpost_goes_to_triage(rules: RuleSet) -> None:
    decision = decide(EnquiryFacts(), outside("Scotland", "EH1 1AA"), rules, AT)
    assert decision.triage_reason is TriageReason.NO_SIGNPOST


# -- 6. default ---------------------------------------------------------------------------


def test_matched_postcode_routes_to_its_authority(rules: RuleSet) -> None:
    decision = decide(EnquiryFacts("SO23 8UJ"), matched("E10000014", "SO23 8UJ"), rules, AT)
    assert (decision.outcome, code_of(decision)) == (DecisionOutcome.ROUTED, "E10000014")


def test_routed_decision_carries_the_cluster_and_its_service_level(rules: RuleSet) -> None:
    decision = decide(EnquiryFacts(), matched("E10000014"), rules, AT)
    assert (decision.cluster, decision.service_level_days) == ("Solent Hub", 1)


def test_council_delivering_its_own_services_is_its_own_delivery_body(rules: RuleSet) -> None:
    decision = decide(EnquiryFacts(), matched("E10000014"), rules, AT)
    assert decision.delivery_body == "Hampshire"


def test_trust_is_the_delivery_body(rules: RuleSet) -> None:
    decision = decide(EnquiryFacts(), matched("E06000038", "RG30 1AA"), rules, AT)
    assert decision.delivery_body == "Brighter Futures for Children"


def test_delivery_body_ends_after_its_valid_until(rules: RuleSet) -> None:
    before = decide(EnquiryFacts(), matched("E10000016"), rules, datetime(2024, 9, 30, 12))
    after = decide(EnquiryFacts(), matched("E10000016"), rules, datetime(2024, 10, 1, 12))
    assert (before.delivery_body, after.delivery_body) == ("Old Trust", "Kent")


def test_unclustered_authority_routes_to_itself_with_the_default_service_level(
    rules: RuleSet,
) -> None:
    decision = decide(EnquiryFacts(), matched("E10000016", "ME14 1XX"), rules, AT)
    assert (code_of(decision), decision.cluster, decision.service_level_days) == (
        "E10000016",
        None,
        2,
    )


def test_scheduled_membership_applies_from_its_valid_from(rules: RuleSet) -> None:
    before = decide(EnquiryFacts(), matched("E06000046"), rules, datetime(2024, 12, 31, 12))
    after = decide(EnquiryFacts(), matched("E06000046"), rules, datetime(2025, 1, 1, 12))
    assert (before.cluster, after.cluster) == (None, "Solent Hub")


def test_cluster_does_not_apply_before_it_launches(rules: RuleSet) -> None:
    decision = decide(EnquiryFacts(), matched("E06000044"), rules, datetime(2024, 7, 7, 12))
    assert decision.cluster is None


def test_aware_time_is_judged_on_the_day_in_england(rules: RuleSet) -> None:
    # 23:30 UTC on 7 July 2024 is 00:30 on 8 July in England (BST): launch day.
    at = datetime(2024, 7, 7, 23, 30, tzinfo=UTC)
    assert decide(EnquiryFacts(), matched("E06000044"), rules, at).cluster == "Solent Hub"


def test_authority_the_rules_do_not_know_goes_to_triage(rules: RuleSet) -> None:
    decision = decide(EnquiryFacts(), matched("E08000038", name="Barnsley"), rules, AT)
    assert decision.triage_reason is TriageReason.NO_RULE


def test_unclustered_authority_goes_to_triage_when_rules_say_so(rules: RuleSet) -> None:
    strict = replace(rules, unclustered=UnclusteredRoute.TRIAGE)
    decision = decide(EnquiryFacts(), matched("E10000016"), strict, AT)
    assert decision.triage_reason is TriageReason.NO_RULE


def test_routed_to_home_council_has_no_notice(rules: RuleSet) -> None:
    decision = decide(EnquiryFacts(), matched("E10000014"), rules, AT)
    assert decision.home_council_notice is None


# -- 2. overrides -------------------------------------------------------------------------


def test_override_sends_its_sector_to_the_named_council(rules: RuleSet) -> None:
    decision = decide(EnquiryFacts("RG1 2AB"), matched("E06000038", "RG1 2AB"), rules, AT)
    assert code_of(decision) == "E06000037"


def test_override_tells_the_home_council(rules: RuleSet) -> None:
    decision = decide(EnquiryFacts("RG1 2AB"), matched("E06000038", "RG1 2AB"), rules, AT)
    assert decision.home_council_notice is not None
    assert decision.home_council_notice.authority.code == "E06000038"


def test_override_does_not_touch_a_neighbouring_sector(rules: RuleSet) -> None:
    decision = decide(EnquiryFacts("RG1 3AB"), matched("E06000038", "RG1 3AB"), rules, AT)
    assert code_of(decision) == "E06000038"


def test_override_applies_to_a_partial_postcode_inside_its_area(rules: RuleSet) -> None:
    geo = partial("RG1 2", ("E06000038", 0.6), ("E06000037", 0.4))
    assert code_of(decide(EnquiryFacts("RG1 2"), geo, rules, AT)) == "E06000037"


def test_override_not_yet_in_force_is_traced_but_not_applied(rules: RuleSet) -> None:
    decision = decide(EnquiryFacts(), matched("E06000045", "SO14 1AA"), rules, AT)
    (step,) = [s for s in decision.trace if s.rule == "override"]
    assert code_of(decision) == "E06000045"
    assert not step.applied and "not in force" in step.reason


def test_override_applies_from_its_valid_from(rules: RuleSet) -> None:
    at = datetime(2025, 6, 1, 9)
    decision = decide(EnquiryFacts(), matched("E06000045", "SO14 1AA"), rules, at)
    assert code_of(decision) == "E10000014"


def test_override_comes_before_the_enquirer_preference(rules: RuleSet) -> None:
    facts = EnquiryFacts("RG1 2AB", preferred_authority="E06000038")
    decision = decide(facts, matched("E06000038", "RG1 2AB"), rules, AT)
    assert code_of(decision) == "E06000037"


# -- 3. enquirer preference ---------------------------------------------------------------


def test_preference_within_the_cluster_is_allowed(rules: RuleSet) -> None:
    facts = EnquiryFacts(preferred_authority="E06000044")
    decision = decide(facts, matched("E10000014"), rules, AT)
    assert code_of(decision) == "E06000044"


def test_preference_for_another_council_tells_the_home_council(rules: RuleSet) -> None:
    facts = EnquiryFacts(preferred_authority="E06000044")
    decision = decide(facts, matched("E10000014"), rules, AT)
    assert decision.home_council_notice is not None
    assert decision.home_council_notice.authority.code == "E10000014"


def test_preference_outside_the_cluster_goes_to_triage(rules: RuleSet) -> None:
    facts = EnquiryFacts(preferred_authority="E06000038")
    decision = decide(facts, matched("E10000014"), rules, AT)
    assert decision.triage_reason is TriageReason.PREFERENCE_OUTSIDE_CLUSTER


def test_preference_from_an_unclustered_home_goes_to_triage_within_cluster(rules: RuleSet) -> None:
    facts = EnquiryFacts(preferred_authority="E06000044")
    decision = decide(facts, matched("E10000016"), rules, AT)
    assert decision.triage_reason is TriageReason.PREFERENCE_OUTSIDE_CLUSTER


def test_preference_anywhere_is_allowed_when_the_policy_says_so(rules: RuleSet) -> None:
    anywhere = replace(rules, preference_policy=PreferencePolicy.ANYWHERE)
    facts = EnquiryFacts(preferred_authority="E10000016")
    assert code_of(decide(facts, matched("E10000014"), anywhere, AT)) == "E10000016"


def test_preference_is_refused_when_not_allowed(rules: RuleSet) -> None:
    refusing = replace(rules, preference_policy=PreferencePolicy.NOT_ALLOWED)
    facts = EnquiryFacts(preferred_authority="E06000044")
    decision = decide(facts, matched("E10000014"), refusing, AT)
    assert decision.triage_reason is TriageReason.PREFERENCE_NOT_ALLOWED


def test_preference_for_the_home_council_is_simply_routed(rules: RuleSet) -> None:
    refusing = replace(rules, preference_policy=PreferencePolicy.NOT_ALLOWED)
    facts = EnquiryFacts(preferred_authority="E10000014")
    decision = decide(facts, matched("E10000014"), refusing, AT)
    assert (code_of(decision), decision.home_council_notice) == ("E10000014", None)


def test_preference_for_an_unknown_council_goes_to_triage(rules: RuleSet) -> None:
    facts = EnquiryFacts(preferred_authority="E99999999")
    decision = decide(facts, matched("E10000014"), rules, AT)
    assert decision.triage_reason is TriageReason.UNKNOWN_PREFERRED_AUTHORITY


def test_preference_with_an_ambiguous_partial_postcode_goes_to_triage(rules: RuleSet) -> None:
    facts = EnquiryFacts("SO5", preferred_authority="E06000044")
    geo = partial("SO5", ("E10000014", 0.7), ("E06000045", 0.3))
    decision = decide(facts, geo, rules, AT)
    assert decision.triage_reason is TriageReason.PARTIAL_POSTCODE_AMBIGUOUS


# -- 4. partial postcode ------------------------------------------------------------------


def test_partial_postcode_routes_when_the_top_share_is_enough(rules: RuleSet) -> None:
    geo = partial("SO23", ("E10000014", 0.92), ("E06000045", 0.08))
    assert code_of(decide(EnquiryFacts("SO23"), geo, rules, AT)) == "E10000014"


def test_partial_postcode_below_the_share_goes_to_triage_with_candidates(rules: RuleSet) -> None:
    geo = partial("SO5", ("E10000014", 0.7), ("E06000045", 0.3))
    decision = decide(EnquiryFacts("SO5"), geo, rules, AT)
    assert decision.triage_reason is TriageReason.PARTIAL_POSTCODE_AMBIGUOUS
    assert [c.code for c in decision.candidates] == ["E10000014", "E06000045"]


def test_partial_postcode_at_exactly_the_share_routes(rules: RuleSet) -> None:
    geo = partial("SO23", ("E10000014", 0.9), ("E06000045", 0.1))
    assert decide(EnquiryFacts("SO23"), geo, rules, AT).outcome is DecisionOutcome.ROUTED


# -- 5. pauses ----------------------------------------------------------------------------

IN_PAUSE = datetime(2025, 2, 10, 12)


def test_paused_council_referrals_go_to_the_fallback(rules: RuleSet) -> None:
    decision = decide(EnquiryFacts(), matched("E06000045", "SO15 1AA"), rules, IN_PAUSE)
    assert code_of(decision) == "E06000044"


def test_pause_is_explained_in_the_trace(rules: RuleSet) -> None:
    decision = decide(EnquiryFacts(), matched("E06000045", "SO15 1AA"), rules, IN_PAUSE)
    (step,) = [s for s in decision.trace if s.rule == "pause"]
    assert step.applied and "Southampton has paused intake (Team vacancies)" in step.reason


def test_pause_fallback_tells_the_home_council(rules: RuleSet) -> None:
    decision = decide(EnquiryFacts(), matched("E06000045", "SO15 1AA"), rules, IN_PAUSE)
    assert decision.home_council_notice is not None
    assert decision.home_council_notice.authority.code == "E06000045"


def test_pause_ends_after_its_valid_until(rules: RuleSet) -> None:
    decision = decide(EnquiryFacts(), matched("E06000045"), rules, datetime(2025, 3, 1, 0, 1))
    assert code_of(decision) == "E06000045"


def test_pause_applies_to_a_preferred_council(rules: RuleSet) -> None:
    facts = EnquiryFacts(preferred_authority="E06000045")
    decision = decide(facts, matched("E10000014"), rules, IN_PAUSE)
    assert code_of(decision) == "E06000044"


def test_paused_fallback_goes_to_triage(rules: RuleSet) -> None:
    chained = replace(
        rules,
        pauses=(
            *rules.pauses,
            Pause("E06000044", "E10000014", "Migration", Validity(date(2025, 2, 1))),
        ),
    )
    decision = decide(EnquiryFacts(), matched("E06000045"), chained, IN_PAUSE)
    assert decision.triage_reason is TriageReason.FALLBACK_UNUSABLE


# -- the trace ----------------------------------------------------------------------------


def test_trace_lists_every_rule_considered_in_precedence_order(rules: RuleSet) -> None:
    decision = decide(EnquiryFacts(), matched("E10000014"), rules, AT)
    assert [s.rule for s in decision.trace] == [
        "geography",
        "override",
        "preference",
        "pause",
        "default",
    ]


def test_trace_says_why_a_rule_did_not_apply(rules: RuleSet) -> None:
    decision = decide(EnquiryFacts(), matched("E10000014"), rules, AT)
    (step,) = [s for s in decision.trace if s.rule == "preference"]
    assert (step.applied, step.reason) == (False, "The enquirer did not name a preferred council.")


def test_decision_records_the_rules_and_geography_versions(rules: RuleSet) -> None:
    decision = decide(EnquiryFacts(), matched("E10000014"), rules, AT)
    assert (decision.rules_version, decision.geography_version) == ("test-1", "test-geo-2025-11")
