"""The route command is exactly-once in effect, however often it runs."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from hub.enquiries.models import Enquiry
from hub.platform.outbox_sweep import sweep_outbox
from hub.platform.outbox_model import OutboxMessage
from hub.referrals.models import RoutingDecisionRecord
from hub.referrals.route_enquiry import route_enquiry
from tests.factories import enquiry_body


def _submit(client, **overrides) -> int:  # type: ignore[no-untyped-def]
    reference = client.post("/v1/enquiries", json=enquiry_body(**overrides)).get_json()["reference"]
    with client.application.extensions["hub_db"].sessions() as s:
        return int(s.scalar(select(Enquiry.id).where(Enquiry.reference == reference)) or 0)


def _decisions(db) -> int:  # type: ignore[no-untyped-def]
    with db.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(RoutingDecisionRecord)) or 0)


def test_running_twice_changes_nothing_the_second_time(client, db) -> None:  # type: ignore[no-untyped-def]
    enquiry_id = _submit(client)
    first = route_enquiry(db, enquiry_id)
    second = route_enquiry(db, enquiry_id)
    assert (first.changed, second.changed) == (True, False)
    assert _decisions(db) == 1


def test_concurrent_runs_route_once(client, db) -> None:  # type: ignore[no-untyped-def]
    enquiry_id = _submit(client)
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


def test_routing_completes_the_outbox_row(client, db) -> None:  # type: ignore[no-untyped-def]
    enquiry_id = _submit(client)
    with db.sessions() as s:
        outbox_id = s.scalars(select(OutboxMessage.id)).one()
    route_enquiry(db, enquiry_id, outbox_id)
    with db.sessions() as s:
        assert s.scalars(select(OutboxMessage.completed_at)).one() is not None


def test_welsh_postcode_is_signposted_and_unknown_goes_to_triage(client, db) -> None:  # type: ignore[no-untyped-def]
    welsh = _submit(client, postcode="CF10 1EP")
    assert route_enquiry(db, welsh).status == "signposted"
    partial = _submit(client, postcode="ZZ9 9ZZ")
    assert route_enquiry(db, partial).status == "triage"


def test_sweeper_republishes_unpublished_rows_and_skips_finished_ones(client, db) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    routed = _submit(client)
    waiting = _submit(client)
    with db.sessions() as s:
        outbox_id = s.scalar(select(OutboxMessage.id).where(OutboxMessage.subject_id == routed))
    route_enquiry(db, routed, outbox_id)
    published: list[int] = []
    result = sweep_outbox(
        db, stale_after=timedelta(0), publisher=lambda entry: published.append(entry.subject_id)
    )
    assert published == [waiting]
    assert result.published == 1
