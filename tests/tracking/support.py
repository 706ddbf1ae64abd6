"""Helpers for the tracking tests: record stages, read journeys, travel in time."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask.testing import FlaskClient
from sqlalchemy import delete

from hub.platform.db import Database
from hub.tracking.models import JourneyClock
from tests.support.council import bearer

LONDON = ZoneInfo("Europe/London")


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)  # type: ignore[arg-type,misc]


def progress(client: FlaskClient, token: str, reference: str, stage: str, **body: Any) -> Any:
    if isinstance(body.get("occurred_at"), datetime):
        body["occurred_at"] = body["occurred_at"].isoformat()
    return client.post(
        f"/v1/council/referrals/{reference}/progress",
        headers=bearer(token),
        json={"stage": stage, **body},
    )


def journey(client: FlaskClient, token: str, reference: str) -> dict[str, Any]:
    response = client.get(f"/v1/council/referrals/{reference}/journey", headers=bearer(token))
    assert response.status_code == 200, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def clocks_of(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The journey's latest clock of each kind."""
    return {clock["kind"]: clock for clock in body["clocks"]}


def forget_clocks(db: Database) -> None:
    """Delete every clock: decisions as a hub recorded them before routing opened clocks (or
    a handover whose clock went missing), which only the clock sweep starts."""
    with db.transaction() as session:
        session.execute(delete(JourneyClock))
