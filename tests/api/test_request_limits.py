"""Bodies and URLs over the limits answer 413 and 414 problem+json, however they are sent."""

from __future__ import annotations

import json
from io import BytesIO
from typing import Any
from urllib.parse import urlencode

from flask.testing import FlaskClient

from config.settings import Settings
from hub.platform.request_limits import MAX_HEADER_FIELD_BYTES, MAX_HEADER_FIELDS, MAX_URL_BYTES
from tests.intake.factories import enquiry_body
from tests.web.journey import BROWSER, csrf_token


def _post_chunked(
    client: FlaskClient, path: str, body: bytes, content_type: str, **headers: str
) -> Any:
    """POST as a server that de-chunks a body hands it on: no Content-Length, a terminated
    stream (``wsgi.input_terminated``, which gunicorn sets)."""
    return client.post(
        path,
        input_stream=BytesIO(body),
        headers={"Transfer-Encoding": "chunked", "Content-Type": content_type, **headers},
        environ_overrides={"wsgi.input_terminated": True},
    )


def _problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/problem+json"
    body: dict[str, Any] = response.get_json()
    assert body["code"] == code
    return body


def test_a_chunked_body_over_the_limit_is_a_413_problem(client: FlaskClient) -> None:
    body = json.dumps(enquiry_body(message="x" * 40_000)).encode()
    response = _post_chunked(client, "/v1/enquiries", body, "application/json")
    _problem(response, 413, "payload_too_large")


def test_a_chunked_body_one_byte_over_the_limit_is_a_413_problem(
    client: FlaskClient, settings: Settings
) -> None:
    body = json.dumps(enquiry_body()).encode()
    padded = body[:-1] + b" " * (settings.max_body_bytes + 1 - len(body)) + b"}"
    assert len(padded) == settings.max_body_bytes + 1
    response = _post_chunked(client, "/v1/enquiries", padded, "application/json")
    _problem(response, 413, "payload_too_large")


def test_a_chunked_body_of_exactly_the_limit_is_read_whole(
    client: FlaskClient, settings: Settings
) -> None:
    body = json.dumps(enquiry_body()).encode()
    padded = body[:-1] + b" " * (settings.max_body_bytes - len(body)) + b"}"
    assert len(padded) == settings.max_body_bytes
    response = _post_chunked(client, "/v1/enquiries", padded, "application/json")
    assert response.status_code == 202, response.get_data(as_text=True)


def test_a_chunked_form_page_over_the_limit_is_a_413_page(client: FlaskClient, db) -> None:
    body = urlencode({"csrf_token": csrf_token(client), "message": "x" * 40_000}).encode()
    response = _post_chunked(
        client, "/enquire/anything-else", body, "application/x-www-form-urlencoded", **BROWSER
    )
    assert response.status_code == 413 and response.mimetype == "text/html"
    assert "too long" in response.get_data(as_text=True)


def test_a_url_over_the_limit_is_a_414_problem(client: FlaskClient) -> None:
    response = client.get("/v1/enquiries/FE-" + "A" * MAX_URL_BYTES)
    _problem(response, 414, "uri_too_long")


def test_a_query_string_over_the_limit_is_a_414_problem(client: FlaskClient) -> None:
    response = client.get("/healthz?pad=" + "a" * MAX_URL_BYTES)
    _problem(response, 414, "uri_too_long")


def test_too_many_headers_is_a_431_problem(client: FlaskClient) -> None:
    headers = {f"X-Pad-{n}": "x" for n in range(MAX_HEADER_FIELDS + 1)}
    response = client.get("/healthz", headers=headers)
    _problem(response, 431, "headers_too_large")


def test_a_header_over_the_limit_is_a_431_problem(client: FlaskClient) -> None:
    response = client.get("/healthz", headers={"X-Pad": "x" * MAX_HEADER_FIELD_BYTES})
    _problem(response, 431, "headers_too_large")


def test_a_request_within_every_limit_is_answered(client: FlaskClient) -> None:
    headers = {f"X-Pad-{n}": "x" for n in range(MAX_HEADER_FIELDS - 10)}
    response = client.get("/healthz?pad=" + "a" * 3000, headers=headers)
    assert response.status_code == 200
