"""Inputs an attacker (or a broken client) sends: never a 5xx, always one problem+json answer."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask.testing import FlaskClient

from hub.platform.json_body import MAX_JSON_DEPTH
from tests.intake.factories import enquiry_body
from tests.support.council import KENT, bearer, token_for

HUGE = "9" * 5000


def _post_raw(client: FlaskClient, path: str, body: str, **kwargs: Any) -> Any:
    return client.post(path, data=body, content_type="application/json", **kwargs)


def _problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/problem+json"
    body: dict[str, Any] = response.get_json()
    assert body["code"] == code
    return body


def test_json_nested_5000_deep_is_a_400_problem(client: FlaskClient) -> None:
    body = "[" * 5000 + "]" * 5000
    _problem(_post_raw(client, "/v1/enquiries", body), 400, "malformed_request")


def test_json_nested_past_the_depth_limit_is_a_400_even_inside_an_enquiry(
    client: FlaskClient,
) -> None:
    nested: Any = "deep"
    for _ in range(MAX_JSON_DEPTH + 1):
        nested = {"x": nested}
    body = json.dumps(enquiry_body(message=nested))
    _problem(_post_raw(client, "/v1/enquiries", body), 400, "malformed_request")


@pytest.mark.parametrize(
    ("where", "field"),
    [
        ('{"household": {"adults": %s, "children": 0, "spare_bedroom": true}}', "household.adults"),
        ('{"given_name": %s}', "given_name"),
        ("%s", "(body)"),
        ('{"campaign": {"utm_source": [1, -%s]}}', "campaign.utm_source.1"),
    ],
)
def test_an_integer_with_5000_digits_anywhere_is_a_422_naming_the_field(
    client: FlaskClient, where: str, field: str
) -> None:
    body = _problem(_post_raw(client, "/v1/enquiries", where % HUGE), 422, "validation_failed")
    assert [e["field"] for e in body["errors"]] == [field]


def test_an_integer_past_64_bits_is_refused_but_a_big_one_inside_reaches_the_schema(
    client: FlaskClient,
) -> None:
    past = enquiry_body(household={"adults": 2**63, "children": 0, "spare_bedroom": True})
    inside = enquiry_body(household={"adults": 2**62, "children": 0, "spare_bedroom": True})
    first = _problem(_post_raw(client, "/v1/enquiries", json.dumps(past)), 422, "validation_failed")
    second = _problem(
        _post_raw(client, "/v1/enquiries", json.dumps(inside)), 422, "validation_failed"
    )
    assert first["errors"][0]["message"].startswith("Use a smaller number")
    assert second["errors"][0]["message"] == "Enter a number of adults from 1 to 12."


def test_huge_integers_in_a_council_action_body_are_a_422(client: FlaskClient, db: Any) -> None:
    headers = bearer(token_for(db, KENT))
    response = _post_raw(
        client, "/v1/council/referrals/FE-AAAAAAAA/return", f'{{"reason": {HUGE}}}', headers=headers
    )
    _problem(response, 422, "validation_failed")


@pytest.mark.parametrize(
    "content_type",
    ["application/evil+json", "text/json", "application/jsonx", "text/plain", "application/x-json"],
)
def test_only_application_json_is_read_as_json(client: FlaskClient, content_type: str) -> None:
    response = client.post(
        "/v1/enquiries", data=json.dumps(enquiry_body()), content_type=content_type
    )
    _problem(response, 415, "unsupported_media_type")


def test_application_json_with_a_charset_is_json(client: FlaskClient) -> None:
    response = client.post(
        "/v1/enquiries",
        data=json.dumps(enquiry_body()),
        content_type="application/json; charset=utf-8",
    )
    assert response.status_code == 202


def test_council_bodies_must_be_exactly_application_json(client: FlaskClient, db: Any) -> None:
    response = client.post(
        "/v1/council/referrals/FE-AAAAAAAA/return",
        data='{"reason": "duplicate"}',
        content_type="application/evil+json",
        headers=bearer(token_for(db, KENT)),
    )
    _problem(response, 415, "unsupported_media_type")


@pytest.mark.parametrize(
    ("path", "method", "allowed"),
    [
        ("/v1/enquiries", "DELETE", {"POST", "OPTIONS"}),
        ("/v1/enquiries", "TRACE", {"POST", "OPTIONS"}),
        ("/v1/council/referrals", "PUT", {"GET", "HEAD", "OPTIONS"}),
    ],
)
def test_405_is_a_problem_with_an_allow_header(
    client: FlaskClient, path: str, method: str, allowed: set[str]
) -> None:
    response = client.open(path, method=method)
    _problem(response, 405, "method_not_allowed")
    assert {m.strip() for m in response.headers["Allow"].split(",")} == allowed


@pytest.mark.parametrize(
    ("household", "field"),
    [
        ({"adults": 2, "children": 0, "spare_bedroom": 1}, "household.spare_bedroom"),
        ({"adults": 2, "children": 0, "spare_bedroom": 0}, "household.spare_bedroom"),
        ({"adults": 2, "children": 0, "spare_bedroom": "true"}, "household.spare_bedroom"),
        ({"adults": True, "children": 0, "spare_bedroom": True}, "household.adults"),
        ({"adults": 2, "children": False, "spare_bedroom": True}, "household.children"),
        ({"adults": 2.0, "children": 0, "spare_bedroom": True}, "household.adults"),
    ],
)
def test_household_answers_have_exact_json_types(
    client: FlaskClient, household: dict[str, Any], field: str
) -> None:
    response = client.post("/v1/enquiries", json=enquiry_body(household=household))
    body = _problem(response, 422, "validation_failed")
    assert [e["field"] for e in body["errors"]] == [field]


@pytest.mark.parametrize(
    "consent",
    [
        {"privacy_notice": 1, "keep_in_touch": False},
        {"privacy_notice": True, "keep_in_touch": 0},
        {"privacy_notice": False, "keep_in_touch": False},
    ],
)
def test_consent_answers_are_true_or_false_and_privacy_must_be_true(
    client: FlaskClient, consent: dict[str, Any]
) -> None:
    response = client.post("/v1/enquiries", json=enquiry_body(consent=consent))
    _problem(response, 422, "validation_failed")


@pytest.mark.parametrize(
    "phone", ["0800-FLOWERS", "0800 FLOWERS", "07911 123456 ext 2", "07700 900123"]
)
def test_phone_numbers_with_letters_or_in_drama_ranges_are_refused(
    client: FlaskClient, phone: str
) -> None:
    body = _problem(
        client.post("/v1/enquiries", json=enquiry_body(phone=phone)), 422, "validation_failed"
    )
    assert [e["field"] for e in body["errors"]] == ["phone"]


@pytest.mark.parametrize("text", ["Sam\u202e", "Sam\u200b", "Sam\x00", "Sam\x85", "\ufeffSam"])
def test_invisible_and_control_characters_are_refused_in_names(
    client: FlaskClient, text: str
) -> None:
    body = _problem(
        client.post("/v1/enquiries", json=enquiry_body(given_name=text)), 422, "validation_failed"
    )
    assert [e["field"] for e in body["errors"]] == ["given_name"]


def test_lone_surrogates_are_refused_in_a_message(client: FlaskClient) -> None:
    raw = json.dumps(enquiry_body(message="hello")).replace('"hello"', '"hi \\ud800"')
    body = _problem(_post_raw(client, "/v1/enquiries", raw), 422, "validation_failed")
    assert [e["field"] for e in body["errors"]] == ["message"]


def test_emoji_and_newlines_are_welcome_in_a_message(client: FlaskClient) -> None:
    message = "We'd love to help 🏴󠁧󠁢󠁷󠁬󠁳󠁿 😀\nThanks"
    response = client.post("/v1/enquiries", json=enquiry_body(message=message))
    assert response.status_code == 202, response.get_json()


def test_a_duplicate_key_is_a_400_naming_the_key(client: FlaskClient) -> None:
    body = json.dumps(enquiry_body())[:-1] + ', "given_name": "Mallory"}'
    problem = _problem(_post_raw(client, "/v1/enquiries", body), 400, "malformed_request")
    assert [error["field"] for error in problem["errors"]] == ["given_name"]
    assert "given_name" in problem["detail"]


def test_a_duplicate_key_inside_an_object_is_named_by_its_path(client: FlaskClient) -> None:
    text = json.dumps(enquiry_body(household={"adults": 2, "children": 0, "spare_bedroom": True}))
    body = text.replace('"adults": 2', '"adults": 2, "adults": 1', 1)
    problem = _problem(_post_raw(client, "/v1/enquiries", body), 400, "malformed_request")
    assert [error["field"] for error in problem["errors"]] == ["household.adults"]


def test_a_body_that_is_not_utf8_is_a_400_saying_so(client: FlaskClient) -> None:
    text = json.dumps(enquiry_body(given_name="Zoë"), ensure_ascii=False)
    body = text.encode().replace("ë".encode(), b"\xeb")
    response = client.post("/v1/enquiries", data=body, content_type="application/json")
    assert "UTF-8" in _problem(response, 400, "malformed_request")["detail"]
