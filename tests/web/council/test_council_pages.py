"""The council pages: the same referrals, scoping, audit and rules as the council API."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from hub.access.manage_tokens import resolve_token_scope
from hub.delivery.manage_subscriptions import add_mailbox, add_webhook
from hub.delivery.models import Subscription
from hub.platform.models import utcnow
from hub.tracking.calendar import local_day
from hub.tracking.create_follow_ups import create_follow_ups
from hub.tracking.models import JourneyStage
from hub.web.staff.session import operator_required
from tests.support.council import (
    AFC,
    KENT,
    MEDWAY,
    audit_rows,
    enquiry_id_of,
    get_enquiry,
    routed,
)
from tests.tracking.support import london
from tests.web.staff_support import BROWSER, csrf_from, own_address, sign_in, visible_text


def _signed_in(client: FlaskClient, db) -> FlaskClient:
    own_address(client)
    sign_in(client, db, council="Kent")
    return client


@pytest.fixture
def kent(client: FlaskClient, db) -> FlaskClient:
    """The test client signed in as a member of Kent's fostering team."""
    return _signed_in(client, db)


def _page(client: FlaskClient, path: str) -> str:
    response = client.get(path, headers=BROWSER)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def _post(client: FlaskClient, page_path: str, action: str, **form: str):
    token = csrf_from(_page(client, page_path))
    return client.post(action, data={"csrf_token": token, **form}, headers=BROWSER)


def _visible(page: str) -> str:
    """The page's text as a person reads it (no tags, attributes or scripts)."""
    return visible_text(page)


def _references(page: str) -> list[str]:
    return re.findall(r'href="/council/referrals/(FE-[A-Z0-9]+)"', page)


def _user_actor(db) -> str:
    return [row.actor for row in audit_rows(db, action="sign_in")][-1]


def test_the_list_shows_the_councils_referrals_newest_first_and_is_audited(kent, db) -> None:
    with time_machine.travel(utcnow() + timedelta(minutes=1), tick=False) as traveller:
        older = routed(kent, db)
        traveller.shift(timedelta(minutes=5))
        newer = routed(kent, db)
        elsewhere = routed(kent, db, postcode="ME4 4TR")  # Medway
        page = _page(kent, "/council/")
    assert _references(page) == [newer, older] and elsewhere not in page
    (row,) = audit_rows(db, action="list_referrals")
    assert row.actor == _user_actor(db) and row.actor.startswith("user:")
    assert row.detail["references"] == [newer, older]


def test_the_list_filters_by_status(kent, db) -> None:
    new = routed(kent, db)
    seen = routed(kent, db)
    _post(kent, f"/council/referrals/{seen}", f"/council/referrals/{seen}/acknowledge")
    assert _references(_page(kent, "/council/?status=routed")) == [new]
    assert _references(_page(kent, "/council/?status=acknowledged")) == [seen]


def test_clock_badges_say_due_today_then_breached(client, db) -> None:
    # (Signed in within the travel: a session cookie signed in the future is refused.)
    with time_machine.travel(london(2026, 3, 2, 9, 0), tick=False) as traveller:  # a Monday
        kent = _signed_in(client, db)
        reference = routed(kent, db)  # the first-contact clock: 1 working day, due end of Tuesday
        assert "Due today" not in _page(kent, "/council/")
        traveller.shift(timedelta(days=1))
        sign_in(kent, db, council="Kent")  # the session ended after 30 idle minutes
        assert "Due today" in _page(kent, "/council/")
        traveller.shift(timedelta(days=1))
        sign_in(kent, db, council="Kent")
        page = _page(kent, "/council/")
        assert "Breached" in page and reference in page


def test_another_councils_referral_is_the_404_page_and_audited_as_denied(kent, db) -> None:
    medway = routed(kent, db, postcode="ME4 4TR")
    response = kent.get(f"/council/referrals/{medway}", headers=BROWSER)
    assert response.status_code == 404 and "Page not found" in response.get_data(as_text=True)
    assert medway not in response.get_data(as_text=True)
    (row,) = audit_rows(db, action="read_referral")
    assert (row.outcome, row.enquiry_reference, row.actor) == ("denied", medway, _user_actor(db))
    # An action on it is refused the same way.
    response = _post(kent, "/council/", f"/council/referrals/{medway}/acknowledge")
    assert response.status_code == 404
    assert get_enquiry(db, medway).status == "routed"


