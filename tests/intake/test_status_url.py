"""status_url and Location never echo a client's Host header in production."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.fernet import Fernet

from config.settings import SettingsError, load_settings, override_settings
from hub.app import create_app
from tests.intake.factories import enquiry_body
from tests.support.settings import PRODUCTION_PRIVACY

PUBLIC = "https://enquiries.example.org"


def _production(hub_env: dict[str, str], **more: str) -> dict[str, str]:
    return {
        **hub_env,
        "HUB_ENV": "production",
        "HUB_SECRET_KEY": "a-production-secret-for-this-test",
        "HUB_ENCRYPTION_KEYS": "prod1:" + Fernet.generate_key().decode(),
        **PRODUCTION_PRIVACY,
        **more,
    }


def test_production_builds_status_url_and_location_from_the_public_base_url(
    db: Any, geography: str, hub_env: dict[str, str]
) -> None:
    settings = load_settings(_production(hub_env, HUB_PUBLIC_BASE_URL=PUBLIC + "/"))
    with override_settings(settings):
        client = create_app(settings, db=db).test_client()
        response = client.post(
            "/v1/enquiries", json=enquiry_body(), headers={"Host": "evil.example.com"}
        )
    assert response.status_code == 202
    reference = response.get_json()["reference"]
    expected = f"{PUBLIC}/v1/enquiries/{reference}"
    assert response.get_json()["status_url"] == expected
    assert response.headers["Location"] == expected


def test_production_refuses_to_start_without_a_public_base_url(hub_env: dict[str, str]) -> None:
    with pytest.raises(SettingsError, match="HUB_PUBLIC_BASE_URL"):
        load_settings(_production(hub_env))


@pytest.mark.parametrize(
    "url", ["enquiries.example.org", "ftp://enquiries.example.org", f"{PUBLIC}/?a=1", "https://"]
)
def test_a_public_base_url_must_be_an_absolute_http_url(hub_env: dict[str, str], url: str) -> None:
    with pytest.raises(SettingsError, match="HUB_PUBLIC_BASE_URL"):
        load_settings({**hub_env, "HUB_PUBLIC_BASE_URL": url})


def test_development_without_a_public_base_url_links_to_the_host_asked(client: Any) -> None:
    response = client.post("/v1/enquiries", json=enquiry_body(), headers={"Host": "hub.local"})
    assert response.get_json()["status_url"].startswith("http://hub.local/v1/enquiries/")
