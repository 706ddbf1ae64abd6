"""Check what a rule set means against the active geography's authorities.

The loader has already checked the shape of the file. This module finds rules that cannot all
be true together: codes that are not children's services authorities, an authority in two
clusters (or two delivery bodies) on the same day, overrides whose areas overlap on the same
day, a pause whose fallback is itself paused, and authorities with no rule at all. It is pure:
the known authorities travel inside the :class:`RuleSet`.
"""

from __future__ import annotations

from collections.abc import Iterator

from hub.rules.model import RuleSet, UnclusteredRoute, Validity
from hub.rules.postcodes import parse_area
from hub.rules.problems import Problem


def check_rule_set(rules: RuleSet) -> list[Problem]:
    """Every problem with the meaning of ``rules``, sorted by line."""
    checker = _Checker(rules)
    checker.run()
    return sorted(set(checker.problems))


class _Checker:
    def __init__(self, rules: RuleSet) -> None:
        self.rules = rules
        self.problems: list[Problem] = []

    def error(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.rules.source, line, message))

    def name(self, code: str) -> str:
        known = self.rules.authorities.get(code)
        return f"{code} ({known})" if known else code

    def known(self, code: str, line: int, where: str) -> bool:
        if code in self.rules.authorities:
            return True
        self.error(
            line,
            f"unknown authority code {code!r} in {where}: not a children's services "
            "authority in the active geography",
        )
        return False

    def run(self) -> None:
        self.check_codes()
        self.check_clusters()
        self.check_memberships()
        self.check_delivery_bodies()
        self.check_overrides()
        self.check_pauses()
        self.check_coverage()
        self.check_tracking_councils()

    def check_codes(self) -> None:
        for cluster in self.rules.clusters:
            self.known(cluster.lead, cluster.line, f"the lead of cluster {cluster.name!r}")
            for member in cluster.members:
                self.known(member.authority, member.line, f"the members of {cluster.name!r}")
            route = cluster.connected_persons
            if route is not None:
                where = f"the connected_persons send_to of {cluster.name!r}"
                self.known(route.send_to, route.line, where)
        for body in self.rules.delivery_bodies:
            for code in body.authorities:
                self.known(code, body.line, f"delivery body {body.name!r}")
        for override in self.rules.overrides:
            self.known(override.authority, override.line, f"the override for {override.postcode}")
        for pause in self.rules.pauses:
            self.known(pause.authority, pause.line, "a pause")
            self.known(pause.fallback, pause.line, "a pause fallback")

    def check_clusters(self) -> None:
        seen: dict[str, int] = {}
        for cluster in self.rules.clusters:
            if cluster.name in seen:
                self.error(
                    cluster.line,
                    f"cluster name {cluster.name!r} is used twice (first at line "
                    f"{seen[cluster.name]})",
                )
            seen.setdefault(cluster.name, cluster.line)
            if not cluster.members:
                self.error(cluster.line, f"cluster {cluster.name!r} has no members")
            elif all(member.authority != cluster.lead for member in cluster.members):
                self.error(
                    cluster.line,
                    f"the lead {self.name(cluster.lead)} of cluster {cluster.name!r} "
                    "is not one of its members",
                )

    def check_memberships(self) -> None:
        spans = [
            (
                member.authority,
                cluster.validity.intersect(member.validity),
                member.line,
                cluster.name,
            )
            for cluster in self.rules.clusters
            for member in cluster.members
        ]
        for first, second in _pairs(spans):
            code, span, _, cluster = first
            other_code, other_span, line, other_cluster = second
            if code == other_code and span.overlaps(other_span):
                both = span.intersect(other_span).describe()
                where = (
                    f"twice in cluster {cluster!r}"
                    if cluster == other_cluster
                    else f"in clusters {cluster!r} (line {first[2]}) and {other_cluster!r}"
                )
                self.error(line, f"{self.name(code)} is {where} at overlapping times ({both})")

    def check_delivery_bodies(self) -> None:
        spans = [
            (code, body.validity, body.line, body.name)
            for body in self.rules.delivery_bodies
            for code in body.authorities
        ]
        for first, second in _pairs(spans):
            if first[0] == second[0] and first[1].overlaps(second[1]):
                self.error(
                    second[2],
                    f"{self.name(first[0])} has two delivery bodies at overlapping times: "
                    f"{first[3]!r} (line {first[2]}) and {second[3]!r}",
                )

    def check_overrides(self) -> None:
        overrides = self.rules.overrides
        for index, first in enumerate(overrides):
            for second in overrides[index + 1 :]:
                first_area, second_area = parse_area(first.postcode), parse_area(second.postcode)
                if first_area is None or second_area is None:
                    continue
                if first_area.overlaps(second_area) and first.validity.overlaps(second.validity):
                    both = first.validity.intersect(second.validity).describe()
                    self.error(
                        second.line,
                        f"override for {second.postcode} overlaps the override for "
                        f"{first.postcode} (line {first.line}) ({both}): "
                        "a postcode must match at most one override on any day",
                    )

    def check_pauses(self) -> None:
        pauses = self.rules.pauses
        for index, pause in enumerate(pauses):
            if pause.fallback == pause.authority:
                self.error(
                    pause.line, f"the pause of {self.name(pause.authority)} falls back to itself"
                )
            for earlier in pauses[:index]:
                if earlier.authority == pause.authority and earlier.validity.overlaps(
                    pause.validity
                ):
                    self.error(
                        pause.line,
                        f"{self.name(pause.authority)} is paused twice at overlapping times "
                        f"(first at line {earlier.line})",
                    )
            for other in pauses:
                if other is pause or other.authority != pause.fallback:
                    continue
                if other.authority == pause.authority:
                    continue
                if other.validity.overlaps(pause.validity):
                    both = other.validity.intersect(pause.validity).describe()
                    self.error(
                        pause.line,
                        f"the pause of {self.name(pause.authority)} falls back to "
                        f"{self.name(pause.fallback)}, which is itself paused ({both}, "
                        f"line {other.line})",
                    )

    def check_coverage(self) -> None:
        if self.rules.unclustered is UnclusteredRoute.AUTHORITY:
            return
        clustered = {m.authority for c in self.rules.clusters for m in c.members}
        line = self.rules.key_lines.get("unclustered", 0)
        for code in sorted(set(self.rules.authorities) - clustered):
            self.error(
                line,
                f"no rule for {self.name(code)}: it is in no cluster and unclustered is "
                "'triage', so its enquiries would never be routed",
            )

    def check_tracking_councils(self) -> None:
        seen: dict[str, int] = {}
        for council in self.rules.tracking.councils:
            self.known(council.authority, council.line, "tracking.councils")
            if council.authority in seen:
                self.error(
                    council.line,
                    f"{self.name(council.authority)} is listed twice in tracking.councils "
                    f"(first at line {seen[council.authority]})",
                )
            seen.setdefault(council.authority, council.line)


Span = tuple[str, Validity, int, str]


def _pairs(spans: list[Span]) -> Iterator[tuple[Span, Span]]:
    """Each unordered pair once, the later-written one second (it gets the error)."""
    ordered = sorted(spans, key=lambda span: span[2])
    for index, first in enumerate(ordered):
        for second in ordered[index + 1 :]:
            yield first, second
