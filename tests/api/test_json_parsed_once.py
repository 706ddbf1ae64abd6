"""A JSON body is parsed once per request: the guard parses it and webargs reads the result."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask.testing import FlaskClient

from hub.platform.db import Database
from tests.intake.factories import enquiry_body
from tests.support.council import KENT, bearer, token_for


def _count_parses_of(body: str, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts every json.loads of exactly this body, whoever calls it."""
    calls: list[int] = []
    real_loads = json.loads

    def counting_loads(text: Any, *args: Any, **kwargs: Any) -> Any:
        if (text.decode() if isinstance(text, bytes | bytearray) else text) == body:
            calls.append(1)
        return real_loads(text, *args, **kwargs)

    monkeypatch.setattr(json, "loads", counting_loads)
    return calls


def test_an_enquiry_body_is_parsed_once(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = json.dumps(enquiry_body())
    calls = _count_parses_of(body, monkeypatch)
    response = client.post(
        "/v1/enquiries",
        data=body,
        content_type="application/json",
        headers={"Idempotency-Key": "parsed-once-1"},
    )
    assert response.status_code == 202, response.get_data(as_text=True)
    assert len(calls) == 1


def test_a_council_action_body_is_parsed_once(
    client: FlaskClient,
    db: Database,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    body = json.dumps({"reason_code": "not_a_reason"})
    calls = _count_parses_of(body, monkeypatch)
    response = client.post(
        "/v1/council/referrals/FE-AAAAAAAA/return",
        data=body,
        content_type="application/json",
        headers=bearer(token_for(db, KENT)),
    )
    assert response.status_code in (404, 422), response.get_data(as_text=True)
    assert len(calls) == 1


def test_a_json_suffix_type_is_refused_not_parsed_unguarded(
    client: FlaskClient, db: Database
) -> None:
    response = client.post(
        "/v1/council/referrals/FE-AAAAAAAA/return",
        data=json.dumps({"reason_code": "x"}),
        content_type="application/merge-patch+json",
        headers=bearer(token_for(db, KENT)),
    )
    assert response.status_code == 415
