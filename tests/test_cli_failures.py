"""An expected failure of a `hub` command is one line on stderr and a non-zero exit, no traceback.

Each case runs the real `hub` console script (as a user would) and, where it is cheap, click's
CliRunner (which shows the exception the command ended with).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from config.settings import load_settings, override_settings
from hub.cli import HubGroup, main
from tests.rules.builders import FIXTURES
from tests.support.processes import process_env

HUB = Path(sys.executable).with_name("hub")
# A port nothing listens on: connecting is refused at once.
UNREACHABLE_PG = "postgresql://postgres@127.0.0.1:1/hub"


def run_hub(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """The `hub` console script with exactly these HUB_* settings (the shell's are dropped)."""
    return subprocess.run(
        [str(HUB), *args],
        env=process_env(env),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def assert_one_line_failure(result: subprocess.CompletedProcess[str], words: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert words in lines[0]


@pytest.fixture
def base_env(tmp_path: Path, hub_env: dict[str, str]) -> dict[str, str]:
    """Development settings with the session's geography and nothing else."""
    return {"HUB_ENV": "development", "HUB_GEO_DIR": hub_env["HUB_GEO_DIR"]}


def test_a_data_dir_without_a_database_is_one_line(tmp_path: Path, base_env) -> None:
    missing = tmp_path / "no-hub-here"
    result = run_hub(["councils", "token", "list", "--data-dir", str(missing)], base_env, tmp_path)
    assert_one_line_failure(result, f"no hub database at {missing / 'hub.db'}")
    assert not missing.exists()  # nothing was created where the mistyped path points


def test_a_data_dir_that_cannot_be_made_is_one_line(tmp_path: Path, base_env) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("not a directory")
    result = run_hub(["db", "upgrade", "--data-dir", str(a_file / "var")], base_env, tmp_path)
    assert_one_line_failure(result, "Not a directory")


def test_an_unreachable_postgresql_is_one_line(tmp_path: Path, base_env) -> None:
    env = {**base_env, "HUB_DATABASE_URL": UNREACHABLE_PG}
    result = run_hub(["councils", "token", "list"], env, tmp_path)
    assert_one_line_failure(result, "Connection refused")


def test_production_without_its_secrets_is_one_line(tmp_path: Path, base_env) -> None:
    env = {**base_env, "HUB_ENV": "production"}
    for args in (["councils", "token", "list"], ["db", "upgrade"], ["worker"], ["beat"]):
        result = run_hub(args, env, tmp_path)
        assert_one_line_failure(result, "production refuses to start without: HUB_DATABASE_URL")


def test_an_unknown_council_is_one_line(tmp_path: Path, base_env) -> None:
    result = run_hub(["councils", "token", "create", "Narnia"], base_env, tmp_path)
    assert_one_line_failure(result, "'Narnia' is neither a council nor a delivery body")


def test_an_invalid_rules_file_is_one_line(tmp_path: Path, base_env) -> None:
    env = {**base_env, "HUB_RULES_PATH": str(FIXTURES / "two_clusters.yaml")}
    result = run_hub(["councils", "token", "create", "Achieving for Children"], env, tmp_path)
    assert_one_line_failure(result, "problem(s) in the rules file")


def test_cli_runner_sees_a_clean_exit_not_an_exception(tmp_path: Path, hub_env) -> None:
    settings = load_settings({**hub_env, "HUB_DATABASE_URL": UNREACHABLE_PG})
    with override_settings(settings):
        result = CliRunner().invoke(main, ["councils", "token", "list"])
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("Error: ") and "Connection refused" in line


def test_an_unexpected_error_still_raises() -> None:
    group = HubGroup()

    @group.command()
    def broken() -> None:
        raise ZeroDivisionError("a bug, not an expected failure")

    result = CliRunner().invoke(group, ["broken"])
    assert isinstance(result.exception, ZeroDivisionError)


def test_every_command_takes_data_dir() -> None:
    def leaves(command: click.Command, path: str) -> list[tuple[str, click.Command]]:
        if isinstance(command, click.Group):
            return [
                leaf
                for name, sub in command.commands.items()
                for leaf in leaves(sub, f"{path} {name}")
            ]
        return [(path, command)]

    found = leaves(main, "hub")
    assert len(found) > 10
    missing = [path for path, command in found if "--data-dir" not in _options(command)]
    assert missing == []


def _options(command: click.Command) -> set[str]:
    return {opt for param in command.params for opt in getattr(param, "opts", [])}


@pytest.mark.parametrize(
    "args", [["mail", "list"], ["mail", "show", "some-id"], ["worker"], ["beat"]]
)
def test_a_data_dir_without_a_hub_is_one_line_for_every_command_that_reads_it(
    tmp_path: Path,
    base_env: dict[str, str],
    args: list[str],
) -> None:
    missing = tmp_path / "no-hub-here"
    result = run_hub([*args, "--data-dir", str(missing)], base_env, tmp_path)
    assert_one_line_failure(result, f"no hub database at {missing / 'hub.db'}")
    assert not missing.exists()


def test_a_missing_data_dir_is_one_line_with_another_database(tmp_path: Path) -> None:
    missing = tmp_path / "no-hub-here"
    # The settings are handed in as the `hub` group's context object: an in-process runner's
    # env= would not reach settings another test of this process has already read.
    result = CliRunner().invoke(
        main,
        ["mail", "list", "--data-dir", str(missing)],
        obj=load_settings({"HUB_DATABASE_URL": UNREACHABLE_PG}),
    )
    assert result.exit_code == 1
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert f"no hub data directory at {missing}" in line


def test_activating_a_geography_in_a_mistyped_data_dir_creates_nothing(
    tmp_path: Path, base_env: dict[str, str]
) -> None:
    missing = tmp_path / "no-hub-here"
    env = {k: v for k, v in base_env.items() if k != "HUB_GEO_DIR"}
    result = run_hub(["geo", "activate", "v1", "--data-dir", str(missing)], env, tmp_path)
    assert_one_line_failure(result, f"no geography version 'v1' in {missing / 'geo'}")
    assert not missing.exists()
