"""The deliveries page: dead deliveries listed, and replayed from a button (same webhook-id)."""

from __future__ import annotations

import re

from config.settings import load_settings
from hub.delivery.events import EventType, emit_event
from hub.delivery.send_delivery import SendOutcome
from tests.delivery.receiver import Reply, running_receiver
from tests.delivery.support import attempt_due, delivery, webhook
from tests.support.council import KENT, audit_rows
from tests.support.settings import db_settings
from tests.web.journey import csrf_token as csrf_from_any
from tests.web.ops_support import BROWSER, csrf_from
from tests.web.staff_support import sign_in


def _dead_delivery(db, hub_env) -> None:
    """A webhook delivery that failed its one allowed attempt (a 500): dead."""
    env = {**hub_env, "HUB_DELIVERY_MAX_ATTEMPTS": "1", "HUB_DELIVERY_RETRY_SCALE": "0"}
    with running_receiver() as receiver, db_settings(db, load_settings(env)):
        webhook(db, KENT, receiver.url, receiver=receiver)
        receiver.script = [Reply(500)]
        with db.transaction() as session:
            emit_event(
                session,
                EventType.REFERRAL_ROUTED,
                event_key="ops-page",
                reference="FE-7K3M9Q2D",
                authority_code=KENT,
            )
        assert attempt_due(db) == [SendOutcome.DEAD]


def _dead_id(html: str) -> int:
    match = re.search(r'id="delivery-(\d+)"', html)
    assert match, html[:1000]
    return int(match.group(1))


def test_dead_deliveries_are_listed_and_replayed_from_the_page(client, db, hub_env) -> None:
    _dead_delivery(db, hub_env)
    sign_in(client, db, hub_operator=True)

    page = client.get("/ops/deliveries?status=dead", headers=BROWSER)

    assert page.status_code == 200
    html = page.get_data(as_text=True)
    delivery_id = _dead_id(html)
    assert "New referral" in html and "HTTP 500" in html and "FE-7K3M9Q2D" in html
    assert delivery(db, delivery_id).status == "dead"

    response = client.post(
        f"/ops/deliveries/{delivery_id}/replay",
        data={"csrf_token": csrf_from(html), "status": "dead"},
        headers=BROWSER,
    )

    assert response.status_code == 303
    replayed = delivery(db, delivery_id)
    assert (replayed.status, replayed.replays, replayed.attempts) == ("pending", 1, 0)
    assert [r.outcome for r in audit_rows(db, action="replay_delivery")] == ["ok"]
    after = client.get(response.headers["Location"], headers=BROWSER).get_data(as_text=True)
    assert f"Delivery {delivery_id} is queued to be sent again" in after
    assert 'id="deliveries-empty"' in after  # no dead ones left


def test_a_pending_delivery_cannot_be_replayed_and_the_page_says_so(client, db, hub_env) -> None:
    _dead_delivery(db, hub_env)
    sign_in(client, db, hub_operator=True)
    html = client.get("/ops/deliveries?status=dead", headers=BROWSER).get_data(as_text=True)
    delivery_id = _dead_id(html)
    form = {"csrf_token": csrf_from(html), "status": "dead"}
    client.post(f"/ops/deliveries/{delivery_id}/replay", data=form, headers=BROWSER)

    again = client.post(f"/ops/deliveries/{delivery_id}/replay", data=form, headers=BROWSER)

    assert again.status_code == 303
    after = client.get(again.headers["Location"], headers=BROWSER).get_data(as_text=True)
    # Once, and as a refusal (it was shown twice, the second under "Success", before).
    assert after.count(f"Delivery {delivery_id} was not replayed") == 1
    assert "Important" in after
    assert delivery(db, delivery_id).replays == 1


def test_each_status_lists_and_an_unknown_one_is_not_found(client, db) -> None:
    sign_in(client, db, hub_operator=True)
    for status in ("dead", "failing", "failed", "pending"):
        assert client.get(f"/ops/deliveries?status={status}", headers=BROWSER).status_code == 200
    assert client.get("/ops/deliveries?status=lost", headers=BROWSER).status_code == 404
    html = client.get("/ops/deliveries", headers=BROWSER).get_data(as_text=True)
    response = client.post(
        "/ops/deliveries/999999/replay", data={"csrf_token": csrf_from_any(client)}, headers=BROWSER
    )
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)
    assert 'id="deliveries-empty"' in html
