"""A form whose bytes are not UTF-8 is refused with a page that says so, never saved altered."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask.testing import FlaskClient

from tests.web.journey import BROWSER, csrf_token

FORM = "application/x-www-form-urlencoded"


def _post_name(client: FlaskClient, encoded_given_name: bytes) -> Any:
    token = quote(csrf_token(client)).encode()
    body = b"csrf_token=" + token + b"&given_name=" + encoded_given_name + b"&family_name=Jones"
    return client.post("/enquire/your-name", data=body, content_type=FORM, headers=BROWSER)


def _saved_name_page(client: FlaskClient) -> str:
    return client.get("/enquire/your-name", headers=BROWSER).get_data(as_text=True)


def test_percent_encoded_bytes_that_are_not_utf8_are_a_400_page(client: FlaskClient, db) -> None:
    response = _post_name(client, b"Zo%EB")  # "Zoë" in Latin-1
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert "could not be read" in response.get_data(as_text=True)
    assert "Zo%EB" not in _saved_name_page(client)


def test_raw_bytes_that_are_not_utf8_are_a_400_page(client: FlaskClient, db) -> None:
    response = _post_name(client, b"Zo\xeb")
    assert response.status_code == 400
    assert "could not be read" in response.get_data(as_text=True)


def test_utf8_answers_are_kept_exactly(client: FlaskClient, db) -> None:
    response = _post_name(client, quote("Zoë").encode())
    assert response.status_code == 303
    assert "Zoë" in _saved_name_page(client)
