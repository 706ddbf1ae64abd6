"""Helpers for the casework tests: staff members, and the casework API's calls."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask.testing import FlaskClient

from hub.access.manage_staff import invite_staff_user
from hub.access.manage_tokens import resolve_token_scope
from hub.access.models import StaffRole
from hub.platform.db import Database
from tests.support.council import bearer
from tests.web.staff_support import new_address


def staff_id(db: Database, council: str, role: StaffRole = StaffRole.OFFICER) -> int:
    """A new staff member on ``council``'s team (a name or code); their id."""
    user = invite_staff_user(
        db, new_address(), resolve_token_scope(council, hub_operator=False), role=role
    )
    return user.id


def attempt(client: FlaskClient, token: str, reference: str, **body: Any) -> Any:
    if isinstance(body.get("attempted_at"), datetime):
        body["attempted_at"] = body["attempted_at"].isoformat()
    return client.post(
        f"/v1/council/referrals/{reference}/contact-attempts",
        headers=bearer(token),
        json={"channel": "phone", "outcome": "no_answer", **body},
    )


def casework(client: FlaskClient, token: str, reference: str) -> dict[str, Any]:
    response = client.get(f"/v1/council/referrals/{reference}/casework", headers=bearer(token))
    assert response.status_code == 200, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def tray(client: FlaskClient, token: str, **query: str) -> Any:
    return client.get("/v1/council/tray", headers=bearer(token), query_string=query)


def field_errors(response: Any) -> dict[str, str]:
    """The problem+json's errors by field (asserting it is one)."""
    assert response.mimetype == "application/problem+json", response.get_data(as_text=True)
    return {item["field"]: item["message"] for item in response.get_json().get("errors") or []}


def _iso(body: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in body.items()}


def booking(client: FlaskClient, token: str, reference: str, **body: Any) -> Any:
    """POST a booking (an initial visit unless ``kind`` is given)."""
    return client.post(
        f"/v1/council/referrals/{reference}/bookings",
        headers=bearer(token),
        json=_iso({"kind": "initial_visit", **body}),
    )


def change(
    client: FlaskClient, token: str, reference: str, booking_id: int, what: str, **body: Any
) -> Any:
    """POST to a booking's ``move``, ``cancel`` or ``outcome``."""
    return client.post(
        f"/v1/council/referrals/{reference}/bookings/{booking_id}/{what}",
        headers=bearer(token),
        json=_iso(body),
    )


def new_event(client: FlaskClient, token: str, **body: Any) -> Any:
    return client.post(
        "/v1/council/events",
        headers=bearer(token),
        json=_iso({"title": "Fostering information evening", "capacity": 10, **body}),
    )
