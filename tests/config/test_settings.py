"""Settings: embedded defaults for development, fail fast in production, one line for a bad
value."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from config.settings import (
    PARSERS,
    Settings,
    SettingsError,
    env_var,
    get_settings,
    load_settings,
    override_settings,
)
from hub.app import create_app
from tests.support.settings import PRODUCTION_PRIVACY


def test_development_defaults_to_an_embedded_sqlite_file() -> None:
    settings = load_settings({})
    assert settings.resolved_database_url.startswith("sqlite:///")


def test_production_refuses_to_start_without_its_secrets() -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings({"HUB_ENV": "production"})
    for name in (
        "HUB_SECRET_KEY",
        "HUB_ENCRYPTION_KEYS",
        "HUB_DATABASE_URL",
        "HUB_REDIS_URL",
        "HUB_PUBLIC_BASE_URL",
        "HUB_PRIVACY_CONTROLLERS",
        "HUB_PRIVACY_DPO",
        "HUB_PRIVACY_CONTACT",
    ):
        assert name in str(raised.value)
    assert "\n" not in str(raised.value)  # one line


def test_task_time_limit_must_stay_under_the_visibility_timeout() -> None:
    with pytest.raises(SettingsError):
        load_settings({"HUB_VISIBILITY_TIMEOUT": "60", "HUB_TASK_TIME_LIMIT": "90"})


def test_override_settings_installs_an_explicit_settings_object_and_restores() -> None:
    before = get_settings()
    outer = load_settings({"HUB_ENV": "test", "HUB_REDIS_URL": "redis://outer/0"})
    inner = load_settings({"HUB_ENV": "test", "HUB_REDIS_URL": "redis://inner/0"})
    with override_settings(outer):
        assert get_settings() is outer
        get_settings.cache_clear()  # code that clears the cache still gets the override
        assert get_settings() is outer
        with override_settings(inner):
            assert get_settings() is inner
        assert get_settings() is outer
    assert get_settings() == before


def test_get_settings_reads_the_environment_once() -> None:
    assert get_settings() is get_settings()


@pytest.mark.parametrize("value", ["-1", "one", "1.5", "²"])
def test_trusted_proxies_must_be_a_whole_number(value: str) -> None:
    with pytest.raises(SettingsError, match="HUB_TRUSTED_PROXIES"):
        load_settings({"HUB_TRUSTED_PROXIES": value})


def test_trusted_proxies_default_to_none() -> None:
    assert load_settings({}).trusted_proxies == 0
    assert load_settings({"HUB_TRUSTED_PROXIES": "2"}).trusted_proxies == 2


def test_production_keeps_the_stall_time_above_the_longest_task() -> None:
    production = {
        "HUB_ENV": "production",
        "HUB_SECRET_KEY": "a-production-secret-for-this-test",
        "HUB_ENCRYPTION_KEYS": "prod1:" + Fernet.generate_key().decode(),
        "HUB_DATABASE_URL": "postgresql://hub@db/hub",
        "HUB_REDIS_URL": "redis://redis:6379/0",
        "HUB_PUBLIC_BASE_URL": "https://fostering.example.gov.uk",
        **PRODUCTION_PRIVACY,
    }
    assert load_settings(production).worker_stall_seconds == 120  # the default is above 90
    with pytest.raises(SettingsError, match="HUB_WORKER_STALL_SECONDS"):
        load_settings({**production, "HUB_WORKER_STALL_SECONDS": "90"})
    assert load_settings({"HUB_WORKER_STALL_SECONDS": "1"}).worker_stall_seconds == 1  # dev


def test_every_setting_is_read_from_its_variable_with_the_field_default_when_unset() -> None:
    """One default per setting: the dataclass field's; the reader finds the rest itself."""
    assert load_settings({}) == Settings()
    for setting in dataclasses.fields(Settings):
        assert str(setting.type) in PARSERS, setting.name
        assert env_var(setting.name) == "HUB_" + setting.name.upper()


