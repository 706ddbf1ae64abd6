"""The OpenAPI document says what the server does: problem+json errors, exact formats."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from marshmallow import ValidationError

from hub.platform.fields import PHONE_EXAMPLES, UKPhone

REPO = Path(__file__).resolve().parents[2]
# UK numbers as people write them in prose: 07911 123456, 020 7946 0000, +44 7911 123456.
PHONE_IN_PROSE = re.compile(r"(?:\+44\s?|\b0)\d{2,4}[ -]?\d{3,4}[ -]?\d{3,4}\b")


def _document(client: FlaskClient) -> dict[str, Any]:
    document: dict[str, Any] = client.get("/openapi.json").get_json()
    return document


def _resolve(document: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in item:
        *_, kind, name = item["$ref"].split("/")
        item = document["components"][kind][name]
    return item


def test_every_error_response_of_every_operation_is_problem_json(client: FlaskClient) -> None:
    document = _document(client)
    checked = 0
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            assert "default" in operation["responses"], (method, path)
            for status, response in operation["responses"].items():
                if status != "default" and int(status) < 400:
                    continue
                content = _resolve(document, response).get("content")
                assert content and set(content) == {"application/problem+json"}, (
                    method,
                    path,
                    status,
                )
                schema = _resolve(document, content["application/problem+json"]["schema"])
                assert {"type", "title", "status", "detail", "code"} <= set(schema["required"])
                checked += 1
    assert checked > 20


def test_consent_to_the_privacy_notice_is_documented_as_true_only(client: FlaskClient) -> None:
    consent = _document(client)["components"]["schemas"]["Consent"]["properties"]
    assert consent["privacy_notice"]["enum"] == [True]
    assert "enum" not in consent["keep_in_touch"]


def test_the_202_documents_location_and_the_replay_header(client: FlaskClient) -> None:
    accepted = _document(client)["paths"]["/v1/enquiries"]["post"]["responses"]["202"]
    assert {"Location", "Idempotent-Replayed"} <= set(accepted["headers"])


def _is_valid_phone(text: str) -> bool:
    try:
        UKPhone().deserialize(text)
    except ValidationError:
        return False
    return True


def test_every_phone_example_in_messages_passes_the_validator() -> None:
    assert all(_is_valid_phone(example) for example in PHONE_EXAMPLES)
    shown = PHONE_IN_PROSE.findall(UKPhone.message)
    assert shown and all(_is_valid_phone(number) for number in shown)


def test_every_phone_example_in_the_openapi_document_passes_the_validator(
    client: FlaskClient,
) -> None:
    examples = [
        prop["example"]
        for schema in _document(client)["components"]["schemas"].values()
        for prop in schema.get("properties", {}).values()
        if prop.get("format") == "uk-phone"
    ]
    assert examples and all(_is_valid_phone(example) for example in examples)


@pytest.mark.parametrize(
    "doc", ["README.md", *sorted(p.name for p in (REPO / "docs").glob("*.md"))]
)
def test_every_phone_number_in_the_docs_passes_the_validator(doc: str) -> None:
    path = REPO / doc if (REPO / doc).exists() else REPO / "docs" / doc
    numbers = PHONE_IN_PROSE.findall(path.read_text())
    refused = [number for number in numbers if not _is_valid_phone(number)]
    assert refused == []


def test_the_prose_pattern_finds_the_refused_drama_number_it_guards_against() -> None:
    assert PHONE_IN_PROSE.findall("like 07700 900123 or") == ["07700 900123"]
    assert not _is_valid_phone("07700 900123")


def test_the_stage_conflict_documents_allowed_stages(client: FlaskClient) -> None:
    document = _document(client)
    operation = document["paths"]["/v1/council/referrals/{reference}/progress"]["post"]
    content = _resolve(document, operation["responses"]["409"])["content"]
    schema = _resolve(document, content["application/problem+json"]["schema"])
    assert schema["properties"]["allowed_stages"] == {
        "type": "array",
        "items": {"type": "string"},
        "description": "The stages that can be recorded next, in order.",
    }
    assert {"code", "allowed_stages"} <= set(schema["required"])
