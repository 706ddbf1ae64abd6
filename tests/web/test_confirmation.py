"""The confirmation page tells the truth: what routing decided, never more."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hub.delivery.confirmation import ENQUIRER_TARGET
from hub.delivery.models import SubscriptionStatus
from hub.delivery.queries import find_or_add_enquirer_subscription
from hub.enquiries.models import Enquiry
from hub.referrals.route_enquiry import route_enquiry
from hub.routing import get_active_rules
from tests.web.journey import BROWSER, answer_everything, send, submission_token


def _send_from(client, db, postcode: str) -> str:  # type: ignore[no-untyped-def]
    token = answer_everything(client, **{"where-you-live": {"postcode": postcode}})
    assert send(client, token, submission_token(client)).status_code == 303
    with db.sessions() as s:
        return s.scalars(select(Enquiry.reference)).one()


def _route(db) -> None:  # type: ignore[no-untyped-def]
    with db.sessions() as s:
        enquiry_id = s.scalars(select(Enquiry.id)).one()
    route_enquiry(db, enquiry_id)


def _confirmation(client) -> str:  # type: ignore[no-untyped-def]
    response = client.get("/enquire/confirmation", headers=BROWSER)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_before_routing_it_promises_nothing_and_offers_to_check_again(client, db) -> None:  # type: ignore[no-untyped-def]
    reference = _send_from(client, db, "ME14 1XQ")
    page = _confirmation(client)
    assert reference in page
    assert "still working out" in page and "Check again" in page
    assert "working day" not in page and "Kent" not in page


def test_routed_names_the_council_the_target_and_the_hub_phone(client, db) -> None:  # type: ignore[no-untyped-def]
    reference = _send_from(client, db, "ME14 1XQ")  # Maidstone: Kent County Council
    _route(db)
    page = _confirmation(client)
    cluster = next(c for c in get_active_rules().clusters if "E10000016" in str(c.members))
    assert f'<strong class="hub-reference">{reference}</strong>' in page
    assert "<strong>Kent</strong>" in page
    days = cluster.first_contact_working_days
    assert f"within {days} working day" in page
    assert cluster.contact.phone and cluster.contact.phone in page
    assert cluster.name in page


@pytest.mark.parametrize(
    ("postcode", "country"),
    [("CF10 1EP", "wales"), ("EH1 1YZ", "scotland"), ("BT1 5GS", "northern_ireland")],
)
def test_signposted_says_where_to_go_instead_and_promises_no_contact(
    client, db, postcode: str, country: str
) -> None:  # type: ignore[no-untyped-def]
    _send_from(client, db, postcode)
    _route(db)
    page = _confirmation(client)
    signpost = get_active_rules().signpost_for(country)
    assert signpost is not None
    assert "We have not passed on your enquiry" in page
    assert f'href="{signpost.url}"' in page
    assert "nobody from this service will contact you" in page
    assert "Enquiry sent" not in page and "working day" not in page


def test_triage_says_the_hub_will_check_and_names_no_council(client, db) -> None:  # type: ignore[no-untyped-def]
    _send_from(client, db, "ZZ9 9ZZ")  # a postcode that does not exist
    _route(db)
    page = _confirmation(client)
    assert "needs to check which council" in page
    assert "working day" not in page and "Kent" not in page


def test_it_says_an_email_is_on_its_way_only_once_one_is(client, db) -> None:  # type: ignore[no-untyped-def]
    _send_from(client, db, "ME14 1XQ")
    assert 'id="emailed"' not in _confirmation(client)  # not decided: no e-mail written yet
    _route(db)
    page = _confirmation(client)
    assert "sending your reference and what happens next to the email address you gave" in page


def test_no_email_line_when_operators_turned_the_enquirer_mail_off(client, db) -> None:  # type: ignore[no-untyped-def]
    with db.transaction() as s:
        sub = find_or_add_enquirer_subscription(s, ENQUIRER_TARGET)
        sub.status = str(SubscriptionStatus.DISABLED)
    _send_from(client, db, "ME14 1XQ")
    _route(db)
    page = _confirmation(client)
    assert "<strong>Kent</strong>" in page and 'id="emailed"' not in page
