"""The `hub` command wires the rules' partial-postcode share into `hub geo resolve`."""

from __future__ import annotations

import json

from click.testing import CliRunner

from hub.cli import main


def test_hub_geo_resolve_names_a_partial_postcode_as_the_router_would(geography: str) -> None:
    result = CliRunner().invoke(main, ["geo", "resolve", "KT1 2"])  # 99.7% Kingston
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["authority"]["code"] == "E09000021"


def test_an_explicit_min_share_still_wins(geography: str) -> None:
    result = CliRunner().invoke(main, ["geo", "resolve", "--min-share", "1", "KT1 2"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["authority"] is None


def test_hub_beat_help_describes_the_real_schedule() -> None:
    from workers.celery_app import celery

    result = CliRunner().invoke(main, ["beat", "--help"])
    assert result.exit_code == 0, result.output
    assert "clock" not in result.output.lower()  # no SLA clocks are scheduled yet
    assert "outbox sweep" in result.output and "idempotency-key purge" in result.output
    scheduled = {entry["task"] for entry in celery.conf.beat_schedule.values()}
    assert {"hub.sweep_outbox", "hub.purge_idempotency_keys"} <= scheduled
