"""Every error a browser meets is a page in the service's style; the API keeps problem+json."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from flask import Flask
from prometheus_client import REGISTRY

from config.settings import load_settings
from hub.app import create_app
from tests.web.journey import ANSWERS, BROWSER, answer_everything, csrf_token, post_page, send


def _rejected(code: str) -> float:
    return REGISTRY.get_sample_value("hub_enquiries_rejected_total", {"code": code}) or 0.0


def _is_page(response) -> bool:
    page = response.get_data(as_text=True)
    return response.mimetype == "text/html" and "govuk-template" in page and "Skip to main" in page


def test_an_unknown_page_is_a_404_page_for_a_browser(client) -> None:
    response = client.get("/no-such-page", headers=BROWSER)
    assert response.status_code == 404 and _is_page(response)
    assert "Page not found" in response.get_data(as_text=True)


def test_the_api_and_clients_without_html_keep_problem_json(client) -> None:
    assert client.get("/v1/nope", headers=BROWSER).mimetype == "application/problem+json"
    assert client.get("/no-such-page").mimetype == "application/problem+json"
    assert (
        client.get("/no-such-page", headers={"Accept": "*/*"}).mimetype
        == "application/problem+json"
    )
    api = client.post("/v1/enquiries", data="{", content_type="application/json", headers=BROWSER)
    assert api.status_code == 400 and api.mimetype == "application/problem+json"


def test_a_page_404_follows_the_accept_header(client) -> None:
    def mimetype(accept: str) -> str:
        response = client.get("/no-such-page", headers={"Accept": accept})
        assert response.status_code == 404
        return str(response.mimetype)

    assert mimetype("application/json") == "application/problem+json"
    assert mimetype("application/problem+json") == "application/problem+json"
    assert mimetype("text/html, application/json") == "application/problem+json"  # a tie: JSON
    assert mimetype(BROWSER["Accept"]) == "text/html"
    assert mimetype("text/html") == "text/html"
    assert mimetype("application/json;q=0.5, text/html") == "text/html"


def test_the_api_answers_problem_json_to_a_browser(client) -> None:
    for path in ("/v1/council/referrals/FE-NOPE", "/v1/no-such-thing"):
        response = client.get(path, headers=BROWSER)
        assert response.mimetype == "application/problem+json", path
    assert client.get("/openapi.json", headers=BROWSER).mimetype == "application/json"


def test_a_form_without_its_token_is_an_expired_page_and_counted(client, db) -> None:
    before = _rejected("csrf_failed")
    response = client.post("/enquire/your-name", data=ANSWERS["your-name"], headers=BROWSER)
    assert response.status_code == 400 and _is_page(response)
    assert "this page has expired" in response.get_data(as_text=True)
    assert _rejected("csrf_failed") == before + 1


def test_a_form_token_older_than_an_hour_shows_the_expired_page(client, db) -> None:
    with time_machine.travel(0, tick=True) as traveller:
        token = csrf_token(client)
        assert post_page(client, "your-name", ANSWERS["your-name"], token).status_code == 303
        traveller.shift(timedelta(minutes=61))
        response = post_page(client, "contact", ANSWERS["contact"], token)
    assert response.status_code == 400 and _is_page(response)
    assert "this page has expired" in response.get_data(as_text=True)


def test_a_page_with_errors_counts_as_a_form_rejection(client, db) -> None:
    before = _rejected("validation_failed")
    token = csrf_token(client)
    household = {**ANSWERS["household"], "adults": "²"}
    assert post_page(client, "household", household, token).status_code == 422
    assert _rejected("validation_failed") == before + 1


def test_a_body_over_the_limit_is_a_413_page(client, db) -> None:
    token = csrf_token(client)
    response = post_page(client, "anything-else", {"message": "x" * 40_000}, token)
    assert response.status_code == 413 and _is_page(response)
    assert "too long" in response.get_data(as_text=True)


def test_too_many_sends_is_a_429_page_with_retry_after(hub_env, db, geography) -> None:
    settings = load_settings({**hub_env, "HUB_INTAKE_RATE_LIMIT": "1/hour"})
    app = create_app(settings, db=db)
    client = app.test_client()
    limited = app.test_client()
    token = answer_everything(client)
    # The first send from this address (unique per test run) uses the one allowed.
    environ = {"REMOTE_ADDR": "198.51.100.77"}
    client.environ_base.update(environ)
    limited.environ_base.update(environ)
    first = send(client, token, "whatever")
    assert first.status_code == 303
    response = send(limited, csrf_token(limited), "whatever")
    assert response.status_code == 429 and _is_page(response)
    retry_after = int(response.headers["Retry-After"])
    assert retry_after > 0
    page = response.get_data(as_text=True)
    assert "too many attempts" in page and "Wait " in page and "minute" in page


def test_saving_pages_too_fast_is_a_429_page_and_the_intake_bucket_is_untouched(
    hub_env, db, geography
) -> None:
    settings = load_settings({**hub_env, "HUB_FORM_RATE_LIMIT": "2/hour"})
    app = create_app(settings, db=db)
    client = app.test_client()
    client.environ_base.update({"REMOTE_ADDR": "198.51.100.78"})
    token = csrf_token(client)
    for _ in range(2):
        assert post_page(client, "your-name", ANSWERS["your-name"], token).status_code == 303
    response = post_page(client, "your-name", ANSWERS["your-name"], token)
    assert response.status_code == 429 and _is_page(response)
    assert int(response.headers["Retry-After"]) > 0
    page = response.get_data(as_text=True)
    assert "too many attempts" in page and "Nothing was sent or saved" in page
    # Reading pages is not limited, and another address has its own bucket.
    assert client.get("/enquire/contact", headers=BROWSER).status_code == 200
    other = app.test_client()
    other.environ_base.update({"REMOTE_ADDR": "198.51.100.79"})
    assert post_page(other, "your-name", ANSWERS["your-name"], csrf_token(other)).status_code == 303


def test_an_unexpected_failure_is_a_500_page_for_a_browser(app: Flask) -> None:
    def boom() -> str:
        raise RuntimeError("kaboom")

    app.add_url_rule("/boom", "boom", boom)
    app.add_url_rule("/v1/boom", "api_boom", boom)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    client = app.test_client()
    page = client.get("/boom", headers=BROWSER)
    assert page.status_code == 500 and _is_page(page)
    assert "kaboom" not in page.get_data(as_text=True)
    assert client.get("/v1/boom", headers=BROWSER).mimetype == "application/problem+json"
