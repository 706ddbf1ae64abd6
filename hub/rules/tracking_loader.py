"""Reading the ``tracking`` section of a rules file (a mixin of the loader's reader).

Shape problems are reported with their line, like the rest of the file; the meaning (known
authority codes, a council listed twice) is checked by :mod:`hub.rules.checker`.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import replace
from datetime import date
from typing import Protocol

from yaml.nodes import Node, ScalarNode, SequenceNode

from hub.rules.tracking_policy import (
    ClockTargets,
    CouncilTracking,
    FollowUpPolicy,
    NoResponsePolicy,
    RetentionPeriods,
    TrackingPolicy,
)

CLOCK_KEYS = frozenset(
    {
        "initial_visit_working_days",
        "stage_one_working_days",
        "stage_one_task_working_days",
        "panel_months",
    }
)
# What a council may set for itself: its own local promises, never a statutory period.
COUNCIL_CLOCK_KEYS = frozenset(
    {"initial_visit_working_days", "stage_one_working_days", "stage_one_task_working_days"}
)
_FOLLOW_UP_DAYS = ("stalled_enquiry_working_days", "exit_conversation_working_days")
_FOLLOW_UP_MONTHS = ("re_engagement_months", "retention_check_in_months")
_NO_RESPONSE_KEYS = ("attempts", "working_days")
_RETENTION_KEYS = frozenset({"no_application_years", "withdrawn_years", "approved_years"})


class _Reader(Protocol):
    def error(self, node: Node | None, message: str) -> None: ...

    def mapping(
        self, node: Node, what: str, *, required: AbstractSet[str], optional: AbstractSet[str]
    ) -> dict[str, Node] | None: ...

    def integer(self, node: Node | None, what: str) -> int | None: ...

    def string(self, node: Node | None, what: str) -> str | None: ...

    def day(self, node: Node, what: str) -> date | None: ...


class TrackingReader:
    """Reads ``tracking:`` into a :class:`TrackingPolicy` (mixed into the loader's reader)."""

    def tracking(self: _Reader, node: Node | None) -> TrackingPolicy:
        if node is None or (isinstance(node, ScalarNode) and node.tag.endswith(":null")):
            return TrackingPolicy()
        fields = self.mapping(
            node,
            "tracking",
            required=set(),
            optional={"clocks", "follow_ups", "retention", "councils", "no_response"},
        )
        if fields is None:
            return TrackingPolicy()
        clocks = ClockTargets()
        if "clocks" in fields:
            clocks = TrackingReader.clock_targets(self, fields["clocks"], clocks, "tracking.clocks")
        follow_ups = FollowUpPolicy()
        if "follow_ups" in fields:
            follow_ups = TrackingReader.follow_up_policy(self, fields["follow_ups"])
        retention = RetentionPeriods()
        if "retention" in fields:
            retention = TrackingReader.retention(self, fields["retention"], retention)
        councils: tuple[CouncilTracking, ...] = ()
        if "councils" in fields:
            councils = TrackingReader.councils(self, fields["councils"], retention)
        no_response = NoResponsePolicy()
        if "no_response" in fields:
            no_response = TrackingReader.no_response(self, fields["no_response"])
        return TrackingPolicy(clocks, follow_ups, retention, councils, no_response)

    def no_response(self: _Reader, node: Node) -> NoResponsePolicy:
        fields = self.mapping(
            node, "tracking.no_response", required=set(), optional=set(_NO_RESPONSE_KEYS)
        )
        if fields is None:
            return NoResponsePolicy()
        return replace(
            NoResponsePolicy(), **TrackingReader.positives(self, fields, _NO_RESPONSE_KEYS)
        )

    def clock_targets(self: _Reader, node: Node, defaults: ClockTargets, what: str) -> ClockTargets:
        fields = self.mapping(node, what, required=set(), optional=CLOCK_KEYS)
        if fields is None:
            return defaults
        return TrackingReader.clock_values(self, fields, defaults)

    def clock_values(
        self: _Reader, fields: dict[str, Node], defaults: ClockTargets
    ) -> ClockTargets:
        """``defaults`` with whichever clock keys ``fields`` sets (each at least 1)."""
        return replace(defaults, **TrackingReader.positives(self, fields, sorted(CLOCK_KEYS)))

    def follow_up_policy(self: _Reader, node: Node) -> FollowUpPolicy:
        fields = self.mapping(
            node,
            "tracking.follow_ups",
            required=set(),
            optional={*_FOLLOW_UP_DAYS, *_FOLLOW_UP_MONTHS, "on_time_working_days"},
        )
        policy = FollowUpPolicy()
        if fields is None:
            return policy
        changes: dict[str, object] = dict(TrackingReader.positives(self, fields, _FOLLOW_UP_DAYS))
        if "on_time_working_days" in fields:
            value = self.integer(fields["on_time_working_days"], "on_time_working_days")
            if value is not None:
                changes["on_time_working_days"] = value
        for key in _FOLLOW_UP_MONTHS:
            if key in fields:
                months = TrackingReader.month_list(self, fields[key], key)
                if months is not None:
                    changes[key] = months
        return replace(policy, **changes)  # type: ignore[arg-type]

    def month_list(self: _Reader, node: Node, what: str) -> tuple[int, ...] | None:
        if not isinstance(node, SequenceNode) or not node.value:
            self.error(node, f"{what} must be a list of months, such as [3, 12]")
            return None
        months = [TrackingReader.positive(self, child, what) for child in node.value]
        if any(month is None for month in months):
            return None
        found = tuple(month for month in months if month is not None)
        if list(found) != sorted(set(found)):
            self.error(node, f"{what} must list each month once, in increasing order")
            return None
        return found

    def retention(
        self: _Reader, node: Node, defaults: RetentionPeriods, what: str = "tracking.retention"
    ) -> RetentionPeriods:
        fields = self.mapping(node, what, required=set(), optional=_RETENTION_KEYS)
        if fields is None:
            return defaults
        return replace(defaults, **TrackingReader.positives(self, fields, sorted(_RETENTION_KEYS)))

    def councils(
        self: _Reader, node: Node, retention: RetentionPeriods
    ) -> tuple[CouncilTracking, ...]:
        if not isinstance(node, SequenceNode):
            self.error(node, "tracking.councils must be a list")
            return ()
        found: list[CouncilTracking] = []
        for child in node.value:
            fields = self.mapping(
                child,
                "a council in tracking.councils",
                required={"authority"},
                optional={"closure_days", "retention", "clocks"},
            )
            if fields is None:
                continue
            code = self.string(fields.get("authority"), "council authority")
            days: set[date] = set()
            closures = fields.get("closure_days")
            if closures is not None:
                if not isinstance(closures, SequenceNode):
                    self.error(closures, "closure_days must be a list of dates (YYYY-MM-DD)")
                else:
                    for item in closures.value:
                        day = self.day(item, "a closure day")
                        if day is not None:
                            days.add(day)
            own = None
            if "retention" in fields:
                own = TrackingReader.retention(
                    self, fields["retention"], retention, "a council's retention"
                )
            clocks: tuple[tuple[str, int], ...] = ()
            if "clocks" in fields:
                own_clocks = self.mapping(
                    fields["clocks"],
                    "a council's clocks",
                    required=set(),
                    optional=COUNCIL_CLOCK_KEYS,
                )
                if own_clocks is not None:
                    values = TrackingReader.positives(self, own_clocks, sorted(COUNCIL_CLOCK_KEYS))
                    clocks = tuple(sorted(values.items()))
            if code is not None:
                line = child.start_mark.line + 1
                found.append(CouncilTracking(code, frozenset(days), own, clocks, line=line))
        return tuple(found)

    def positive(self: _Reader, node: Node, what: str) -> int | None:
        value = self.integer(node, what)
        if value == 0:
            self.error(node, f"{what} must be at least 1")
            return None
        return value

    def positives(self: _Reader, fields: dict[str, Node], keys: Iterable[str]) -> dict[str, int]:
        """Those of ``keys`` that ``fields`` sets, each at least 1 (checked in the order of
        ``keys``; a key in error is left out)."""
        found: dict[str, int] = {}
        for key in (key for key in keys if key in fields):
            value = TrackingReader.positive(self, fields[key], key)
            if value is not None:
                found[key] = value
        return found
