"""Pages answer with security headers; the session cookie is SameSite=Lax (Secure in production)."""

from __future__ import annotations

from config.settings import load_settings
from hub.app import create_app
from tests.support.settings import PRODUCTION_PRIVACY
from tests.web.journey import ANSWERS, BROWSER, csrf_token, post_page


def test_pages_have_a_strict_csp_and_the_other_headers(client) -> None:
    for path in ("/", "/enquire/your-name", "/privacy", "/docs", "/no-such-page"):
        headers = client.get(path, headers=BROWSER).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert "Strict-Transport-Security" not in headers  # development: plain HTTP works


def test_the_session_cookie_is_samesite_lax_and_not_secure_in_development(client, db) -> None:
    token = csrf_token(client)
    cookie = post_page(client, "your-name", ANSWERS["your-name"], token).headers["Set-Cookie"]
    assert "SameSite=Lax" in cookie and "HttpOnly" in cookie and "Secure" not in cookie


def test_production_adds_hsts_and_a_secure_cookie(hub_env, db, geography) -> None:
    settings = load_settings(
        {
            **hub_env,
            "HUB_ENV": "production",
            "HUB_SECRET_KEY": "a-production-secret-for-this-test-only",
            "HUB_PUBLIC_BASE_URL": "https://hub.example",
            **PRODUCTION_PRIVACY,
            "HUB_ENCRYPTION_KEYS": hub_env.get("HUB_ENCRYPTION_KEYS", "")
            or "test1:ZGV2LW9ubHkta2V5LWZvci1sb2NhbC11c2UtMzJiISE=",
        }
    )
    client = create_app(settings, db=db).test_client()
    response = client.get("/enquire/your-name", headers=BROWSER, base_url="https://hub.example")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "SameSite=Lax" in cookie


def test_the_api_answers_as_before(client) -> None:
    response = client.get("/v1/enquiries/FE-AAAAAAAA")
    assert response.mimetype == "application/problem+json"
    assert "Content-Security-Policy" not in response.headers
