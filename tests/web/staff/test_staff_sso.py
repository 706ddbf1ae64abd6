"""Single sign-on with OpenID Connect against a local provider (oidc-provider-mock)."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest
from flask import Flask
from flask.testing import FlaskClient
from oidc_provider_mock import User, run_server_in_thread

from config.settings import load_settings
from hub.app import create_app
from hub.web.staff.oidc_sign_in import OidcConfigError, parse_domains
from tests.support.council import audit_rows, routed
from tests.support.settings import use_test_settings
from tests.web.staff_support import BROWSER, invite

PEOPLE = [
    User(sub="alex", claims={"email": "alex@kent.example", "email_verified": True}),
    User(sub="sam", claims={"email": "sam@elsewhere.example", "email_verified": True}),
    User(sub="kim", claims={"email": "kim@kent.example", "email_verified": False}),
    User(sub="ops", claims={"email": "ops@elsewhere.example", "email_verified": True}),
]


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    with run_server_in_thread(user_claims=PEOPLE) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def sso_app(provider: str, hub_env, db, geography) -> Iterator[Flask]:
    settings = load_settings(
        {
            **hub_env,
            "HUB_OIDC_ISSUER": provider,
            "HUB_OIDC_CLIENT_ID": "fostering-hub",
            "HUB_OIDC_CLIENT_SECRET": "not-a-secret",
            "HUB_OIDC_DOMAINS": "kent.example=Kent",
            "HUB_OIDC_LABEL": "your council's Microsoft account",
        }
    )
    with use_test_settings(settings):
        app = create_app(settings, db=db)
        app.config["TESTING"] = True
        yield app


def _through_provider(client: FlaskClient, sub: str, start: str = "/sign-in/sso"):
    """Start single sign-on, choose ``sub`` at the provider, and come back with its code."""
    response = client.get(start, headers=BROWSER)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    answer = httpx.post(response.headers["Location"], data={"sub": sub})
    assert answer.status_code in (302, 303), answer.text[:300]
    back = urlsplit(answer.headers["Location"])
    return client.get(f"{back.path}?{back.query}", headers=BROWSER)


def test_the_sign_in_page_offers_single_sign_on(sso_app: Flask) -> None:
    page = sso_app.test_client().get("/sign-in", headers=BROWSER).get_data(as_text=True)
    assert "Sign in with your council&#39;s Microsoft account" in page
    assert 'href="/sign-in/sso"' in page


def test_a_listed_domain_signs_in_to_its_council(sso_app: Flask, db) -> None:
    client = sso_app.test_client()
    kent = routed(client, db)
    response = _through_provider(client, "alex")
    assert response.status_code == 303 and response.headers["Location"] == "/council/"
    page = client.get("/council/", headers=BROWSER).get_data(as_text=True)
    assert "alex@kent.example" in page and kent in page
    (row,) = audit_rows(db, action="sign_in")
    assert row.detail == {"method": "oidc"} and row.actor.startswith("user:")


def test_next_survives_the_round_trip(sso_app: Flask, db) -> None:
    client = sso_app.test_client()
    response = _through_provider(client, "alex", "/sign-in/sso?next=/council/notices")
    assert response.headers["Location"] == "/council/notices"


@pytest.mark.parametrize("next_path", ["/%09/evil.example", "/%0a/x"])
def test_a_next_off_the_site_comes_back_home(sso_app: Flask, db, next_path: str) -> None:
    client = sso_app.test_client()
    response = _through_provider(client, "alex", f"/sign-in/sso?next={next_path}")
    assert response.status_code == 303 and response.headers["Location"] == "/council/"


def test_an_unlisted_domain_without_an_account_is_refused(sso_app: Flask, db) -> None:
    client = sso_app.test_client()
    response = _through_provider(client, "sam")
    assert response.status_code == 403
    assert client.get("/council/", headers=BROWSER).status_code == 303


def test_an_unverified_address_is_refused(sso_app: Flask, db) -> None:
    assert _through_provider(sso_app.test_client(), "kim").status_code == 403


def test_an_invited_account_signs_in_with_its_own_scope(sso_app: Flask, db) -> None:
    invite("ops@elsewhere.example", hub_operator=True)
    response = _through_provider(sso_app.test_client(), "ops")
    assert response.status_code == 303 and response.headers["Location"] == "/ops/"


def test_a_forged_callback_is_refused(sso_app: Flask, db) -> None:
    client = sso_app.test_client()
    client.get("/sign-in/sso", headers=BROWSER)
    response = client.get("/sign-in/sso/callback?code=made-up&state=made-up", headers=BROWSER)
    assert response.status_code == 403
    assert client.get("/council/", headers=BROWSER).status_code == 303


def test_without_an_issuer_there_is_no_single_sign_on(client: FlaskClient) -> None:
    assert client.get("/sign-in/sso", headers=BROWSER).status_code == 404
    assert "/sign-in/sso" not in client.get("/sign-in", headers=BROWSER).get_data(as_text=True)


def test_a_domain_for_an_unknown_council_fails_fast() -> None:
    assert parse_domains("kent.example=Kent")["kent.example"].value == "E10000016"
    with pytest.raises(OidcConfigError):
        parse_domains("x.example=Atlantis")
    with pytest.raises(OidcConfigError):
        parse_domains("kent.example")
