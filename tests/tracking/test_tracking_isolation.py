"""A council never reads or writes another council's journey or follow-ups: 404, audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hub.tracking.models import FollowUp
from tests.support.council import KENT, MEDWAY, audit_rows, bearer, routed, token_for
from tests.tracking.support import progress

CALLS = {
    "record_progress": ("POST", "/progress", {"stage": "first_contact"}),
    "read_journey": ("GET", "/journey", None),
}


@pytest.mark.parametrize("action", list(CALLS))
def test_another_councils_journey_is_404_and_audited_as_denied(client, db, action) -> None:
    kents = routed(client, db)
    method, suffix, body = CALLS[action]
    response = client.open(
        f"/v1/council/referrals/{kents}{suffix}",
        method=method,
        headers=bearer(token_for(db, MEDWAY)),
        json=body,
    )
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    (row,) = audit_rows(db, action=action)
    assert (row.outcome, row.enquiry_reference, row.actor_scope) == (
        "denied",
        kents,
        f"authority:{MEDWAY}",
    )


def _kents_follow_up(client, db) -> tuple[str, int]:
    kents = routed(client, db)
    progress(client, token_for(db, KENT), kents, "first_contact")  # asks for a follow-up
    with db.sessions() as s:
        return kents, int(s.scalars(select(FollowUp.id)).one())


def test_another_councils_follow_up_outcome_is_404_and_audited(client, db) -> None:
    kents, follow_up_id = _kents_follow_up(client, db)
    response = client.post(
        f"/v1/council/follow-ups/{follow_up_id}/outcome",
        headers=bearer(token_for(db, MEDWAY)),
        json={"outcome": "reached"},
    )
    assert response.status_code == 404
    (row,) = audit_rows(db, action="record_follow_up_outcome")
    assert (row.outcome, row.enquiry_reference) == ("denied", kents)
    with db.sessions() as s:
        assert s.get(FollowUp, follow_up_id).status == "due"


def test_follow_ups_list_shows_only_the_callers_own(client, db) -> None:
    kents, _ = _kents_follow_up(client, db)
    mine = client.get("/v1/council/follow-ups", headers=bearer(token_for(db, KENT))).get_json()
    theirs = client.get("/v1/council/follow-ups", headers=bearer(token_for(db, MEDWAY))).get_json()
    assert [item["reference"] for item in mine["items"]] == [kents]
    assert theirs["items"] == []


def test_operator_endpoints_refuse_council_tokens(client, db) -> None:
    for path in ("/v1/ops/clocks?state=breached", "/v1/ops/follow-ups"):
        assert client.get(path, headers=bearer(token_for(db, KENT))).status_code == 403


def test_council_endpoints_refuse_operator_tokens(client, db) -> None:
    kents = routed(client, db)
    hub = token_for(db, hub=True)
    assert (
        client.get(f"/v1/council/referrals/{kents}/journey", headers=bearer(hub)).status_code == 403
    )
