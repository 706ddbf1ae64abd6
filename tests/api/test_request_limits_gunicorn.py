"""Under gunicorn (``config/gunicorn.py``), as `hub run` and compose serve the API: a chunked
body over the limit is a 413 problem, and only requests past gunicorn's own limits get its
HTML page."""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from hub.embedded.redis_server import free_port
from hub.platform.request_limits import MAX_HEADER_FIELD_BYTES, MAX_HEADER_FIELDS, MAX_URL_BYTES
from tests.intake.factories import enquiry_body
from tests.support.processes import REPO, GunicornProcess

pytestmark = pytest.mark.slow

PROBLEM = "application/problem+json"


def _gunicorn_limits() -> dict[str, int]:
    """config/gunicorn.py's limits, read in a child: importing it sets metrics variables."""
    names = ("limit_request_line", "limit_request_fields", "limit_request_field_size")
    script = (
        "import json, config.gunicorn as g; "
        f"print(json.dumps({{n: getattr(g, n) for n in {names!r}}}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True
    )
    limits: dict[str, int] = json.loads(out.stdout)
    return limits


GUNICORN = _gunicorn_limits()


@pytest.fixture(scope="module")
def api(hub_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir: Path = tmp_path_factory.mktemp("gunicorn")
    process = GunicornProcess({**hub_env, "HUB_DATA_DIR": str(data_dir)}, data_dir, free_port(), 1)
    try:
        process.wait_ready()
        yield f"127.0.0.1:{process.port}"
    finally:
        process.stop()


def _post_chunked(address: str, body: bytes) -> tuple[int, str, bytes]:
    connection = http.client.HTTPConnection(address, timeout=10)
    try:
        # An iterable body with encode_chunked: no Content-Length, Transfer-Encoding: chunked.
        pieces = (body[i : i + 4096] for i in range(0, len(body), 4096))
        connection.request(
            "POST",
            "/v1/enquiries",
            body=pieces,
            headers={"Content-Type": "application/json"},
            encode_chunked=True,
        )
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read()
    finally:
        connection.close()


def _get(address: str, target: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    connection = http.client.HTTPConnection(address, timeout=10)
    try:
        connection.request("GET", target, headers=headers or {})
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("Content-Type", "")
    finally:
        connection.close()


def test_the_apps_limits_sit_under_gunicorns() -> None:
    assert MAX_URL_BYTES + len("DELETE  HTTP/1.1") < GUNICORN["limit_request_line"]
    assert MAX_HEADER_FIELDS < GUNICORN["limit_request_fields"]
    assert MAX_HEADER_FIELD_BYTES < GUNICORN["limit_request_field_size"]


def test_a_chunked_body_over_the_limit_is_a_413_problem_under_gunicorn(api: str, db) -> None:
    body = json.dumps(enquiry_body(message="x" * 40_000)).encode()
    status, content_type, answer = _post_chunked(api, body)
    assert (status, content_type) == (413, PROBLEM), answer[:300]
    assert json.loads(answer)["code"] == "payload_too_large"


def test_a_chunked_body_within_the_limit_is_accepted_under_gunicorn(api: str, db) -> None:
    status, _, answer = _post_chunked(api, json.dumps(enquiry_body()).encode())
    assert status == 202, answer[:300]


def test_a_long_url_is_a_414_problem_from_the_app(api: str) -> None:
    assert _get(api, "/healthz?pad=" + "a" * MAX_URL_BYTES) == (414, PROBLEM)


def test_many_headers_are_a_431_problem_from_the_app(api: str) -> None:
    headers = {f"X-Pad-{n}": "x" for n in range(MAX_HEADER_FIELDS + 1)}
    assert _get(api, "/healthz", headers) == (431, PROBLEM)


def test_past_gunicorns_own_limits_the_answer_is_gunicorns_html(api: str) -> None:
    """What the README says: these come from the server itself, as text/html."""
    too_long = "/healthz?pad=" + "a" * GUNICORN["limit_request_line"]
    assert _get(api, too_long) == (414, "text/html")
    too_many = {f"X-Pad-{n}": "x" for n in range(GUNICORN["limit_request_fields"] + 1)}
    assert _get(api, "/healthz", too_many) == (431, "text/html")
    too_large = {"X-Pad": "x" * GUNICORN["limit_request_field_size"]}
    assert _get(api, "/healthz", too_large) == (431, "text/html")
