"""Properties of the engine over England's authorities and generated rule changes."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from hub.geo.result import Authority, Candidate, GeoResult, Outcome
from hub.rules import (
    DecisionOutcome,
    EnquiryFacts,
    PreferencePolicy,
    RoutingDecision,
    RuleSet,
    TriageReason,
    decide,
    load_rules,
)
from hub.rules.checker import check_rule_set
from hub.rules.engine import local_day
from hub.rules.model import Cluster, DeliveryBody, Membership, Override, Pause, Validity
from tests.rules.builders import ENGLAND_RULES, GEOGRAPHY_VERSION, geo_authorities

ENGLAND = geo_authorities()
RULES = load_rules(ENGLAND_RULES, ENGLAND)
CODES = sorted(ENGLAND)
POSTCODES = ["RG1 2AB", "RG1 2", "RG1", "SO14 1AA", "PO1 3AX", "ME14 1XX", "KT1 1EU"]

codes = st.sampled_from(CODES)
days = st.dates(date(2023, 1, 1), date(2028, 12, 31))
moments = st.builds(
    lambda day, minutes, aware: (
        datetime.combine(day, time(0), UTC if aware else None) + timedelta(minutes=minutes)
    ),
    days,
    st.integers(0, 24 * 60 - 1),
    st.booleans(),
)
policies = st.sampled_from(list(PreferencePolicy))


@st.composite
def validities(draw: st.DrawFn) -> Validity:
    start = draw(st.none() | days)
    length = draw(st.none() | st.integers(0, 400))
    end = None if length is None else (start or date(2023, 1, 1)) + timedelta(days=length)
    return Validity(start, end)


def matched_geo(code: str, postcode: str) -> GeoResult:
    return GeoResult(
        postcode,
        postcode,
        Outcome.MATCHED,
        authority=Authority(code, ENGLAND[code]),
        country="England",
        geography_version=GEOGRAPHY_VERSION,
    )


@st.composite
def geographies(draw: st.DrawFn) -> GeoResult:
    postcode = draw(st.sampled_from(POSTCODES))
    kind = draw(st.sampled_from(list(Outcome)))
    if kind is Outcome.MATCHED:
        return matched_geo(draw(codes), postcode)
    if kind is Outcome.PARTIAL:
        picked = draw(st.lists(codes, min_size=1, max_size=3, unique=True))
        weights = draw(st.lists(st.integers(1, 100), min_size=len(picked), max_size=len(picked)))
        total = sum(weights)
        candidates = tuple(
            Candidate(code, ENGLAND[code], weight / total)
            for code, weight in zip(picked, weights, strict=True)
        )
        return GeoResult(postcode, postcode, kind, candidates=candidates)
    if kind is Outcome.OUTSIDE_ENGLAND:
        country = draw(st.sampled_from(["Wales", "Scotland", "Northern Ireland", "Mars"]))
        return GeoResult(postcode, postcode, kind, country=country)
    return GeoResult(postcode, None if kind is Outcome.INVALID else postcode, kind)


facts = st.builds(
    EnquiryFacts,
    postcode=st.none() | st.sampled_from(POSTCODES),
    preferred_authority=st.none() | codes | st.just("E99999999"),
)


@st.composite
def pause_sets(draw: st.DrawFn, valid_fallbacks: bool) -> tuple[Pause, ...]:
    paused = draw(st.lists(codes, min_size=1, max_size=25, unique=True))
    usable = [code for code in CODES if code not in paused] if valid_fallbacks else CODES
    return tuple(
        Pause(
            code,
            draw(st.sampled_from([c for c in usable if c != code])),
            "test",
            draw(validities()),
        )
        for code in paused
    )


def outcome_fields(decision: RoutingDecision) -> dict[str, Any]:
    stored = decision.to_dict()
    del stored["trace"], stored["explanation"]
    return stored


@given(code=codes, at=moments)
def test_every_english_authority_is_routed_to_itself(code: str, at: datetime) -> None:
    decision = decide(EnquiryFacts(), matched_geo(code, "PO1 3AX"), RULES, at)
    assert decision.outcome is DecisionOutcome.ROUTED
    assert decision.authority == Authority(code, ENGLAND[code])


@given(enquiry=facts, geo=geographies(), at=moments, policy=policies)
def test_every_enquiry_gets_exactly_one_consistent_outcome(
    enquiry: EnquiryFacts, geo: GeoResult, at: datetime, policy: PreferencePolicy
) -> None:
    decision = decide(enquiry, geo, replace(RULES, preference_policy=policy), at)
    routed = decision.outcome is DecisionOutcome.ROUTED
    triaged = decision.outcome is DecisionOutcome.TRIAGE
    signposted = decision.outcome is DecisionOutcome.SIGNPOSTED
    assert (decision.authority is not None, decision.service_level_days is not None) == (
        routed,
        routed,
    )
    assert (decision.triage_reason is not None) == triaged
    assert (decision.signpost is not None) == signposted
    assert decision.trace


@given(enquiry=facts, geo=geographies(), at=moments)
def test_the_same_input_gives_the_same_decision(
    enquiry: EnquiryFacts, geo: GeoResult, at: datetime
) -> None:
    assert decide(enquiry, geo, RULES, at).to_dict() == decide(enquiry, geo, RULES, at).to_dict()


@settings(max_examples=200)
@given(pauses=pause_sets(valid_fallbacks=False), enquiry=facts, geo=geographies(), at=moments)
def test_a_paused_authority_never_receives_a_referral(
    pauses: tuple[Pause, ...], enquiry: EnquiryFacts, geo: GeoResult, at: datetime
) -> None:
    rules = replace(RULES, pauses=pauses, preference_policy=PreferencePolicy.ANYWHERE)
    decision = decide(enquiry, geo, rules, at)
    if decision.authority is not None:
        assert rules.pause_of(decision.authority.code, local_day(at)) is None


@given(pauses=pause_sets(valid_fallbacks=True), code=codes, at=moments)
def test_checked_pauses_always_route_to_a_working_council(
    pauses: tuple[Pause, ...], code: str, at: datetime
) -> None:
    rules = replace(RULES, pauses=pauses)
    assert check_rule_set(rules) == []
    decision = decide(EnquiryFacts(), matched_geo(code, "PO1 3AX"), rules, at)
    assert decision.outcome is DecisionOutcome.ROUTED
    assert decision.triage_reason is not TriageReason.FALLBACK_UNUSABLE
    assert decision.authority is not None
    assert rules.pause_of(decision.authority.code, local_day(at)) is None


@st.composite
def future_changes(draw: st.DrawFn, start: date) -> RuleSet:
    clustered = {m.authority for c in RULES.clusters for m in c.members}
    free = [code for code in CODES if code not in clustered]
    length = draw(st.none() | st.integers(0, 2000))
    later = Validity(start, None if length is None else start + timedelta(days=length))
    kind = draw(st.sampled_from(["pause", "override", "cluster", "member", "body"]))
    if kind == "pause":
        code = draw(codes)
        fallback = draw(st.sampled_from([c for c in CODES if c != code]))
        return replace(RULES, pauses=(Pause(code, fallback, "later", later),))
    if kind == "override":
        area = draw(st.sampled_from(POSTCODES))
        return replace(RULES, overrides=(Override(area, draw(codes), "later", later),))
    if kind == "cluster":
        members = draw(st.lists(st.sampled_from(free), min_size=1, max_size=10, unique=True))
        targets = replace(RULES.tracking.clocks, first_contact_working_days=5)
        cluster = Cluster(
            "New Hub", members[0], tuple(Membership(m) for m in members), targets, validity=later
        )
        return replace(RULES, clusters=(*RULES.clusters, cluster))
    if kind == "member":
        (south_east,) = RULES.clusters
        joined = Membership(draw(st.sampled_from(free)), later)
        grown = replace(south_east, members=(*south_east.members, joined))
        return replace(RULES, clusters=(grown,))
    with_body = {code for body in RULES.delivery_bodies for code in body.authorities}
    own = draw(st.sampled_from([code for code in CODES if code not in with_body]))
    body = DeliveryBody("New Trust", (own,), later)
    return replace(RULES, delivery_bodies=(body, *RULES.delivery_bodies))


@given(data=st.data(), enquiry=facts, geo=geographies(), at=moments, policy=policies)
def test_a_change_with_a_future_valid_from_changes_nothing_before_that_day(
    data: st.DataObject,
    enquiry: EnquiryFacts,
    geo: GeoResult,
    at: datetime,
    policy: PreferencePolicy,
) -> None:
    start = local_day(at) + timedelta(days=data.draw(st.integers(1, 1000)))
    base = replace(RULES, preference_policy=policy)
    changed = replace(data.draw(future_changes(start)), preference_policy=policy)
    assert check_rule_set(changed) == []
    assert outcome_fields(decide(enquiry, geo, changed, at)) == outcome_fields(
        decide(enquiry, geo, base, at)
    )
