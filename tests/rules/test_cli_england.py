"""``hub rules check`` on the shipped file, against the real geography's authorities."""

from __future__ import annotations

from click.testing import CliRunner

from config.settings import Settings
from hub.rules.cli import rules
from tests.rules.builders import ENGLAND_RULES


def test_shipped_rules_pass_the_check_against_the_active_geography() -> None:
    result = CliRunner().invoke(rules, ["check", str(ENGLAND_RULES)])
    assert result.exit_code == 0, result.output
    assert "1 cluster(s) with 20 member council(s), 153 authorities covered" in result.output


def test_check_without_a_path_checks_the_configured_file() -> None:
    result = CliRunner().invoke(rules, ["check"], obj=Settings())  # as the `hub` group hands it
    assert result.exit_code == 0, result.output
    assert "england.yaml: valid" in result.output