def test_the_referral_page_shows_details_decision_and_journey_audited(kent, db) -> None:
    reference = routed(kent, db)
    enquiry = get_enquiry(db, reference)
    response = kent.get(f"/council/referrals/{reference}", headers=BROWSER)
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    assert enquiry.personal["email"] in page and enquiry.personal["family_name"] in page
    assert "How it was decided" in page and "Kent" in page
    assert "Record a stage" in page
    actions = {(row.action, row.outcome) for row in audit_rows(db, enquiry_reference=reference)}
    assert {("read_referral", "ok"), ("read_journey", "ok")} <= actions


def test_the_referral_page_shows_the_running_clock_right_after_routing(client, db) -> None:
    with time_machine.travel(london(2026, 3, 2, 9, 0), tick=False):  # a Monday
        kent = _signed_in(client, db)
        reference = routed(kent, db)  # no sweep: routing starts the clock
        page = _page(kent, f"/council/referrals/{reference}")
    deadlines = page[page.index("Deadlines") :]
    assert re.search(
        r"First contact</td>\s*<td[^>]*>1 working day</td>\s*<td[^>]*><span[^>]*>"
        r"Your council&#39;s own target</span></td>\s*<td[^>]*>End of 3 March 2026</td>"
        r'\s*<td[^>]*><strong class="govuk-tag govuk-tag--blue">Running</strong>',
        deadlines,
    ), deadlines


def test_acknowledge_then_record_first_contact(kent, db) -> None:
    reference = routed(kent, db)
    path = f"/council/referrals/{reference}"
    response = _post(kent, path, f"{path}/acknowledge")
    assert response.status_code == 303 and response.headers["Location"] == path
    assert "Referral acknowledged" in _page(kent, path)
    response = _post(kent, path, f"{path}/progress", stage="first_contact", reason="", note="")
    assert response.status_code == 303
    page = _page(kent, path)
    assert "Recorded: first contact" in page and ">Met<" in page
    rows = audit_rows(db, enquiry_reference=reference, action="record_progress")
    assert [r.actor for r in rows] == [_user_actor(db)]
    assert get_enquiry(db, reference).status == "acknowledged"


def test_a_stage_that_needs_a_reason_shows_the_error_summary(kent, db) -> None:
    reference = routed(kent, db)
    path = f"/council/referrals/{reference}"
    response = _post(kent, path, f"{path}/progress", stage="withdrawn")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "There is a problem" in page
    assert (
        'href="#reason"' in page
        and "Withdrawn needs a reason. Choose one of: Fostering not as expected;" in page
    )
    assert "Chose another fostering service" in page and "chose_another" not in _visible(page)


def test_return_to_the_hub_needs_a_reason_code(kent, db) -> None:
    reference = routed(kent, db)
    path = f"/council/referrals/{reference}"
    response = _post(kent, path, f"{path}/return", note="")
    assert response.status_code == 422 and 'href="#return-reason"' in response.get_data(
        as_text=True
    )
    response = _post(kent, path, f"{path}/return", reason="duplicate")
    assert response.status_code == 303 and response.headers["Location"] == "/council/"
    assert get_enquiry(db, reference).status == "triage"
    assert reference not in _references(_page(kent, "/council/"))


def test_transfer_to_another_council(kent, db) -> None:
    reference = routed(kent, db)
    path = f"/council/referrals/{reference}"
    response = _post(kent, path, f"{path}/transfer", authority="Atlantis", reason="Lives there now")
    assert response.status_code == 422 and 'href="#authority"' in response.get_data(as_text=True)
    response = _post(kent, path, f"{path}/transfer", authority="Medway", reason="Moved to Medway")
    assert response.status_code == 303
    assert get_enquiry(db, reference).authority_code == MEDWAY
    assert kent.get(path, headers=BROWSER).status_code == 404


def test_every_form_needs_its_token(kent, db) -> None:
    reference = routed(kent, db)
    response = kent.post(f"/council/referrals/{reference}/acknowledge", headers=BROWSER)
    assert response.status_code == 400
    assert get_enquiry(db, reference).status == "routed"