@pytest.mark.parametrize(
    ("name", "value", "field", "expected"),
    [
        ("HUB_DELIVERY_CONCURRENCY", " 8 ", "delivery_concurrency", 8),
        ("HUB_LOG_JSON", "Yes", "log_json", True),
        ("HUB_SMTP_STARTTLS", "off", "smtp_starttls", False),
        ("HUB_SMTP_STARTTLS", "", "smtp_starttls", False),
        ("HUB_OUTBOX_SWEEP_SECONDS", "2.5", "outbox_sweep_seconds", 2.5),
        ("HUB_DELIVERY_RETRY_SCALE", "0", "delivery_retry_scale", 0.0),
        ("HUB_GEO_DIR", "/srv/geo", "geo_dir", "/srv/geo"),
        ("HUB_DATA_DIR", "/srv/hub", "data_dir", Path("/srv/hub")),
    ],
)
def test_a_set_variable_is_parsed_by_its_field_type(
    name: str, value: str, field: str, expected: object
) -> None:
    assert getattr(load_settings({name: value}), field) == expected


def test_the_geography_follows_the_data_directory_unless_it_is_set() -> None:
    assert load_settings({"HUB_DATA_DIR": "/srv/hub"}).resolved_geo_dir == Path("/srv/hub/geo")
    settings = load_settings({"HUB_DATA_DIR": "/srv/hub", "HUB_GEO_DIR": "/srv/geo"})
    assert settings.resolved_geo_dir == Path("/srv/geo")


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        (
            "HUB_DELIVERY_CONCURRENCY",
            "abc",
            "HUB_DELIVERY_CONCURRENCY must be a whole number, got 'abc'",
        ),
        ("HUB_MAX_BODY_BYTES", "32k", "HUB_MAX_BODY_BYTES must be a whole number, got '32k'"),
        ("HUB_SMTP_PORT", "-1", "HUB_SMTP_PORT must be a whole number, got '-1'"),
        ("HUB_API_WORKERS", "", "HUB_API_WORKERS must be a whole number, got ''"),
        ("HUB_LOG_JSON", "maybe", "HUB_LOG_JSON must be true or false, got 'maybe'"),
        (
            "HUB_WEBHOOK_ALLOW_PRIVATE",
            "2",
            "HUB_WEBHOOK_ALLOW_PRIVATE must be true or false, got '2'",
        ),
        (
            "HUB_OUTBOX_SWEEP_SECONDS",
            "10s",
            "HUB_OUTBOX_SWEEP_SECONDS must be a number of seconds (0 or more), got '10s'",
        ),
        (
            "HUB_WORKER_STALL_SECONDS",
            "-5",
            "HUB_WORKER_STALL_SECONDS must be a number of seconds (0 or more), got '-5'",
        ),
        (
            "HUB_WEBHOOK_READ_TIMEOUT",
            "inf",
            "HUB_WEBHOOK_READ_TIMEOUT must be a number (0 or more), got 'inf'",
        ),
        (
            "HUB_DELIVERY_RETRY_SCALE",
            "nan",
            "HUB_DELIVERY_RETRY_SCALE must be a number (0 or more), got 'nan'",
        ),
        ("HUB_ROUTING_CONCURRENCY", "0", "HUB_ROUTING_CONCURRENCY must be 1 or more, got 0"),
        ("HUB_ENV", "prod", "HUB_ENV must be development, test or production, got 'prod'"),
    ],
)
def test_a_malformed_value_is_one_message_naming_its_variable(
    name: str, value: str, message: str
) -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings({name: value})
    assert str(raised.value) == message


def test_a_retired_variable_says_what_to_do_instead() -> None:
    with pytest.raises(SettingsError, match="HUB_PARTIAL_POSTCODE_SHARE is no longer read"):
        load_settings({"HUB_PARTIAL_POSTCODE_SHARE": "0.8"})


def test_create_app_without_settings_refuses_a_malformed_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Under gunicorn the app factory reads the settings: a bad one stops it, named."""
    monkeypatch.setenv("HUB_DELIVERY_CONCURRENCY", "abc")
    get_settings.cache_clear()
    try:
        with pytest.raises(SettingsError, match="HUB_DELIVERY_CONCURRENCY must be a whole"):
            create_app()
    finally:
        get_settings.cache_clear()
