"""The suite's cache of werkzeug's URL builders (tests/support/route_builders.py)."""

from __future__ import annotations

from werkzeug.routing import Map, Rule

from tests.support.route_builders import memoize_route_builders


def _build(rule: Rule, endpoint: str, values: dict[str, object]) -> str:
    return Map([rule]).bind("hub.example").build(endpoint, values)


def test_it_is_installed_in_the_test_process() -> None:
    assert memoize_route_builders() is True


def test_rules_that_differ_in_defaults_or_converters_build_their_own_urls() -> None:
    assert memoize_route_builders() is True
    assert _build(Rule("/p/<x>", endpoint="p", defaults={"x": "a"}), "p", {}) == "/p/a"
    assert _build(Rule("/p/<x>", endpoint="p", defaults={"x": "b"}), "p", {}) == "/p/b"
    three = Rule("/n/<int(fixed_digits=3):n>", endpoint="n")
    assert _build(three, "n", {"n": 7}) == "/n/007"
    assert _build(Rule("/n/<int:n>", endpoint="n"), "n", {"n": 7}) == "/n/7"


def test_one_rule_in_two_maps_builds_the_same_urls_with_unknown_arguments() -> None:
    for _ in range(2):
        url = _build(Rule("/r/<int:id>", endpoint="r"), "r", {"id": 5, "page": 2})
        assert url == "/r/5?page=2"
