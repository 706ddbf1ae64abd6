"""A connected person (someone who wants to care for a child they already know) is routed to
the child's council, or where the child's hub sends such enquiries; the rules file says so
per cluster, and the checker points at a wrong council on its line."""

from __future__ import annotations

from dataclasses import replace

from hub.geo.result import Outcome
from hub.rules import DecisionOutcome, EnquiryFacts, RoutingDecision, RuleSet, decide
from hub.rules.decision import TriageReason
from hub.rules.loader import read_rules_text
from hub.rules.model import ConnectedPersonsRoute
from tests.rules.builders import (
    AT,
    FIXTURES,
    SMALL_AUTHORITIES,
    matched,
    outside,
    partial,
    unresolved,
)

READING, KENT, PORTSMOUTH, HAMPSHIRE = "E06000038", "E10000016", "E06000044", "E10000014"
SOUTHAMPTON = "E06000045"
ENQUIRER_IN_READING = matched(READING, "RG1 1AF")


def connected(rules: RuleSet, **facts: object) -> RoutingDecision:
    child_geo = facts.pop("child_geo", None)
    geo = facts.pop("geo", ENQUIRER_IN_READING)
    return decide(
        EnquiryFacts(postcode="RG1 1AF", connected_person=True, **facts),  # type: ignore[arg-type]
        geo,  # type: ignore[arg-type]
        rules,
        AT,
        child_geo=child_geo,  # type: ignore[arg-type]
    )


def with_route(rules: RuleSet, cluster_name: str, route: ConnectedPersonsRoute) -> RuleSet:
    clusters = tuple(
        replace(c, connected_persons=route) if c.name == cluster_name else c for c in rules.clusters
    )
    return replace(rules, clusters=clusters)


def test_goes_to_the_childs_council_not_the_enquirers(rules: RuleSet) -> None:
    decision = connected(rules, child_authority=KENT)
    assert decision.outcome is DecisionOutcome.ROUTED
    assert decision.authority is not None and decision.authority.code == KENT
    assert decision.connected_person
    assert decision.child_authority is not None and decision.child_authority.code == KENT
    # The enquirer's own council is told, as for any enquiry routed away from it.
    notice = decision.home_council_notice
    assert notice is not None and notice.authority.code == READING
    assert "council of the child the enquirer wants to care for" in notice.reason
    explanation = decision.explain()
    assert "A connected person" in explanation
    assert "whose council they said is Kent" in explanation


def test_the_childs_postcode_gives_the_childs_council(rules: RuleSet) -> None:
    decision = connected(rules, child_geo=matched(KENT, "CT1 1AA"))
    assert decision.authority is not None and decision.authority.code == KENT
    assert any(
        s.rule == "child_council" and "CT1 1AA is in Kent" in s.reason for s in decision.trace
    )


def test_a_child_outside_england_is_signposted_as_the_enquirer_would_be(rules: RuleSet) -> None:
    decision = connected(rules, child_geo=outside("Wales"))
    assert decision.outcome is DecisionOutcome.SIGNPOSTED
    assert decision.signpost is not None and decision.signpost.name == "Foster Wales"


def test_a_split_childs_postcode_goes_to_triage_with_its_councils(rules: RuleSet) -> None:
    decision = connected(rules, child_geo=partial("SO1", (HAMPSHIRE, 0.6), (SOUTHAMPTON, 0.4)))
    assert decision.outcome is DecisionOutcome.TRIAGE
    assert decision.triage_reason is TriageReason.CHILD_COUNCIL_UNKNOWN
    assert {c.code for c in decision.candidates} == {HAMPSHIRE, SOUTHAMPTON}
    assert "Possible councils for the child's postcode: Hampshire 60%" in decision.explain()


def test_an_unknown_childs_postcode_or_none_goes_to_triage(rules: RuleSet) -> None:
    assert connected(rules, child_geo=unresolved(Outcome.UNKNOWN)).triage_reason is (
        TriageReason.CHILD_COUNCIL_UNKNOWN
    )
    assert connected(rules).triage_reason is TriageReason.CHILD_COUNCIL_UNKNOWN


def test_the_enquirers_preference_and_overrides_do_not_apply(rules: RuleSet) -> None:
    # RG1 2 has an override to West Berkshire in the fixture; a preference names Portsmouth.
    decision = connected(
        rules, geo=matched(READING, "RG1 2AB"), preferred_authority=PORTSMOUTH, child_authority=KENT
    )
    assert decision.authority is not None and decision.authority.code == KENT
    assert not any(s.applied for s in decision.trace if s.rule in ("override", "preference"))


