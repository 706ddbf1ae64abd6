"""Council endpoints need a live token of the right kind; failures are problem+json 401s."""

from __future__ import annotations

import pytest

from hub.access.manage_tokens import revoke_api_token
from hub.access.models import ApiToken
from tests.access.factories import ApiTokenFactory
from tests.support.council import KENT, bearer, routed, token_for

ENDPOINTS = [
    ("GET", "/v1/council/referrals"),
    ("GET", "/v1/council/referrals/FE-23456789"),
    ("POST", "/v1/council/referrals/FE-23456789/acknowledge"),
    ("POST", "/v1/council/referrals/FE-23456789/return"),
    ("POST", "/v1/council/referrals/FE-23456789/transfer"),
    ("GET", "/v1/ops/triage"),
    ("POST", "/v1/ops/enquiries/FE-23456789/route"),
    ("GET", "/v1/ops/enquiries/FE-23456789/decisions"),
]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_missing_token_is_401_with_bearer_challenge(client, method, path) -> None:
    response = client.open(path, method=method, json={})
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.get_json()["code"] == "unauthorized"


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_malformed_token_is_401(client, method, path) -> None:
    response = client.open(path, method=method, json={}, headers=bearer("not-a-token"))
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_token_with_a_wrong_secret_is_401(client, db) -> None:
    token = token_for(db, KENT)
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    response = client.get("/v1/council/referrals", headers=bearer(forged))
    assert response.status_code == 401


def test_revoked_token_is_401(client, db) -> None:
    issued = ApiTokenFactory(db=db)
    revoke_api_token(db, issued.row.id)
    response = client.get("/v1/council/referrals", headers=issued.headers)
    assert response.status_code == 401
    assert "revoked" in response.get_json()["detail"]


def test_use_records_last_used(client, db) -> None:
    issued = ApiTokenFactory(db=db)
    assert issued.row.last_used_at is None
    client.get("/v1/council/referrals", headers=issued.headers)
    with db.sessions() as s:
        assert s.get(ApiToken, issued.row.id).last_used_at is not None


def test_hub_operator_token_cannot_read_the_council_inbox(client, db) -> None:
    reference = routed(client, db)
    response = client.get(
        f"/v1/council/referrals/{reference}", headers=bearer(token_for(db, hub=True))
    )
    assert response.status_code == 403
    assert response.get_json()["code"] == "wrong_token_scope"


def test_council_token_cannot_use_ops_endpoints(client, db) -> None:
    response = client.get("/v1/ops/triage", headers=bearer(token_for(db, KENT)))
    assert response.status_code == 403


def test_openapi_declares_the_bearer_scheme_and_council_paths(client) -> None:
    spec = client.get("/openapi.json").get_json()
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    for path in (
        "/v1/council/referrals",
        "/v1/council/referrals/{reference}",
        "/v1/council/referrals/{reference}/acknowledge",
        "/v1/council/referrals/{reference}/return",
        "/v1/council/referrals/{reference}/transfer",
        "/v1/ops/triage",
        "/v1/ops/enquiries/{reference}/route",
        "/v1/ops/enquiries/{reference}/decisions",
    ):
        assert path in spec["paths"], path
    assert spec["paths"]["/v1/council/referrals"]["get"]["security"] == [{"bearerAuth": []}]
