"""The running hub loads the configured rules once and refuses an invalid file."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from config.settings import Settings
from hub.rules import RulesError, get_active_rules
from tests.rules.builders import FIXTURES


@pytest.fixture
def fresh_cache() -> Iterator[None]:
    """The default rules file installed (as an edge installs HUB_RULES_PATH), loaded afresh."""
    before = get_active_rules.path
    get_active_rules.use_file(Settings().rules_path)
    get_active_rules.cache_clear()
    yield
    if before is not None:
        get_active_rules.use_file(before)
    get_active_rules.cache_clear()


def test_active_rules_are_the_configured_file(fresh_cache: None) -> None:
    assert get_active_rules().source == str(Settings().rules_path)


def test_active_rules_are_loaded_once_per_process(fresh_cache: None) -> None:
    assert get_active_rules() is get_active_rules()


def test_active_rules_refuse_an_invalid_file(fresh_cache: None) -> None:
    get_active_rules.use_file(FIXTURES / "two_clusters.yaml")
    with pytest.raises(RulesError):
        get_active_rules()
