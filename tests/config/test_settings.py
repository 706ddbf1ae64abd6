"""Settings: embedded defaults for development, fail fast in production."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from config.settings import SettingsError, get_settings, load_settings, override_settings


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
    ):
        assert name in str(raised.value)


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
    }
    assert load_settings(production).worker_stall_seconds == 120  # the default is above 90
    with pytest.raises(SettingsError, match="HUB_WORKER_STALL_SECONDS"):
        load_settings({**production, "HUB_WORKER_STALL_SECONDS": "90"})
    assert load_settings({"HUB_WORKER_STALL_SECONDS": "1"}).worker_stall_seconds == 1  # dev
