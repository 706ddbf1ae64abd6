"""A malformed setting stops every `hub` command with one line naming the variable, exit 1.

The `hub` group reads the settings once, before any sub-command runs (``ctx.obj``), so the
answer is the same for `hub run` as for `hub users list`; gunicorn's configuration, which
`hub run` and compose start the API with, answers the same way.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from config.settings import get_settings, load_settings
from hub.cli import main
from tests.support.processes import process_env
from tests.test_cli_failures import run_hub

BAD = {"HUB_DELIVERY_CONCURRENCY": "abc"}
LINE = "hub: HUB_DELIVERY_CONCURRENCY must be a whole number, got 'abc'"


@pytest.mark.parametrize(
    "args",
    [
        ["run", "--port", "0"],
        ["worker"],
        ["beat"],
        ["db", "upgrade"],
        ["councils", "token", "list"],
        ["geo", "resolve", "SW1A 1AA"],
        ["rules", "check"],
        ["users", "list", "--data-dir", "elsewhere"],
        ["report", "funnel", "--from", "2026-01-01", "--to", "2026-01-31"],
    ],
    ids=" ".join,
)
def test_a_malformed_setting_is_one_line_and_exit_1(tmp_path: Path, args: list[str]) -> None:
    result = run_hub(args, BAD, tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [LINE]
    assert not (tmp_path / "var").exists()  # nothing was started or written


@pytest.mark.parametrize(
    ("env", "line"),
    [
        ({"HUB_LOG_JSON": "sometimes"}, "hub: HUB_LOG_JSON must be true or false, got 'sometimes'"),
        (
            {"HUB_OUTBOX_SWEEP_SECONDS": "ten"},
            "hub: HUB_OUTBOX_SWEEP_SECONDS must be a number of seconds (0 or more), got 'ten'",
        ),
    ],
)
def test_the_cli_runner_sees_the_same_line(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], line: str
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(main, ["councils", "token", "list"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [line]


def test_a_command_takes_the_settings_its_group_was_handed(tmp_path: Path) -> None:
    """Sub-commands read ``ctx.obj``: settings handed to the group are the ones used."""
    data_dir = tmp_path / "no-hub-here"
    settings = load_settings({"HUB_DATA_DIR": str(data_dir)})
    result = CliRunner().invoke(main, ["councils", "token", "list"], obj=settings)
    assert result.exit_code == 1
    assert f"no hub database at {data_dir / 'hub.db'}" in result.stderr


def test_gunicorn_refuses_a_malformed_setting_in_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "python:config.gunicorn",
            "--bind",
            "127.0.0.1:0",
            "hub.app:create_app()",
        ],
        env=process_env({**BAD, "HUB_DATA_DIR": str(tmp_path / "var")}),
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.splitlines() == [LINE]
