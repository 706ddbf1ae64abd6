"""The confirmation page tells the truth: what routing decided, never more."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from hub.delivery.confirmation import ENQUIRER_TARGET
from hub.delivery.models import SubscriptionStatus
from hub.delivery.queries import find_or_add_enquirer_subscription
from hub.enquiries.models import Enquiry
from hub.referrals.route_enquiry import route_enquiry
from hub.rules import get_active_rules
from hub.web.carer import confirmation as outcome
from hub.web.carer.models import FormDraft
from tests.support.council import BIRMINGHAM, KENT
from tests.support.readiness import directory_confirming, staff_signed_in
from tests.support.settings import use_test_settings
from tests.web.journey import (
    BROWSER,
    answer_everything,
    csrf_token,
    post_page,
    send,
    submission_token,
)

REFRESH = f'<meta http-equiv="refresh" content="{outcome.REFRESH_SECONDS}">'


def _send_from(client, db, postcode: str) -> str:
    token = answer_everything(client, **{"where-you-live": {"postcode": postcode}})
    assert send(client, token, submission_token(client)).status_code == 303
    with db.sessions() as s:
        return s.scalars(select(Enquiry.reference)).one()


def _route(db) -> None:
    with db.sessions() as s:
        enquiry_id = s.scalars(select(Enquiry.id)).one()
    route_enquiry(db, enquiry_id)


def _sent_ago(db, ago: timedelta) -> None:
    """Move the receipt's sending time ``ago`` into the past."""
    with db.transaction() as s:
        draft = s.scalars(select(FormDraft).where(FormDraft.enquiry_id.is_not(None))).one()
        assert draft.submitted_at is not None
        draft.submitted_at -= ago


def _confirmation(client, path: str = "/enquire/confirmation") -> str:
    response = client.get(path, headers=BROWSER)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    return response.get_data(as_text=True)


def test_before_routing_it_answers_at_once_with_one_read_and_no_wait(
    client, db, monkeypatch: pytest.MonkeyPatch
) -> None:
    _send_from(client, db, "ME14 1XQ")  # no worker: routing cannot happen

    def no_sleep(seconds: float) -> None:
        raise AssertionError(f"the confirmation page slept {seconds} s")

    reads: list[Any] = []
    real_find = outcome.find_enquirer_outcome  # type: ignore[attr-defined]

    def counted(session, enquiry):
        reads.append(enquiry.id)
        return real_find(session, enquiry)

    monkeypatch.setattr(time, "sleep", no_sleep)
    monkeypatch.setattr(outcome, "find_enquirer_outcome", counted)
    page = _confirmation(client)
    assert len(reads) == 1  # read once, not polled
    assert REFRESH in page


def test_before_routing_it_says_it_is_finding_the_council_and_promises_nothing(client, db) -> None:
    reference = _send_from(client, db, "ME14 1XQ")
    page = _confirmation(client)
    assert f'<strong class="hub-reference">{reference}</strong>' in page
    assert "We have received your enquiry" in page
    assert "finding the right council" in page and "update in a few seconds" in page
    assert 'href="/enquire/confirmation">Check now</a>' in page  # reload by hand
    assert 'href="/enquire/confirmation?updates=off"' in page  # or turn reloading off
    assert "working day" not in page and "Kent" not in page and 'id="emailed"' not in page
    assert "autofocus" not in page


def test_routed_shows_the_council_and_stops_refreshing(client, db) -> None:
    _send_from(client, db, "ME14 1XQ")
    assert REFRESH in _confirmation(client)
    _route(db)
    page = _confirmation(client)
    assert "the fostering team of Kent council" in page
    assert 'http-equiv="refresh"' not in page and "update in a few seconds" not in page


def test_after_a_minute_unrouted_it_stops_refreshing_and_says_it_is_stored(client, db) -> None:
    reference = _send_from(client, db, "ME14 1XQ")
    _sent_ago(db, outcome.REFRESH_FOR - timedelta(seconds=5))
    assert REFRESH in _confirmation(client)  # still within the bound
    _sent_ago(db, timedelta(seconds=5))
    page = _confirmation(client)
    assert 'http-equiv="refresh"' not in page
    assert "safely stored" in page and "do not need to send your enquiry again" in page
    assert f'quote your reference <strong class="hub-reference">{reference}</strong>' in page
    assert "stopped updating by itself" in page and "Check again" in page
    assert "working day" not in page and "Kent" not in page


def test_a_late_decision_is_still_shown_after_the_refreshing_stopped(client, db) -> None:
    _send_from(client, db, "ME14 1XQ")
    _sent_ago(db, outcome.REFRESH_FOR)
    assert "safely stored" in _confirmation(client)
    _route(db)
    page = _confirmation(client)
    assert "the fostering team of Kent council" in page and "safely stored" not in page
    assert 'http-equiv="refresh"' not in page


def test_the_person_can_turn_refreshing_off(client, db) -> None:
    _send_from(client, db, "ME14 1XQ")
    page = _confirmation(client, "/enquire/confirmation?updates=off")
    assert 'http-equiv="refresh"' not in page
    assert "finding the right council" in page and "does not update by itself" in page
    assert 'href="/enquire/confirmation?updates=off"' in page  # Check again keeps it off