def test_an_enquirer_whose_postcode_is_unknown_is_still_routed_by_the_child(
    rules: RuleSet,
) -> None:
    decision = connected(rules, geo=unresolved(Outcome.UNKNOWN), child_authority=KENT)
    assert decision.authority is not None and decision.authority.code == KENT
    assert decision.home_council_notice is None


def test_the_childs_hub_may_send_connected_persons_to_a_named_council(rules: RuleSet) -> None:
    route = ConnectedPersonsRoute(PORTSMOUTH, "one team assesses for the hub", "Solent kinship")
    decision = connected(with_route(rules, "Solent Hub", route), child_authority=HAMPSHIRE)
    assert decision.authority is not None and decision.authority.code == PORTSMOUTH
    assert decision.child_authority is not None and decision.child_authority.code == HAMPSHIRE
    step = next(s for s in decision.trace if s.rule == "connected_persons")
    assert step.applied and "Solent kinship" in step.reason
    # A child in another hub is not touched by the Solent rule.
    other = connected(with_route(rules, "Solent Hub", route), child_authority=KENT)
    assert other.authority is not None and other.authority.code == KENT


def test_a_transfer_names_the_childs_council_and_skips_the_hub_rule(rules: RuleSet) -> None:
    route = ConnectedPersonsRoute(PORTSMOUTH, "one team assesses for the hub")
    decision = connected(
        with_route(rules, "Solent Hub", route),
        child_authority=HAMPSHIRE,
        preferred_authority=SOUTHAMPTON,
        transferred_by=PORTSMOUTH,
    )
    assert decision.authority is not None and decision.authority.code == SOUTHAMPTON


def test_not_a_connected_person_is_routed_as_before(rules: RuleSet) -> None:
    decision = decide(
        EnquiryFacts(postcode="RG1 1AF", child_authority=KENT), ENQUIRER_IN_READING, rules, AT
    )
    assert decision.authority is not None and decision.authority.code == READING
    assert not decision.connected_person


def test_the_flag_and_childs_council_survive_storage(rules: RuleSet) -> None:
    decision = connected(rules, child_authority=KENT)
    again = RoutingDecision.from_dict(decision.to_dict())
    assert again.connected_person and again.child_authority == decision.child_authority


def _rules_text(block: str) -> str:
    text = (FIXTURES / "valid.yaml").read_text()
    anchor = "    first_contact_working_days: 3\n"  # the Berkshire Hub's
    assert anchor in text
    return text.replace(anchor, anchor + block, 1)


def test_the_rules_file_reads_a_clusters_connected_persons() -> None:
    block = (
        "    connected_persons:\n"
        "      send_to: E06000038\n"
        "      team: Berkshire kinship team\n"
        "      reason: one team assesses connected persons\n"
    )
    rules, problems = read_rules_text(_rules_text(block), "rules.yaml", SMALL_AUTHORITIES)
    assert problems == []
    assert rules is not None
    berkshire = next(c for c in rules.clusters if c.name == "Berkshire Hub")
    assert berkshire.connected_persons == ConnectedPersonsRoute(
        READING, "one team assesses connected persons", "Berkshire kinship team"
    )


def test_an_unknown_council_or_key_is_reported_on_its_line() -> None:
    block = (
        "    connected_persons:\n"
        "      send_to: E06099999\n"
        "      reason: agreed\n"
        "      sent_to: E06000038\n"
    )
    text = _rules_text(block)
    start = text.splitlines().index("    connected_persons:") + 1
    _, problems = read_rules_text(text, "rules.yaml", SMALL_AUTHORITIES)
    found = {(p.line, p.message.split(":")[0]) for p in problems}
    assert (start + 3, "unknown key 'sent_to' in connected_persons (expected") in found
    _, problems = read_rules_text(
        _rules_text("    connected_persons:\n      send_to: E06099999\n      reason: agreed\n"),
        "rules.yaml",
        SMALL_AUTHORITIES,
    )
    assert [(p.line, p.message) for p in problems] == [
        (
            start + 1,
            "unknown authority code 'E06099999' in the connected_persons send_to of "
            "'Berkshire Hub': not a children's services authority in the active geography",
        )
    ]
    assert str(problems[0]).startswith(f"rules.yaml:{start + 1}: ")
