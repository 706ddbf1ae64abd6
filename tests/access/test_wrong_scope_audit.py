"""A token of the wrong kind is refused on every API endpoint, and the attempt is audited."""

from __future__ import annotations

import pytest

from tests.support.council import KENT, audit_rows, bearer, token_for

PERIOD = "from=2026-03-01&to=2026-03-31"

OPS_ENDPOINTS = [
    ("GET", "/v1/ops/triage"),
    ("GET", "/v1/ops/deliveries"),
    ("GET", f"/v1/ops/reports/funnel?{PERIOD}"),
    ("POST", "/v1/ops/deliveries/42/replay"),
]
COUNCIL_ENDPOINTS = [
    ("GET", "/v1/council/referrals"),
    ("GET", "/v1/council/deliveries"),
    ("GET", "/v1/council/follow-ups"),
    ("GET", f"/v1/council/reports/funnel?{PERIOD}"),
]


def _denied_calls(db):
    return audit_rows(db, action="call_api")


@pytest.mark.parametrize(("method", "url"), OPS_ENDPOINTS)
def test_a_council_token_on_an_operator_endpoint_is_audited(client, db, method, url) -> None:
    response = client.open(url, method=method, headers=bearer(token_for(db, KENT)))
    assert response.status_code == 403
    assert response.get_json()["code"] == "wrong_token_scope"
    (row,) = _denied_calls(db)
    assert (row.outcome, row.actor_scope) == ("denied", f"authority:{KENT}")
    assert row.actor.startswith("token:")
    assert row.detail == {"method": method, "path": url.partition("?")[0]}
    assert row.request_id == response.headers["X-Request-ID"]


def test_a_refused_replay_replays_nothing_and_is_audited(client, db) -> None:
    response = client.post("/v1/ops/deliveries/42/replay", headers=bearer(token_for(db, KENT)))
    assert response.status_code == 403
    assert audit_rows(db, action="replay_delivery") == []
    (row,) = _denied_calls(db)
    assert row.detail == {"method": "POST", "path": "/v1/ops/deliveries/42/replay"}


@pytest.mark.parametrize(("method", "url"), COUNCIL_ENDPOINTS)
def test_an_operator_token_on_a_council_endpoint_is_audited(client, db, method, url) -> None:
    response = client.open(url, method=method, headers=bearer(token_for(db, hub=True)))
    assert response.status_code == 403
    (row,) = _denied_calls(db)
    assert (row.outcome, row.actor_scope) == ("denied", "hub")
    assert row.detail == {"method": method, "path": url.partition("?")[0]}


def test_a_call_without_a_token_names_no_one_and_writes_no_row(client, db) -> None:
    assert client.get("/v1/ops/triage").status_code == 401
    assert _denied_calls(db) == []


def test_a_token_of_the_right_kind_writes_no_denial(client, db) -> None:
    assert client.get("/v1/ops/triage", headers=bearer(token_for(db, hub=True))).status_code == 200
    assert _denied_calls(db) == []


def _example_path(rule) -> str:
    """The rule's path with each argument filled in (a row id or a reference)."""
    values: dict[str, object] = {}
    for name, converter in rule._converters.items():
        if type(converter).__name__ == "IntegerConverter":
            values[name] = 1
        elif type(converter).__name__ == "AnyConverter":
            values[name] = sorted(converter.items)[0]
        else:
            values[name] = "FH-0000-0000"
    path: str = rule.build(values, append_unknown=False)[1]
    return path


def test_every_council_and_operator_endpoint_audits_a_wrong_token(app, client, db) -> None:
    council, operator = bearer(token_for(db, KENT)), bearer(token_for(db, hub=True))
    calls = [
        (method, _example_path(rule), operator if rule.rule.startswith("/v1/council/") else council)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(("/v1/council/", "/v1/ops/"))
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
    ]
    assert len(calls) > 10
    for method, path, headers in calls:
        assert client.open(path, method=method, headers=headers).status_code == 403, path
    assert sorted((r.detail["method"], r.detail["path"]) for r in _denied_calls(db)) == sorted(
        (method, path) for method, path, _ in calls
    )
