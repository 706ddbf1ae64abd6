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


# What `hub beat --help` calls each scheduled task.
BEAT_HELP_NAMES = {
    "hub.sweep_outbox": "outbox sweep",
    "hub.sweep_deliveries": "delivery sweep",
    "hub.purge_idempotency_keys": "idempotency-key purge",
    "hub.purge_form_drafts": "form-draft purge",
    "hub.sweep_clocks": "clock sweep",
    "hub.create_follow_ups": "follow-up creation",
    "hub.send_follow_up_digest": "follow-up digest",
    "hub.run_retention": "retention",
    "hub.record_readiness": "council readiness",
}


def test_hub_beat_help_describes_the_real_schedule() -> None:
    from workers.celery_app import celery

    result = CliRunner().invoke(main, ["beat", "--help"])
    assert result.exit_code == 0, result.output
    scheduled = {entry["task"] for entry in celery.conf.beat_schedule.values()}
    assert scheduled == set(BEAT_HELP_NAMES)  # a new job needs a line in the help
    missing = [name for name in BEAT_HELP_NAMES.values() if name not in result.output]
    assert not missing
