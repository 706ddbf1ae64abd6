"""`--data-dir D` means the same for every `hub` command as for `hub run --data-dir D`."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from config.settings import load_settings, override_settings
from hub.app import create_app
from hub.cli import main
from hub.platform.cli_options import record_running_hub_url
from hub.platform.db import Database
from tests.access.factories import bearer
from tests.test_cli_failures import run_hub


def test_a_token_made_from_another_directory_works_on_the_data_dirs_hub(
    tmp_path: Path, hub_env, geography
) -> None:
    data_dir = tmp_path / "hub-data"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {"HUB_ENV": "test", "HUB_GEO_DIR": hub_env["HUB_GEO_DIR"]}
    upgraded = run_hub(["db", "upgrade", "--data-dir", str(data_dir)], env, elsewhere)
    assert upgraded.returncode == 0, upgraded.stderr
    created = run_hub(
        ["councils", "token", "create", "Kent", "--data-dir", str(data_dir)], env, elsewhere
    )
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip()
    assert not (elsewhere / "var").exists()  # nothing landed in the working directory

    # The hub that runs on that data directory (as `hub run --data-dir` configures it).
    settings = load_settings({**hub_env, "HUB_DATA_DIR": str(data_dir), "HUB_DATABASE_URL": ""})
    assert settings.resolved_database_url == f"sqlite:///{(data_dir / 'hub.db').resolve()}"
    db = Database(settings)
    try:
        with override_settings(settings):
            app: Flask = create_app(settings, db=db)
            response = app.test_client().get("/v1/council/referrals", headers=bearer(token))
            other = app.test_client().get("/v1/council/referrals", headers=bearer(token + "x"))
    finally:
        db.dispose()
    assert response.status_code == 200, response.get_json()
    assert other.status_code == 401


def test_hub_run_reads_hub_data_dir_as_the_other_commands_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HUB_DATA_DIR", str(tmp_path))
    ctx = main.commands["run"].make_context("run", [])
    assert ctx.params["data_dir"] == tmp_path
    explicit = main.commands["run"].make_context("run", ["--data-dir", "elsewhere"])
    assert explicit.params["data_dir"] == Path("elsewhere")


def _invitation_links(data_dir: Path) -> list[str]:
    mails = sorted((data_dir / "mail").glob("*.eml"))
    return [line for mail in mails for line in mail.read_text().splitlines() if "/sign-in/" in line]


def test_an_invitation_from_another_shell_links_to_the_hub_running_on_that_data_dir(
    tmp_path: Path, hub_env
) -> None:
    data_dir = tmp_path / "hub-data"
    env = {"HUB_ENV": "development", "HUB_GEO_DIR": hub_env["HUB_GEO_DIR"]}
    assert run_hub(["db", "upgrade", "--data-dir", str(data_dir)], env, tmp_path).returncode == 0
    invite = ["users", "invite", "--council", "Kent", "--data-dir", str(data_dir)]

    first = run_hub([*invite, "first@kent.example"], env, tmp_path)
    assert first.returncode == 0, first.stderr
    assert [link for link in _invitation_links(data_dir) if "127.0.0.1:5000/" in link]

    # What `hub run --port 8765 --data-dir D` writes when it starts.
    record_running_hub_url(data_dir, "http://127.0.0.1:8765")
    second = run_hub([*invite, "second@kent.example"], env, tmp_path)
    assert second.returncode == 0, second.stderr
    assert len([link for link in _invitation_links(data_dir) if ":8765/" in link]) == 1

    # A public address that is set wins over the running hub's.
    third = run_hub(
        [*invite, "third@kent.example"],
        {**env, "HUB_PUBLIC_BASE_URL": "https://hub.example"},
        tmp_path,
    )
    assert third.returncode == 0, third.stderr
    assert [link for link in _invitation_links(data_dir) if "https://hub.example/" in link]
