"""What schemathesis found in the delivery and tracking endpoints, pinned as plain tests.

A report range must not end before it starts (a rule across two query parameters, so the
conformance test orders its generated dates and this file checks the refusal), and a row id in
a path beyond BIGINT is a 404 like any id that does not exist, never a database overflow.
"""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from hub.platform.db import Database
from hub.platform.errors import PROBLEM_MIMETYPE
from hub.platform.fields import MAX_ROW_ID
from tests.support.council import KENT, bearer, token_for

REPORTS = ("/v1/council/reports/funnel", "/v1/ops/reports/retention")


def _token(db: Database, path: str) -> str:
    return token_for(db, hub=True) if path.startswith("/v1/ops/") else token_for(db, KENT)


@pytest.mark.parametrize("path", REPORTS)
@pytest.mark.parametrize("report_format", ["json", "csv"])
def test_a_range_ending_before_it_starts_is_a_422_naming_to(
    client: FlaskClient, db: Database, path: str, report_format: str
) -> None:
    response = client.get(
        f"{path}?from=0838-12-08&to=0644-11-06&format={report_format}",
        headers=bearer(_token(db, path)),
    )
    assert response.status_code == 422
    assert response.mimetype == PROBLEM_MIMETYPE
    assert response.get_json()["errors"] == [
        {"field": "to", "message": "to must not be before from."}
    ]


@pytest.mark.parametrize("path", REPORTS)
def test_a_one_day_range_and_the_same_dates_in_order_are_answered(
    client: FlaskClient, db: Database, path: str
) -> None:
    token = _token(db, path)
    for query in ("from=0644-11-06&to=0838-12-08", "from=2026-03-01&to=2026-03-01"):
        response = client.get(f"{path}?{query}", headers=bearer(token))
        assert response.status_code == 200, response.get_json()


def test_the_document_states_the_range_rule_on_to(client: FlaskClient) -> None:
    document = client.get("/openapi.json").get_json()
    for path in ("/v1/council/reports/{name}", "/v1/ops/reports/{name}"):
        parameters = {p["name"]: p for p in document["paths"][path]["get"]["parameters"]}
        assert "not before from" in parameters["to"]["description"]


ID_ROUTES = (
    ("GET", "/v1/council/deliveries/{id}", False),
    ("POST", "/v1/ops/deliveries/{id}/replay", True),
    ("POST", "/v1/council/follow-ups/{id}/outcome", False),
    ("POST", "/v1/ops/follow-ups/{id}/outcome", True),
)


@pytest.mark.parametrize(("method", "template", "operator"), ID_ROUTES)
@pytest.mark.parametrize("row_id", [MAX_ROW_ID + 1, 988541130886387488260096, 0])
def test_an_id_outside_bigint_is_not_found_not_a_server_error(
    client: FlaskClient, db: Database, method: str, template: str, operator: bool, row_id: int
) -> None:
    token = token_for(db, hub=True) if operator else token_for(db, KENT)
    response = client.open(
        template.format(id=row_id),
        method=method,
        headers=bearer(token),
        json={"outcome": "completed"} if method == "POST" else None,
    )
    assert response.status_code == 404
    assert response.mimetype == PROBLEM_MIMETYPE


@pytest.mark.parametrize(("method", "template", "operator"), ID_ROUTES)
def test_the_largest_bigint_id_reaches_the_endpoint(
    client: FlaskClient, db: Database, method: str, template: str, operator: bool
) -> None:
    token = token_for(db, hub=True) if operator else token_for(db, KENT)
    response = client.open(
        template.format(id=MAX_ROW_ID),
        method=method,
        headers=bearer(token),
        json={"outcome": "completed"} if method == "POST" else None,
    )
    # The endpoint itself answers: no such delivery or follow-up (or a body it refuses).
    assert response.status_code in (404, 422)
    assert response.mimetype == PROBLEM_MIMETYPE
    assert response.get_json()["code"] != "internal_error"


def test_the_document_bounds_path_ids_to_bigint(client: FlaskClient) -> None:
    document = client.get("/openapi.json").get_json()
    templates = {
        "/v1/council/deliveries/{delivery_id}": "get",
        "/v1/ops/deliveries/{delivery_id}/replay": "post",
        "/v1/council/follow-ups/{follow_up_id}/outcome": "post",
        "/v1/ops/follow-ups/{follow_up_id}/outcome": "post",
    }
    for path, method in templates.items():
        operation = document["paths"][path]
        parameters = operation.get("parameters", []) + operation[method].get("parameters", [])
        (id_parameter,) = [p for p in parameters if p["in"] == "path"]
        assert id_parameter["schema"]["minimum"] == 1
        assert id_parameter["schema"]["maximum"] == MAX_ROW_ID
