"""The intake API: what carers send, what they get back, what is stored."""

from __future__ import annotations

import json

from flask.testing import FlaskClient
from sqlalchemy import func, select, text

from hub.enquiries.journey import JourneyEvent
from hub.enquiries.models import Enquiry
from hub.enquiries.references import is_reference
from hub.platform.outbox_model import OutboxMessage
from tests.intake.factories import enquiry_body


def _count(db, model) -> int:
    with db.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def _fields(response) -> dict[str, str]:
    return {e["field"]: e["message"] for e in response.get_json()["errors"]}


def test_valid_enquiry_is_accepted_with_a_reference_and_location(client: FlaskClient) -> None:
    response = client.post("/v1/enquiries", json=enquiry_body())
    assert response.status_code == 202
    body = response.get_json()
    assert is_reference(body["reference"])
    assert body["status"] == "received"
    assert response.headers["Location"] == body["status_url"]
    assert body["status_url"].endswith(f"/v1/enquiries/{body['reference']}")


def test_enquiry_outbox_row_and_received_event_are_stored_together(client, db) -> None:
    client.post("/v1/enquiries", json=enquiry_body())
    assert (_count(db, Enquiry), _count(db, OutboxMessage), _count(db, JourneyEvent)) == (1, 1, 1)


def test_personal_data_is_encrypted_at_rest(client, db) -> None:
    client.post(
        "/v1/enquiries",
        json=enquiry_body(
            email="unique.person@example.org", special_category={"religion": "Quaker"}
        ),
    )
    with db.engine.connect() as conn:
        raw = conn.execute(text("SELECT personal, special_category FROM enquiries")).one()
    assert "unique.person" not in raw[0] and raw[0].startswith("dev1:")
    assert "Quaker" not in raw[1]
    with db.sessions() as s:
        enquiry = s.scalars(select(Enquiry)).one()
    assert enquiry.personal["email"] == "unique.person@example.org"
    assert enquiry.special_category == {"religion": "Quaker"}


def test_phone_and_postcode_are_normalised(client, db) -> None:
    client.post("/v1/enquiries", json=enquiry_body(phone="07911123456", postcode="  me141xq "))
    with db.sessions() as s:
        personal = s.scalars(select(Enquiry)).one().personal
    assert personal["phone"] == "+447911123456"
    assert personal["postcode"] == "ME14 1XQ"


def test_every_field_problem_is_reported_at_once(client: FlaskClient) -> None:
    body = enquiry_body(email="not-an-email", phone="12", postcode="NOT A POSTCODE")
    del body["given_name"]
    body["consent"] = {"privacy_notice": False, "keep_in_touch": False}
    response = client.post("/v1/enquiries", json=body)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["code"] == "validation_failed"
    fields = _fields(response)
    assert {"given_name", "email", "phone", "postcode", "consent.privacy_notice"} <= set(fields)


def test_unknown_fields_and_wrong_types_are_named(client: FlaskClient) -> None:
    body = enquiry_body(
        favourite_colour="blue", household={"adults": "two", "children": 0, "spare_bedroom": "yes"}
    )
    response = client.post("/v1/enquiries", json=body)
    assert response.status_code == 422
    fields = _fields(response)
    assert "favourite_colour" in fields
    assert {"household.adults", "household.spare_bedroom"} <= set(fields)


def test_missing_consent_is_refused(client: FlaskClient) -> None:
    body = enquiry_body()
    del body["consent"]
    response = client.post("/v1/enquiries", json=body)
    assert response.status_code == 422
    assert "consent" in _fields(response)


def test_message_over_2000_characters_is_refused(client: FlaskClient) -> None:
    response = client.post("/v1/enquiries", json=enquiry_body(message="x" * 2001))
    assert response.status_code == 422
    assert "message" in _fields(response)


def test_unknown_preferred_council_is_refused_and_known_one_is_stored_as_code(client, db) -> None:
    bad = client.post("/v1/enquiries", json=enquiry_body(preferred_authority="Atlantis"))
    assert bad.status_code == 422 and "preferred_authority" in _fields(bad)
    good = client.post("/v1/enquiries", json=enquiry_body(preferred_authority="Kent"))
    assert good.status_code == 202
    with db.sessions() as s:
        assert s.scalars(select(Enquiry.preferred_authority_code)).one() == "E10000016"


def test_malformed_json_is_a_400_problem(client: FlaskClient) -> None:
    response = client.post("/v1/enquiries", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["code"] == "malformed_request"


def test_wrong_content_type_is_a_415_problem(client: FlaskClient) -> None:
    response = client.post("/v1/enquiries", data="given_name=A", content_type="text/plain")
    assert response.status_code == 415
    assert response.get_json()["code"] == "unsupported_media_type"


def test_body_over_32kb_is_a_413_problem(client: FlaskClient) -> None:
    body = json.dumps(enquiry_body(message="x" * 40_000))
    response = client.post("/v1/enquiries", data=body, content_type="application/json")
    assert response.status_code == 413
    assert response.get_json()["code"] == "payload_too_large"


def test_nothing_is_stored_for_a_rejected_request(client, db) -> None:
    client.post("/v1/enquiries", json=enquiry_body(postcode="nope"))
    client.post("/v1/enquiries", data="{", content_type="application/json")
    assert _count(db, Enquiry) == 0 and _count(db, OutboxMessage) == 0


def test_status_url_shows_status_and_nothing_personal(client: FlaskClient) -> None:
    body = enquiry_body(given_name="Zebedee", email="zeb@example.org")
    accepted = client.post("/v1/enquiries", json=body).get_json()
    response = client.get(f"/v1/enquiries/{accepted['reference']}")
    assert response.status_code == 200
    shown = response.get_json()
    assert shown["status"] == "received" and "status_changed_at" in shown
    assert "Zebedee" not in response.get_data(as_text=True)
    assert "zeb@" not in response.get_data(as_text=True)


def test_unknown_reference_is_a_404_problem(client: FlaskClient) -> None:
    response = client.get("/v1/enquiries/FE-ZZZZZZZZ")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def test_openapi_document_describes_intake(client: FlaskClient) -> None:
    spec = client.get("/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert "post" in spec["paths"]["/v1/enquiries"]
    assert "EnquiryIn" in spec["components"]["schemas"]
