"""One record_routing for every handover: the router, a transfer, a manual route and a return."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from hub.access.caller import ROUTER, RequestContext
from hub.audit.models import AuditAction, AuditEvent
from hub.enquiries.journey import JourneyEvent, JourneyEventName
from hub.enquiries.models import Enquiry, EnquiryStatus, InvalidTransitionError
from hub.referrals.decide import decide_for_enquiry
from hub.referrals.models import RoutingDecisionRecord
from hub.referrals.record_routing import Handover, record_routing
from tests.support.council import (
    AFC,
    KENT,
    KINGSTON,
    MEDWAY,
    audit_rows,
    bearer,
    get_enquiry,
    routed,
    submitted,
    token_for,
)


def _count(db, model, *where) -> int:
    with db.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def _rows_for(db, reference: str) -> tuple[int, int]:
    enquiry_id = get_enquiry(db, reference).id
    return (
        _count(db, RoutingDecisionRecord, RoutingDecisionRecord.enquiry_id == enquiry_id),
        _count(db, JourneyEvent, JourneyEvent.enquiry_id == enquiry_id),
    )


def test_the_router_records_decision_event_and_an_audit_row_by_the_router(client, db) -> None:
    reference = routed(client, db)
    assert _rows_for(db, reference) == (1, 2)  # received + routed
    (row,) = audit_rows(db, enquiry_reference=reference)
    assert (row.action, row.actor, row.visible_to) == (str(AuditAction.ROUTE), "router", KENT)


def test_a_transfer_writes_one_decision_one_event_and_two_audit_rows(client, db) -> None:
    reference = routed(client, db)
    response = client.post(
        f"/v1/council/referrals/{reference}/transfer",
        json={"authority": MEDWAY, "reason": "Lives on the Medway border"},
        headers=bearer(token_for(db, KENT)),
    )
    assert response.status_code == 200, response.get_json()
    assert _rows_for(db, reference) == (2, 3)
    actions = [r.action for r in audit_rows(db, enquiry_reference=reference)]
    assert actions == ["route", "transfer_out", "transfer_in"]


def test_a_manual_route_and_the_router_agree_on_the_delivery_body(client, db) -> None:
    by_router = routed(client, db, postcode="KT1 1EU")  # Kingston: Achieving for Children
    returned = routed(client, db)  # Kent, then back to the hub
    client.post(
        f"/v1/council/referrals/{returned}/return",
        json={"reason": "out_of_area"},
        headers=bearer(token_for(db, KENT)),
    )
    response = client.post(
        f"/v1/ops/enquiries/{returned}/route",
        json={"authority": KINGSTON, "reason": "Moving to Kingston next month"},
        headers=bearer(token_for(db, hub=True)),
    )
    assert response.status_code == 200, response.get_json()
    assert get_enquiry(db, by_router).delivery_body == AFC
    assert get_enquiry(db, returned).delivery_body == AFC


def test_a_council_without_a_trust_delivers_its_own_referrals(client, db) -> None:
    reference = routed(client, db)
    assert get_enquiry(db, reference).delivery_body == "Kent"


def test_a_return_clears_the_council_and_records_why(client, db) -> None:
    reference = routed(client, db)
    client.post(
        f"/v1/council/referrals/{reference}/return",
        json={"reason": "duplicate", "note": "Same person as FE-AAAAAAAA"},
        headers=bearer(token_for(db, KENT)),
    )
    enquiry = get_enquiry(db, reference)
    assert (enquiry.status, enquiry.authority_code, enquiry.delivery_body) == ("triage", None, None)
    with db.sessions() as s:
        latest = s.scalars(
            select(RoutingDecisionRecord).order_by(RoutingDecisionRecord.id.desc())
        ).first()
        event = s.scalars(select(JourneyEvent).order_by(JourneyEvent.id.desc())).first()
    assert latest is not None and latest.reason_code == "returned:duplicate"
    assert "Same person as FE-AAAAAAAA" in latest.explanation
    assert event is not None and event.event == str(JourneyEventName.RETURNED)
    assert event.detail["previous_authority_code"] == KENT


def test_a_change_the_state_machine_forbids_writes_nothing(client, db) -> None:
    reference = submitted(client, postcode="CF10 1EP")  # Cardiff: signposted
    routed_ref = routed(client, db, postcode="CF10 1EP")
    assert get_enquiry(db, routed_ref).status == EnquiryStatus.SIGNPOSTED
    before = _count(db, RoutingDecisionRecord), _count(db, AuditEvent)
    ctx = RequestContext(ROUTER)
    with pytest.raises(InvalidTransitionError), db.transaction() as session:
        enquiry = session.scalars(select(Enquiry).where(Enquiry.reference == routed_ref)).one()
        kent = decide_for_enquiry(enquiry, ctx.now, operator_choice=KENT)
        handover = Handover("manual", JourneyEventName.ROUTED, [(AuditAction.ROUTE, KENT)])
        record_routing(session, ctx, enquiry, kent, handover)
    assert (_count(db, RoutingDecisionRecord), _count(db, AuditEvent)) == before
    assert get_enquiry(db, reference).status == EnquiryStatus.RECEIVED
