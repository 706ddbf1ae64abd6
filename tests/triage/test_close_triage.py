"""Hub operators close a triage enquiry with a reason (the enquirer told where right), and
reopen it: a closed enquiry leaves the queue and is routed only after reopening."""

from __future__ import annotations

from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from sqlalchemy import select

from hub.delivery.confirmation import EnquirerEvent
from hub.delivery.models import Delivery
from hub.enquiries.enquirer_outcome import OutcomeStatus
from hub.enquiries.journey import JourneyEvent
from hub.enquiries.models import Enquiry
from hub.referrals.read_enquirer_outcome import find_enquirer_outcome
from hub.referrals.route_enquiry import route_enquiry
from tests.delivery.support import attempt_due, deliveries, person
from tests.support.council import (
    KENT,
    audit_rows,
    bearer,
    enquiry_id_of,
    get_enquiry,
    routed,
    token_for,
)

UNKNOWN_POSTCODE = "ZZ9 9ZZ"  # well-formed, not in the directory: triage
CLOSURES = Delivery.event_type == str(EnquirerEvent.CLOSED)


def _in_triage(client, db, **overrides) -> tuple[str, str]:
    """An enquiry in triage, and the enquirer's e-mail address."""
    body = person(postcode=UNKNOWN_POSTCODE, **overrides)
    response = client.post("/v1/enquiries", json=body)
    assert response.status_code == 202, response.get_json()
    reference: str = response.get_json()["reference"]
    route_enquiry(db, enquiry_id_of(db, reference))
    return reference, body["email"]


def _close(client, db, reference: str, body: dict[str, str]):
    return client.post(
        f"/v1/ops/enquiries/{reference}/close",
        headers=bearer(token_for(db, hub=True)),
        json=body,
    )


def _journey(db, reference: str) -> list[tuple[str, dict[str, str]]]:
    with db.sessions() as s:
        events = s.scalars(
            select(JourneyEvent)
            .where(JourneyEvent.enquiry_id == enquiry_id_of(db, reference))
            .order_by(JourneyEvent.id)
        )
        return [(str(e.event), dict(e.detail)) for e in events]


def _mail_to(settings, address: str) -> list[str]:
    found = []
    for path in sorted((Path(settings.data_dir) / "mail").glob("*.eml")):
        message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        assert isinstance(message, EmailMessage)
        if message["To"] == address:
            body = message.get_body(preferencelist=("plain",))
            assert body is not None
            found.append(f"{message['Subject']}\n{body.get_content()}")
    return found


def _queue(client, db, **query) -> list[str]:
    response = client.get(
        "/v1/ops/triage", query_string=query, headers=bearer(token_for(db, hub=True))
    )
    assert response.status_code == 200, response.get_json()
    return [item["reference"] for item in response.get_json()["items"]]


def test_not_about_fostering_closes_it_and_the_enquirer_gets_a_kind_email(
    client, db, settings
) -> None:
    reference, address = _in_triage(client, db)
    attempt_due(db)  # the confirmation of triage

    response = _close(client, db, reference, {"reason": "not_about_fostering"})

    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["status"], body["reason"], body["enquirer_emailed"]) == (
        "closed",
        "not_about_fostering",
        True,
    )
    assert get_enquiry(db, reference).status == "closed"
    assert reference not in _queue(client, db)
    assert _journey(db, reference)[-1] == ("closed", {"reason": "not_about_fostering"})
    (row,) = audit_rows(db, action="close_triage")
    assert (row.outcome, row.enquiry_reference) == ("ok", reference)
    attempt_due(db)
    mails = _mail_to(settings, address)
    assert len(mails) == 2  # the confirmation, then the closure
    (closure,) = [m for m in mails if "has arrived" not in m.splitlines()[0]]
    assert f"Your fostering enquiry {reference} is not one we can help with" in closure
    assert "does not seem to be about fostering" in closure
    assert "https://www.gov.uk/find-local-council" in closure
    assert "call 999" in closure


def test_withdrawn_is_confirmed_to_the_enquirer(client, db, settings) -> None:
    reference, address = _in_triage(client, db)
    assert _close(client, db, reference, {"reason": "withdrawn"}).status_code == 200
    attempt_due(db)
    (closure,) = [m for m in _mail_to(settings, address) if "as you asked" in m]
    assert f"{reference} is closed, as you asked" in closure
    assert "Nobody from this service will contact you about it." in closure


def test_a_test_or_spam_tells_nobody(client, db) -> None:
    first, _ = _in_triage(client, db)
    second, _ = _in_triage(client, db)
    for reference, reason in ((first, "test"), (second, "abusive_or_spam")):
        response = _close(client, db, reference, {"reason": reason})
        assert response.status_code == 200
        assert response.get_json()["enquirer_emailed"] is False
    assert deliveries(db, CLOSURES) == []
    assert {get_enquiry(db, r).status for r in (first, second)} == {"closed"}


