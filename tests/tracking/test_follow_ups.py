"""Follow-ups: created once by the policy, consent respected, outcomes recorded, digest daily.

Follow-ups are created when their stage is recorded; ``create_follow_ups`` (beat) is the
safety net, and brings yearly check-ins due as time passes.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine
from sqlalchemy import select

from hub.tracking.create_follow_ups import create_follow_ups
from hub.tracking.models import FollowUp
from hub.tracking.send_digest import send_follow_up_digest
from tests.delivery.support import deliveries, mailbox, subscription, webhook
from tests.support.council import KENT, bearer, get_enquiry, routed, token_for
from tests.tracking.support import journey, london, progress


def follow_ups(db) -> list[tuple[str, int, date, str, str]]:
    with db.sessions() as s:
        rows = s.scalars(select(FollowUp).order_by(FollowUp.due_on, FollowUp.id))
        return [(f.kind, f.occurrence, f.due_on, f.owner, f.status) for f in rows]


def outcome(client, token, follow_up_id, **body):
    return client.post(
        f"/v1/council/follow-ups/{follow_up_id}/outcome", headers=bearer(token), json=body
    )


def id_of(db, kind: str, occurrence: int = 0) -> int:
    with db.sessions() as s:
        return int(
            s.scalars(
                select(FollowUp.id).where(FollowUp.kind == kind, FollowUp.occurrence == occurrence)
            ).one()
        )


def test_stalled_enquiry_is_due_ten_working_days_after_first_contact_once(client, db) -> None:
    with time_machine.travel(london(2025, 12, 19, 10, 0), tick=False):
        reference = routed(client, db)
        progress(client, token_for(db, KENT), reference, "first_contact")
        assert create_follow_ups(db) == 0  # created with the stage: nothing twice
    # 19 Dec + 10 working days: 22, 23, 24, 29, 30, 31 Dec, 2, 5, 6, 7 Jan.
    assert follow_ups(db) == [("stalled_enquiry", 0, date(2026, 1, 7), "council", "due")]


def test_a_later_stage_cancels_the_stalled_follow_up(client, db) -> None:
    reference = routed(client, db)
    token = token_for(db, KENT)
    progress(client, token, reference, "first_contact")
    progress(client, token, reference, "initial_visit")
    assert [f[4] for f in follow_ups(db)] == ["cancelled"]
    assert create_follow_ups(db) == 0


def test_re_engagement_needs_keep_in_touch_consent(client, db) -> None:
    token = token_for(db, KENT)
    with time_machine.travel(london(2026, 1, 15, 10, 0), tick=False):
        without = routed(client, db)
        with_consent = routed(client, db, consent={"privacy_notice": True, "keep_in_touch": True})
        for reference in (without, with_consent):
            progress(client, token, reference, "withdrawn", reason="timing")
        assert create_follow_ups(db) == 0  # the two created with the stage, not again
    assert follow_ups(db) == [
        ("re_engagement", 3, date(2026, 4, 15), "hub", "due"),
        ("re_engagement", 12, date(2027, 1, 15), "hub", "due"),
    ]
    assert {f["reference"] for f in journey(client, token, with_consent)["follow_ups"]} == {
        with_consent
    }


def test_consent_withdrawn_cancels_every_pending_follow_up_that_needs_it(client, db) -> None:
    reference = routed(client, db, consent={"privacy_notice": True, "keep_in_touch": True})
    progress(client, token_for(db, KENT), reference, "withdrawn", reason="timing")
    operator = token_for(db, hub=True)
    response = client.post(
        f"/v1/ops/follow-ups/{id_of(db, 're_engagement', 3)}/outcome",
        headers=bearer(operator),
        json={"outcome": "consent_withdrawn"},
    )
    assert response.status_code == 200, response.get_json()
    assert [(f[1], f[4]) for f in follow_ups(db)] == [(3, "done"), (12, "cancelled")]
    assert get_enquiry(db, reference).consent_keep_in_touch is False


def test_approved_carer_gets_check_ins_then_yearly_while_fostering(client, db) -> None:
    with time_machine.travel(london(2025, 3, 3, 10, 0), tick=False):
        reference = routed(client, db)
        progress(client, token_for(db, KENT), reference, "approved")
        assert len(follow_ups(db)) == 5  # created with the stage: 4 check-ins, 1 review
        assert create_follow_ups(db) == 0
    with time_machine.travel(london(2026, 3, 3, 10, 0), tick=False):
        # The 12-month check-in and review fell due: the 24-month ones.
        assert create_follow_ups(db) == 2
        assert create_follow_ups(db) == 0
    assert [(f[1], f[2]) for f in follow_ups(db) if f[0] == "approval_review"] == [
        (12, date(2026, 3, 3)),
        (24, date(2027, 3, 3)),
    ]
    assert [(f[1], f[2]) for f in follow_ups(db) if f[0] == "retention_check_in"] == [
        (1, date(2025, 4, 3)),
        (3, date(2025, 6, 3)),
        (6, date(2025, 9, 3)),
        (12, date(2026, 3, 3)),
        (24, date(2027, 3, 3)),
    ]


def test_deregistered_outcome_records_the_stage_and_asks_for_an_exit_conversation(
    client, db
) -> None:
    reference = routed(client, db)
    token = token_for(db, KENT)
    progress(client, token, reference, "approved")
    response = outcome(
        client,
        token,
        id_of(db, "retention_check_in", 1),
        outcome="deregistered",
        reason="retirement",
    )
    assert response.status_code == 200, response.get_json()
    body = journey(client, token, reference)
    assert (body["stage"], body["stages"][-1]["reason"]) == ("deregistered", "retirement")
    # The check-ins are closed and the exit conversation is asked for at once.
    assert {(f["kind"], f["status"]) for f in body["follow_ups"]} == {
        ("retention_check_in", "done"),
        ("retention_check_in", "cancelled"),
        ("approval_review", "cancelled"),
        ("exit_conversation", "due"),
    }
    assert create_follow_ups(db) == 0
    assert [(f[0], f[4]) for f in follow_ups(db) if f[4] == "due"] == [("exit_conversation", "due")]


def test_needs_support_names_the_support(client, db) -> None:
    reference = routed(client, db)
    token = token_for(db, KENT)
    progress(client, token, reference, "approved")
    follow_up_id = id_of(db, "retention_check_in", 1)
    assert outcome(client, token, follow_up_id, outcome="needs_support").status_code == 422
    done = outcome(client, token, follow_up_id, outcome="needs_support", support="peer_support")
    assert done.get_json()["outcome_detail"] == {"support": "peer_support"}
    again = outcome(client, token, follow_up_id, outcome="reached")
    assert (again.status_code, again.get_json()["code"]) == (409, "follow_up_closed")


def test_council_lists_its_due_follow_ups_before_a_day(client, db) -> None:
    with time_machine.travel(london(2025, 3, 3, 10, 0), tick=False):
        reference = routed(client, db)
        token = token_for(db, KENT)
        progress(client, token, reference, "approved")
    body = client.get(
        "/v1/council/follow-ups?status=due&due_before=2025-06-30", headers=bearer(token)
    ).get_json()
    assert [(f["kind"], f["occurrence"]) for f in body["items"]] == [
        ("retention_check_in", 1),
        ("retention_check_in", 3),
    ]


@pytest.fixture
def digests(db: Any) -> Any:
    """The digests the delivery room stored: Kent has a mailbox and a webhook (digests are
    for people, so only the mailbox gets them)."""
    mailbox(db, KENT, "fostering@kent.example")
    webhook(db, KENT, "http://127.0.0.1:9/hook")

    def stored() -> list[dict[str, Any]]:
        return [
            {
                "kind": subscription(db, row.subscription_id).kind,
                "event_key": row.event_key,
                "data": row.payload["data"],
            }
            for row in deliveries(db)
            if row.event_type == "follow_up.due"
        ]

    return stored


def test_daily_digest_is_a_count_and_a_link_once_a_day(client, db, digests) -> None:
    with time_machine.travel(london(2025, 3, 3, 10, 0), tick=False):
        reference = routed(client, db)
        progress(client, token_for(db, KENT), reference, "approved")
    with time_machine.travel(london(2025, 6, 4, 7, 0), tick=False):
        assert send_follow_up_digest(db) == {KENT: 2}
        assert send_follow_up_digest(db) == {}  # the same day: nothing twice
    assert digests() == [
        {
            "kind": "mailbox",
            "event_key": f"follow_up.due:{KENT}:2025-06-04",
            "data": {
                "reference": None,
                "authority_code": KENT,
                "url": "/v1/council/follow-ups?status=due&due_before=2025-06-04",
                "count": 2,
            },
        }
    ]
    with time_machine.travel(london(2025, 6, 5, 7, 0), tick=False):
        assert send_follow_up_digest(db) == {KENT: 2}
