"""Council and operator delivery APIs: own subscriptions only, 404 + audit, replay."""

from __future__ import annotations

from config.settings import load_settings
from hub.audit import record as audit_record
from hub.delivery.events import EventType, emit_event
from hub.delivery.send_delivery import SendOutcome
from tests.delivery.receiver import Reply
from tests.delivery.support import attempt_due, deliveries, webhook
from tests.support.council import AFC, KENT, KINGSTON, MEDWAY, audit_rows, bearer, token_for
from tests.support.settings import db_settings


def _emit(db, code: str, key: str) -> None:
    with db.transaction() as session:
        emit_event(
            session,
            EventType.REFERRAL_ROUTED,
            event_key=key,
            reference="FE-7K3M9Q2D",
            authority_code=code,
        )


def test_a_council_sees_its_own_subscriptions_deliveries_only(client, db, receiver) -> None:
    webhook(db, KENT, receiver.url, receiver=receiver)
    webhook(db, MEDWAY, receiver.url, receiver=receiver)
    _emit(db, KENT, "k")
    _emit(db, MEDWAY, "m")
    attempt_due(db)
    body = client.get("/v1/council/deliveries", headers=bearer(token_for(db, KENT))).get_json()
    assert [(i["authority_code"], i["status"], i["attempts"]) for i in body["items"]] == [
        (KENT, "delivered", 1)
    ]
    assert body["items"][0]["last_status_code"] == 200
    (audit,) = audit_rows(db, action="list_deliveries")
    assert audit.detail == {"deliveries": [body["items"][0]["id"]]}


def test_another_councils_delivery_is_404_and_audited(client, db, receiver) -> None:
    webhook(db, MEDWAY, receiver.url, receiver=receiver)
    _emit(db, MEDWAY, "m")
    (medway_delivery,) = deliveries(db)
    response = client.get(
        f"/v1/council/deliveries/{medway_delivery.id}", headers=bearer(token_for(db, KENT))
    )
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    (audit,) = audit_rows(db, action="read_delivery")
    assert (audit.outcome, audit.detail) == ("denied", {"delivery_id": medway_delivery.id})
    own = client.get(
        f"/v1/council/deliveries/{medway_delivery.id}", headers=bearer(token_for(db, MEDWAY))
    )
    assert own.status_code == 200 and own.get_json()["webhook_id"] == medway_delivery.webhook_id


def test_a_delivery_body_sees_its_subscription_not_its_councils_own(client, db, receiver) -> None:
    webhook(db, AFC, receiver.url, receiver=receiver)
    webhook(db, KINGSTON, receiver.url, receiver=receiver)
    _emit(db, KINGSTON, "k")
    afc = client.get("/v1/council/deliveries", headers=bearer(token_for(db, AFC))).get_json()
    kingston = client.get(
        "/v1/council/deliveries", headers=bearer(token_for(db, KINGSTON))
    ).get_json()
    assert len(afc["items"]) == 1 and len(kingston["items"]) == 1
    assert afc["items"][0]["id"] != kingston["items"][0]["id"]


def test_operators_list_dead_deliveries_and_replay_one(client, db, delivery_env, receiver) -> None:
    ops = bearer(token_for(db, hub=True))
    with db_settings(db, load_settings({**delivery_env, "HUB_DELIVERY_MAX_ATTEMPTS": "1"})):
        webhook(db, KENT, receiver.url, receiver=receiver)
        receiver.script = [Reply(500)]
        _emit(db, KENT, "k")
        assert attempt_due(db) == [SendOutcome.DEAD]
        dead = client.get("/v1/ops/deliveries?status=dead", headers=ops).get_json()["items"]
        assert [d["status"] for d in dead] == ["dead"]
        replayed = client.post(f"/v1/ops/deliveries/{dead[0]['id']}/replay", headers=ops)
        assert replayed.status_code == 200, replayed.get_json()
        assert replayed.get_json()["status"] == "pending"
        again = client.post(f"/v1/ops/deliveries/{dead[0]['id']}/replay", headers=ops)
        assert again.status_code == 422
        assert again.get_json()["code"] == "replay_not_allowed"
        assert attempt_due(db) == [SendOutcome.DELIVERED]
    assert receiver.ids()[0] == receiver.ids()[1]
    assert [r.outcome for r in audit_rows(db, action="replay_delivery")] == ["ok"]
    assert client.post("/v1/ops/deliveries/999999/replay", headers=ops).status_code == 404


def test_a_replay_whose_audit_row_fails_is_not_made(
    client, db, delivery_env, receiver, monkeypatch
) -> None:
    ops = bearer(token_for(db, hub=True))
    with db_settings(db, load_settings({**delivery_env, "HUB_DELIVERY_MAX_ATTEMPTS": "1"})):
        webhook(db, KENT, receiver.url, receiver=receiver)
        receiver.script = [Reply(500)]
        _emit(db, KENT, "k")
        assert attempt_due(db) == [SendOutcome.DEAD]
        (dead,) = deliveries(db)

        def audit_fails(**_: object) -> None:
            raise RuntimeError("the audit log cannot be written")

        monkeypatch.setattr(audit_record, "AuditEvent", audit_fails)
        response = client.post(f"/v1/ops/deliveries/{dead.id}/replay", headers=ops)
        assert response.status_code == 500
    assert [d.status for d in deliveries(db)] == ["dead"]
    assert attempt_due(db) == []


