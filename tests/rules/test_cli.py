"""``hub rules check`` and ``hub rules show`` on fixture files."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import hub.rules.cli as rules_cli
from config.settings import Settings
from tests.rules.builders import FIXTURES, SMALL_AUTHORITIES


@pytest.fixture
def small_geography(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rules_cli, "known_authorities", lambda: dict(SMALL_AUTHORITIES))


pytestmark = pytest.mark.usefixtures("small_geography")


@pytest.fixture
def settings_rules_path() -> Path:
    return FIXTURES / "valid.yaml"


def run(*args: str, settings: Settings | None = None) -> Result:
    """``rules ARGS`` with the settings the ``hub`` group would hand it (``ctx.obj``)."""
    return CliRunner().invoke(rules_cli.rules, list(args), obj=settings or Settings())


def test_check_of_a_valid_file_exits_zero_with_a_summary() -> None:
    result = run("check", str(FIXTURES / "valid.yaml"))
    assert result.exit_code == 0
    assert "valid (version test-1): 2 cluster(s) with 6 member council(s)" in result.output


def test_check_of_an_invalid_file_exits_non_zero() -> None:
    assert run("check", str(FIXTURES / "two_clusters.yaml")).exit_code == 1


def test_check_prints_each_problem_with_file_and_line() -> None:
    result = run("check", str(FIXTURES / "wrong_values.yaml"))
    assert f"{FIXTURES / 'wrong_values.yaml'}:16: override postcode" in result.output
    assert "6 problem(s)" in result.output


def test_check_reports_malformed_yaml() -> None:
    result = run("check", str(FIXTURES / "malformed.yaml"))
    assert (result.exit_code, "malformed.yaml:5: malformed YAML" in result.output) == (1, True)


def test_check_defaults_to_the_configured_rules_path(settings_rules_path: Path) -> None:
    result = run("check", settings=Settings(rules_path=settings_rules_path))
    assert result.exit_code == 0 and str(settings_rules_path) in result.output


def test_check_fails_clearly_without_a_geography(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing() -> dict[str, str]:
        raise ImportError("no geography imported")

    monkeypatch.setattr(rules_cli, "known_authorities", missing)
    result = run("check", str(FIXTURES / "valid.yaml"))
    assert result.exit_code == 1
    assert "cannot read the active geography's authorities" in result.output


def test_show_summarises_clusters_on_a_day() -> None:
    result = run("show", str(FIXTURES / "valid.yaml"), "--on", "2024-12-31")
    assert result.exit_code == 0
    assert "Cluster Solent Hub (from 8 July 2024), lead Portsmouth" in result.output
    assert "3 member(s) now" in result.output


def test_show_lists_pauses_and_overrides() -> None:
    output = run("show", str(FIXTURES / "valid.yaml")).output
    assert "Pause Southampton -> Portsmouth" in output
    assert "Override RG1 2 -> West Berkshire" in output


def test_show_names_where_a_cluster_sends_connected_persons(tmp_path: Path) -> None:
    text = (FIXTURES / "valid.yaml").read_text()
    anchor = "    first_contact_working_days: 3\n"
    block = "    connected_persons:\n      send_to: E06000038\n      reason: one team assesses\n"
    path = tmp_path / "rules.yaml"
    path.write_text(text.replace(anchor, anchor + block, 1))
    output = run("show", str(path)).output
    assert "connected persons (a child they already know) -> Reading: one team assesses" in output
    assert output.count("connected persons") == 1  # the Solent Hub sets none
