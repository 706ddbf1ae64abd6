"""What the rules file says about tracking: clock targets, follow-ups, closure days, retention.

Pure data, read by :mod:`hub.rules.loader` from the optional ``tracking`` section (and the
optional clock keys of a cluster), checked by :mod:`hub.rules.checker`, used by the tracking
room. Every value has a default, so a rules file without a ``tracking`` section stays valid.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class FollowUpOwner(StrEnum):
    COUNCIL = "council"
    HUB = "hub"


@dataclass(frozen=True, slots=True)
class ClockTargets:
    """How long each promise may take: working days, except the panel (calendar months).

    The first four and the last are read from the rules file (a cluster, or a council in
    ``tracking.councils``, may set its own). The three before the last are the law's or the
    National Minimum Standards', the same for every council, so the rules file cannot change
    them; their sources are in ``hub/tracking/clock_rules.py`` and docs/journey.md.
    """

    first_contact_working_days: int = 1  # local: the council's own promise
    initial_visit_working_days: int = 10  # local
    # Local: some councils publish 10 working days from receipt of the Stage 1 checks.
    stage_one_working_days: int = 10
    panel_months: int = 8  # NMS 14.4: panel within 8 months of the application
    adm_decision_working_days: int = 7  # NMS 14: decision within 7 working days of the minutes
    observations_working_days: int = 10  # brief report: the applicant's observations (reg 26)
    representations_days: int = 28  # qualifying determination: representations or IRM (reg 27)
    # Local: the hub's own starting default for a Stage 1 task (the home council's views, a
    # previous provider's reference) to come back after the application; not a published
    # figure and not law (reg 26 says only "as soon as reasonably practicable").
    stage_one_task_working_days: int = 20


@dataclass(frozen=True, slots=True)
class FollowUpPolicy:
    """When the follow-ups fall due (see ``hub/tracking/follow_up_plan.py``)."""

    stalled_enquiry_working_days: int = 10
    re_engagement_months: tuple[int, ...] = (3, 12)
    retention_check_in_months: tuple[int, ...] = (1, 3, 6, 12)
    exit_conversation_working_days: int = 10
    # A follow-up is done on time when done by its due day plus this many working days.
    on_time_working_days: int = 5


@dataclass(frozen=True, slots=True)
class NoResponsePolicy:
    """What closing an enquiry as "no response" needs (``hub/casework/no_response_rule.py``).

    Council practice, not law: Cambridgeshire publishes "at least two contact attempts before
    closing" with the team manager's agreement (docs/council-onboarding.md, "Closing as no
    response").
    """

    attempts: int = 2  # unanswered contact attempts at least
    working_days: int = 2  # on at least this many different working days


@dataclass(frozen=True, slots=True)
class RetentionPeriods:
    """Years personal data is kept, by how the journey ended."""

    no_application_years: int = 3  # after the last activity
    withdrawn_years: int = 3  # withdrawn or refused application, after the last activity
    approved_years: int = 10  # approved carer, after deregistration


@dataclass(frozen=True, slots=True)
class CouncilTracking:
    """One council's own closure days and retention periods."""

    authority: str
    closure_days: frozenset[date] = frozenset()
    retention: RetentionPeriods | None = None
    # The council's own local clock targets (``clocks:``), over its cluster's: (key, value).
    clocks: tuple[tuple[str, int], ...] = ()
    line: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class TrackingPolicy:
    """The ``tracking`` section of the rules file."""

    clocks: ClockTargets = field(default_factory=ClockTargets)
    follow_ups: FollowUpPolicy = field(default_factory=FollowUpPolicy)
    retention: RetentionPeriods = field(default_factory=RetentionPeriods)
    councils: tuple[CouncilTracking, ...] = ()
    no_response: NoResponsePolicy = field(default_factory=NoResponsePolicy)

    def council(self, authority: str | None) -> CouncilTracking | None:
        for council in self.councils:
            if council.authority == authority:
                return council
        return None

    def closure_days_of(self, authority: str | None) -> frozenset[date]:
        council = self.council(authority)
        return council.closure_days if council is not None else frozenset()

    def retention_for(self, authority: str | None) -> RetentionPeriods:
        council = self.council(authority)
        if council is not None and council.retention is not None:
            return council.retention
        return self.retention
