"""The clock sweep (beat): a safety net for time passing, and for handovers it missed.

First-contact clocks start when a referral is routed, in the transaction that records the
decision (``record_routing`` calls :func:`hub.tracking.handover_clocks.apply_handover`). The
sweep reads the routing decisions made since its last run (an index range on ``decided_at``,
with a grace period for transactions that committed late; the very first run reads the last
month) and applies each again, which changes nothing for a decision already applied: it
starts only the clocks of decisions recorded before the event path existed. Its real work is
time passing: every running clock past its due time becomes ``breached`` and
``clock.breached`` goes to the council and to operators, in the same transaction: once per
clock, however often the sweep runs. Both steps read indexes only (``bench/tracking.py``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.delivery.events import EventType, emit_event
from hub.delivery.links import api_path
from hub.enquiries.models import Enquiry
from hub.platform.db import Database
from hub.platform.models import utcnow
from hub.referrals.models import RoutingDecisionRecord
from hub.rules import RuleSet, get_active_rules
from hub.tracking.handover_clocks import hand_over
from hub.tracking.models import ClockKind, ClockState, Journey, JourneyClock
from hub.tracking.queries import get_mark, set_mark

FIRST_CONTACT_MARK = "first_contact_clocks"
# Decisions are stamped when their transaction starts; read back this far to catch late commits.
GRACE = timedelta(minutes=10)
FIRST_RUN_LOOKBACK = timedelta(days=31)


@dataclass(frozen=True, slots=True)
class ClockSweepResult:
    opened: int = 0
    stopped: int = 0
    breached: int = 0


def sweep_clocks(
    db: Database, now: datetime | None = None, *, rules: RuleSet | None = None, batch: int = 500
) -> ClockSweepResult:
    """Apply new decisions to first-contact clocks (idempotent with ``record_routing``),
    then mark and announce breaches."""
    now = now or utcnow()
    rules = rules or get_active_rules()
    with db.transaction() as session:
        opened, stopped = start_first_contact_clocks(session, now, rules)
    breached = 0
    while True:
        with db.transaction() as session:
            count = mark_breaches(session, now, batch)
        breached += count
        if count < batch:
            break
    return ClockSweepResult(opened, stopped, breached)


def start_first_contact_clocks(session: Session, now: datetime, rules: RuleSet) -> tuple[int, int]:
    """Apply the decisions made since the last sweep: three queries, however many there are
    (the decisions; the first-contact clocks and the first contacts of their enquiries)."""
    mark = get_mark(session, FIRST_CONTACT_MARK)
    # The first run starts from decisions of the last month, not from the hub's whole history.
    since = mark - GRACE if mark is not None else now - FIRST_RUN_LOOKBACK
    window = (RoutingDecisionRecord.decided_at > since, RoutingDecisionRecord.decided_at <= now)
    decisions = session.execute(
        select(
            RoutingDecisionRecord.enquiry_id,
            RoutingDecisionRecord.decided_at,
            RoutingDecisionRecord.outcome,
            RoutingDecisionRecord.authority_code,
            RoutingDecisionRecord.cluster,
        )
        .where(*window)
        .order_by(RoutingDecisionRecord.decided_at, RoutingDecisionRecord.id)
    ).all()
    opened = stopped = 0
    if decisions:
        # The window's enquiries as a subquery, not a list of ids: one statement whatever
        # their number, on both databases.
        enquiries = select(RoutingDecisionRecord.enquiry_id).where(*window).scalar_subquery()
        clocks: dict[int, list[JourneyClock]] = defaultdict(list)
        for clock in session.scalars(
            select(JourneyClock)
            .where(
                JourneyClock.enquiry_id.in_(enquiries),
                JourneyClock.kind == ClockKind.FIRST_CONTACT,
            )
            .order_by(JourneyClock.id)
        ):
            clocks[clock.enquiry_id].append(clock)
        contacts: dict[int, datetime | None] = {
            enquiry_id: contact_at
            for enquiry_id, contact_at in session.execute(
                select(Journey.enquiry_id, Journey.first_contact_at).where(
                    Journey.enquiry_id.in_(enquiries)
                )
            )
        }
        for enquiry_id, decided_at, outcome, authority_code, cluster in decisions:
            started, ended = hand_over(
                session,
                clocks[enquiry_id],
                partial(contacts.get, enquiry_id),
                enquiry_id,
                decided_at,
                outcome,
                authority_code=authority_code,
                cluster=cluster,
                rules=rules,
            )
            opened += started
            stopped += ended
    set_mark(session, FIRST_CONTACT_MARK, now)
    return opened, stopped


def mark_breaches(session: Session, now: datetime, batch: int) -> int:
    """Breach up to ``batch`` running clocks past due, announcing each once."""
    # Two index reads (the partial index on running clocks' due time, then the enquiries by
    # primary key) rather than one join the planner may answer with a scan of enquiries.
    clocks = session.scalars(
        select(JourneyClock)
        .where(JourneyClock.state == ClockState.RUNNING, JourneyClock.due_at <= now)
        .order_by(JourneyClock.due_at)
        .limit(batch)
        .with_for_update(skip_locked=True)
    ).all()
    holders = (
        {
            enquiry_id: (reference, holder)
            for enquiry_id, reference, holder in session.execute(
                select(Enquiry.id, Enquiry.reference, Enquiry.authority_code).where(
                    Enquiry.id.in_(sorted({clock.enquiry_id for clock in clocks}))
                )
            )
        }
        if clocks
        else {}
    )
    for clock in clocks:
        reference, holder = holders[clock.enquiry_id]
        clock.state = ClockState.BREACHED
        clock.breached_at = clock.due_at
        clock.breach_notified_at = now
        # To the council holding the referral and to the operators: one event key, so each
        # subscriber gets it once however often the sweep runs.
        for to_operators in (False, True):
            emit_event(
                session,
                EventType.CLOCK_BREACHED,
                event_key=f"clock.breached:{clock.id}",
                reference=reference,
                authority_code=holder or clock.authority_code,
                to_operators=to_operators,
                url_path=(
                    api_path("ops_tracking.clocks", state=ClockState.BREACHED)
                    if to_operators
                    else api_path("council_tracking.journey", reference=reference)
                ),
            )
    return len(clocks)
