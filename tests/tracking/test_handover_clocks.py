"""First-contact clocks change in the transaction that records a handover: routed, transferred,
returned or routed by hand, a referral has its clock at once, with no sweep; the sweep after
it changes nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from hub.referrals.models import RoutingDecisionRecord
from hub.tracking.models import JourneyClock
from hub.tracking.sweep_clocks import sweep_clocks
from tests.support.council import KENT, MEDWAY, bearer, enquiry_id_of, routed, token_for
from tests.tracking.support import clocks_of, journey, progress

UNKNOWN_POSTCODE = "ZZ9 9ZZ"  # well-formed, not in the directory: triage


def first_contact_clocks(db: Any, reference: str) -> list[tuple[str | None, str]]:
    """(holder when started, state) of the referral's first-contact clocks, oldest first."""
    with db.sessions() as s:
        rows = s.scalars(
            select(JourneyClock)
            .where(
                JourneyClock.enquiry_id == enquiry_id_of(db, reference),
                JourneyClock.kind == "first_contact",
            )
            .order_by(JourneyClock.started_at, JourneyClock.id)
        )
        return [(clock.authority_code, clock.state) for clock in rows]


def decision_times(db: Any, reference: str) -> list[Any]:
    with db.sessions() as s:
        return list(
            s.scalars(
                select(RoutingDecisionRecord.decided_at)
                .where(RoutingDecisionRecord.enquiry_id == enquiry_id_of(db, reference))
                .order_by(RoutingDecisionRecord.decided_at, RoutingDecisionRecord.id)
            )
        )


def transfer(client: Any, token: str, reference: str, authority: str) -> None:
    response = client.post(
        f"/v1/council/referrals/{reference}/transfer",
        headers=bearer(token),
        json={"authority": authority, "reason": "Closer to family"},
    )
    assert response.status_code == 200, response.get_json()


def assert_the_sweep_adds_nothing(db: Any) -> None:
    result = sweep_clocks(db)
    assert (result.opened, result.stopped) == (0, 0)


def test_a_routed_referral_has_its_running_clock_at_once(client, db) -> None:
    reference = routed(client, db)
    clock = clocks_of(journey(client, token_for(db, KENT), reference))["first_contact"]
    assert (clock["state"], clock["authority_code"]) == ("running", KENT)
    with db.sessions() as s:
        started_at = s.scalar(select(JourneyClock.started_at))
    assert [started_at] == decision_times(db, reference)
    assert_the_sweep_adds_nothing(db)
    assert first_contact_clocks(db, reference) == [(KENT, "running")]


def test_a_referral_sent_to_triage_has_no_clock(client, db) -> None:
    reference = routed(client, db, postcode=UNKNOWN_POSTCODE)
    assert first_contact_clocks(db, reference) == []
    assert_the_sweep_adds_nothing(db)


def test_a_transfer_stops_the_first_clock_and_starts_the_new_councils_at_once(client, db) -> None:
    reference = routed(client, db)
    transfer(client, token_for(db, KENT), reference, MEDWAY)
    clocks = journey(client, token_for(db, MEDWAY), reference)["clocks"]
    assert [(c["authority_code"], c["state"]) for c in clocks] == [
        (KENT, "stopped"),
        (MEDWAY, "running"),
    ]
    routed_at, transferred_at = decision_times(db, reference)
    assert [(c["started_at"], c["stopped_at"]) for c in clocks] == [
        (routed_at.isoformat(), transferred_at.isoformat()),
        (transferred_at.isoformat(), None),
    ]
    assert_the_sweep_adds_nothing(db)
    assert first_contact_clocks(db, reference) == [(KENT, "stopped"), (MEDWAY, "running")]


def test_a_transfer_after_first_contact_starts_no_new_clock(client, db) -> None:
    reference = routed(client, db)
    kent = token_for(db, KENT)
    progress(client, kent, reference, "first_contact")
    transfer(client, kent, reference, MEDWAY)
    # Contact was made before the handover: the journey carries on with the new council.
    assert first_contact_clocks(db, reference) == [(KENT, "met")]
    assert_the_sweep_adds_nothing(db)
    assert first_contact_clocks(db, reference) == [(KENT, "met")]


def test_a_return_stops_the_clock_and_a_route_by_hand_starts_another(client, db) -> None:
    reference = routed(client, db)
    returned = client.post(
        f"/v1/council/referrals/{reference}/return",
        headers=bearer(token_for(db, KENT)),
        json={"reason": "duplicate"},
    )
    assert returned.status_code == 200, returned.get_json()
    assert first_contact_clocks(db, reference) == [(KENT, "stopped")]
    by_hand = client.post(
        f"/v1/ops/enquiries/{reference}/route",
        headers=bearer(token_for(db, hub=True)),
        json={"authority": MEDWAY, "reason": "Phoned: lives in Medway"},
    )
    assert by_hand.status_code == 200, by_hand.get_json()
    assert first_contact_clocks(db, reference) == [(KENT, "stopped"), (MEDWAY, "running")]
    assert_the_sweep_adds_nothing(db)
    assert first_contact_clocks(db, reference) == [(KENT, "stopped"), (MEDWAY, "running")]