def test_follow_ups_due_are_listed_and_an_outcome_recorded(client, db) -> None:
    with time_machine.travel(london(2025, 12, 19, 10, 0), tick=False):
        kent = _signed_in(client, db)
        reference = routed(kent, db)
        path = f"/council/referrals/{reference}"
        _post(kent, path, f"{path}/progress", stage="first_contact")
        assert create_follow_ups(db) == 0  # created with the stage
    sign_in(kent, db, council="Kent")
    page = _page(kent, "/council/follow-ups")
    assert "Stalled enquiry" in page and reference in page
    follow_up_id = re.search(r'action="/council/follow-ups/(\d+)/outcome"', page).group(1)  # type: ignore[union-attr]
    action = f"/council/follow-ups/{follow_up_id}/outcome"
    response = _post(kent, "/council/follow-ups", action, outcome="needs_support")
    assert response.status_code == 422
    assert f'href="#f{follow_up_id}-support"' in response.get_data(as_text=True)
    response = _post(kent, "/council/follow-ups", action, outcome="reached", note="Called back")
    assert response.status_code == 303
    assert "No follow-ups are due" in _page(kent, "/council/follow-ups")


def test_notices_list_residents_who_went_elsewhere(kent, db) -> None:
    reference = routed(kent, db, postcode="ME4 4TR", preferred_authority="Kent")
    assert reference in _page(kent, "/council/")  # Kent took Medway's resident
    other = routed(kent, db, postcode="ME14 1XQ", preferred_authority="Medway")
    page = _page(kent, "/council/notices")
    assert other in page and "Medway" in page and reference not in page
    assert audit_rows(db, action="list_notices")[-1].actor == _user_actor(db)


def test_the_notifications_page_shows_own_subscriptions_and_their_log(kent, db) -> None:
    add_mailbox(db, resolve_token_scope("Kent", hub_operator=False), "team@kent.example", ())
    add_mailbox(db, resolve_token_scope("Medway", hub_operator=False), "team@medway.example", ())
    page = _page(kent, "/council/deliveries")
    assert "team@kent.example" in page and "team@medway.example" not in page


def test_the_notifications_page_says_when_the_councils_webhook_answers_slowly(kent, db) -> None:
    made = add_webhook(db, resolve_token_scope("Kent", hub_operator=False), "http://127.0.0.1:9/h")
    assert "Answering slowly" not in _page(kent, "/council/deliveries")
    with db.transaction() as session:
        session.execute(
            update(Subscription)
            .where(Subscription.id == made.subscription.id)
            .values(slow_since=utcnow())
        )
    page = _page(kent, "/council/deliveries")
    assert "Answering slowly" in page and "one referral at a time" in page


def test_a_delivery_body_sees_all_its_councils(client, db) -> None:
    kingston = routed(client, db, postcode="KT1 1EU")
    richmond = routed(client, db, postcode="TW9 1DN")
    kent_ref = routed(client, db)
    own_address(client)
    sign_in(client, db, delivery_body=AFC)
    page = _page(client, "/council/")
    assert set(_references(page)) == {kingston, richmond}
    assert client.get(f"/council/referrals/{kent_ref}", headers=BROWSER).status_code == 404


def test_an_operator_gets_the_404_page_on_council_pages(client, db) -> None:
    own_address(client)
    sign_in(client, db, hub_operator=True)
    assert client.get("/council/", headers=BROWSER).status_code == 404
    (row,) = audit_rows(db, action="open_page")
    assert (row.outcome, row.detail["path"]) == ("denied", "/council/")


def test_operator_required_refuses_council_staff_with_the_404_page(app: Flask, db) -> None:
    @app.route("/ops-test-page")
    @operator_required
    def ops_test_page() -> str:
        return "operators only"

    council, operator = app.test_client(), app.test_client()
    assert council.get("/ops-test-page", headers=BROWSER).status_code == 303
    for who, kwargs in ((council, {"council": KENT}), (operator, {"hub_operator": True})):
        own_address(who)
        sign_in(who, db, **kwargs)
    assert council.get("/ops-test-page", headers=BROWSER).status_code == 404
    assert operator.get("/ops-test-page", headers=BROWSER).get_data(as_text=True) == (
        "operators only"
    )
    assert [row.outcome for row in audit_rows(db, action="open_page")] == ["denied"]


