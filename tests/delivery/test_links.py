"""Links built outside a request name the app's own routes, and build what url_for builds."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask, url_for
from werkzeug.routing import Map

from hub.delivery.links import API_RULES, PAGE_FOR_API, PAGE_RULES, api_path, page_path

SAMPLE = {"reference": "FE-7K3M9Q2D", "token": "abc_123"}


def _endpoints(rules: Map) -> list[str]:
    return sorted({rule.endpoint for rule in rules.iter_rules()})


@pytest.mark.parametrize("endpoint", _endpoints(API_RULES))
def test_each_api_link_is_the_app_route_of_its_endpoint(app: Flask, endpoint: str) -> None:
    with app.test_request_context():
        built = api_path(endpoint, **_values_for(app, endpoint))
        assert built == url_for(endpoint, **_values_for(app, endpoint))
    assert app.url_map.bind("").match(built, method="GET")[0] == endpoint


@pytest.mark.parametrize("endpoint", _endpoints(PAGE_RULES))
def test_each_page_link_is_the_app_route_of_its_endpoint(app: Flask, endpoint: str) -> None:
    with app.test_request_context():
        built = page_path(endpoint, **_values_for(app, endpoint))
        assert built == url_for(endpoint, **_values_for(app, endpoint))
    assert app.url_map.bind("").match(built, method="GET")[0] == endpoint


def test_every_api_link_has_a_page_for_people() -> None:
    assert set(PAGE_FOR_API) == set(_endpoints(API_RULES))
    assert set(PAGE_FOR_API.values()) <= set(_endpoints(PAGE_RULES))


def test_a_query_is_kept_in_the_order_given() -> None:
    path = api_path("council_tracking.council_follow_ups", status="due", due_before="2025-06-04")
    assert path == "/v1/council/follow-ups?status=due&due_before=2025-06-04"


def _values_for(app: Flask, endpoint: str) -> dict[str, Any]:
    (rule,) = [rule for rule in app.url_map.iter_rules(endpoint) if "GET" in (rule.methods or ())]
    return {name: SAMPLE[name] for name in rule.arguments}
