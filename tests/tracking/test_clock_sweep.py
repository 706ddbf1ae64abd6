"""The clock sweep: breaches announced once per clock; first-contact clocks start at routing
(the sweep starts only those of decisions that have none, and nothing twice)."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine

from hub.tracking.sweep_clocks import sweep_clocks
from tests.delivery.support import deliveries, mailbox
from tests.support.council import KENT, MEDWAY, bearer, routed, token_for
from tests.tracking.support import clocks_of, forget_clocks, journey, london, progress


class Announced:
    """What reached the delivery room: one row per (event, subscriber), read from the store."""

    def __init__(self, db: Any) -> None:
        self.db = db
        # A mailbox each for Kent, Medway and the operators (the file transport: no network).
        self.owners = {
            mailbox(db, KENT, "fostering@kent.example").id: "kent",
            mailbox(db, MEDWAY, "fostering@medway.example").id: "medway",
            mailbox(db, None, "ops@hub.example").id: "operators",
        }

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "to": self.owners[row.subscription_id],
                "type": row.event_type,
                "event_key": row.event_key,
                "reference": row.reference,
                "authority_code": row.authority_code,
                "url": row.payload["data"]["url"],
            }
            for row in deliveries(self.db)
            if row.event_type == "clock.breached"
        ]

    def keys(self) -> list[str]:
        return sorted({row["event_key"] for row in self.rows()})


@pytest.fixture
def events(db: Any) -> Announced:
    """Breaches as the delivery room stored them for the council and the operators."""
    return Announced(db)


def test_routed_friday_evening_is_due_end_of_monday_and_breaches_on_tuesday(
    client,
    db,
    events,
) -> None:
    with time_machine.travel(london(2025, 12, 19, 17, 0), tick=False):
        reference = routed(client, db)
        token = token_for(db, KENT)
        clock = clocks_of(journey(client, token, reference))["first_contact"]
        assert sweep_clocks(db).opened == 0  # opened at routing: nothing twice
    assert clock["due_at"] == london(2025, 12, 23, 0, 0).isoformat()
    with time_machine.travel(london(2025, 12, 22, 23, 59), tick=False):
        assert sweep_clocks(db).breached == 0
    with time_machine.travel(london(2025, 12, 23, 0, 1), tick=False):
        assert sweep_clocks(db).breached == 1
        assert sweep_clocks(db).breached == 0  # run twice: nothing twice
        clock = clocks_of(journey(client, token, reference))["first_contact"]
    assert clock["state"] == "breached"
    path = f"/v1/council/referrals/{reference}/journey"
    assert sorted(events.rows(), key=lambda row: row["to"]) == [
        {
            "to": to,
            "type": "clock.breached",
            "event_key": f"clock.breached:{clock['id']}",
            "reference": reference,
            "authority_code": KENT,
            "url": url,
        }
        for to, url in (("kent", path), ("operators", "/v1/ops/clocks?state=breached"))
    ]


def test_routed_on_christmas_eve_is_due_by_the_end_of_monday_29th(client, db, events) -> None:
    with time_machine.travel(london(2025, 12, 24, 10, 0), tick=False):
        reference = routed(client, db)
        clock = clocks_of(journey(client, token_for(db, KENT), reference))["first_contact"]
    assert clock["due_at"] == london(2025, 12, 30, 0, 0).isoformat()


def test_first_contact_in_time_meets_the_clock_and_nothing_is_announced(client, db, events) -> None:
    with time_machine.travel(london(2025, 12, 19, 17, 0), tick=False):
        reference = routed(client, db)
        token = token_for(db, KENT)
    with time_machine.travel(london(2025, 12, 22, 11, 0), tick=False):
        progress(client, token, reference, "first_contact")
    with time_machine.travel(london(2026, 1, 20, 9, 0), tick=False):
        sweep_clocks(db)
        clocks = clocks_of(journey(client, token, reference))
    assert (clocks["first_contact"]["state"], clocks["first_contact"]["on_time"]) == ("met", True)
    # The initial visit clock (10 working days from Monday 22 December) has breached.
    assert clocks["initial_visit"]["due_at"] == london(2026, 1, 9, 0, 0).isoformat()
    assert events.keys() == [f"clock.breached:{clocks['initial_visit']['id']}"]


def test_contact_recorded_before_the_sweep_opens_the_clock_as_met(client, db, events) -> None:
    reference = routed(client, db)
    forget_clocks(db)  # routed before routing opened clocks
    token = token_for(db, KENT)
    progress(client, token, reference, "first_contact")
    assert sweep_clocks(db).opened == 1
    assert clocks_of(journey(client, token, reference))["first_contact"]["state"] == "met"


def test_the_sweep_replays_a_transfer_whose_clocks_are_missing(client, db, events) -> None:
    reference = routed(client, db)
    kent, medway = token_for(db, KENT), token_for(db, MEDWAY)
    client.post(
        f"/v1/council/referrals/{reference}/transfer",
        headers=bearer(kent),
        json={"authority": MEDWAY, "reason": "Closer to family"},
    )
    forget_clocks(db)  # both handovers recorded before routing opened clocks
    result = sweep_clocks(db)
    assert (result.opened, result.stopped) == (2, 1)
    clocks = journey(client, medway, reference)["clocks"]
    assert [(c["authority_code"], c["state"]) for c in clocks] == [
        (KENT, "stopped"),
        (MEDWAY, "running"),
    ]
    again = sweep_clocks(db)
    assert (again.opened, again.stopped) == (0, 0)


def test_on_hold_moves_the_due_day_on_by_the_working_days_paused(client, db, events) -> None:
    with time_machine.travel(london(2026, 3, 2, 10, 0), tick=False):  # a Monday
        reference = routed(client, db)
        token = token_for(db, KENT)
        progress(client, token, reference, "first_contact")  # initial visit due end 16 March
        progress(client, token, reference, "on_hold")
    with time_machine.travel(london(2026, 3, 9, 10, 0), tick=False):  # 5 working days later
        body = progress(client, token, reference, "resumed").get_json()
    assert clocks_of(body)["initial_visit"]["due_at"] == london(2026, 3, 24, 0, 0).isoformat()


def test_operators_list_breached_clocks(client, db, events) -> None:
    with time_machine.travel(london(2025, 12, 19, 17, 0), tick=False):
        reference = routed(client, db)
        operator = token_for(db, hub=True)
    with time_machine.travel(london(2025, 12, 23, 9, 0), tick=False):
        sweep_clocks(db)
        body = client.get("/v1/ops/clocks?state=breached", headers=bearer(operator)).get_json()
    assert [(c["reference"], c["kind"], c["state"]) for c in body["items"]] == [
        (reference, "first_contact", "breached")
    ]


def test_the_first_sweep_starts_clocks_for_the_last_month_only(client, db, events) -> None:
    with time_machine.travel(london(2026, 1, 5, 10, 0), tick=False):
        routed(client, db)  # before the tracking room was deployed, long ago
    with time_machine.travel(london(2026, 3, 2, 10, 0), tick=False):
        routed(client, db)
    forget_clocks(db)  # both routed before routing opened clocks
    with time_machine.travel(london(2026, 3, 3, 10, 0), tick=False):
        assert sweep_clocks(db).opened == 1
