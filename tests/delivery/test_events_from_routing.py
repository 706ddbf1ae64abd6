"""Handovers raise events in the same transaction: routed, transfer, notice, return, triage."""

from __future__ import annotations

from tests.delivery.support import (
    NOT_TO_ENQUIRERS,
    attempt_due,
    deliveries,
    routed_person,
    webhook,
)
from tests.support.council import AFC, KENT, KINGSTON, MEDWAY, bearer, token_for

UNKNOWN_POSTCODE = "ZZ9 9ZZ"  # well-formed, not in the directory: triage


def _payloads(receiver) -> list[tuple[str, str | None, str | None]]:
    return [
        (r.payload["type"], r.payload["data"]["reference"], r.payload["data"]["authority_code"])
        for r in receiver.received
    ]


def test_a_routed_referral_reaches_the_councils_webhook(client, db, receiver) -> None:
    webhook(db, KENT, receiver.url, receiver=receiver)
    reference = routed_person(client, db)
    attempt_due(db)
    assert _payloads(receiver) == [("referral.routed", reference, KENT)]
    assert receiver.received[0].verified


def test_a_transfer_kent_to_medway_tells_medway_and_kent_nothing_more(client, db, receiver) -> None:
    kent = webhook(db, KENT, receiver.url, receiver=receiver)
    medway = webhook(db, MEDWAY, receiver.url, receiver=receiver)
    reference = routed_person(client, db)
    response = client.post(
        f"/v1/council/referrals/{reference}/transfer",
        json={"authority": MEDWAY, "reason": "Lives on the Medway border"},
        headers=bearer(token_for(db, KENT)),
    )
    assert response.status_code == 200, response.get_json()
    attempt_due(db)
    by_subscriber = [(d.subscription_id, d.event_type) for d in deliveries(db, NOT_TO_ENQUIRERS)]
    assert by_subscriber == [
        (kent.subscription.id, "referral.routed"),
        (medway.subscription.id, "referral.routed"),
    ]
    assert sorted(_payloads(receiver)) == sorted(
        [("referral.routed", reference, KENT), ("referral.routed", reference, MEDWAY)]
    )


def test_the_home_council_gets_its_notice_when_a_preference_takes_its_resident(
    client, db, receiver
) -> None:
    webhook(db, KENT, receiver.url, receiver=receiver)
    webhook(db, MEDWAY, receiver.url, receiver=receiver)
    reference = routed_person(client, db, postcode="ME4 4TR", preferred_authority="Kent")
    attempt_due(db)
    assert sorted(_payloads(receiver)) == sorted(
        [("referral.routed", reference, KENT), ("home_council.notice", reference, MEDWAY)]
    )
    notice = next(r for r in receiver.received if r.payload["type"] == "home_council.notice")
    assert notice.payload["data"]["url"].endswith("/v1/council/notices")


def test_a_returned_referral_tells_the_operators(client, db, receiver) -> None:
    webhook(db, None, receiver.url, "referral.returned", receiver=receiver)
    reference = routed_person(client, db)
    response = client.post(
        f"/v1/council/referrals/{reference}/return",
        json={"reason": "out_of_area"},
        headers=bearer(token_for(db, KENT)),
    )
    assert response.status_code == 200
    attempt_due(db)
    assert _payloads(receiver) == [("referral.returned", reference, KENT)]


def test_an_enquiry_the_rules_cannot_place_tells_the_operators_it_is_in_triage(
    client, db, receiver
) -> None:
    webhook(db, None, receiver.url, receiver=receiver)
    webhook(db, KENT, receiver.url, receiver=receiver)
    reference = routed_person(client, db, postcode=UNKNOWN_POSTCODE)
    attempt_due(db)
    assert _payloads(receiver) == [("triage.added", reference, None)]


def test_a_manual_route_from_triage_tells_the_chosen_council(client, db, receiver) -> None:
    afc = webhook(db, AFC, receiver.url, receiver=receiver)
    reference = routed_person(client, db, postcode=UNKNOWN_POSTCODE)
    response = client.post(
        f"/v1/ops/enquiries/{reference}/route",
        json={"authority": KINGSTON, "reason": "Moving to Kingston next month"},
        headers=bearer(token_for(db, hub=True)),
    )
    assert response.status_code == 200, response.get_json()
    attempt_due(db)
    assert _payloads(receiver) == [("referral.routed", reference, KINGSTON)]
    assert deliveries(db, NOT_TO_ENQUIRERS)[0].subscription_id == afc.subscription.id


def test_no_subscriber_ever_receives_another_councils_event(client, db, receiver) -> None:
    medway = webhook(db, MEDWAY, receiver.url, receiver=receiver)
    routed_person(client, db)  # Kent
    routed_person(client, db, postcode="KT1 1EU")  # Kingston
    assert deliveries(db, NOT_TO_ENQUIRERS) == []
    medway_ref = routed_person(client, db, postcode="ME4 4TR")
    attempt_due(db)
    assert _payloads(receiver) == [("referral.routed", medway_ref, MEDWAY)]
    assert {d.subscription_id for d in deliveries(db, NOT_TO_ENQUIRERS)} == {medway.subscription.id}


def test_a_connected_persons_referral_carries_the_flag_as_a_code_only(client, db, receiver) -> None:
    webhook(db, KENT, receiver.url, receiver=receiver)
    reference = routed_person(
        client, db, postcode="RG1 1AF", interest="child_i_know", child_postcode="ME14 1XQ"
    )
    attempt_due(db)
    (received,) = receiver.received
    assert received.payload["data"]["reference"] == reference
    assert received.payload["data"]["connected_person"] is True
    assert "ME14" not in str(received.payload)  # the child's postcode never leaves
