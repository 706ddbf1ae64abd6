"""Follow-ups are created in the transaction that records the stage calling for them: the
answer to the stage (or to the follow-up's outcome) shows them, and the follow-up sweep run
afterwards creates nothing twice."""

from __future__ import annotations

from typing import Any

import time_machine
from sqlalchemy import func, select

from hub.tracking.create_follow_ups import create_follow_ups
from hub.tracking.models import FollowUp
from tests.support.council import KENT, bearer, routed, token_for
from tests.tracking.support import journey, london, progress

WITH_CONSENT = {"privacy_notice": True, "keep_in_touch": True}


def shown(body: dict[str, Any]) -> list[tuple[str, int, str, str]]:
    """(kind, occurrence, due_on, status) of the follow-ups a journey answer shows."""
    return [(f["kind"], f["occurrence"], f["due_on"], f["status"]) for f in body["follow_ups"]]


def stored_count(db: Any) -> int:
    with db.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(FollowUp)) or 0)


def test_first_contact_shows_its_stalled_enquiry_follow_up_at_once(client, db) -> None:
    with time_machine.travel(london(2025, 12, 19, 10, 0), tick=False):
        reference = routed(client, db)
        response = progress(client, token_for(db, KENT), reference, "first_contact")
    assert response.status_code == 200, response.get_json()
    assert shown(response.get_json()) == [("stalled_enquiry", 0, "2026-01-07", "due")]
    assert create_follow_ups(db) == 0
    assert stored_count(db) == 1


def test_approved_shows_its_check_ins_at_once(client, db) -> None:
    with time_machine.travel(london(2025, 3, 3, 10, 0), tick=False):
        reference = routed(client, db)
        body = progress(client, token_for(db, KENT), reference, "approved").get_json()
        assert create_follow_ups(db) == 0
    assert shown(body) == [
        ("retention_check_in", months, day, "due")
        for months, day in (
            (1, "2025-04-03"),
            (3, "2025-06-03"),
            (6, "2025-09-03"),
            (12, "2026-03-03"),
        )
    ] + [("approval_review", 12, "2026-03-03", "due")]
    assert stored_count(db) == 5


def test_withdrawn_with_consent_shows_its_re_engagements_at_once(client, db) -> None:
    with time_machine.travel(london(2026, 1, 15, 10, 0), tick=False):
        reference = routed(client, db, consent=WITH_CONSENT)
        token = token_for(db, KENT)
        response = progress(client, token, reference, "withdrawn", reason="timing")
    assert shown(response.get_json()) == [
        ("re_engagement", 3, "2026-04-15", "due"),
        ("re_engagement", 12, "2027-01-15", "due"),
    ]
    assert create_follow_ups(db) == 0
    assert stored_count(db) == 2


def test_withdrawn_without_consent_asks_for_no_follow_up(client, db) -> None:
    reference = routed(client, db)
    response = progress(client, token_for(db, KENT), reference, "withdrawn", reason="timing")
    assert shown(response.get_json()) == []
    assert create_follow_ups(db) == 0


def test_re_engaged_outcome_resumes_and_cancels_the_other_re_engagement(client, db) -> None:
    reference = routed(client, db, consent=WITH_CONSENT)
    token = token_for(db, KENT)
    progress(client, token, reference, "withdrawn", reason="timing")
    with db.sessions() as s:
        first = s.scalar(select(FollowUp.id).where(FollowUp.occurrence == 3))
    response = client.post(
        f"/v1/ops/follow-ups/{first}/outcome",
        headers=bearer(token_for(db, hub=True)),
        json={"outcome": "re_engaged"},
    )
    assert response.status_code == 200, response.get_json()
    body = journey(client, token, reference)
    assert body["stage"] == "resumed"
    assert [(f[1], f[3]) for f in shown(body)] == [(3, "done"), (12, "cancelled")]
    assert create_follow_ups(db) == 0
    assert stored_count(db) == 2


def test_a_rerun_of_the_sweep_from_the_start_creates_nothing_twice(client, db) -> None:
    token = token_for(db, KENT)
    for stage in ("first_contact", "approved"):
        progress(client, token, routed(client, db), stage)
    assert stored_count(db) == 6
    # The sweep's first run reads every journey: each one's follow-ups exist already.
    assert create_follow_ups(db) == 0
    assert create_follow_ups(db) == 0
    assert stored_count(db) == 6
