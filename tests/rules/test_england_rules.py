"""The shipped rules file: valid, the South East cluster as launched, every council covered."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from hub.rules import DecisionOutcome, EnquiryFacts, RuleSet, decide, read_rules_file
from tests.rules.authorities import english_authorities_2025
from tests.rules.builders import ENGLAND_RULES, matched, outside

SOUTH_EAST = "Local Authority Fostering South East"
SOUTH_EAST_MEMBERS = {
    "E06000044": "Portsmouth",
    "E06000043": "Brighton and Hove",
    "E10000016": "Kent",
    "E10000025": "Oxfordshire",
    "E06000037": "West Berkshire",
    "E06000035": "Medway",
    "E06000041": "Wokingham",
    "E06000039": "Slough",
    "E06000036": "Bracknell Forest",
    "E10000030": "Surrey",
    "E10000014": "Hampshire",
    "E06000045": "Southampton",
    "E06000046": "Isle of Wight",
    "E10000032": "West Sussex",
    "E10000011": "East Sussex",
    "E06000042": "Milton Keynes",
    "E09000021": "Kingston upon Thames",
    "E09000027": "Richmond upon Thames",
    "E06000040": "Windsor and Maidenhead",
    "E06000038": "Reading",
}
LAUNCH = date(2024, 7, 8)
AT = datetime(2025, 11, 3, 10, 0)


def test_england_rules_have_no_problems(england_authorities: dict[str, str]) -> None:
    _, problems = read_rules_file(ENGLAND_RULES, england_authorities)
    assert problems == []


def test_england_has_153_childrens_services_authorities(
    england_authorities: dict[str, str],
) -> None:
    assert len(england_authorities) == 153


def test_south_east_cluster_has_its_twenty_launch_members(england_rules: RuleSet) -> None:
    (cluster,) = [c for c in england_rules.clusters if c.name == SOUTH_EAST]
    members = {m.authority for m in cluster.members if cluster.membership_of(m.authority, LAUNCH)}
    assert members == set(SOUTH_EAST_MEMBERS)


def test_south_east_member_codes_name_the_right_councils(
    england_authorities: dict[str, str],
) -> None:
    assert {code: england_authorities[code] for code in SOUTH_EAST_MEMBERS} == SOUTH_EAST_MEMBERS


def test_south_east_cluster_is_led_by_portsmouth(england_rules: RuleSet) -> None:
    (cluster,) = [c for c in england_rules.clusters if c.name == SOUTH_EAST]
    assert cluster.lead == "E06000044"


def test_south_east_cluster_starts_on_launch_day(england_rules: RuleSet) -> None:
    assert england_rules.cluster_of("E06000044", date(2024, 7, 7)) is None
    assert england_rules.cluster_of("E06000044", LAUNCH) is not None


def test_buckinghamshire_is_not_in_the_south_east_cluster(england_rules: RuleSet) -> None:
    assert england_rules.cluster_of("E06000060", LAUNCH) is None


def test_every_english_authority_is_routed_to_itself(
    england_rules: RuleSet, england_authorities: dict[str, str]
) -> None:
    for code, name in england_authorities.items():
        decision = decide(EnquiryFacts("X1 1XX"), matched(code, "X1 1XX", name), england_rules, AT)
        assert decision.outcome is DecisionOutcome.ROUTED, code
        assert decision.authority is not None and decision.authority.code == code


def test_trust_councils_carry_their_delivery_body(england_rules: RuleSet) -> None:
    decision = decide(EnquiryFacts(), matched("E09000021", "KT1 1AA"), england_rules, AT)
    assert decision.delivery_body == "Achieving for Children"


def test_worcestershire_children_first_ends_on_30_september_2024(england_rules: RuleSet) -> None:
    assert england_rules.delivery_body_of("E10000034", date(2024, 9, 30)) is not None
    assert england_rules.delivery_body_of("E10000034", date(2024, 10, 1)) is None


def test_every_non_english_country_has_a_signpost(england_rules: RuleSet) -> None:
    for country in ("Wales", "Scotland", "Northern Ireland", "Channel Islands", "Isle of Man"):
        decision = decide(EnquiryFacts(), outside(country), england_rules, AT)
        assert decision.outcome is DecisionOutcome.SIGNPOSTED, country


def test_welsh_postcode_is_signposted_to_foster_wales(england_rules: RuleSet) -> None:
    decision = decide(EnquiryFacts(), outside("Wales"), england_rules, AT)
    assert decision.signpost is not None
    assert (decision.signpost.name, decision.signpost.url) == (
        "Foster Wales",
        "https://fosterwales.gov.wales",
    )


def test_geography_lists_the_same_authorities_as_the_ons_lookup_with_reorganisations(
    england_authorities: dict[str, str],
) -> None:
    assert england_authorities == english_authorities_2025()


# Councils whose children's services a trust or company delivers on TODAY; all others deliver
# their own. The rules file is the only place this is kept.
TODAY = date(2025, 11, 3)
TRUSTS = {
    "E09000021": "Achieving for Children",  # Kingston upon Thames
    "E09000027": "Achieving for Children",  # Richmond upon Thames
    "E06000040": "Achieving for Children",  # Windsor and Maidenhead
    "E06000038": "Brighter Futures for Children",  # Reading
    "E06000039": "Slough Children First",  # Slough
    "E08000025": "Birmingham Children's Trust",  # Birmingham
    "E08000028": "Sandwell Children's Trust",  # Sandwell
    "E06000061": "Northamptonshire Children's Trust",  # North Northamptonshire
    "E06000062": "Northamptonshire Children's Trust",  # West Northamptonshire
    "E08000024": "Together for Children",  # Sunderland
    "E08000032": "Bradford Children and Families Trust",  # Bradford
}


def test_every_authority_has_its_delivery_body_from_the_rules(
    england_rules: RuleSet, england_authorities: dict[str, str]
) -> None:
    assert len(england_authorities) == 153
    for code in england_authorities:
        body = england_rules.delivery_body_of(code, TODAY)
        assert (body.name if body else None) == TRUSTS.get(code), code


def test_only_the_eleven_trust_councils_have_delivery_bodies(england_rules: RuleSet) -> None:
    served = {
        code
        for body in england_rules.delivery_bodies
        if body.validity.contains(TODAY)
        for code in body.authorities
    }
    assert served == set(TRUSTS)


@pytest.mark.parametrize("code", sorted(TRUSTS))
def test_a_trust_council_is_routed_to_with_its_trust(england_rules: RuleSet, code: str) -> None:
    decision = decide(EnquiryFacts(), matched(code, "X1 1XX"), england_rules, AT)
    assert decision.authority is not None and decision.authority.code == code
    assert decision.delivery_body == TRUSTS[code]


def test_an_in_house_council_is_its_own_delivery_body(england_rules: RuleSet) -> None:
    decision = decide(EnquiryFacts(), matched("E10000016", "ME14 1XQ", "Kent"), england_rules, AT)
    assert decision.delivery_body == "Kent"
