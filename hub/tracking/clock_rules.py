"""Each journey clock as the regulations, the standards or the council set it: one table.

A clock has a start event, the stage that meets it, a length and a unit, and a ``basis``:
``law`` (the Fostering Services (England) Regulations 2011 as amended 2013), ``national_
minimum_standards`` (the Fostering Services National Minimum Standards 2011: statutory
standards Ofsted inspects against, not regulations), or ``local`` (a council's own promise,
from the rules file: the hub states only what the council confirmed). A ``window`` is a
period the applicant has, not a promise the council keeps: it closes, it is never breached.
docs/journey.md has the same table for readers.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from hub.rules.tracking_policy import ClockTargets
from hub.tracking.models import ClockKind
from hub.tracking.stages import Stage


class TargetBasis(StrEnum):
    LAW = "law"
    NATIONAL_MINIMUM_STANDARDS = "national_minimum_standards"
    LOCAL = "local"


class Unit(StrEnum):
    WORKING_DAYS = "working days"
    DAYS = "days"
    MONTHS = "months"


@dataclass(frozen=True, slots=True)
class ClockRule:
    kind: ClockKind
    started_by: str  # a stage, or "routing" (the referral reaching the council)
    met_by: Stage | None  # None: a window, which nothing meets
    unit: Unit
    basis: TargetBasis
    source: str

    @property
    def is_window(self) -> bool:
        return self.met_by is None


CLOCK_RULES: dict[ClockKind, ClockRule] = {
    ClockKind.FIRST_CONTACT: ClockRule(
        ClockKind.FIRST_CONTACT,
        "routing",
        Stage.FIRST_CONTACT,
        Unit.WORKING_DAYS,
        TargetBasis.LOCAL,
        "The council's own service level (rules file); no national target is published.",
    ),
    ClockKind.INITIAL_VISIT: ClockRule(
        ClockKind.INITIAL_VISIT,
        Stage.FIRST_CONTACT,
        Stage.INITIAL_VISIT,
        Unit.WORKING_DAYS,
        TargetBasis.LOCAL,
        "Local practice (5 to 10 working days are published), not law.",
    ),
    ClockKind.STAGE_ONE: ClockRule(
        ClockKind.STAGE_ONE,
        Stage.STAGE_ONE_CHECKS_RECEIVED,
        Stage.STAGE_ONE,
        Unit.WORKING_DAYS,
        TargetBasis.LOCAL,
        "Local: councils publish a Stage 1 decision within 10 working days of receiving the "
        "checks; the regulations say only 'as soon as reasonably practicable' (reg 26).",
    ),
    ClockKind.PANEL: ClockRule(
        ClockKind.PANEL,
        Stage.APPLICATION,
        Stage.PANEL,
        Unit.MONTHS,
        TargetBasis.NATIONAL_MINIMUM_STANDARDS,
        "National Minimum Standards 2011, 14.4: panel within 8 months of the application.",
    ),
    ClockKind.ADM_DECISION: ClockRule(
        ClockKind.ADM_DECISION,
        Stage.PANEL,
        Stage.ADM_DECISION,
        Unit.WORKING_DAYS,
        TargetBasis.NATIONAL_MINIMUM_STANDARDS,
        "National Minimum Standards 2011, standard 14: the decision maker decides within 7 "
        "working days of receiving the panel's recommendation and final minutes.",
    ),
    ClockKind.OBSERVATIONS: ClockRule(
        ClockKind.OBSERVATIONS,
        Stage.BRIEF_REPORT,
        None,
        Unit.WORKING_DAYS,
        TargetBasis.LAW,
        "Fostering Services (England) Regulations 2011 as amended 2013, reg 26: the applicant "
        "has 10 working days to send observations on a brief report before panel.",
    ),
    ClockKind.REPRESENTATIONS: ClockRule(
        ClockKind.REPRESENTATIONS,
        Stage.REFUSED,
        None,
        Unit.DAYS,
        TargetBasis.LAW,
        "Fostering Services (England) Regulations 2011, reg 27: 28 days from the notice of a "
        "qualifying determination to make representations or apply to the Independent "
        "Review Mechanism.",
    ),
}

# Stages that meet a clock though they are not its own stage nor later progress: the decision
# maker's refusal is the decision the ADM clock waits for.
ALSO_MET_BY: dict[Stage, tuple[ClockKind, ...]] = {Stage.REFUSED: (ClockKind.ADM_DECISION,)}

# The clocks each stage starts.
STARTED_BY: dict[Stage, tuple[ClockKind, ...]] = {
    stage: kinds
    for stage in Stage
    if (kinds := tuple(rule.kind for rule in CLOCK_RULES.values() if rule.started_by == stage))
}


def length_of(kind: ClockKind, targets: ClockTargets) -> int:
    """The clock's length in its unit, from the targets in force for the council."""
    return {
        ClockKind.FIRST_CONTACT: targets.first_contact_working_days,
        ClockKind.INITIAL_VISIT: targets.initial_visit_working_days,
        ClockKind.STAGE_ONE: targets.stage_one_working_days,
        ClockKind.PANEL: targets.panel_months,
        ClockKind.ADM_DECISION: targets.adm_decision_working_days,
        ClockKind.OBSERVATIONS: targets.observations_working_days,
        ClockKind.REPRESENTATIONS: targets.representations_days,
    }[kind]