def test_a_duplicate_names_the_other_enquiry_and_sends_nothing_new(client, db) -> None:
    earlier = routed(client, db)  # Kent
    reference, _ = _in_triage(client, db)

    response = _close(client, db, reference, {"reason": "duplicate", "duplicate_of": earlier})

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["duplicate_of"] == earlier
    assert _journey(db, reference)[-1] == (
        "closed",
        {"reason": "duplicate", "duplicate_of": earlier},
    )
    assert deliveries(db, CLOSURES) == []
    (row,) = audit_rows(db, action="close_triage")
    assert row.detail["duplicate_of"] == earlier


def test_a_duplicate_of_a_reference_nobody_has_is_refused_and_nothing_is_stored(client, db) -> None:
    reference, _ = _in_triage(client, db)

    response = _close(client, db, reference, {"reason": "duplicate", "duplicate_of": "FE-22222222"})

    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert [e["field"] for e in response.get_json()["errors"]] == ["duplicate_of"]
    assert get_enquiry(db, reference).status == "triage"
    assert _journey(db, reference)[-1][0] == "triage"
    assert [r.outcome for r in audit_rows(db, action="close_triage")] == ["refused"]


def test_a_duplicate_of_itself_is_refused(client, db) -> None:
    reference, _ = _in_triage(client, db)
    response = _close(client, db, reference, {"reason": "duplicate", "duplicate_of": reference})
    assert response.status_code == 422
    assert "same one" in response.get_json()["detail"]
    assert get_enquiry(db, reference).status == "triage"


def test_the_body_must_fit_the_reason(client, db) -> None:
    reference, _ = _in_triage(client, db)
    for body in (
        {"reason": "duplicate"},
        {"reason": "test", "duplicate_of": "FE-22222222"},
        {"reason": "bored"},
        {},
    ):
        response = _close(client, db, reference, body)
        assert response.status_code == 422, body
        assert response.mimetype == "application/problem+json"
    assert get_enquiry(db, reference).status == "triage"


def test_only_an_enquiry_in_triage_is_closed(client, db) -> None:
    reference = routed(client, db)  # Kent
    response = _close(client, db, reference, {"reason": "test"})
    assert response.status_code == 409
    assert get_enquiry(db, reference).authority_code == KENT
    assert [r.outcome for r in audit_rows(db, action="close_triage")] == ["refused"]


def test_an_unknown_reference_is_404_and_audited_as_denied(client, db) -> None:
    response = _close(client, db, "FE-22222222", {"reason": "test"})
    assert response.status_code == 404
    assert [r.outcome for r in audit_rows(db, action="close_triage")] == ["denied"]


def test_a_closed_enquiry_is_routed_only_after_reopening(client, db) -> None:
    reference, _ = _in_triage(client, db)
    token = token_for(db, hub=True)
    _close(client, db, reference, {"reason": "withdrawn"})
    route = {"authority": KENT, "reason": "Phoned back: lives in Kent"}

    refused = client.post(f"/v1/ops/enquiries/{reference}/route", headers=bearer(token), json=route)
    assert refused.status_code == 409
    assert "reopen it first" in refused.get_json()["detail"]

    reopened = client.post(f"/v1/ops/enquiries/{reference}/reopen", headers=bearer(token))
    assert reopened.status_code == 200
    assert reopened.get_json()["status"] == "triage"
    assert reference in _queue(client, db)
    assert [r.outcome for r in audit_rows(db, action="reopen_triage")] == ["ok"]

    routed_now = client.post(
        f"/v1/ops/enquiries/{reference}/route", headers=bearer(token), json=route
    )
    assert routed_now.status_code == 200
    events = [event for event, _ in _journey(db, reference)]
    assert events[-3:] == ["closed", "reopened", "routed"]


def test_only_a_closed_enquiry_is_reopened(client, db) -> None:
    reference, _ = _in_triage(client, db)
    response = client.post(
        f"/v1/ops/enquiries/{reference}/reopen", headers=bearer(token_for(db, hub=True))
    )
    assert response.status_code == 409
    assert [r.outcome for r in audit_rows(db, action="reopen_triage")] == ["refused"]


def test_a_council_token_cannot_close_or_reopen_and_is_audited(client, db) -> None:
    reference, _ = _in_triage(client, db)
    council = bearer(token_for(db, KENT))
    closing = client.post(
        f"/v1/ops/enquiries/{reference}/close", headers=council, json={"reason": "test"}
    )
    reopening = client.post(f"/v1/ops/enquiries/{reference}/reopen", headers=council)
    assert (closing.status_code, reopening.status_code) == (403, 403)
    assert get_enquiry(db, reference).status == "triage"
    denied = audit_rows(db, action="call_api", outcome="denied")
    assert len(denied) == 2


def test_the_enquirer_outcome_of_a_closed_enquiry_is_closed(client, db) -> None:
    reference, _ = _in_triage(client, db)
    _close(client, db, reference, {"reason": "test"})
    with db.sessions() as s:
        enquiry = s.scalars(select(Enquiry).where(Enquiry.reference == reference)).one()
        outcome = find_enquirer_outcome(s, enquiry)
    assert outcome.status is OutcomeStatus.CLOSED
    assert outcome.council is None