def test_council_tokens_cannot_use_the_operator_deliveries(client, db) -> None:
    response = client.get("/v1/ops/deliveries", headers=bearer(token_for(db, KENT)))
    assert response.status_code == 403
    assert client.get("/v1/council/deliveries").status_code == 401


def test_an_unknown_status_is_a_validation_problem(client, db) -> None:
    response = client.get("/v1/ops/deliveries?status=lost", headers=bearer(token_for(db, hub=True)))
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"].endswith("status")


def test_metrics_show_the_backlog_and_the_oldest_pending_age(client, db) -> None:
    webhook(db, KENT, "http://127.0.0.1:9/hook")
    _emit(db, KENT, "k")
    text = client.get("/metrics").get_data(as_text=True)
    assert 'hub_deliveries{status="pending"} 1.0' in text
    assert "hub_delivery_oldest_pending_seconds" in text


def test_delivery_lists_page_by_cursor(client, db, receiver) -> None:
    webhook(db, KENT, receiver.url, receiver=receiver)
    for key in ("a", "b", "c"):
        _emit(db, KENT, key)
    kent = bearer(token_for(db, KENT))
    first = client.get("/v1/council/deliveries?limit=2", headers=kent)
    assert "Deprecation" not in first.headers
    body = first.get_json()
    assert len(body["items"]) == 2 and body["next_cursor"].startswith("delivery.")
    rest = client.get(f"/v1/council/deliveries?limit=2&cursor={body['next_cursor']}", headers=kent)
    ids = [i["id"] for i in body["items"]] + [i["id"] for i in rest.get_json()["items"]]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 3
    assert rest.get_json()["next_cursor"] is None
    ops = bearer(token_for(db, hub=True))
    ops_first = client.get("/v1/ops/deliveries?limit=1", headers=ops).get_json()
    ops_next = client.get(
        f"/v1/ops/deliveries?limit=5&cursor={ops_first['next_cursor']}", headers=ops
    ).get_json()
    assert [i["id"] for i in ops_first["items"] + ops_next["items"]] == ids


def test_before_still_pages_deliveries_with_a_deprecation_header(client, db, receiver) -> None:
    webhook(db, KENT, receiver.url, receiver=receiver)
    for key in ("a", "b"):
        _emit(db, KENT, key)
    kent = bearer(token_for(db, KENT))
    first = client.get("/v1/council/deliveries?limit=1", headers=kent).get_json()
    older = client.get(f"/v1/council/deliveries?before={first['next_before']}", headers=kent)
    assert older.status_code == 200
    assert older.headers["Deprecation"].startswith("@")
    assert [i["id"] for i in older.get_json()["items"]] == [first["items"][0]["id"] - 1]


def test_a_delivery_cursor_that_cannot_be_read_is_a_400(client, db) -> None:
    kent = bearer(token_for(db, KENT))
    response = client.get("/v1/council/deliveries?cursor=referral.1.2", headers=kent)
    assert response.status_code == 400
    assert response.get_json()["code"] == "invalid_cursor"
    both = client.get("/v1/council/deliveries?cursor=delivery.1.2&before=1", headers=kent)
    assert both.status_code == 200  # the cursor wins


def test_metrics_show_the_workers_attempts_retries_and_dead_letters(
    client, db, delivery_env, receiver
) -> None:
    # Attempts are made where the worker makes them; /metrics reads them from the database.
    with db_settings(db, load_settings({**delivery_env, "HUB_DELIVERY_MAX_ATTEMPTS": "2"})):
        webhook(db, KENT, receiver.url, receiver=receiver)
        receiver.script = [Reply(500), Reply(200), Reply(500), Reply(500)]
        _emit(db, KENT, "delivered at the second attempt")
        assert attempt_due(db, rounds=2) == [SendOutcome.RETRY, SendOutcome.DELIVERED]
        _emit(db, KENT, "dead after two")
        assert attempt_due(db, rounds=2) == [SendOutcome.RETRY, SendOutcome.DEAD]
    text = client.get("/metrics").get_data(as_text=True)
    for line in (
        'hub_delivery_rows{kind="webhook",status="delivered"} 1.0',
        'hub_delivery_rows{kind="webhook",status="dead"} 1.0',
        'hub_delivery_attempts_stored{kind="webhook",status="delivered"} 2.0',
        'hub_delivery_attempts_stored{kind="webhook",status="dead"} 2.0',
        'hub_delivery_retries_stored{kind="webhook",status="delivered"} 1.0',
        'hub_delivery_retries_stored{kind="webhook",status="dead"} 1.0',
    ):
        assert line in text
