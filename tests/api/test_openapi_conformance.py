"""Exploratory."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from tests.support.council import KENT, bearer, token_for


@pytest.fixture
def council_token(db):
    return token_for(db, KENT)

@pytest.fixture
def operator_token(db):
    return token_for(db, hub=True)


@pytest.fixture
def api_schema(app, request):
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid
    return schemathesis.openapi.from_wsgi("/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=30, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_council(case, council_token):
    case.call_and_validate(headers=bearer(council_token))

@schema.parametrize()
@settings(max_examples=30, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_operator(case, operator_token):
    case.call_and_validate(headers=bearer(operator_token))
