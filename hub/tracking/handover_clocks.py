"""What a handover does to an enquiry's first-contact clocks: stop the last holder's, start
the new holder's.

``record_routing`` (the referrals room) calls :func:`apply_handover` in the transaction that
records a decision, so a referral has its running clock the moment it is routed; the clock
sweep calls it again for every decision it reads, as a safety net. Both are idempotent: a
clock is keyed by (enquiry, kind, started_at) and starts at the decision's ``decided_at``, so
a decision that has its clock already opens nothing. This module imports nothing of the
referrals room (an import-linter contract): the referrals room may call it, although the
tracking room as a whole sits above referrals.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.enquiries.models import EnquiryStatus
from hub.rules import RuleSet
from hub.tracking.calendar import local_day
from hub.tracking.clocks import new_clock
from hub.tracking.models import ClockKind, ClockState, Journey, JourneyClock
from hub.tracking.policy import calendar_for

_OPEN = (ClockState.RUNNING, ClockState.PAUSED)


def apply_handover(
    session: Session,
    enquiry_id: int,
    decided_at: datetime,
    outcome: str,
    *,
    authority_code: str | None,
    cluster: str | None,
    rules: RuleSet,
) -> tuple[int, int]:
    """Apply one routing decision to the enquiry's first-contact clocks: (opened, stopped).

    Reads the enquiry's clocks (and, when a clock may start, its journey) itself; the clock
    sweep, which applies many decisions at once, reads them for all in a few queries and calls
    :func:`hand_over`.
    """
    clocks = list(
        session.scalars(
            select(JourneyClock).where(
                JourneyClock.enquiry_id == enquiry_id,
                JourneyClock.kind == ClockKind.FIRST_CONTACT,
            )
        )
    )

    def first_contact_at() -> datetime | None:
        journey = session.get(Journey, enquiry_id)
        return journey.first_contact_at if journey is not None else None

    return hand_over(
        session,
        clocks,
        first_contact_at,
        enquiry_id,
        decided_at,
        outcome,
        authority_code=authority_code,
        cluster=cluster,
        rules=rules,
    )


def hand_over(
    session: Session,
    clocks: list[JourneyClock],
    first_contact_at: Callable[[], datetime | None],
    enquiry_id: int,
    decided_at: datetime,
    outcome: str,
    *,
    authority_code: str | None,
    cluster: str | None,
    rules: RuleSet,
) -> tuple[int, int]:
    """Apply one routing decision to ``clocks`` (the enquiry's first-contact clocks, to which a
    clock it starts is appended): (opened, stopped).

    An open clock started before the decision stops at ``decided_at`` (a transfer or a return
    takes the referral from its holder). A decision that routes starts a clock for the new
    holder, unless first contact was made before it (``first_contact_at``, asked only then:
    the journey carries on with the new council) or the decision has its clock already.
    """
    stopped = 0
    for clock in clocks:
        if clock.started_at < decided_at and clock.state in _OPEN:
            clock.state = ClockState.STOPPED
            clock.stopped_at = decided_at
            stopped += 1
    if outcome != EnquiryStatus.ROUTED or any(c.started_at == decided_at for c in clocks):
        return 0, stopped
    contact_at = first_contact_at()
    if contact_at is not None and contact_at < decided_at:
        return 0, stopped  # contact was made before this handover: the journey carries on
    clock = new_clock(
        enquiry_id,
        ClockKind.FIRST_CONTACT,
        decided_at,
        authority_code=authority_code,
        cluster=cluster,
        targets=rules.clock_targets_for(authority_code, local_day(decided_at)),
        calendar=calendar_for(rules, authority_code),
    )
    if contact_at is not None:
        # First contact was recorded before the clock opened (only the sweep meets this: it
        # opens the clocks of decisions recorded before the event path existed).
        clock.met_at = contact_at
        late = clock.met_at >= clock.due_at
        clock.state = ClockState.BREACHED if late else ClockState.MET
        clock.breached_at = clock.due_at if late else None
    session.add(clock)
    clocks.append(clock)
    return 1, stopped
