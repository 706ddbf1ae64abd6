"""Settings: embedded defaults for development, fail fast in production."""

from __future__ import annotations

import pytest

from config.settings import SettingsError, load_settings


def test_development_defaults_to_an_embedded_sqlite_file() -> None:
    settings = load_settings({})
    assert settings.resolved_database_url.startswith("sqlite:///")


def test_production_refuses_to_start_without_its_secrets() -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings({"HUB_ENV": "production"})
    for name in ("HUB_SECRET_KEY", "HUB_ENCRYPTION_KEYS", "HUB_DATABASE_URL", "HUB_REDIS_URL"):
        assert name in str(raised.value)


def test_task_time_limit_must_stay_under_the_visibility_timeout() -> None:
    with pytest.raises(SettingsError):
        load_settings({"HUB_VISIBILITY_TIMEOUT": "60", "HUB_TASK_TIME_LIMIT": "90"})
