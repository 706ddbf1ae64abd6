"""Intake is rate limited per client address (Flask-Limiter, Redis storage)."""

from __future__ import annotations

import secrets

from redis import Redis

from config.settings import load_settings
from hub.app import create_app
from tests.intake.factories import enquiry_body
from tests.web.journey import answer_everything, send, submission_token


def test_too_many_requests_from_one_address_get_429_with_retry_after(
    db, geography, hub_env
) -> None:
    settings = load_settings({**hub_env, "HUB_INTAKE_RATE_LIMIT": "3/minute"})
    client = create_app(settings, db=db).test_client()
    address = {"REMOTE_ADDR": f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.7"}
    codes = [
        client.post("/v1/enquiries", json=enquiry_body(), environ_base=address).status_code
        for _ in range(4)
    ]
    assert codes == [202, 202, 202, 429]
    response = client.post("/v1/enquiries", json=enquiry_body(), environ_base=address)
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["code"] == "rate_limited"
    assert int(response.headers["Retry-After"]) > 0


def _limited_client(db, hub_env, limit: str, **more: str):
    settings = load_settings({**hub_env, "HUB_INTAKE_RATE_LIMIT": limit, **more})
    return create_app(settings, db=db).test_client()


def _address() -> str:
    return f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{secrets.randbelow(250) + 1}"


def _form_post(client, address: str) -> int:
    """Fill in the whole form as one browser (its own cookies) from ``address``, then send it."""
    browser = client.application.test_client()
    browser.environ_base["REMOTE_ADDR"] = address
    token = answer_everything(browser)
    return int(send(browser, token, submission_token(browser)).status_code)


def test_the_api_and_the_form_share_one_bucket_per_client(db, geography, hub_env) -> None:
    client = _limited_client(db, hub_env, "4/minute")
    address = {"REMOTE_ADDR": _address()}
    api = [
        client.post("/v1/enquiries", json=enquiry_body(), environ_base=address).status_code
        for _ in range(2)
    ]
    form = [_form_post(client, address["REMOTE_ADDR"]) for _ in range(2)]
    assert (api, form) == ([202, 202], [303, 303])
    # The limit is 4 in all, whichever door: both doors now refuse this client.
    assert (
        client.post("/v1/enquiries", json=enquiry_body(), environ_base=address).status_code == 429
    )
    assert _form_post(client, address["REMOTE_ADDR"]) == 429


def test_form_posts_use_up_the_api_allowance(db, geography, hub_env) -> None:
    client = _limited_client(db, hub_env, "2/minute")
    address = _address()
    assert [_form_post(client, address) for _ in range(2)] == [303, 303]
    refused = client.post(
        "/v1/enquiries", json=enquiry_body(), environ_base={"REMOTE_ADDR": address}
    )
    assert refused.status_code == 429
    assert refused.mimetype == "application/problem+json"


def _through_proxy(client, proxy: str, forwarded_for: str):
    return client.post(
        "/v1/enquiries",
        json=enquiry_body(),
        environ_base={"REMOTE_ADDR": proxy},
        headers={"X-Forwarded-For": forwarded_for},
    ).status_code


def test_without_trusted_proxies_x_forwarded_for_is_ignored(db, geography, hub_env) -> None:
    client = _limited_client(db, hub_env, "1/minute", HUB_TRUSTED_PROXIES="0")
    # Two "clients" that only differ by a header anyone can write share the proxy's bucket.
    proxy = _address()
    assert _through_proxy(client, proxy, _address()) == 202
    assert _through_proxy(client, proxy, _address()) == 429


def test_with_one_trusted_proxy_each_forwarded_client_has_its_own_bucket(
    db, geography, hub_env
) -> None:
    client = _limited_client(db, hub_env, "1/minute", HUB_TRUSTED_PROXIES="1")
    proxy, first, second = _address(), _address(), _address()
    assert _through_proxy(client, proxy, first) == 202
    assert _through_proxy(client, proxy, first) == 429
    assert _through_proxy(client, proxy, second) == 202
    # Only the last hop counts: a client cannot pick its address by prepending one.
    assert _through_proxy(client, proxy, f"{_address()}, {first}") == 429


def test_rate_limit_keys_in_redis_hold_no_client_address(db, geography, hub_env, backend) -> None:
    client = _limited_client(db, hub_env, "5/minute")
    address = _address()
    response = client.post(
        "/v1/enquiries", json=enquiry_body(), environ_base={"REMOTE_ADDR": address}
    )
    assert response.status_code == 202
    redis = Redis.from_url(backend.redis_url)
    keys = [key.decode(errors="replace") for key in redis.scan_iter("LIMITS*")]
    assert keys, "the limiter wrote nothing to Redis"
    assert [key for key in keys if address in key] == []
    assert [key for key in keys if "127.0.0.1" in key] == []
