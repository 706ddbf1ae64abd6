"""Information events over the API: a council or its delivery body creates them, officers
book referrals onto them (places enforced, also under concurrency), attendance becomes the
information_session stage, and each council sees only its own people on a shared event."""

from __future__ import annotations

import threading

import time_machine

from hub.access.caller import Caller, RequestContext
from hub.access.manage_tokens import resolve_token_scope
from hub.access.scopes import scope_authorities
from hub.casework.book import book
from hub.platform.errors import HubError
from tests.casework.support import booking, casework, change, field_errors, new_event
from tests.support.council import (
    AFC,
    KENT,
    KINGSTON,
    MEDWAY,
    RICHMOND,
    audit_rows,
    bearer,
    routed,
    token_for,
)
from tests.tracking.support import journey, london

MONDAY = london(2026, 11, 23, 9)
THURSDAY_7PM = london(2026, 11, 26, 19)


def _event(client, token, **body):
    response = new_event(client, token, starts_at=THURSDAY_7PM, place="County Hall", **body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_a_council_creates_an_event_and_books_a_referral_onto_it(client, db) -> None:
    with time_machine.travel(MONDAY, tick=False) as traveller:
        reference = routed(client, db)
        token = token_for(db, KENT)
        event = _event(client, token, capacity=2)
        assert event["run_by"] == {"scope": "authority", "value": KENT}
        made = booking(client, token, reference, kind="information_session", event_id=event["id"])
        assert made.status_code == 201, made.get_json()
        assert made.get_json()["starts_at"].startswith("2026-11-26T19:00")
        (listed,) = client.get("/v1/council/events", headers=bearer(token)).get_json()["items"]
        assert (listed["places_left"], listed["own_booked"]) == (1, 1)
        read = client.get(f"/v1/council/events/{event['id']}", headers=bearer(token)).get_json()
        assert [p["reference"] for p in read["places"]] == [reference]
        traveller.move_to(london(2026, 11, 26, 21))
        went = change(
            client, token, reference, made.get_json()["id"], "outcome", outcome="attended"
        )
        assert went.status_code == 200, went.get_json()
        assert journey(client, token, reference)["stage"] == "information_session"
    (row,) = audit_rows(db, action="create_event")
    assert row.detail["event_id"] == event["id"]
    assert [r.outcome for r in audit_rows(db, action="read_event")] == ["ok"]


def test_a_full_event_is_a_field_error_and_a_cancelled_place_is_given_back(client, db) -> None:
    with time_machine.travel(MONDAY, tick=False):
        first, second = routed(client, db), routed(client, db)
        token = token_for(db, KENT)
        event = _event(client, token, capacity=1)
        taken = booking(client, token, first, kind="information_session", event_id=event["id"])
        full = booking(client, token, second, kind="information_session", event_id=event["id"])
        assert full.status_code == 422 and "full" in field_errors(full)["event_id"]
        assert casework(client, token, second)["bookings"] == []
        change(client, token, first, taken.get_json()["id"], "cancel", reason="enquirer_asked")
        now_free = booking(client, token, second, kind="information_session", event_id=event["id"])
    assert now_free.status_code == 201


def test_a_bad_event_is_a_field_error(client, db) -> None:
    with time_machine.travel(MONDAY, tick=False):
        token = token_for(db, KENT)
        past = new_event(client, token, starts_at=london(2026, 11, 20, 19), place="Hall")
        nowhere = new_event(client, token, starts_at=THURSDAY_7PM)
        plain = new_event(
            client, token, starts_at=THURSDAY_7PM, online_link="http://meet.example/x"
        )
        none = new_event(client, token, starts_at=THURSDAY_7PM, place="Hall", capacity=0)
        listed = client.get("/v1/council/events", headers=bearer(token)).get_json()["items"]
    assert "starts_at" in field_errors(past)
    assert "place" in field_errors(nowhere)
    assert "online_link" in field_errors(plain)
    assert "capacity" in field_errors(none)
    assert listed == []


def test_another_councils_event_is_404_audited_and_cannot_be_booked(client, db) -> None:
    with time_machine.travel(MONDAY, tick=False):
        event = _event(client, token_for(db, KENT))
        medways = routed(client, db, postcode="ME4 4TR")
        medway = token_for(db, MEDWAY)
        read = client.get(f"/v1/council/events/{event['id']}", headers=bearer(medway))
        listed = client.get("/v1/council/events", headers=bearer(medway)).get_json()["items"]
        onto = booking(client, medway, medways, kind="information_session", event_id=event["id"])
        stored = casework(client, medway, medways)["bookings"]
    assert read.status_code == 404 and read.mimetype == "application/problem+json"
    (row,) = audit_rows(db, action="read_event")
    assert (row.outcome, row.detail) == ("denied", {"event_id": event["id"]})
    assert listed == []
    assert onto.status_code == 422 and "event_id" in field_errors(onto)
    assert stored == []


def test_a_delivery_bodys_event_takes_all_its_councils_and_each_sees_its_own(client, db) -> None:
    with time_machine.travel(MONDAY, tick=False):
        afc = token_for(db, AFC)
        event = _event(client, afc, capacity=5)
        assert event["run_by"] == {"scope": "delivery_body", "value": AFC}
        kingstons = routed(client, db, postcode="KT1 1EU")
        richmonds = routed(client, db, postcode="TW9 1DN")
        kingston, richmond = token_for(db, KINGSTON), token_for(db, RICHMOND)
        for token, reference in ((kingston, kingstons), (richmond, richmonds)):
            made = booking(
                client, token, reference, kind="information_session", event_id=event["id"]
            )
            assert made.status_code == 201, made.get_json()
        path = f"/v1/council/events/{event['id']}"
        seen = {
            name: [p["reference"] for p in client.get(path, headers=bearer(t)).get_json()["places"]]
            for name, t in (("kingston", kingston), ("richmond", richmond), ("afc", afc))
        }
        listed = client.get("/v1/council/events", headers=bearer(kingston)).get_json()["items"]
        kent = client.get(path, headers=bearer(token_for(db, KENT)))
    assert seen["kingston"] == [kingstons] and seen["richmond"] == [richmonds]
    assert sorted(seen["afc"]) == sorted([kingstons, richmonds])
    (item,) = listed
    assert (item["places_left"], item["own_booked"]) == (3, 1)
    assert kent.status_code == 404


def _token_context(db, target: str) -> RequestContext:
    from hub.platform.models import utcnow

    choice = resolve_token_scope(target, hub_operator=False)
    now = utcnow()
    caller = Caller(
        1, choice.scope, choice.value, scope_authorities(choice.scope, choice.value, now)
    )
    return RequestContext(caller=caller, request_id="test", now=now)


def test_two_officers_booking_the_last_place_at_once_get_it_once(client, db) -> None:
    first, second = routed(client, db), routed(client, db)
    token = token_for(db, KENT)
    event = new_event(
        client, token, starts_at="2099-01-05T19:00:00Z", place="County Hall", capacity=1
    ).get_json()
    ready = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def take(reference: str) -> None:
        ctx = _token_context(db, KENT)
        ready.wait()
        try:
            book(db, ctx, reference, kind="information_session", event_id=event["id"])
            outcomes[reference] = "booked"
        except HubError as exc:
            outcomes[reference] = str(exc.errors)

    threads = [threading.Thread(target=take, args=(r,)) for r in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert list(outcomes.values()).count("booked") == 1, outcomes
    (read,) = client.get("/v1/council/events", headers=bearer(token)).get_json()["items"]
    assert read["places_left"] == 0 and read["own_booked"] == 1
