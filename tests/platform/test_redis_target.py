"""HUB_REDIS_URL as Redis Sentinels: the settings, and what each Redis user is configured with."""

from __future__ import annotations

import pytest

from config.settings import SettingsError, load_settings
from hub.platform.broker import celery_config
from hub.platform.redis_target import (
    RedisUrlError,
    broker_transport_options,
    limiter_storage,
    parse_sentinel_url,
    redbeat_options,
)
from workers.celery_app import make_celery

SENTINELS = "sentinel://:s3cret@10.0.0.1:26379/2;sentinel://10.0.0.2:26380;sentinel://10.0.0.3"


def sentinel_settings():
    return load_settings({"HUB_REDIS_URL": SENTINELS, "HUB_REDIS_SENTINEL_MASTER": "hub-redis"})


def test_a_sentinel_url_lists_every_sentinel_and_the_masters_login() -> None:
    target = parse_sentinel_url(SENTINELS, "hub-redis")
    assert target.sentinels == (("10.0.0.1", 26379), ("10.0.0.2", 26380), ("10.0.0.3", 26379))
    assert (target.master, target.db, target.password) == ("hub-redis", 2, "s3cret")


@pytest.mark.parametrize(
    "url", ["sentinel://", "sentinel://a:1;redis://b:2", "sentinel://a:x", "sentinel://a:1/db"]
)
def test_a_malformed_sentinel_url_is_refused(url: str) -> None:
    with pytest.raises(RedisUrlError):
        parse_sentinel_url(url, "hub-redis")


def test_sentinels_without_a_master_name_stop_the_process() -> None:
    with pytest.raises(SettingsError, match="HUB_REDIS_SENTINEL_MASTER"):
        load_settings({"HUB_REDIS_URL": SENTINELS})


def test_a_master_name_without_sentinels_stops_the_process() -> None:
    with pytest.raises(SettingsError, match="not a sentinel:// URL"):
        load_settings(
            {"HUB_REDIS_URL": "redis://r:6379/0", "HUB_REDIS_SENTINEL_MASTER": "hub-redis"}
        )


def test_the_celery_app_reaches_the_broker_through_the_sentinels() -> None:
    app = make_celery(sentinel_settings())
    assert app.conf.broker_url == SENTINELS
    options = app.conf.broker_transport_options
    assert options["master_name"] == "hub-redis"
    assert options["visibility_timeout"] == 300  # the hub's own options are kept
    with app.connection_for_write() as connection:
        assert connection.transport_cls == "sentinel"
        assert connection.alt == SENTINELS.split(";")


def test_a_plain_redis_broker_has_no_sentinel_options() -> None:
    config = celery_config(load_settings({"HUB_REDIS_URL": "redis://r:6379/0"}))
    assert "master_name" not in config["broker_transport_options"]
    assert broker_transport_options("redis://r:6379/0", "") == {}


def test_the_rate_limiter_uses_limits_sentinel_storage_on_the_master() -> None:
    uri, options = limiter_storage(SENTINELS, "hub-redis")
    assert uri == "redis+sentinel://10.0.0.1:26379,10.0.0.2:26380,10.0.0.3:26379/hub-redis"
    assert options["password"] == "s3cret"
    assert options["db"] == 2
    assert options["use_replicas"] is False  # counts are never read from a lagging replica
    assert options["sentinel_kwargs"] == {"password": None, "username": None}
    assert limiter_storage("redis://r:6379/0", "") == ("redis://r:6379/0", {})


def test_the_app_gives_the_rate_limiter_the_sentinel_storage() -> None:
    from flask import Flask

    from hub.app import register_config

    app = Flask(__name__)
    register_config(app, sentinel_settings())
    assert app.config["RATELIMIT_STORAGE_URI"].startswith("redis+sentinel://")
    assert app.config["RATELIMIT_STORAGE_OPTIONS"]["password"] == "s3cret"


def test_beat_takes_its_lock_through_the_sentinels() -> None:
    config = redbeat_options(SENTINELS, "hub-redis")
    assert config["redbeat_redis_url"] == "redis-sentinel://"
    redis_options = config["redbeat_redis_options"]
    assert redis_options["sentinels"] == [
        ("10.0.0.1", 26379),
        ("10.0.0.2", 26380),
        ("10.0.0.3", 26379),
    ]
    assert (redis_options["service_name"], redis_options["db"]) == ("hub-redis", 2)
    assert make_celery(sentinel_settings()).conf.redbeat_redis_options == redis_options


def test_a_bad_sentinel_url_is_named_by_position_never_echoed() -> None:
    with pytest.raises(RedisUrlError) as raised:
        parse_sentinel_url("sentinel://:s3cret@a:26379;sentinel://:s3cret@b:port", "hub-redis")
    assert "part 2 has a bad port" in str(raised.value)
    assert "s3cret" not in str(raised.value)
