"""Intake is rate limited per client address (Flask-Limiter, Redis storage)."""

from __future__ import annotations

import secrets

from config.settings import load_settings
from hub.app import create_app
from tests.intake.factories import enquiry_body


def test_too_many_requests_from_one_address_get_429_with_retry_after(  # type: ignore[no-untyped-def]
    db, geography, hub_env
) -> None:
    settings = load_settings({**hub_env, "HUB_INTAKE_RATE_LIMIT": "3/minute"})
    client = create_app(settings, db=db).test_client()
    address = {"REMOTE_ADDR": f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.7"}
    codes = [
        client.post("/v1/enquiries", json=enquiry_body(), environ_base=address).status_code
        for _ in range(4)
    ]
    assert codes == [202, 202, 202, 429]
    response = client.post("/v1/enquiries", json=enquiry_body(), environ_base=address)
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["code"] == "rate_limited"
    assert int(response.headers["Retry-After"]) > 0