def test_a_ready_council_with_a_confirmed_target_is_promised_with_its_time_and_hub_phone(
    client, db, settings, tmp_path
) -> None:
    staff_signed_in(db, KENT)
    confirmed = replace(settings, councils_path=directory_confirming(tmp_path, KENT, 1))
    with use_test_settings(confirmed):
        reference = _send_from(client, db, "ME14 1XQ")  # Maidstone: Kent County Council
        _route(db)
        page = _confirmation(client)
    assert f'<strong class="hub-reference">{reference}</strong>' in page
    assert (
        "We have sent your enquiry to the fostering team of Kent council, through Local "
        "Authority Fostering South East." in page
    )
    assert "They aim to contact you within 1 working day (Monday to Friday" in page
    assert (
        "If you have questions before then, call Local Authority Fostering South East on "
        "0300 131 2797." in page
    )
    assert "E10000016" not in page


def test_a_ready_council_without_a_confirmed_target_is_given_no_time_but_a_number_to_call(
    client, db
) -> None:
    staff_signed_in(db, KENT)
    _send_from(client, db, "ME14 1XQ")
    _route(db)
    page = _confirmation(client)
    assert "working day" not in page  # the rules' clock is assumed: never promised
    assert "Their team will contact you to talk about fostering" in page
    assert (
        "If you have not heard from them within a week, call Local Authority Fostering South "
        "East on 0300 131 2797 and give your reference." in page
    )


def test_a_council_that_is_not_ready_is_never_said_to_call(client, db) -> None:
    _send_from(client, db, "ME14 1XQ")  # Kent: nobody signed in, no webhook, no mailbox
    _route(db)
    page = _confirmation(client)
    assert "not yet receiving enquiries through this service" in page
    assert "making sure they receive yours" in page
    assert "We cannot yet say when they will contact you." in page
    assert "working day" not in page and "will contact you to talk" not in page
    assert "call Local Authority Fostering South East on 0300 131 2797" in page


def test_a_council_with_no_public_contact_is_reached_through_its_own_website(client, db) -> None:
    staff_signed_in(db, BIRMINGHAM)
    _send_from(client, db, "B1 1AA")
    _route(db)
    page = _confirmation(client)
    assert (
        "the fostering team of Birmingham council, whose children&#39;s services are run by "
        "Birmingham Children&#39;s Trust." in page
    )
    assert "through the council&#39;s own website and give your reference" in page
    assert " on 0" not in page and "working day" not in page


@pytest.mark.parametrize(
    ("postcode", "country"),
    [("CF10 1EP", "wales"), ("EH1 1YZ", "scotland"), ("BT1 5GS", "northern_ireland")],
)
def test_signposted_says_where_to_go_instead_and_promises_no_contact(
    client, db, postcode: str, country: str
) -> None:
    # Signposted at the first question; the enquiry exists only because they asked for the
    # signpost by e-mail.
    token = csrf_token(client, "/enquire/where-you-live")
    post_page(client, "where-you-live", {"postcode": postcode}, token)
    data = {"csrf_token": token, "email": "sam@example.org"}
    assert client.post("/enquire/outside-england", data=data, headers=BROWSER).status_code == 303
    _route(db)
    page = _confirmation(client)
    signpost = get_active_rules().signpost_for(country)
    assert signpost is not None
    assert "We have not passed on your enquiry" in page
    assert f'href="{signpost.url}"' in page
    assert "nobody from this service will contact you" in page
    assert "Enquiry sent" not in page and "working day" not in page


def test_triage_says_the_hub_will_check_and_names_no_council(client, db) -> None:
    _send_from(client, db, "ZZ9 9ZZ")  # a postcode that does not exist
    _route(db)
    page = _confirmation(client)
    assert "needs to check which council" in page
    assert "working day" not in page and "Kent" not in page


def test_it_says_an_email_is_on_its_way_only_once_one_is(client, db) -> None:
    _send_from(client, db, "ME14 1XQ")
    assert 'id="emailed"' not in _confirmation(client)  # not decided: no e-mail written yet
    _route(db)
    page = _confirmation(client)
    assert "sending your reference and what happens next to the email address you gave" in page


def test_no_email_line_when_operators_turned_the_enquirer_mail_off(client, db) -> None:
    with db.transaction() as s:
        sub = find_or_add_enquirer_subscription(s, ENQUIRER_TARGET)
        sub.status = SubscriptionStatus.DISABLED
    _send_from(client, db, "ME14 1XQ")
    _route(db)
    page = _confirmation(client)
    assert "the fostering team of Kent council" in page and 'id="emailed"' not in page


def test_the_privacy_notice_says_what_the_pages_do(client) -> None:
    notice = client.get("/privacy", headers=BROWSER).get_data(as_text=True)
    assert "the number shown when you send your enquiry" not in notice
    assert "the page and the email that confirm your enquiry give it" in notice
    assert "through the council&#39;s own website" in notice
