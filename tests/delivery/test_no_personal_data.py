"""No personal data in any payload or message: every event type, webhooks and e-mail.

``conftest.no_personal_data_is_sent`` greps everything the suite's receivers and mail sinks
got after every delivery test; this test drives every event through every kind of
subscriber, and checks the check itself can fail.
"""

from __future__ import annotations

from pathlib import Path

from hub.delivery.confirmation_mail import SUBJECT_START
from hub.delivery.events import EventType, emit_event
from tests.delivery import capture
from tests.delivery.support import attempt_due, mailbox, routed_person, webhook
from tests.support.council import KENT, MEDWAY, bearer, token_for

UNKNOWN_POSTCODE = "ZZ9 9ZZ"


def test_every_payload_and_message_is_free_of_the_enquirers_details(
    client, db, settings, receiver
) -> None:
    sent_before = len(capture.SENT)
    for owner in (KENT, MEDWAY, None):
        webhook(db, owner, receiver.url, receiver=receiver)
        mailbox(db, owner, f"team-{owner or 'ops'}@council.example.gov.uk")
    kent = routed_person(client, db)
    client.post(
        f"/v1/council/referrals/{kent}/transfer",
        json={"authority": MEDWAY, "reason": "Lives on the Medway border"},
        headers=bearer(token_for(db, KENT)),
    )
    returned = routed_person(client, db)
    client.post(
        f"/v1/council/referrals/{returned}/return",
        json={"reason": "out_of_area"},
        headers=bearer(token_for(db, KENT)),
    )
    routed_person(client, db, postcode="ME4 4TR", preferred_authority="Kent")  # notice
    routed_person(client, db, postcode=UNKNOWN_POSTCODE)  # triage
    with db.transaction() as session:
        emit_event(
            session, EventType.CLOCK_BREACHED, event_key="c", reference=kent, authority_code=MEDWAY
        )
        emit_event(
            session,
            EventType.FOLLOW_UP_DUE,
            event_key="f",
            authority_code=KENT,
            url_path="/v1/council/follow-ups",
            data={"count": 3},
        )
    attempt_due(db, rounds=3)
    confirmations = 0
    for path in (Path(settings.data_dir) / "mail").glob("*.eml"):
        capture.record_mail(path.read_bytes())
        confirmations += f"Subject: {SUBJECT_START}" in path.read_text()
    types = {r.payload["type"] for r in receiver.received}
    assert types == {
        "referral.routed",
        "referral.returned",
        "home_council.notice",
        "triage.added",
        "clock.breached",
        "follow_up.due",
    }
    assert len(capture.SENT) - sent_before >= 2 * len(receiver.received)  # webhooks and mail
    # One confirmation to each enquirer, and the transferred one told who has it now; each
    # addressed to its enquirer alone.
    assert confirmations == 5
    assert capture.personal_values()
    assert capture.leaks() == []


def test_the_check_finds_a_name_if_one_ever_leaks() -> None:
    capture.record_submitted({"given_name": "Ottoline", "email": "ottoline@example.org"})
    probe = b'{"data": {"note": "call Ottoline"}}'
    capture.SENT.append(probe)
    try:
        assert [value for value, _ in capture.leaks()] == ["ottoline"]
    finally:
        capture.SENT.remove(probe)


def _eml(to: str, subject: str, body: str) -> bytes:
    return f"To: {to}\nSubject: {subject}\n\n{body}\n".encode()


def _leaked_values(raw: bytes) -> list[str]:
    before = len(capture.SENT)
    capture.record_mail(raw)
    try:
        return sorted({value for value, _ in capture.leaks()})
    finally:
        del capture.SENT[before:]


def test_an_enquirers_confirmation_may_name_only_its_own_recipient() -> None:
    capture.record_submitted({"given_name": "Perpetua", "email": "perpetua@example.org"})
    confirmation = "Your fostering enquiry FE-ABCD2345 has gone to Kent council"
    assert _leaked_values(_eml("perpetua@example.org", confirmation, "Thank you.")) == []
    # The exemption is the To header of a confirmation, nothing more:
    assert _leaked_values(_eml("perpetua@example.org", confirmation, "Dear Perpetua")) == [
        "perpetua"
    ]
    council_mail = "New fostering enquiry FE-ABCD2345 for Kent"
    assert _leaked_values(_eml("perpetua@example.org", council_mail, "Open it.")) == [
        "perpetua",
        "perpetua@example.org",
    ]
    assert _leaked_values(_eml("team@kent.example.gov.uk", council_mail, "perpetua@example.org"))
