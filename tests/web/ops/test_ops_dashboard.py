"""The queue-health dashboard and its gauges on /metrics: the same figures, read live."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families
from redis import Redis

from hub.app import create_app
from hub.platform.broker import publish
from hub.platform.metrics import exposition
from hub.platform.models import utcnow
from hub.platform.outbox_model import OutboxMessage
from hub.platform.queues import Queue, TaskName, queue_keys
from hub.tracking.models import ClockState, JourneyClock
from tests.enquiries.factories import EnquiryFactory
from tests.support.council import bearer, enquiry_id_of, submitted, token_for
from tests.web.ops_support import BROWSER, figure, in_triage
from tests.web.staff_support import sign_in


@pytest.fixture
def client(db, settings, geography):
    """The app with a 10-minute outbox stale time, so nothing turns stale while a test runs."""
    app = create_app(replace(settings, outbox_stale_seconds=600), db=db)
    app.config["TESTING"] = True
    return app.test_client()


@pytest.fixture
def broker(hub_env: dict[str, str]) -> Iterator[Redis]:
    """The session's Redis with the hub's queues emptied before and after."""
    client = Redis.from_url(hub_env["HUB_REDIS_URL"])
    keys = [key for queue in Queue for key in queue_keys(str(queue))]
    client.delete(*keys)
    yield client
    client.delete(*keys)
    client.close()


def _gauges(client) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    text = client.get("/metrics").get_data(as_text=True)
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def _breached_clock(db, enquiry_id: int) -> None:
    now = utcnow()
    with db.transaction() as s:
        s.add(
            JourneyClock(
                enquiry_id=enquiry_id,
                kind="first_contact",
                authority_code="E10000016",
                target="1 working day",
                started_at=now - timedelta(days=5),
                due_at=now - timedelta(days=4),
                state=ClockState.RUNNING,
            )
        )


def _unpublished_outbox_row(db, age: timedelta) -> None:
    with db.transaction() as s:
        s.add(
            OutboxMessage(
                task_name=str(TaskName.ROUTE_ENQUIRY),
                subject_id=1,
                dedupe_key=f"test:{age}",
                created_at=utcnow() - age,
            )
        )


def test_the_dashboard_shows_what_waits_where(client, db, broker, hub_settings) -> None:
    old = EnquiryFactory(db=db, created_at=utcnow() - timedelta(minutes=42))
    submitted(client)  # stored and published (routing: 1), no worker takes it
    # Two more real messages on the routing queue, published as the hub does (kombu's lists).
    publish(TaskName.ROUTE_ENQUIRY, old.id, 1, settings=hub_settings)
    publish(TaskName.ROUTE_ENQUIRY, old.id, 2, settings=hub_settings)
    triaged = in_triage(client, db)  # published (routing: 4), then routed here to triage
    _unpublished_outbox_row(db, timedelta(minutes=15))
    _breached_clock(db, enquiry_id_of(db, triaged))
    sign_in(client, db, hub_operator=True)

    response = client.get("/ops/", headers=BROWSER)

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    assert figure(html, "queue-routing") == "4"
    assert figure(html, "queue-delivery") == "1"  # the triaged enquirer's confirmation e-mail
    assert figure(html, "received") == "2"
    assert figure(html, "oldest-received") == "42 minutes"
    assert figure(html, "routing-late") == "1"  # only the 42-minute one is past 60 s
    assert "Routing is falling behind: 1 enquiries" in html
    assert figure(html, "outbox-unpublished") == "1"
    assert figure(html, "outbox-stale") == "1"
    assert figure(html, "triage") == "1"
    assert figure(html, "breached") == "1"
    assert figure(html, "deliveries-dead") == "0"


def test_the_gauges_on_metrics_match_the_dashboard(client, db, broker, hub_settings) -> None:
    EnquiryFactory(db=db, created_at=utcnow() - timedelta(hours=3))
    _unpublished_outbox_row(db, timedelta(hours=1))
    publish(TaskName.SEND_DELIVERY, 7, 8, settings=hub_settings)
    in_triage(client, db)
    in_triage(client, db)
    sign_in(client, db, hub_operator=True)

    html = client.get("/ops/", headers=BROWSER).get_data(as_text=True)
    gauges = _gauges(client)

    for queue in Queue:
        assert gauges[("hub_queue_messages", (("queue", str(queue)),))] == float(
            figure(html, f"queue-{queue}")
        )
    # The one published above and the two triaged enquirers' confirmation e-mails.
    assert gauges[("hub_queue_messages", (("queue", "delivery"),))] == 3.0
    assert gauges[("hub_broker_up", ())] == 1.0
    assert gauges[("hub_triage_enquiries", ())] == float(figure(html, "triage")) == 2.0
    assert gauges[("hub_enquiries_received_waiting", ())] == float(figure(html, "received"))
    assert 3 * 3600 <= gauges[("hub_enquiry_oldest_received_seconds", ())] < 3 * 3600 + 60
    assert figure(html, "oldest-received") == "3 hours"
    assert gauges[("hub_outbox_unpublished", ())] == float(figure(html, "outbox-unpublished"))
    assert gauges[("hub_outbox_stale", ())] == float(figure(html, "outbox-stale"))
    assert gauges[("hub_clocks_breached_open", ())] == float(figure(html, "breached"))
    assert gauges[("hub_enquiries_routing_late", ())] == float(figure(html, "routing-late")) == 1
    assert gauges[("hub_delivery_subscribers_slow", ())] == float(figure(html, "subscribers-slow"))
    # Pending and dead deliveries are the delivery room's own gauge, not a second one.
    assert gauges[("hub_deliveries", (("status", "pending"),))] == float(
        figure(html, "deliveries-pending")
    )
    assert gauges[("hub_deliveries", (("status", "dead"),))] == float(
        figure(html, "deliveries-dead")
    )


def test_the_dashboard_says_when_redis_does_not_answer(db, settings, geography) -> None:
    app = create_app(replace(settings, redis_url="redis://127.0.0.1:1/0"), db=db)
    client = app.test_client()
    sign_in(client, db, hub_operator=True)
    html = client.get("/ops/", headers=BROWSER).get_data(as_text=True)
    assert "Redis did not answer" in html
    assert _gauges(client)[("hub_broker_up", ())] == 0.0


def test_the_gauges_are_exported_when_gunicorn_sums_its_workers(
    client, db, broker, tmp_path, monkeypatch
) -> None:
    # Under gunicorn /metrics reads every worker's files into a fresh registry; collectors
    # that read the database at scrape time must be added to it (they were missing before).
    in_triage(client, db)
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    text = exposition().decode()
    assert "hub_triage_enquiries 1.0" in text
    assert 'hub_deliveries{status="dead"} 0.0' in text


def test_the_breached_count_and_the_ops_clocks_list_agree(client, db) -> None:
    now = utcnow()
    enquiry_id = EnquiryFactory(db=db).id
    past_due = {"started_at": now - timedelta(days=5), "due_at": now - timedelta(days=4)}
    with db.transaction() as s:
        for kind, state, met_at in (
            ("first_contact", ClockState.BREACHED, None),  # marked by the sweep
            ("initial_visit", ClockState.RUNNING, None),  # past due, not swept yet
            ("stage_one", ClockState.BREACHED, now - timedelta(days=1)),  # met late
            ("panel", ClockState.MET, now - timedelta(days=4, hours=1)),
        ):
            s.add(
                JourneyClock(
                    enquiry_id=enquiry_id,
                    kind=kind,
                    authority_code="E10000016",
                    target="1 working day",
                    state=str(state),
                    met_at=met_at,
                    **past_due,
                )
            )
    listed = client.get(
        "/v1/ops/clocks?state=breached", headers=bearer(token_for(db, hub=True))
    ).get_json()
    sign_in(client, db, hub_operator=True)
    html = client.get("/ops/", headers=BROWSER).get_data(as_text=True)
    assert sorted(c["kind"] for c in listed["items"]) == ["first_contact", "initial_visit"]
    assert figure(html, "breached") == str(listed["count"]) == "2"
