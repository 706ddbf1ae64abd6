"""The routing engine: one pure function from facts, geography and rules to a decision.

Precedence (each step is recorded in the decision's trace, applied or not, with its reason):

0. **Operator choice.** A hub operator routing by hand names the council: steps 1 to 4 are
   skipped (the home council still comes from a full postcode, for the notice); steps 5 and 6
   apply as for any enquiry, so a paused council or one the rules do not know is not chosen.
   The enquirer's regional hub does not bind the operator (``operator_route.py``, the one
   statement of this rule, which the triage page shows); a choice outside it is traced.
1. **Geography.** An invalid postcode or one the directory does not know goes to triage. A
   postcode outside England is signposted (Wales to Foster Wales, and so on, text from the
   rules file); a country without a signpost goes to triage. Otherwise the postcode gives the
   *home council*: the matched authority, or for a partial postcode the top candidate when
   its share is at least the rules' ``partial_postcode_share``.
2. **Overrides.** An agreed exception for the postcode (full postcode, sector or district) in
   force on the day sends the enquiry to the council it names. The checker makes sure at most
   one override matches any postcode on any day.
3. **Enquirer preference.** When the enquirer named a council other than the home council,
   the rules' ``preference_policy`` decides: ``anywhere`` allows it, ``within_cluster`` allows
   it only when both councils are in the same cluster on the day, ``not_allowed`` refuses
   it; a refused or unknown preference, or one whose home council cannot be told from a
   partial postcode, goes to triage.
4. **Partial postcode.** With no override or preference, a partial postcode routes to its
   top candidate only when the share is high enough; otherwise triage, listing candidates.
5. **Paused councils.** A council that has paused intake on the day never receives a
   referral: it goes to the pause's fallback, or to triage when the fallback is paused too
   or not a known authority.
6. **Default.** The council itself, with its delivery body (trust) and the cluster it is a
   member of on the day (which sets the first-contact service level). An authority the rules
   do not know, or one in no cluster when ``unclustered: triage``, goes to triage.

**Connected persons.** Someone who wants to care for a child they already know (a grandchild,
a relative's or a friend's child) takes another path after step 1: the child's council
decides, not where the enquirer lives. The child's council is the one the enquirer named
(``child_authority``), else the council of the child's postcode (``child_geo``: outside
England is signposted as for the enquirer; a split postcode routes to its top council only
with the rules' share; otherwise triage). Overrides and the enquirer's preference are for
where the enquirer lives and do not apply; a transfer names the child's council. Then the
child's council's cluster may send connected persons to a named council
(``connected_persons``), and steps 5 and 6 apply as for any enquiry. The enquirer's own
council, when known, is still the home council to notify. The law behind the path (Care
Planning, Placement and Case Review (England) Regulations 2010, regs 2, 24 and 25: the child's
responsible authority approves a connected person, temporarily at first) is in
``docs/kinship.md``; that the child's council also takes the first enquiry is practice, which
the rules file can change per cluster.

Whenever the enquiry is routed to a council other than the home council, the decision carries
a ``home_council_notice``: the regulations require the home council to be consulted.

Validity dates are days in England: an aware ``at`` is converted to Europe/London time; a
naive ``at`` is taken to be local time already.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from hub.geo.result import Authority, Candidate, GeoResult, Outcome
from hub.rules.decision import (
    DecisionOutcome,
    EnquiryFacts,
    HomeCouncilNotice,
    RoutingDecision,
    TraceStep,
    TriageReason,
)
from hub.rules.model import PreferencePolicy, RuleSet, UnclusteredRoute
from hub.rules.postcodes import parse_area

LONDON = ZoneInfo("Europe/London")

# Country names and GSS country codes (ONSPD ``ctry``) -> signpost keys in the rules file.
_COUNTRY_KEYS = {
    "w92000004": "wales",
    "s92000003": "scotland",
    "n92000002": "northern_ireland",
    "l93000001": "channel_islands",
    "m83000003": "isle_of_man",
    "jersey": "channel_islands",
    "guernsey": "channel_islands",
}


def decide(
    facts: EnquiryFacts,
    geo: GeoResult,
    rules: RuleSet,
    at: datetime,
    *,
    child_geo: GeoResult | None = None,
) -> RoutingDecision:
    """Decide who receives an enquiry; the same arguments always give the same decision.

    ``child_geo`` is the child's postcode resolved, for a connected person who gave it
    instead of the child's council.
    """
    return _Decider(facts, geo, rules, at, child_geo).run()


def local_day(at: datetime) -> date:
    """The day in England on which rules are judged for the instant ``at``."""
    return at.astimezone(LONDON).date() if at.tzinfo is not None else at.date()


def country_key(country: str | None) -> str:
    """The signpost key for a country name or code: ``Northern Ireland`` -> ``northern_ireland``."""
    text = (country or "").strip().lower()
    key = "_".join(text.replace("-", " ").split())
    return _COUNTRY_KEYS.get(key, key)


class _Decider:
    def __init__(
        self,
        facts: EnquiryFacts,
        geo: GeoResult,
        rules: RuleSet,
        at: datetime,
        child_geo: GeoResult | None = None,
    ) -> None:
        self.facts, self.geo, self.rules, self.at = facts, geo, rules, at
        self.child_geo = child_geo
        self.child: str | None = None  # a connected person's child's council, once known
        self.day = local_day(at)
        self.trace: list[TraceStep] = []
        self.postcode = geo.postcode or facts.postcode or geo.input

    def step(self, rule: str, applied: bool, reason: str) -> None:
        self.trace.append(TraceStep(rule, applied, reason))

    def name(self, code: str) -> str:
        known = self.rules.authorities.get(code)
        if known is None and self.geo.authority is not None and self.geo.authority.code == code:
            known = self.geo.authority.name
        return known or code

    def authority(self, code: str) -> Authority:
        return Authority(code, self.name(code))

    def finish(self, outcome: DecisionOutcome, **fields: object) -> RoutingDecision:
        return RoutingDecision(
            outcome=outcome,
            rules_version=self.rules.version,
            geography_version=self.geo.geography_version,
            decided_at=self.at,
            trace=tuple(self.trace),
            connected_person=self.facts.connected_person,
            child_authority=self.authority(self.child) if self.child else None,
            **fields,  # type: ignore[arg-type]
        )

    def triage(
        self,
        reason: TriageReason,
        with_candidates: bool = False,
        candidates: tuple[Candidate, ...] = (),
    ) -> RoutingDecision:
        if with_candidates:
            candidates = self.geo.candidates
        return self.finish(DecisionOutcome.TRIAGE, triage_reason=reason, candidates=candidates)

    def run(self) -> RoutingDecision:
        if self.facts.operator_choice is not None:
            return self.operator(self.facts.operator_choice)
        if self.facts.connected_person:
            return self.connected()
        early = self.geography()
        if early is not None:
            return early
        home = self.home_council()
        target, why = self.override()
        if target is None and self.facts.preferred_authority is not None:
            refused = self.preference(home)
            if isinstance(refused, RoutingDecision):
                return refused
            target, why = refused
        elif target is None:
            self.step("preference", False, "The enquirer did not name a preferred council.")
        else:
            self.step("preference", False, "An agreed exception decides; preferences come after.")
        if target is None:
            if home is None:
                return self.triage(TriageReason.PARTIAL_POSTCODE_AMBIGUOUS, with_candidates=True)
            target, why = home, ""
        return self.assign(target, home, why)

    # -- connected persons -------------------------------------------------------------------

    def connected(self) -> RoutingDecision:
        if self.geo.outcome is Outcome.OUTSIDE_ENGLAND:
            early = self.geography()  # the enquirer is signposted, as every enquirer is
            assert early is not None
            return early
        home = self.enquirer_council()
        self.step(
            "override",
            False,
            "Agreed exceptions are for where the enquirer lives; a connected person's "
            "enquiry goes to the child's council.",
        )
        if self.facts.preferred_authority is not None and not self.facts.transferred_by:
            self.step(
                "preference",
                False,
                f"The enquirer named {self.name(self.facts.preferred_authority)}, but a "
                "connected person's enquiry goes to the child's council.",
            )
        child = self.child_council()
        if isinstance(child, RoutingDecision):
            return child
        self.child = child
        why = "it is the council of the child the enquirer wants to care for"
        route = None
        cluster = self.rules.cluster_of(child, self.day)
        if self.facts.transferred_by:
            why = f"{self.name(self.facts.transferred_by)} transferred it there"
        elif cluster is not None and cluster.connected_persons is not None:
            route = cluster.connected_persons
        if route is None:
            self.step(
                "connected_persons",
                False,
                "No hub rule sends connected persons elsewhere: the child's council takes it.",
            )
            return self.assign(child, home, why)
        team = f" ({route.team})" if route.team else ""
        self.step(
            "connected_persons",
            True,
            f"The hub {cluster.name if cluster else ''} sends connected persons whose child's "
            f"council is {self.name(child)} to {self.name(route.send_to)}{team}: {route.reason}",
        )
        why = (
            f"the child's council {self.name(child)} is in {cluster.name if cluster else ''}, "
            f"which sends connected persons to {self.name(route.send_to)}{team}: {route.reason}"
        )
        return self.assign(route.send_to, home, why)

    def enquirer_council(self) -> str | None:
        """The enquirer's own council, to notify when another takes the enquiry; None when
        the postcode does not tell it (routing does not depend on it)."""
        outcome = self.geo.outcome
        if outcome is Outcome.MATCHED and self.geo.authority is not None:
            return self.home_council()
        if outcome is Outcome.PARTIAL:
            return self.home_council()
        self.step(
            "geography",
            False,
            f"The enquirer's postcode {self.postcode or '(none)'} does not give their council; "
            "a connected person's enquiry is routed by the child's council.",
        )
        return None

    def child_council(self) -> str | RoutingDecision:
        """The child's council, or the decision when it cannot be known (triage, signpost)."""
        transferred = self.facts.transferred_by
        named = self.facts.preferred_authority if transferred else self.facts.child_authority
        if named is not None:
            if named not in self.rules.authorities:
                self.step("child_council", True, f"The child's council {named!r} is not known.")
                return self.triage(TriageReason.CHILD_COUNCIL_UNKNOWN)
            said = (
                f"{self.name(transferred)} transferred the referral to {self.name(named)}"
                if transferred
                else f"The enquirer wants to care for a child they already know, whose council "
                f"they said is {self.name(named)}"
            )
            self.step("child_council", True, f"{said}.")
            return named
        child = self.child_geo
        if child is None:
            self.step(
                "child_council",
                True,
                "The enquirer wants to care for a child they already know but gave neither "
                "the child's council nor the child's postcode.",
            )
            return self.triage(TriageReason.CHILD_COUNCIL_UNKNOWN)
        where = child.postcode or child.input
        if child.outcome is Outcome.OUTSIDE_ENGLAND:
            country = child.country or "a country outside England"
            signpost = self.rules.signpost_for(country_key(child.country))
            if signpost is None:
                self.step(
                    "child_council", True, f"The child's postcode is in {country}; no signpost."
                )
                return self.triage(TriageReason.NO_SIGNPOST)
            self.step(
                "child_council",
                True,
                f"The child's postcode is in {country}: signposted to {signpost.name}.",
            )
            return self.finish(DecisionOutcome.SIGNPOSTED, signpost=signpost)
        if child.outcome is Outcome.MATCHED and child.authority is not None:
            code = child.authority.code
            self.step(
                "child_council",
                True,
                f"The enquirer wants to care for a child they already know; the child's "
                f"postcode {where} is in {self.name(code)}.",
            )
            return code
        need = self.rules.partial_postcode_share
        top = max(child.candidates, key=lambda c: (c.share, c.code), default=None)
        if child.outcome is Outcome.PARTIAL and top is not None and top.share >= need:
            self.step(
                "child_council",
                True,
                f"The child's partial postcode {where} lies {top.share:.0%} in {top.name}, "
                f"at least the {need:.0%} the rules require.",
            )
            return top.code
        self.step(
            "child_council",
            True,
            f"The child's postcode {where} does not tell the child's council.",
        )
        return self.triage(TriageReason.CHILD_COUNCIL_UNKNOWN, candidates=child.candidates)

    # -- 0. operator choice ------------------------------------------------------------------

    def operator(self, choice: str) -> RoutingDecision:
        self.step("operator_choice", True, f"A hub operator chose {self.name(choice)} ({choice}).")
        home = None
        if self.geo.outcome is Outcome.MATCHED and self.geo.authority is not None:
            home = self.geo.authority.code
        if home is not None and home != choice:
            home_hub = self.rules.cluster_of(home, self.day)
            chosen_hub = self.rules.cluster_of(choice, self.day)
            outside = home_hub is None or home_hub is not chosen_hub
            where = f"hub: {home_hub.name}" if home_hub else "no hub"
            self.step(
                "operator_outside_cluster",
                outside,
                f"{self.name(choice)} is "
                + ("outside" if outside else "inside")
                + f" the regional hub of the home council {self.name(home)} ({where}); "
                "an operator's choice is not bound by the enquirer's hub.",
            )
        return self.assign(choice, home, "a hub operator chose it")

    # -- 1. geography ------------------------------------------------------------------------

    def geography(self) -> RoutingDecision | None:
        outcome = self.geo.outcome
        if outcome is Outcome.INVALID:
            self.step("geography", True, f"{self.geo.input!r} is not a valid postcode.")
            return self.triage(TriageReason.INVALID_POSTCODE)
        if outcome is Outcome.UNKNOWN or (
            outcome is Outcome.MATCHED and self.geo.authority is None
        ):
            self.step("geography", True, f"The postcode {self.postcode} is not in the directory.")
            return self.triage(TriageReason.UNKNOWN_POSTCODE)
        if outcome is Outcome.OUTSIDE_ENGLAND:
            country = self.geo.country or "a country outside England"
            signpost = self.rules.signpost_for(country_key(self.geo.country))
            if signpost is None:
                self.step("signpost", True, f"The postcode is in {country}; no signpost is set.")
                return self.triage(TriageReason.NO_SIGNPOST)
            self.step(
                "signpost", True, f"The postcode is in {country}: signposted to {signpost.name}."
            )
            return self.finish(DecisionOutcome.SIGNPOSTED, signpost=signpost)
        return None

    def home_council(self) -> str | None:
        if self.geo.outcome is Outcome.MATCHED and self.geo.authority is not None:
            home = self.geo.authority.code
            self.step("geography", True, f"The postcode {self.postcode} is in {self.name(home)}.")
            return home
        need = self.rules.partial_postcode_share
        top = max(self.geo.candidates, key=lambda c: (c.share, c.code), default=None)
        if top is not None and top.share >= need:
            self.step(
                "partial_postcode",
                True,
                f"The partial postcode {self.postcode} lies {top.share:.0%} in {top.name}, "
                f"at least the {need:.0%} the rules require.",
            )
            return top.code
        said = self.facts.home_authority
        chosen = next((c for c in self.geo.candidates if c.code == said), None)
        if chosen is not None:
            self.step(
                "partial_postcode",
                True,
                f"The partial postcode {self.postcode} is split; the enquirer said they live in "
                f"{chosen.name}, one of its councils ({chosen.share:.0%} of its postcodes).",
            )
            return chosen.code
        found = f"at most {top.share:.0%} in one council" if top else "no council found"
        self.step(
            "partial_postcode",
            False,
            f"The partial postcode {self.postcode} is split ({found}); the rules need "
            f"{need:.0%} to be sure of the home council.",
        )
        return None

    # -- 2. overrides ------------------------------------------------------------------------

    def override(self) -> tuple[str | None, str]:
        area = parse_area(self.postcode) if self.postcode else None
        chosen: tuple[str | None, str] = (None, "")
        matched_any = False
        for rule in self.rules.overrides:
            rule_area = parse_area(rule.postcode)
            if area is None or rule_area is None or not rule_area.contains(area):
                continue
            matched_any = True
            if not rule.validity.contains(self.day):
                self.step(
                    "override",
                    False,
                    f"The agreed exception for {rule.postcode} (to {self.name(rule.authority)}) "
                    f"is not in force on {self.day.isoformat()} ({rule.validity.describe()}).",
                )
            elif chosen[0] is None:
                self.step(
                    "override",
                    True,
                    f"An agreed exception sends {rule.postcode} to {self.name(rule.authority)}: "
                    f"{rule.reason}",
                )
                chosen = (rule.authority, f"an agreed exception for {rule.postcode}: {rule.reason}")
        if not matched_any:
            self.step("override", False, f"No agreed exception covers {self.postcode}.")
        return chosen

    # -- 3. preference -----------------------------------------------------------------------

    def preference(self, home: str | None) -> RoutingDecision | tuple[str | None, str]:
        preferred = self.facts.preferred_authority or ""
        policy = self.rules.preference_policy
        sender = self.facts.transferred_by
        rule = "transfer" if sender else "preference"
        if preferred == home:
            self.step(
                rule,
                False,
                f"{self.name(preferred)} is the enquirer's home council."
                if sender
                else "The preferred council is the home council.",
            )
            return None, ""
        if preferred not in self.rules.authorities:
            self.step(rule, True, f"The preferred council {preferred!r} is not known.")
            return self.triage(TriageReason.UNKNOWN_PREFERRED_AUTHORITY)
        wanted = self.name(preferred)
        asked = (
            f"{self.name(sender)} asked to transfer the referral to {wanted}"
            if sender
            else f"The enquirer asked for {wanted}"
        )
        kind = "a transfer" if sender else "a preferred council"
        if policy is PreferencePolicy.NOT_ALLOWED:
            self.step(
                rule,
                True,
                f"{asked}; the rules do not allow {kind} to override the postcode.",
            )
            return self.triage(TriageReason.PREFERENCE_NOT_ALLOWED)
        if home is None:
            self.step(
                rule,
                True,
                f"{asked}, but the home council "
                "to consult cannot be told from the partial postcode.",
            )
            return self.triage(TriageReason.PARTIAL_POSTCODE_AMBIGUOUS, with_candidates=True)
        if policy is PreferencePolicy.WITHIN_CLUSTER:
            home_cluster = self.rules.cluster_of(home, self.day)
            if home_cluster is None or home_cluster is not self.rules.cluster_of(
                preferred, self.day
            ):
                where = f"hub: {home_cluster.name}" if home_cluster else "no hub"
                self.step(
                    rule,
                    True,
                    f"{asked}, which is not in "
                    f"the same hub as the home council {self.name(home)} ({where}).",
                )
                return self.triage(TriageReason.PREFERENCE_OUTSIDE_CLUSTER)
        allowed = "anywhere" if policy is PreferencePolicy.ANYWHERE else "within the hub"
        self.step(rule, True, f"{asked}; the rules allow {kind} {allowed}.")
        if sender:
            return preferred, f"{self.name(sender)} transferred it there"
        return preferred, f"the enquirer asked for {wanted}"

    # -- 5 and 6. pause and default ----------------------------------------------------------

    def assign(self, target: str, home: str | None, why: str) -> RoutingDecision:
        if target not in self.rules.authorities:
            self.step(
                "default",
                False,
                f"{self.name(target)} ({target}) has no rule in rules "
                f"version {self.rules.version}.",
            )
            return self.triage(TriageReason.NO_RULE)
        pause = self.rules.pause_of(target, self.day)
        if pause is None:
            self.step("pause", False, f"{self.name(target)} has not paused intake.")
        else:
            fallback = pause.fallback
            usable = fallback in self.rules.authorities and (
                self.rules.pause_of(fallback, self.day) is None
            )
            self.step(
                "pause",
                True,
                f"{self.name(target)} has paused intake ({pause.reason}); "
                f"its referrals go to {self.name(fallback)}"
                + ("." if usable else ", but that council cannot take them either."),
            )
            if not usable:
                return self.triage(TriageReason.FALLBACK_UNUSABLE)
            paused = f"{self.name(target)} has paused intake ({pause.reason})"
            why = f"{why}, and {paused}" if why else paused
            target = fallback
        cluster = self.rules.cluster_of(target, self.day)
        if cluster is None and self.rules.unclustered is UnclusteredRoute.TRIAGE:
            self.step(
                "default",
                False,
                f"{self.name(target)} is in no hub on "
                f"{self.day.isoformat()} and the rules send such enquiries to triage.",
            )
            return self.triage(TriageReason.NO_RULE)
        body = self.rules.delivery_body_of(target, self.day)
        days = (
            cluster.first_contact_working_days
            if cluster
            else self.rules.default_first_contact_working_days
        )
        hub = (
            f"a member of the regional hub {cluster.name}"
            if cluster
            else "in no hub, so it is sent directly"
        )
        delivered = f"; its children's services are run by {body.name}" if body else ""
        self.step("default", True, f"{self.name(target)} is {hub}{delivered}.")
        notice = None
        if home is not None and home != target:
            notice = HomeCouncilNotice(
                self.authority(home), f"the enquiry went to {self.name(target)} because {why}."
            )
            self.step(
                "home_council_notice",
                True,
                f"{self.name(home)} is the home council and "
                "must be consulted (Fostering Services (England) Regulations 2011, "
                "reg 26(1A)(d)).",
            )
        return self.finish(
            DecisionOutcome.ROUTED,
            authority=self.authority(target),
            delivery_body=body.name if body else self.name(target),
            cluster=cluster.name if cluster else None,
            service_level_days=days,
            home_council_notice=notice,
        )
