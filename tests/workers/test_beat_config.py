"""Beat's scheduler: RedBeat's lock in the hub's Redis, with a loop short enough to take over."""

from __future__ import annotations

import pytest

from config.settings import SettingsError, load_settings
from workers.celery_app import BEAT_LOCK_KEY, beat_lock_config, make_celery


def test_beat_holds_a_lock_in_the_hubs_redis_and_renews_it_three_times_a_life() -> None:
    settings = load_settings({"HUB_REDIS_URL": "redis://r:6379/3", "HUB_BEAT_LOCK_SECONDS": "12"})
    conf = make_celery(settings).conf
    assert conf.beat_scheduler == "workers.beat_scheduler.HubBeatScheduler"
    assert (conf.redbeat_redis_url, conf.redbeat_lock_key) == ("redis://r:6379/3", BEAT_LOCK_KEY)
    assert (conf.redbeat_lock_timeout, conf.beat_max_loop_interval) == (12, 4.0)


def test_the_default_lock_replaces_a_dead_beat_within_a_minute() -> None:
    config = beat_lock_config(load_settings({"HUB_REDIS_URL": "redis://r:6379/0"}))
    # Expiry of the dead beat's lock, then at most one loop of the one waiting.
    assert config["redbeat_lock_timeout"] + config["beat_max_loop_interval"] <= 60
    assert config["beat_max_loop_interval"] == 5.0


def test_without_redis_beat_keeps_celerys_file_scheduler() -> None:
    assert beat_lock_config(load_settings({})) == {}


def test_a_lock_too_short_to_renew_is_refused() -> None:
    with pytest.raises(SettingsError, match="HUB_BEAT_LOCK_SECONDS must be 3 or more"):
        load_settings({"HUB_BEAT_LOCK_SECONDS": "2"})
