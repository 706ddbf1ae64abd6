"""Fixtures for the routing tests: rule sets loaded from the fixture files and the real file."""

from __future__ import annotations

import pytest

from hub.rules import RuleSet, load_rules
from tests.rules.builders import ENGLAND_RULES, FIXTURES, SMALL_AUTHORITIES, geo_authorities


@pytest.fixture(scope="session")
def rules() -> RuleSet:
    """The small valid fixture: two hubs, a trust, two overrides, a pause, one signpost."""
    return load_rules(FIXTURES / "valid.yaml", SMALL_AUTHORITIES)


@pytest.fixture(scope="session")
def england_authorities() -> dict[str, str]:
    """England's 153 children's services authorities from the active geography (``hub.geo``)."""
    return geo_authorities()


@pytest.fixture(scope="session")
def england_rules(england_authorities: dict[str, str]) -> RuleSet:
    """The shipped rules file, checked against England's authorities."""
    return load_rules(ENGLAND_RULES, england_authorities)
