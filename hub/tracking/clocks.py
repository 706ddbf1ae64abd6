"""What a recorded stage does to an enquiry's clocks: start, meet, pause, resume or stop them.

Targets (rules file, per cluster with a default): first contact within N working days of
routing (started by ``handover_clocks`` in the transaction that records the decision),
initial visit within 10 working days of first contact, a stage one decision within 10
working days of the application, panel within 8 months of the application. ``on_hold``
pauses running clocks and ``resumed`` moves their due time on by the time paused;
``withdrawn`` and ``not_progressed`` stop them. A breached clock stays breached; when the
stage comes late, ``met_at`` says when.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from hub.rules.tracking_policy import ClockTargets
from hub.tracking.calendar import (
    WorkingCalendar,
    add_months,
    end_of_day,
    local_day,
)
from hub.tracking.models import ClockKind, ClockState, JourneyClock
from hub.tracking.stages import Stage, position_of

# The stage that meets each clock (any later progress stage meets it too).
MET_BY: dict[ClockKind, Stage] = {
    ClockKind.FIRST_CONTACT: Stage.FIRST_CONTACT,
    ClockKind.INITIAL_VISIT: Stage.INITIAL_VISIT,
    ClockKind.STAGE_ONE: Stage.STAGE_ONE,
    ClockKind.PANEL: Stage.PANEL,
}
# The clocks each stage starts.
STARTED_BY: dict[Stage, tuple[ClockKind, ...]] = {
    Stage.FIRST_CONTACT: (ClockKind.INITIAL_VISIT,),
    Stage.APPLICATION: (ClockKind.STAGE_ONE, ClockKind.PANEL),
}
_OPEN = (ClockState.RUNNING, ClockState.PAUSED)


def target_of(kind: ClockKind, targets: ClockTargets) -> tuple[int, str]:
    """The clock's length and its unit ("working days" or "months")."""
    if kind is ClockKind.FIRST_CONTACT:
        return targets.first_contact_working_days, "working days"
    if kind is ClockKind.INITIAL_VISIT:
        return targets.initial_visit_working_days, "working days"
    if kind is ClockKind.STAGE_ONE:
        return targets.stage_one_working_days, "working days"
    return targets.panel_months, "months"


def due_time(
    kind: ClockKind, started_at: datetime, targets: ClockTargets, calendar: WorkingCalendar
) -> datetime:
    length, unit = target_of(kind, targets)
    if unit == "months":
        return end_of_day(add_months(local_day(started_at), length))
    return calendar.deadline(started_at, length)


def new_clock(
    enquiry_id: int,
    kind: ClockKind,
    started_at: datetime,
    *,
    authority_code: str | None,
    cluster: str | None,
    targets: ClockTargets,
    calendar: WorkingCalendar,
) -> JourneyClock:
    length, unit = target_of(kind, targets)
    return JourneyClock(
        enquiry_id=enquiry_id,
        kind=kind,
        authority_code=authority_code,
        cluster=cluster,
        target=f"{length} {unit if length != 1 else unit.removesuffix('s')}",
        started_at=started_at,
        due_at=due_time(kind, started_at, targets, calendar),
        state=ClockState.RUNNING,
    )


def apply_stage(
    clocks: Iterable[JourneyClock], stage: Stage, at: datetime, calendar: WorkingCalendar
) -> None:
    """Meet, pause, resume or stop ``clocks`` (the enquiry's) for ``stage`` at ``at``."""
    position = position_of(stage)
    for clock in clocks:
        if position and position >= position_of(MET_BY[clock.kind]):
            if clock.met_at is None and clock.state != ClockState.STOPPED:
                clock.met_at = at
                if clock.state in _OPEN and at >= clock.due_at:
                    # Met, but late: it breached before the sweep noticed.
                    clock.state = ClockState.BREACHED
                    clock.breached_at = clock.due_at
                elif clock.state in _OPEN:
                    clock.state = ClockState.MET
        elif stage in (Stage.WITHDRAWN, Stage.NOT_PROGRESSED) and clock.state in _OPEN:
            clock.state = ClockState.STOPPED
            clock.stopped_at = at
        elif stage is Stage.ON_HOLD and clock.state == ClockState.RUNNING:
            clock.state = ClockState.PAUSED
            clock.paused_at = at
        elif stage is Stage.RESUMED and clock.state == ClockState.PAUSED:
            resume(clock, at, calendar)


def resume(clock: JourneyClock, at: datetime, calendar: WorkingCalendar) -> None:
    """Restart a paused clock, its due time moved on by the time it was paused."""
    paused_at = clock.paused_at or at
    if clock.target.endswith("months"):
        clock.due_at = clock.due_at + max(at - paused_at, timedelta(0))
    else:
        last_day = local_day(clock.due_at - timedelta(microseconds=1))
        extra = calendar.working_days_between(local_day(paused_at), local_day(at))
        clock.due_at = end_of_day(calendar.add_working_days(last_day, extra))
    clock.state = ClockState.RUNNING
    clock.paused_at = None


def clock_view(clock: JourneyClock, now: datetime) -> dict[str, object]:
    """A clock as the API shows it (``state`` says breached once the due time has passed)."""
    state = clock.state
    if state == ClockState.RUNNING and clock.due_at <= now:
        state = ClockState.BREACHED
    return {
        "id": clock.id,
        "kind": clock.kind,
        "state": state,
        "target": clock.target,
        "authority_code": clock.authority_code,
        "started_at": clock.started_at,
        "due_at": clock.due_at,
        "met_at": clock.met_at,
        "on_time": None if clock.met_at is None else clock.met_at < clock.due_at,
        "paused_at": clock.paused_at,
        "stopped_at": clock.stopped_at,
    }
