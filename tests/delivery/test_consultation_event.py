"""The home council hears of the consultation through its own channels, once, codes only."""

from __future__ import annotations

import time_machine

from hub.delivery.messages import compose_message
from tests.delivery.support import NOT_TO_ENQUIRERS, attempt_due, deliveries, routed_person, webhook
from tests.support.council import KENT, MEDWAY, token_for
from tests.tracking.support import london, progress


def test_an_application_from_its_area_reaches_the_home_councils_webhook_once(
    client, db, receiver
) -> None:
    webhook(db, MEDWAY, receiver.url, "home_council.consultation", receiver=receiver)
    with time_machine.travel(london(2026, 6, 1, 10, 0), tick=False):
        reference = routed_person(client, db, postcode="ME4 4TR", preferred_authority="Kent")
        kent = token_for(db, KENT)
        assert progress(client, kent, reference, "application").status_code == 200
        # A later stage opens nothing again and tells nobody again.
        assert progress(client, kent, reference, "stage_one_checks_received").status_code == 200
    attempt_due(db)
    (received,) = receiver.received
    assert received.verified
    assert received.payload["type"] == "home_council.consultation"
    data = received.payload["data"]
    assert (data["reference"], data["authority_code"], data["assessing_council"]) == (
        reference,
        MEDWAY,
        KENT,
    )
    assert set(data) == {"reference", "authority_code", "url", "assessing_council"}
    assert [d.event_type for d in deliveries(db, NOT_TO_ENQUIRERS)] == ["home_council.consultation"]


def test_the_mail_names_the_assessing_council_and_the_regulation() -> None:
    message = compose_message(
        "msg_1",
        "fostering@medway.example",
        {
            "type": "home_council.consultation",
            "data": {
                "reference": "FE-7K3M9Q2D",
                "authority_code": MEDWAY,
                "assessing_council": KENT,
                "url": "/v1/council/notices",
            },
        },
    )
    assert message.subject == (
        "An application from your area (FE-7K3M9Q2D) was made to Kent: it will consult you"
    )
    assert "regulation 26(1A)(d)" in message.body
