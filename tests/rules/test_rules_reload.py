"""A process follows its rules file: a changed, valid file is used within seconds; an invalid
one is refused, logged, and the rules in use stay."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from config.settings import Settings, load_settings
from hub.rules import get_active_rules
from hub.rules.active import RECHECK_SECONDS
from tests.support.processes import wait_for
from tests.support.settings import use_test_settings

ENGLAND = Path(__file__).resolve().parents[2] / "config" / "rules" / "england.yaml"
ORIGINAL = ENGLAND.read_text(encoding="utf-8")
VERSION_LINE = 'version: "2025.1"'
assert VERSION_LINE in ORIGINAL


def with_version(version: str) -> str:
    return ORIGINAL.replace(VERSION_LINE, f'version: "{version}"', 1)


def broken(version: str) -> str:
    """A rules file with a new version and a cluster member that is no council."""
    text = with_version(version)
    return text.replace("E10000016", "E10099999", 1)


@pytest.fixture
def rules_file(tmp_path: Path, hub_env: dict[str, str]) -> Iterator[Path]:
    """A copy of the England rules as the configured file, loaded afresh for this test."""
    path = tmp_path / "rules.yaml"
    path.write_text(ORIGINAL, encoding="utf-8")
    settings: Settings = load_settings({**hub_env, "HUB_RULES_PATH": str(path)})
    get_active_rules.cache_clear()
    with use_test_settings(settings):
        yield path
    get_active_rules.cache_clear()


def test_a_changed_valid_file_is_used_within_seconds(rules_file: Path) -> None:
    assert get_active_rules().version == "2025.1"
    rules_file.write_text(with_version("2025.2"), encoding="utf-8")
    wait_for(
        lambda: get_active_rules().version == "2025.2",
        RECHECK_SECONDS + 3,
        "the changed rules file was not picked up",
    )


def test_an_invalid_file_is_refused_and_the_rules_in_use_stay(
    rules_file: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="hub.rules.active")
    in_use = get_active_rules()
    rules_file.write_text(broken("2025.3"), encoding="utf-8")
    wait_for(
        lambda: get_active_rules() is in_use and "refused" in caplog.text,
        RECHECK_SECONDS + 3,
        lambda: f"no refusal logged: {caplog.text!r}",
    )
    [record] = [r for r in caplog.records if "refused" in r.getMessage()]
    message = record.getMessage()
    assert str(rules_file) in message and "E10099999" in message
    assert "still routing with version 2025.1" in message


def test_a_fixed_file_is_picked_up_after_a_refused_one(
    rules_file: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="hub.rules.active")
    get_active_rules()
    rules_file.write_text(broken("2025.3"), encoding="utf-8")
    # The broken file must be seen and refused first (written back to back, it never was).
    wait_for(
        lambda: get_active_rules().version == "2025.1" and "refused" in caplog.text,
        RECHECK_SECONDS + 3,
        lambda: f"the broken file was not refused: {caplog.text!r}",
    )
    rules_file.write_text(with_version("2025.4"), encoding="utf-8")
    wait_for(
        lambda: get_active_rules().version == "2025.4",
        RECHECK_SECONDS + 3,
        "the fixed rules file was not picked up",
    )


def test_a_missing_file_keeps_the_rules_in_use(
    rules_file: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="hub.rules.active")
    in_use = get_active_rules()
    rules_file.unlink()
    wait_for(
        lambda: get_active_rules() is in_use and "refused" in caplog.text,
        RECHECK_SECONDS + 3,
        lambda: f"no refusal logged: {caplog.text!r}",
    )
    assert get_active_rules() is in_use
