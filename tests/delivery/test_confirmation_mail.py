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


def test_without_a_confirmed_target_or_a_contact_no_time_or_number_is_given() -> None:
    text = _words(EnquirerOutcome("FE-7K3M9Q2D", OutcomeStatus.ROUTED, council="Birmingham"))
    assert "Their team will contact you to talk about fostering" in text
    assert "working day" not in text and "call" not in text
    assert (
        "If you have not heard from them within a week, contact the fostering team of "
        "Birmingham council through the council's own website and give your reference." in text
    )


def test_a_council_not_ready_is_never_said_to_call_even_with_a_confirmed_target() -> None:
    outcome = EnquirerOutcome(
        "FE-7K3M9Q2D",
        OutcomeStatus.ROUTED,
        council="Birmingham",
        first_contact_days=1,
        council_ready=False,
    )
    text = _words(outcome)
    assert "is going to Birmingham council" in text
    assert "not yet receiving enquiries through this service" in text
    assert "aim to contact" not in text and "working day" not in text


def test_a_hub_member_not_routed_through_it_is_named_as_one_of_its_councils() -> None:
    outcome = EnquirerOutcome(
        "FE-7K3M9Q2D",
        OutcomeStatus.ROUTED,
        council="Derby",
        hub="Foster for East Midlands",
        through_hub=False,
        council_ready=True,
    )
    assert "Derby council, one of the councils of Foster for East Midlands." in _words(outcome)


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


def test_a_connected_person_is_told_why_the_childs_council_has_it_and_no_time() -> None:
    outcome = EnquirerOutcome(
        "FE-7K3M9Q2D", OutcomeStatus.ROUTED, council="Kent", connected_person=True
    )
    text = _words(outcome)
    assert "care for a child you already know" in text
    assert "to the child's council, Kent council, not the council where you live" in text
    assert "kinship local offer" in text
    assert "working day" not in text
    plain = _words(EnquirerOutcome("FE-7K3M9Q2D", OutcomeStatus.ROUTED, council="Kent"))
    assert "child" not in plain


def test_a_connected_person_sent_to_another_councils_team_is_told_which_and_why() -> None:
    outcome = EnquirerOutcome(
        "FE-7K3M9Q2D",
        OutcomeStatus.ROUTED,
        council="Portsmouth",
        connected_person=True,
        child_council="Hampshire",
        first_contact_days=2,
    )
    text = _words(outcome)
    assert "The child's council is Hampshire" in text
    assert "taken by the fostering team of Portsmouth council" in text
    assert "within 2 working days" in text  # only because the target was confirmed
    assert EnquirerOutcome.from_data(outcome.to_data()) == outcome
