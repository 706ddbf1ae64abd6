"""``hub councils``: the directory's figures, its gaps, one council, readiness over time."""

from __future__ import annotations

from click.testing import CliRunner

from hub.cli import main
from tests.support.council import KENT
from tests.support.readiness import staff_signed_in


def _run(*args: str) -> str:
    result = CliRunner().invoke(main, ["councils", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_completeness_prints_the_three_figures(db, settings, geography) -> None:
    out = _run("completeness")
    assert out.startswith(
        "153/153 with a hub-or-none, 20 with a public contact (0 their own, the rest their "
        "hub's), 0 confirmed targets"
    )


def test_check_lists_councils_without_a_contact_and_hubs_with_unknown_members(
    settings, geography
) -> None:
    out = _run("check")
    assert "Councils without a public contact (133):" in out
    assert "  E08000025 Birmingham" in out
    assert "Hubs whose members are not all known (7):" in out
    assert "  Foster for Greater Manchester: 0 of 10 members known" in out


def test_show_gives_each_fact_with_its_source_and_readiness(db, settings, geography) -> None:
    assert "readiness: NOT READY (no live channel)" in _run("show", "Kent")
    staff_signed_in(db, KENT)
    out = _run("show", KENT)
    assert "hub: Local Authority Fostering South East (routed through it)" in out
    assert "public contact: 0300 131 2797 [hub's" in out
    assert "not confirmed (not promised)" in out and "readiness: ready (staff)" in out


def test_an_unknown_council_is_one_line_and_exit_1(settings, geography) -> None:
    result = CliRunner().invoke(main, ["councils", "show", "E99999999"])
    assert result.exit_code == 1 and "not a children's services authority" in result.output


def test_readiness_records_today_and_reports_it(db, settings, geography) -> None:
    staff_signed_in(db, KENT)
    out = _run("readiness", "--record")
    assert "153 councils recorded for today" in out
    assert f"{KENT}\tKent\t1\t1\t" in out


def test_rules_check_says_what_the_directory_does_not_know_yet(settings, geography) -> None:
    result = CliRunner().invoke(main, ["rules", "check"])
    assert result.exit_code == 0, result.output
    assert "133 council(s) without a public contact, 7 hub(s) whose members" in result.output
