"""One council never sees or acts on another's referral: 404 (never 403), and audited."""

from __future__ import annotations

import pytest

from tests.support.council import (
    KENT,
    MEDWAY,
    audit_rows,
    bearer,
    get_enquiry,
    routed,
    submitted,
    token_for,
)

ACTIONS = {
    "read_referral": ("GET", "", None),
    "acknowledge": ("POST", "/acknowledge", {}),
    "return": ("POST", "/return", {"reason": "out_of_area"}),
    "transfer_out": ("POST", "/transfer", {"authority": MEDWAY, "reason": "Closer to family"}),
}


def _call(client, token, reference, action):
    method, suffix, body = ACTIONS[action]
    return client.open(
        f"/v1/council/referrals/{reference}{suffix}",
        method=method,
        headers=bearer(token),
        json=body,
    )


@pytest.mark.parametrize("action", list(ACTIONS))
def test_another_councils_referral_is_404_and_audited_as_denied(client, db, action) -> None:
    kents = routed(client, db)
    response = _call(client, token_for(db, MEDWAY), kents, action)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    (row,) = audit_rows(db, action=action)
    assert (row.outcome, row.enquiry_reference, row.actor_scope) == (
        "denied",
        kents,
        f"authority:{MEDWAY}",
    )
    assert row.enquiry_id is not None


@pytest.mark.parametrize("action", list(ACTIONS))
def test_another_councils_referral_is_left_unchanged(client, db, action) -> None:
    kents = routed(client, db)
    before = get_enquiry(db, kents)
    _call(client, token_for(db, MEDWAY), kents, action)
    after = get_enquiry(db, kents)
    assert (after.status, after.authority_code, after.row_version) == (
        before.status,
        before.authority_code,
        before.row_version,
    )


@pytest.mark.parametrize("action", list(ACTIONS))
def test_unknown_reference_answers_like_another_councils(client, db, action) -> None:
    kents = routed(client, db)
    token = token_for(db, MEDWAY)
    theirs = _call(client, token, kents, action).get_json()
    unknown = _call(client, token, "FE-22222222", action).get_json()
    assert (theirs["status"], theirs["code"], theirs["detail"]) == (
        unknown["status"],
        unknown["code"],
        unknown["detail"],
    )


@pytest.mark.parametrize("action", list(ACTIONS))
def test_enquiry_not_yet_routed_is_404_even_for_its_council(client, db, action) -> None:
    reference = submitted(client)
    assert _call(client, token_for(db, KENT), reference, action).status_code == 404


def test_delivery_body_token_cannot_see_a_council_outside_it(client, db) -> None:
    kents = routed(client, db)
    response = _call(client, token_for(db, "Achieving for Children"), kents, "read_referral")
    assert response.status_code == 404
