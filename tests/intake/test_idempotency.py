"""Idempotency-Key: a retry is safe, even when both copies arrive at once."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from hub.enquiries.models import Enquiry
from hub.referrals.route_enquiry import route_enquiry
from tests.intake.factories import enquiry_body
from tests.support.council import enquiry_id_of


def _enquiries(db) -> int:
    with db.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(Enquiry)) or 0)


def test_same_key_and_body_returns_the_first_response(client, db) -> None:
    body = enquiry_body()
    first = client.post("/v1/enquiries", json=body, headers={"Idempotency-Key": "k-1"})
    second = client.post("/v1/enquiries", json=body, headers={"Idempotency-Key": "k-1"})
    assert first.status_code == second.status_code == 202
    assert first.get_json() == second.get_json()
    assert _enquiries(db) == 1


def test_same_key_with_a_different_body_is_refused(client, db) -> None:
    client.post("/v1/enquiries", json=enquiry_body(), headers={"Idempotency-Key": "k-2"})
    response = client.post(
        "/v1/enquiries", json=enquiry_body(given_name="Other"), headers={"Idempotency-Key": "k-2"}
    )
    assert response.status_code == 422
    assert response.get_json()["code"] == "idempotency_key_reused"
    assert _enquiries(db) == 1


def test_concurrent_requests_with_one_key_store_one_enquiry(app, db) -> None:
    body = enquiry_body()
    barrier = threading.Barrier(4)
    results: list[tuple[int, dict]] = []

    def send() -> None:
        client = app.test_client()
        barrier.wait()
        response = client.post("/v1/enquiries", json=body, headers={"Idempotency-Key": "k-race"})
        results.append((response.status_code, response.get_json()))

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 4
    assert {code for code, _ in results} == {202}
    assert all(body == results[0][1] for _, body in results)
    assert _enquiries(db) == 1


def test_key_expires_after_24_hours(client, db) -> None:
    body = enquiry_body()
    client.post("/v1/enquiries", json=body, headers={"Idempotency-Key": "k-old"})
    with time_machine.travel(timedelta(hours=25)):
        again = client.post("/v1/enquiries", json=body, headers={"Idempotency-Key": "k-old"})
    assert again.status_code == 202
    assert _enquiries(db) == 2


def test_a_replay_answers_the_first_body_and_says_it_is_a_replay(client, db) -> None:
    body = enquiry_body()
    first = client.post("/v1/enquiries", json=body, headers={"Idempotency-Key": "k-replay"})
    assert "Idempotent-Replayed" not in first.headers
    # The enquiry moves on (routed to Kent) before the client retries.
    route_enquiry(db, enquiry_id_of(db, first.get_json()["reference"]))
    again = client.post("/v1/enquiries", json=body, headers={"Idempotency-Key": "k-replay"})
    assert again.status_code == 202
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == first.get_json()  # the first answer, unchanged, as documented
    assert again.headers["Location"] == first.headers["Location"]
    current = client.get(again.get_json()["status_url"]).get_json()
    assert current["status"] == "routed"


@pytest.mark.parametrize("key", ["", " leading", "trailing ", "caf\u00e9", "x" * 256])
def test_a_malformed_idempotency_key_is_a_400(client, key: str) -> None:
    response = client.post("/v1/enquiries", json=enquiry_body(), headers={"Idempotency-Key": key})
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == "Idempotency-Key"
