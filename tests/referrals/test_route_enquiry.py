"""The route command is exactly-once in effect, however often it runs."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from hub.enquiries.models import Enquiry
from hub.platform.outbox_model import OutboxMessage
from hub.referrals.models import RoutingDecisionRecord
from hub.referrals.route_enquiry import route_enquiry
from tests.enquiries.factories import EnquiryFactory
from tests.intake.factories import enquiry_body


def _stored(db, **overrides) -> int:
    enquiry: Enquiry = EnquiryFactory(db=db, **overrides)
    return enquiry.id


def _decisions(db) -> int:
    with db.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(RoutingDecisionRecord)) or 0)


def test_running_twice_changes_nothing_the_second_time(db, geography) -> None:
    enquiry_id = _stored(db)
    first = route_enquiry(db, enquiry_id)
    second = route_enquiry(db, enquiry_id)
    assert (first.changed, second.changed) == (True, False)
    assert _decisions(db) == 1


def test_concurrent_runs_route_once(db, geography) -> None:
    enquiry_id = _stored(db)
    results = []
    barrier = threading.Barrier(3)

    def run() -> None:
        barrier.wait()
        results.append(route_enquiry(db, enquiry_id).changed)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False, False, True]
    assert _decisions(db) == 1


def test_routing_completes_the_outbox_row_intake_stored(client, db) -> None:
    reference = client.post("/v1/enquiries", json=enquiry_body()).get_json()["reference"]
    with db.sessions() as s:
        enquiry_id = s.scalar(select(Enquiry.id).where(Enquiry.reference == reference))
        outbox_id = s.scalars(select(OutboxMessage.id)).one()
    assert enquiry_id is not None
    route_enquiry(db, enquiry_id, outbox_id)
    with db.sessions() as s:
        assert s.get(OutboxMessage, outbox_id).completed_at is not None


def test_welsh_postcode_is_signposted_and_unknown_goes_to_triage(db, geography) -> None:
    welsh = _stored(db, postcode="CF10 1EP")
    assert route_enquiry(db, welsh).status == "signposted"
    partial = _stored(db, postcode="ZZ9 9ZZ")
    assert route_enquiry(db, partial).status == "triage"