def test_a_stage_the_journey_refuses_is_shown_as_an_error_not_recorded(kent, db) -> None:
    reference = routed(kent, db)
    path = f"/council/referrals/{reference}"
    response = _post(kent, path, f"{path}/progress", stage="resumed")
    page = response.get_data(as_text=True)
    assert response.status_code in (409, 422) and "There is a problem" in page
    assert 'href="#stage"' in page
    assert "No stage recorded yet" in page
    assert [r.outcome for r in audit_rows(db, action="record_progress")] == ["refused"]


def _past_routing(kent, db, days_ago: int, hour: int) -> tuple[str, date]:
    """A referral routed ``days_ago`` days ago at ``hour`` o'clock in England."""
    day = local_day(utcnow()) - timedelta(days=days_ago)
    with time_machine.travel(london(day.year, day.month, day.day, hour, 30), tick=False):
        return routed(kent, db), day


def _occurred(db, reference: str) -> list[datetime]:
    with db.sessions() as session:
        return list(
            session.scalars(
                select(JourneyStage.occurred_at)
                .where(JourneyStage.enquiry_id == enquiry_id_of(db, reference))
                .order_by(JourneyStage.id)
            )
        )


def _on(day: date) -> dict[str, str]:
    return {
        "occurred-day": str(day.day),
        "occurred-month": str(day.month),
        "occurred-year": str(day.year),
    }


def test_a_stage_on_an_earlier_day_is_recorded_at_midday_that_day(kent, db) -> None:
    reference, routed_on = _past_routing(kent, db, days_ago=5, hour=9)
    path = f"/council/referrals/{reference}"
    contact_day = routed_on + timedelta(days=1)
    response = _post(kent, path, f"{path}/progress", stage="first_contact", **_on(contact_day))
    assert response.status_code == 303
    assert _occurred(db, reference) == [london(*contact_day.timetuple()[:3], 12)]
    page = _page(kent, path)
    assert f"Recorded: first contact, {contact_day.day} {contact_day:%B %Y}" in page


def test_a_stage_on_the_day_the_referral_arrived_is_not_before_it(kent, db) -> None:
    reference, routed_on = _past_routing(kent, db, days_ago=5, hour=15)
    path = f"/council/referrals/{reference}"
    response = _post(kent, path, f"{path}/progress", stage="first_contact", **_on(routed_on))
    assert response.status_code == 303
    (occurred,) = _occurred(db, reference)
    assert occurred >= london(*routed_on.timetuple()[:3], 15, 30)
    assert local_day(occurred) == routed_on


def test_a_stage_before_the_referral_arrived_is_refused_in_words(kent, db) -> None:
    reference, routed_on = _past_routing(kent, db, days_ago=5, hour=9)
    path = f"/council/referrals/{reference}"
    before = routed_on - timedelta(days=1)
    response = _post(kent, path, f"{path}/progress", stage="first_contact", **_on(before))
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'href="#occurred"' in page
    assert (
        f"on or after {routed_on.day} {routed_on:%B %Y}, when the referral reached your council"
        in page
    )
    assert _occurred(db, reference) == []
    assert 'value="' + str(before.day) + '"' in page  # the officer's answer is kept


@pytest.mark.parametrize(
    ("boxes", "words"),
    [
        ({"occurred-day": "31", "occurred-month": "2", "occurred-year": "2026"}, "real date"),
        ({"occurred-day": "3", "occurred-month": "", "occurred-year": "2026"}, "in full"),
        ({"occurred-day": "²", "occurred-month": "1", "occurred-year": "2026"}, "real date"),
        (None, "today or in the past"),
    ],
)
def test_a_stage_date_that_cannot_be_used_is_an_error_on_the_date(kent, db, boxes, words) -> None:
    reference = routed(kent, db)
    path = f"/council/referrals/{reference}"
    boxes = boxes or _on(local_day(utcnow()) + timedelta(days=1))
    response = _post(kent, path, f"{path}/progress", stage="first_contact", **boxes)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'href="#occurred"' in page and words in page
    assert _occurred(db, reference) == []


def test_staff_pages_are_titled_with_the_staff_service_not_the_carers(kent, db) -> None:
    page = _page(kent, "/council/")
    title = re.search(r"<title>(.*?)</title>", page, re.S)
    assert title is not None
    assert title.group(1).strip() == "Referrals - Fostering enquiry hub for staff"
