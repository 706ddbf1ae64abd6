"""The ``hub geo`` command-line contract other tools rely on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from hub.geo.cli import geo

KEYS = {
    "input",
    "postcode",
    "outcome",
    "authority",
    "country",
    "confidence",
    "candidates",
    "geography_version",
}


def _lines(output: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in output.splitlines()]


def test_resolve_arguments_print_json_lines_in_order(geo_dir: Path) -> None:
    result = CliRunner().invoke(geo, ["resolve", "ME14 1XQ", "rg1 2lu", "CF10 1EP"])
    assert result.exit_code == 0, result.output
    rows = _lines(result.stdout)
    assert [r["postcode"] for r in rows] == ["ME14 1XQ", "RG1 2LU", "CF10 1EP"]
    assert rows[0]["authority"] == {"code": "E10000016", "name": "Kent"}
    assert rows[1]["authority"] == {"code": "E06000038", "name": "Reading"}
    assert rows[2]["outcome"] == "outside_england" and rows[2]["country"] == "Wales"


def test_resolve_reads_standard_input_one_per_line(geo_dir: Path) -> None:
    result = CliRunner().invoke(geo, ["resolve"], input="KT1\n\nnonsense\nSW1A 1AA\n")
    assert result.exit_code == 0
    rows = _lines(result.stdout)
    assert [r["input"] for r in rows] == ["KT1", "", "nonsense", "SW1A 1AA"]
    assert [r["outcome"] for r in rows] == ["partial", "invalid", "invalid", "matched"]


def test_resolve_output_has_every_contract_key(geo_dir: Path) -> None:
    result = CliRunner().invoke(geo, ["resolve", "KT1", "x"])
    for row in _lines(result.stdout):
        assert KEYS <= set(row)


def test_resolve_output_has_no_delivery_body(geo_dir: Path) -> None:
    # Trusts live in the routing rules (with their dates); the geography does not repeat them.
    row = _lines(CliRunner().invoke(geo, ["resolve", "RG1 2LU"]).stdout)[0]
    assert "delivery_body" not in row


def test_resolve_names_a_partial_only_when_one_council_holds_it_all_by_default(
    geo_dir: Path,
) -> None:
    # RG1 2 is wholly Reading; KT1 2 is 99.7% Kingston.
    rows = _lines(CliRunner().invoke(geo, ["resolve", "RG1 2", "KT1 2"]).stdout)
    assert [r["authority"] for r in rows] == [{"code": "E06000038", "name": "Reading"}, None]


@pytest.mark.parametrize(("share", "named"), [("0.95", [False, True]), ("0.9", [True, True])])
def test_resolve_min_share_option_sets_the_share(
    geo_dir: Path, share: str, named: list[bool]
) -> None:
    # KT1 is about 92% Kingston.
    result = CliRunner().invoke(geo, ["resolve", "--min-share", share, "KT1", "KT1 2"])
    assert [r["authority"] is not None for r in _lines(result.stdout)] == named


def test_resolve_candidates_have_code_name_share(geo_dir: Path) -> None:
    row = _lines(CliRunner().invoke(geo, ["resolve", "KT1"]).stdout)[0]
    assert row["candidates"][0] == {
        "code": "E09000021",
        "name": "Kingston upon Thames",
        "share": 0.9186,
    }


def test_resolve_exits_zero_when_all_invalid(geo_dir: Path) -> None:
    result = CliRunner().invoke(geo, ["resolve"], input="\x00\x01\n" + "x" * 10_000 + "\n")
    assert result.exit_code == 0
    assert [r["outcome"] for r in _lines(result.stdout)] == ["invalid", "invalid"]


def test_resolve_builds_default_when_none_exists(empty_geo_dir: Path) -> None:
    result = CliRunner().invoke(geo, ["resolve", "--geo-dir", str(empty_geo_dir), "ME14 1XQ"])
    assert result.exit_code == 0
    assert "building the default" in result.stderr
    assert _lines(result.stdout)[0]["authority"]["code"] == "E10000016"


def test_versions_marks_the_active_one(geo_dir: Path) -> None:
    result = CliRunner().invoke(geo, ["versions", "--json"])
    rows = _lines(result.stdout)
    assert sum(1 for r in rows if r["active"]) == 1
    assert {"id", "source", "edition", "loaded_at", "postcode_count"} <= set(rows[0])


def test_import_then_activate_switches_versions(fixtures: Path, empty_geo_dir: Path) -> None:
    runner = CliRunner()
    base = ["--geo-dir", str(empty_geo_dir)]
    first = runner.invoke(geo, ["import", *base, str(fixtures / "onspd_old_layout.csv")])
    assert first.exit_code == 0, first.output
    second = runner.invoke(geo, ["import", *base, str(fixtures / "onspd_2025_layout.csv")])
    assert "bad rows: 3" in second.stdout
    old_id = first.stdout.split()[1]
    assert runner.invoke(geo, ["activate", *base, old_id]).exit_code == 0
    listing = runner.invoke(geo, ["versions", *base]).stdout
    assert f"* {old_id}" in listing


def test_import_refuses_non_directory_with_nonzero_exit(
    fixtures: Path, empty_geo_dir: Path
) -> None:
    args = ["import", "--geo-dir", str(empty_geo_dir), str(fixtures / "not_a_directory.csv")]
    result = CliRunner().invoke(geo, args)
    assert result.exit_code != 0
    assert "not a postcode directory" in result.output


def test_activate_unknown_version_fails(empty_geo_dir: Path) -> None:
    result = CliRunner().invoke(geo, ["activate", "--geo-dir", str(empty_geo_dir), "nope"])
    assert result.exit_code != 0


def test_build_default_is_idempotent(geo_dir: Path) -> None:
    result = CliRunner().invoke(geo, ["build-default", "--geo-dir", str(geo_dir)])
    assert result.exit_code == 0
    assert result.stdout.startswith("already built")


def test_resolve_survives_undecodable_argument(geo_dir: Path) -> None:
    result = CliRunner().invoke(geo, ["resolve", "SW1A\udcff1AA", "ME14 1XQ"])
    assert result.exit_code == 0
    assert [r["outcome"] for r in _lines(result.stdout)] == ["invalid", "matched"]
