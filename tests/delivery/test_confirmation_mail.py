"""The confirmation's words follow the facts: nothing is said that the decision did not say."""

from __future__ import annotations

from typing import Any

from hub.delivery.confirmation_mail import compose_confirmation
from hub.enquiries.enquirer_outcome import EnquirerOutcome, OutcomeStatus


def _words(outcome: EnquirerOutcome, url: str | None = None) -> str:
    payload: dict[str, Any] = {"data": {"outcome": outcome.to_data(), "url": url}}
    message = compose_confirmation("msg_1", "carer@example.org", payload)
    return f"{message.subject}\n{message.body}"


def test_a_trust_that_runs_the_councils_services_is_named() -> None:
    text = _words(
        EnquirerOutcome(
            "FE-7K3M9Q2D",
            OutcomeStatus.ROUTED,
            council="Kingston upon Thames",
            delivery_body="Achieving for Children",
            first_contact_days=3,
        )
    )
    assert "whose children's services are run by Achieving for Children" in text
    assert "within 3 working days" in text


def test_without_a_target_or_phone_in_the_rules_no_time_or_number_is_given() -> None:
    text = _words(EnquirerOutcome("FE-7K3M9Q2D", OutcomeStatus.ROUTED, council="Birmingham"))
    assert "They will contact you to talk about fostering" in text
    assert "working day" not in text and "call" not in text


def test_a_signposted_enquirer_without_a_signpost_is_still_promised_nothing() -> None:
    text = _words(EnquirerOutcome("FE-7K3M9Q2D", OutcomeStatus.SIGNPOSTED))
    assert "We have not passed on your enquiry." in text
    assert "nobody from this service will contact you" in text
    assert "commit" not in text and "aim to contact" not in text


def test_the_privacy_notice_is_linked_when_the_hub_knows_its_address() -> None:
    outcome = EnquirerOutcome("FE-7K3M9Q2D", OutcomeStatus.TRIAGE)
    assert "How we use your information: https://hub.example/privacy" in _words(
        outcome, "https://hub.example/privacy"
    )
    assert "How we use your information" not in _words(outcome)


def test_the_facts_survive_the_delivery_row_unchanged() -> None:
    outcome = EnquirerOutcome(
        "FE-7K3M9Q2D",
        OutcomeStatus.SIGNPOSTED,
        signpost={"country": "W", "name": "Foster Wales", "url": "https://x", "text": "Hi"},
    )
    assert EnquirerOutcome.from_data(outcome.to_data()) == outcome
