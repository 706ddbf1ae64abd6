"""What a recorded stage does to an enquiry's clocks: start, meet, pause, resume or stop them.

Each clock's start, length, unit and basis (law, National Minimum Standards, or the
council's own) are in :mod:`hub.tracking.clock_rules`. First contact starts at routing
(``handover_clocks``, in the transaction that records the decision); the others start at the
stage named there: the Stage 1 decision at ``stage_one_checks_received`` (not at the
application), panel at the application, the decision maker's decision at panel. ``on_hold``
pauses running clocks and ``resumed`` moves their due time on by the time paused;
``withdrawn`` and ``not_progressed`` stop them. A breached clock stays breached; when the
stage comes late, ``met_at`` says when. Windows (a brief report's observations, a refusal's
representations) start with their stage and only close.
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
from hub.tracking.clock_rules import ALSO_MET_BY, CLOCK_RULES, STARTED_BY, Unit, length_of
from hub.tracking.models import ClockKind, ClockState, JourneyClock
from hub.tracking.stages import Stage, position_of

__all__ = ["STARTED_BY", "apply_stage", "clock_view", "due_time", "new_clock", "target_of"]

_OPEN = (ClockState.RUNNING, ClockState.PAUSED)


def target_of(kind: ClockKind, targets: ClockTargets) -> tuple[int, str]:
    """The clock's length and its unit ("working days", "days" or "months")."""
    return length_of(kind, targets), str(CLOCK_RULES[kind].unit)


def due_time(
    kind: ClockKind, started_at: datetime, targets: ClockTargets, calendar: WorkingCalendar
) -> datetime:
    length, unit = target_of(kind, targets)
    if unit == Unit.MONTHS:
        return end_of_day(add_months(local_day(started_at), length))
    if unit == Unit.DAYS:
        return end_of_day(local_day(started_at) + timedelta(days=length))
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
        state=ClockState.WINDOW if CLOCK_RULES[kind].is_window else ClockState.RUNNING,
    )


def apply_stage(
    clocks: Iterable[JourneyClock], stage: Stage, at: datetime, calendar: WorkingCalendar
) -> None:
    """Meet, pause, resume or stop ``clocks`` (the enquiry's) for ``stage`` at ``at``."""
    position = position_of(stage)
    for clock in clocks:
        met_by = CLOCK_RULES[clock.kind].met_by
        if met_by is None:
            continue  # a window: the applicant's time, which no stage ends
        if (position and position >= position_of(met_by)) or clock.kind in ALSO_MET_BY.get(
            stage, ()
        ):
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
    if clock.target.endswith(("months", "month")):
        clock.due_at = clock.due_at + max(at - paused_at, timedelta(0))
    else:
        last_day = local_day(clock.due_at - timedelta(microseconds=1))
        extra = calendar.working_days_between(local_day(paused_at), local_day(at))
        clock.due_at = end_of_day(calendar.add_working_days(last_day, extra))
    clock.state = ClockState.RUNNING
    clock.paused_at = None


def clock_view(clock: JourneyClock, now: datetime) -> dict[str, object]:
    """A clock as the API shows it (``state`` says breached once the due time has passed)."""
    state: str = clock.state
    if state == ClockState.RUNNING and clock.due_at <= now:
        state = ClockState.BREACHED
    if state == ClockState.WINDOW:
        state = "window_open" if now < clock.due_at else "window_closed"
    rule = CLOCK_RULES[clock.kind]
    return {
        "id": clock.id,
        "kind": clock.kind,
        "state": state,
        "target": clock.target,
        "basis": rule.basis,
        "source": rule.source,
        "authority_code": clock.authority_code,
        "started_at": clock.started_at,
        "due_at": clock.due_at,
        "met_at": clock.met_at,
        "on_time": None if clock.met_at is None else clock.met_at < clock.due_at,
        "paused_at": clock.paused_at,
        "stopped_at": clock.stopped_at,
    }
