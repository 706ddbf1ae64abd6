"""The running hub loads the configured rules once and refuses an invalid file."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from config.settings import get_settings
from hub.rules import RulesError, get_active_rules
from tests.rules.builders import FIXTURES


@pytest.fixture
def fresh_cache(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    get_settings.cache_clear()
    get_active_rules.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()
    get_active_rules.cache_clear()


def test_active_rules_are_the_configured_file(fresh_cache: pytest.MonkeyPatch) -> None:
    assert get_active_rules().source == str(get_settings().rules_path)


def test_active_rules_are_loaded_once_per_process(fresh_cache: pytest.MonkeyPatch) -> None:
    assert get_active_rules() is get_active_rules()


def test_active_rules_refuse_an_invalid_file(fresh_cache: pytest.MonkeyPatch) -> None:
    fresh_cache.setenv("HUB_RULES_PATH", str(FIXTURES / "two_clusters.yaml"))
    with pytest.raises(RulesError):
        get_active_rules()
