"""The one place a referral changes hands: the router, a transfer, a manual route, a return.

``record_routing`` moves the enquiry through its own state machine and writes, in the
caller's transaction, the decision (with its trace), the journey event, the audit rows and the
outbox messages the change needs. Whatever must follow a handover (a signed webhook to the
receiving council, a notice to the home council, the enquirer's confirmation e-mail at the
first decision) is added here, once. The first-contact clocks change here too, in the same
transaction (``hub.tracking.handover_clocks``: the last holder's stops, the new holder's
starts), so a council never sees a routed referral without its clock.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from hub.access.caller import RequestContext
from hub.audit.models import AuditAction, AuditOutcome
from hub.audit.record import add_audit_event
from hub.changes.record import Change, ChangeKind, record_changes
from hub.councils.not_ready import note_not_ready_referral
from hub.delivery.confirmation import emit_confirmation, emit_transfer_notice
from hub.delivery.events import EventType, emit_event
from hub.delivery.links import api_path
from hub.enquiries.journey import JourneyEvent, JourneyEventName
from hub.enquiries.models import Enquiry, EnquiryStatus
from hub.geo import find_authority_name
from hub.referrals.models import RoutingDecisionRecord
from hub.referrals.read_enquirer_outcome import PROMISE_KEY, outcome_of, read_council_promise
from hub.rules import DecisionOutcome, RoutingDecision, get_active_rules
from hub.tracking.handover_clocks import apply_handover


@dataclass(frozen=True, slots=True)
class Handover:
    """Why a referral changes hands, and how the change is named in the journey and audit.

    ``audit`` lists one (action, visible_to) per audit row: a transfer writes one row for the
    sender and one the receiver can see. ``detail`` holds codes only (it is not encrypted).
    ``transferred_from`` is the council that gave the referral away (transfers only).
    """

    reason_code: str
    event: JourneyEventName
    audit: Sequence[tuple[AuditAction, str | None]]
    detail: Mapping[str, Any] = field(default_factory=dict)
    transferred_from: str | None = None


def record_routing(
    session: Session,
    ctx: RequestContext,
    enquiry: Enquiry,
    decision: RoutingDecision,
    handover: Handover,
) -> RoutingDecisionRecord:
    """Apply ``decision`` to ``enquiry`` and record it; raises InvalidTransitionError."""
    previous = enquiry.authority_code
    first_decision = enquiry.status == EnquiryStatus.RECEIVED
    enquiry.move_to(EnquiryStatus(decision.outcome), ctx.now)
    if decision.outcome is DecisionOutcome.ROUTED:
        assert decision.authority is not None
        enquiry.authority_code = decision.authority.code
        enquiry.authority_name = decision.authority.name
        enquiry.delivery_body = decision.delivery_body
        enquiry.cluster = decision.cluster
    else:
        enquiry.authority_code = None
        enquiry.authority_name = None
        enquiry.delivery_body = None
        enquiry.cluster = None
    # A new holder's first-contact clock starts again.
    enquiry.acknowledged_at = None
    notice = decision.home_council_notice
    detail = decision.to_dict()
    promise = None
    if enquiry.authority_code is not None:
        # What the enquirer may be told of this council, as it stands now (kept with the
        # decision, so the page and the e-mail say the same thing, whenever they are read).
        promise = read_council_promise(session, enquiry.authority_code, ctx.now)
        detail[PROMISE_KEY] = promise.to_data()
    record = RoutingDecisionRecord(
        enquiry_id=enquiry.id,
        decided_at=ctx.now,
        decided_by=ctx.caller.actor,
        outcome=decision.outcome,
        authority_code=enquiry.authority_code,
        cluster=enquiry.cluster,
        reason_code=handover.reason_code,
        rules_version=decision.rules_version,
        geography_version=decision.geography_version,
        home_council_code=notice.authority.code if notice else None,
        transferred_from_code=handover.transferred_from,
        detail=detail,
        explanation=decision.explain(),
        connected_person=decision.connected_person,
    )
    session.add(record)
    session.flush()  # the record's id keys the events below
    _emit_events(session, enquiry, record, handover, previous)
    record_changes(session, _feed_changes(enquiry, record, previous))
    if promise is not None and promise.council_ready is False and enquiry.authority_code:
        note_not_ready_referral(
            session,
            decision_id=record.id,
            reference=enquiry.reference,
            authority_code=enquiry.authority_code,
            now=ctx.now,
        )
    apply_handover(
        session,
        enquiry.id,
        record.decided_at,
        record.outcome,
        authority_code=record.authority_code,
        cluster=record.cluster,
        rules=get_active_rules(),
    )
    if first_decision:
        # The enquirer hears of the first decision; after triage the council contacts them
        # itself. A transfer changes who will call, so the enquirer is told that too.
        emit_confirmation(session, enquiry, outcome_of(enquiry, record))
    elif handover.transferred_from and record.outcome == DecisionOutcome.ROUTED:
        emit_transfer_notice(
            session,
            enquiry,
            outcome_of(enquiry, record),
            record.id,
            from_council=authority_name_of(handover.transferred_from),
        )
    session.add(
        JourneyEvent(
            enquiry_id=enquiry.id,
            event=handover.event,
            at=ctx.now,
            actor=ctx.caller.actor,
            detail={
                "authority_code": enquiry.authority_code,
                "previous_authority_code": previous,
                "reason_code": handover.reason_code,
                "home_council_code": record.home_council_code,
                "geography_version": decision.geography_version,
                "rules_version": decision.rules_version,
                **handover.detail,
            },
        )
    )
    for action, visible_to in handover.audit:
        add_audit_event(
            session,
            ctx,
            action,
            AuditOutcome.OK,
            enquiry=enquiry,
            visible_to=visible_to,
            detail=dict(handover.detail),
        )
    return record


def _emit_events(
    session: Session,
    enquiry: Enquiry,
    record: RoutingDecisionRecord,
    handover: Handover,
    previous: str | None,
) -> None:
    """Tell whoever must hear of this handover, in the same transaction (delivery rows)."""
    reference = enquiry.reference
    if record.outcome == DecisionOutcome.ROUTED and enquiry.authority_code:
        emit_event(
            session,
            EventType.REFERRAL_ROUTED,
            event_key=f"referral.routed:{record.id}",
            reference=reference,
            authority_code=enquiry.authority_code,
            url_path=api_path("council.referral", reference=reference),
            # Codes only: which council transferred it (the why and who are in the referral),
            # and whether the enquirer is a connected person (a flag; the child is not named).
            data=_routed_data(handover.transferred_from, record.connected_person),
        )
        home = record.home_council_code
        # A council that hands its own resident over (a transfer) knows already.
        if home and home not in (enquiry.authority_code, previous):
            emit_event(
                session,
                EventType.HOME_COUNCIL_NOTICE,
                event_key=f"home_council.notice:{record.id}",
                reference=reference,
                authority_code=home,
                url_path=api_path("council.notices"),
            )
    elif record.outcome == DecisionOutcome.TRIAGE:
        returned = handover.event is JourneyEventName.RETURNED
        emit_event(
            session,
            EventType.REFERRAL_RETURNED if returned else EventType.TRIAGE_ADDED,
            event_key=f"{'referral.returned' if returned else 'triage.added'}:{record.id}",
            reference=reference,
            authority_code=previous if returned else None,
            to_operators=True,
            url_path=api_path("ops.decisions", reference=reference),
        )


def _feed_changes(
    enquiry: Enquiry, record: RoutingDecisionRecord, previous: str | None
) -> list[Change]:
    """What the councils' changes feeds say of this decision: in for the new holder, out
    (transferred or returned to the hub) for the last one."""
    changes = []
    detail = {"reason_code": record.reason_code, "decision_id": record.id}
    now_held_by = enquiry.authority_code
    if previous and previous != now_held_by:
        kind = ChangeKind.TRANSFERRED_OUT if now_held_by else ChangeKind.RETURNED_TO_HUB
        out = {**detail, "to_authority_code": now_held_by}
        changes.append(
            Change(previous, kind, enquiry.id, enquiry.reference, record.decided_at, out)
        )
    if now_held_by:
        into = {**detail, "from_authority_code": previous}
        changes.append(
            Change(
                now_held_by,
                ChangeKind.ROUTED_IN,
                enquiry.id,
                enquiry.reference,
                record.decided_at,
                into,
            )
        )
    return changes


def _routed_data(transferred_from: str | None, connected_person: bool) -> dict[str, Any] | None:
    data: dict[str, Any] = {}
    if transferred_from:
        data["transferred_from"] = transferred_from
    if connected_person:
        data["connected_person"] = True
    return data or None


def authority_name_of(code: str) -> str:
    """A council's name (its code only when no name is known)."""
    return get_active_rules().authorities.get(code) or find_authority_name(code) or code
