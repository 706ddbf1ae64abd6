"""The enquirer's e-mail when the hub's team closes their enquiry: only for the reasons that
call for it, kind, and saying where to go instead."""

from __future__ import annotations

from hub.delivery.confirmation_mail import CLOSED, CLOSURE_WORDS, compose_enquirer_mail
from hub.triage.closure_reasons import TELLS_ENQUIRER, ClosureReason


def _mail(reason: str) -> str:
    payload = {
        "type": CLOSED,
        "data": {
            "reference": "FE-7K3M9Q2D",
            "reason": reason,
            "start_url": "https://hub.example/",
            "url": "https://hub.example/privacy",
        },
    }
    message = compose_enquirer_mail("id-1", "someone@example.org", payload)
    return f"{message.subject}\n{message.body}"


def test_every_reason_that_tells_the_enquirer_has_words_and_no_other_does() -> None:
    assert set(CLOSURE_WORDS) == {str(reason) for reason in TELLS_ENQUIRER}
    assert str(ClosureReason.DUPLICATE) not in CLOSURE_WORDS


def test_not_about_fostering_points_to_the_right_places_and_invites_a_new_enquiry() -> None:
    text = _mail("not_about_fostering")
    assert "Your fostering enquiry FE-7K3M9Q2D is not one we can help with" in text
    assert "https://www.gov.uk/find-local-council" in text
    assert "https://www.gov.uk/child-adoption" in text
    assert "you are welcome to send an enquiry at any time: https://hub.example/" in text
    assert "How we use your information: https://hub.example/privacy" in text


def test_withdrawn_confirms_nothing_was_passed_on() -> None:
    text = _mail("withdrawn")
    assert "FE-7K3M9Q2D is closed, as you asked" in text
    assert "we have not passed it to a council's fostering team" in text
