"""List parameters that clients can tamper with: cursors and times answer 4xx, never 5xx."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient

from hub.platform.errors import InvalidCursorError
from hub.platform.pagination import cursor_pattern, decode_cursor, encode_cursor
from tests.support.council import KENT, bearer, routed, token_for


def _old_style(payload: object) -> str:
    """A cursor as the first version made them (base64 JSON), holding what a tamperer chose."""
    raw = json.dumps(payload).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


TAMPERED = [
    _old_style(["referrals", "2026-01-01T00:00:00+00:00", 1e30]),
    _old_style(["referrals", "2026-01-01T00:00:00+00:00", True]),
    _old_style(["referrals", "2026-01-01T00:00:00+00:00", int("9" * 400)]),
    "referrals.1.99999999999999999999",  # an id past 64 bits
    "referrals.99999999999999999.1",  # a time past the year 9999
    "referrals.1e30.1",
    "referrals.true.1",
    "triage.1.1",  # another list's cursor
    "referrals.-1.1",
]


@pytest.mark.parametrize("cursor", TAMPERED)
def test_a_tampered_referrals_cursor_is_a_4xx_problem(
    client: FlaskClient, db: Any, cursor: str
) -> None:
    response = client.get(
        "/v1/council/referrals",
        query_string={"cursor": cursor},
        headers=bearer(token_for(db, KENT)),
    )
    assert response.status_code in {400, 422}, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize(
    "cursor", [*TAMPERED[:3], "triage.1.99999999999999999999", "referrals.1.1"]
)
def test_a_tampered_triage_cursor_is_a_4xx_problem(
    client: FlaskClient, db: Any, cursor: str
) -> None:
    response = client.get(
        "/v1/ops/triage", query_string={"cursor": cursor}, headers=bearer(token_for(db, hub=True))
    )
    assert response.status_code in {400, 422}, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize(
    "cursor",
    [
        "referrals.0.0",
        "referrals.9999999999999999.999999999999999999",
        "referrals.1764633600000000.7",
    ],
)
def test_every_cursor_the_pattern_allows_is_a_position(
    client: FlaskClient, db: Any, cursor: str
) -> None:
    response = client.get(
        "/v1/council/referrals",
        query_string={"cursor": cursor},
        headers=bearer(token_for(db, KENT)),
    )
    assert response.status_code == 200, response.get_data(as_text=True)


def test_cursors_page_through_a_council_inbox(client: FlaskClient, db: Any) -> None:
    references = {routed(client, db) for _ in range(3)}
    headers = bearer(token_for(db, KENT))
    seen: list[str] = []
    cursor = None
    while True:
        query = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get("/v1/council/referrals", query_string=query, headers=headers).get_json()
        seen += [item["reference"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(references)


def test_a_cursor_round_trips_to_the_microsecond() -> None:
    at = datetime(2026, 12, 2, 3, 4, 5, 678901, tzinfo=UTC)
    assert decode_cursor("triage", encode_cursor("triage", at, 42)) == (at, 42)


@pytest.mark.parametrize("cursor", [*TAMPERED, "", "referrals.1.1.1", "REFERRALS.1.1"])
def test_decode_cursor_refuses_anything_but_its_own_kind_and_shape(cursor: str) -> None:
    with pytest.raises(InvalidCursorError):
        decode_cursor("referrals", cursor)


def test_cursor_kinds_are_plain_words() -> None:
    with pytest.raises(ValueError):
        cursor_pattern("a.b")


@pytest.mark.parametrize(
    "when",
    [
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59-12:00",
        "10000-01-01T00:00:00Z",
        "2026-13-01T00:00:00Z",
        "yesterday",
    ],
)
def test_received_since_outside_what_utc_can_hold_is_a_422(
    client: FlaskClient, db: Any, when: str
) -> None:
    response = client.get(
        "/v1/council/referrals",
        query_string={"received_since": when},
        headers=bearer(token_for(db, KENT)),
    )
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    assert [e["field"] for e in response.get_json()["errors"]] == ["received_since"]


@pytest.mark.parametrize(
    "when", ["0001-01-01T00:00:00-01:00", "9999-12-31T23:59:59+01:00", "2026-01-01T00:00:00"]
)
def test_received_since_at_the_edges_of_the_calendar_is_answered(
    client: FlaskClient, db: Any, when: str
) -> None:
    response = client.get(
        "/v1/council/referrals",
        query_string={"received_since": when},
        headers=bearer(token_for(db, KENT)),
    )
    assert response.status_code == 200, response.get_data(as_text=True)


def test_unknown_query_parameters_are_refused(client: FlaskClient, db: Any) -> None:
    response = client.get(
        "/v1/council/referrals",
        query_string={"stauts": "routed"},
        headers=bearer(token_for(db, KENT)),
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.get_json()["errors"]] == ["stauts"]
