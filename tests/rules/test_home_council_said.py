"""A split partial postcode: the council the enquirer said they live in is the home council,
when it is one of the postcode's councils."""

from __future__ import annotations

from datetime import UTC, datetime

from hub.geo import resolve_postcode
from hub.rules import DecisionOutcome, EnquiryFacts, decide, get_active_rules

KINGSTON, RICHMOND, KENT = "E09000021", "E09000027", "E10000016"
AT = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)


def _decide(home: str | None):
    rules = get_active_rules()
    geo = resolve_postcode("KT1", min_share=rules.partial_postcode_share)
    assert {c.code for c in geo.candidates} == {KINGSTON, RICHMOND}  # split: no council has 95%
    return decide(EnquiryFacts(postcode=geo.postcode, home_authority=home), geo, rules, AT)


def test_without_an_answer_a_split_postcode_goes_to_triage(settings) -> None:
    assert _decide(None).outcome is DecisionOutcome.TRIAGE


def test_the_smaller_council_the_enquirer_chose_is_their_home(settings) -> None:
    decision = _decide(RICHMOND)
    assert decision.outcome is DecisionOutcome.ROUTED
    assert decision.authority is not None and decision.authority.code == RICHMOND
    assert any("said they live in Richmond upon Thames" in s.reason for s in decision.trace)


def test_a_council_that_is_not_one_of_the_postcodes_is_not_taken(settings) -> None:
    assert _decide(KENT).outcome is DecisionOutcome.TRIAGE
