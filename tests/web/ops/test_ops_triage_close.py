"""The triage pages, completed: close with a reason (and reopen), search, filters and the
queue's age, the one rule for a manual route on the page, and what a page of an enquiry that
is not in triage says instead of why it needs a person."""

from __future__ import annotations

from sqlalchemy import select

from hub.delivery.confirmation import EnquirerEvent
from hub.delivery.models import Delivery
from hub.enquiries.journey import JourneyEvent
from hub.rules import OPERATOR_ROUTE_RULE
from tests.delivery.support import deliveries
from tests.support.council import KENT, audit_rows, enquiry_id_of, get_enquiry, routed
from tests.web.journey import csrf_token
from tests.web.ops_support import BROWSER, SPLIT_SECTOR, csrf_from, in_triage
from tests.web.staff_support import sign_in

CLOSURES = Delivery.event_type == str(EnquirerEvent.CLOSED)


def _page(client, path: str) -> str:
    response = client.get(path, headers=BROWSER)
    assert response.status_code == 200, path
    return str(response.get_data(as_text=True))


def _close(client, reference: str, **form: str):
    page = _page(client, f"/ops/triage/{reference}")
    return client.post(
        f"/ops/triage/{reference}/close",
        data={"csrf_token": csrf_from(page), **form},
        headers=BROWSER,
    )


def test_closing_as_not_about_fostering_leaves_the_queue_and_emails_the_enquirer(
    client, db
) -> None:
    reference = in_triage(client, db)
    sign_in(client, db, hub_operator=True)

    response = _close(client, reference, closure_reason="not_about_fostering")

    assert response.status_code == 303
    assert get_enquiry(db, reference).status == "closed"
    after = _page(client, "/ops/triage")
    assert f"{reference} was closed: not about fostering. The enquirer is being e-mailed." in after
    assert "Nothing is waiting in triage" in after
    assert len(deliveries(db, CLOSURES)) == 1
    assert [r.outcome for r in audit_rows(db, action="close_triage")] == ["ok"]


def test_a_duplicate_is_suggested_from_the_same_persons_earlier_enquiry(client, db) -> None:
    earlier = routed(client, db, email="same.person@example.org")  # Kent
    reference = in_triage(client, db, email="same.person@example.org")
    sign_in(client, db, hub_operator=True)

    page = _page(client, f"/ops/triage/{reference}")
    assert f'value="{earlier}"' in page  # the other reference, filled in

    response = _close(client, reference, closure_reason="duplicate", duplicate_of=earlier)
    assert response.status_code == 303
    with db.sessions() as s:
        event = s.scalars(
            select(JourneyEvent)
            .where(JourneyEvent.enquiry_id == enquiry_id_of(db, reference))
            .order_by(JourneyEvent.id.desc())
        ).first()
    assert event is not None and event.detail == {"reason": "duplicate", "duplicate_of": earlier}
    assert deliveries(db, CLOSURES) == []


def test_closing_without_a_reason_or_with_a_bad_reference_shows_the_error(client, db) -> None:
    reference = in_triage(client, db)
    sign_in(client, db, hub_operator=True)

    no_reason = _close(client, reference)
    assert no_reason.status_code == 422
    html = no_reason.get_data(as_text=True)
    assert "There is a problem" in html and 'href="#closure_reason"' in html

    nobody = _close(client, reference, closure_reason="duplicate", duplicate_of="FE-22222222")
    assert nobody.status_code == 422
    html = nobody.get_data(as_text=True)
    assert 'href="#duplicate_of"' in html and "no enquiry has it" in html
    assert get_enquiry(db, reference).status == "triage"


def test_a_closed_enquirys_page_says_so_and_offers_only_reopening(client, db) -> None:
    reference = in_triage(client, db)
    sign_in(client, db, hub_operator=True)
    _close(client, reference, closure_reason="test")

    page = _page(client, f"/ops/triage/{reference}")

    assert "Where it stands" in page and "Why it needs a person" not in page
    assert "Closed on " in page and ": a test. Not in triage." in page
    assert "Send to this council" not in page and "See contact details" not in page
    response = client.post(
        f"/ops/triage/{reference}/reopen", data={"csrf_token": csrf_from(page)}, headers=BROWSER
    )
    assert response.status_code == 303
    assert get_enquiry(db, reference).status == "triage"
    reopened = _page(client, f"/ops/triage/{reference}")
    assert "is back in triage" in reopened and "Send to this council" in reopened


def test_a_routed_enquirys_page_says_where_it_went_instead_of_why_it_needs_a_person(
    client, db
) -> None:
    reference = routed(client, db)  # Kent
    sign_in(client, db, hub_operator=True)
    page = _page(client, f"/ops/triage/{reference}")
    assert "Routed to Kent on " in page and "Not in triage." in page
    assert "Why it needs a person" not in page and "Routed</dd>" not in page
    assert "Close the enquiry" not in page


def test_the_route_form_states_the_one_rule(client, db) -> None:
    reference = in_triage(client, db, postcode=SPLIT_SECTOR)
    sign_in(client, db, hub_operator=True)
    page = _page(client, f"/ops/triage/{reference}")
    assert OPERATOR_ROUTE_RULE.replace("'", "&#39;") in page
    assert "outside the enquirer's regional hub, is refused" not in page  # the old hint


def test_the_list_searches_by_name_without_putting_it_in_the_address(client, db) -> None:
    wanted = in_triage(client, db, given_name="Ottoline", family_name="Brackenbury")
    other = in_triage(client, db, given_name="Someone", family_name="Else")
    sign_in(client, db, hub_operator=True)
    page = _page(client, "/ops/triage")
    assert f"{wanted} (" in page and " in the queue)" in page  # its age, in the card's title

    response = client.post(
        "/ops/triage",
        data={"csrf_token": csrf_from(page), "q": "Ottoline Brackenbury"},
        headers=BROWSER,
    )

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert wanted in html and other not in html
    assert "Brackenbury" in html  # only in the search box, never in a link
    assert "Brackenbury" not in html.split('id="q"')[0]
    assert [r.detail["kind"] for r in audit_rows(db, action="search_triage")] == ["name"]


def test_the_list_filters_by_reason_and_shows_closed_ones_apart(client, db) -> None:
    unknown = in_triage(client, db)
    split = in_triage(client, db, postcode=SPLIT_SECTOR)
    sign_in(client, db, hub_operator=True)
    html = _page(client, "/ops/triage?reason=partial_postcode_ambiguous&sort=newest")
    assert split in html and unknown not in html
    _close(client, unknown, closure_reason="test")
    closed = _page(client, "/ops/triage?state=closed")
    assert unknown in closed and split not in closed


def test_council_staff_cannot_close_or_reopen(client, db) -> None:
    reference = in_triage(client, db)
    sign_in(client, db, council=KENT)
    token = csrf_token(client)
    for action in ("close", "reopen"):
        response = client.post(
            f"/ops/triage/{reference}/{action}",
            data={"csrf_token": token, "closure_reason": "test"},
            headers=BROWSER,
        )
        assert response.status_code == 404
        denied = [
            row
            for row in audit_rows(db, outcome="denied")
            if row.request_id == response.headers["X-Request-ID"]
        ]
        assert len(denied) == 1
    assert get_enquiry(db, reference).status == "triage"
    assert audit_rows(db, action="close_triage") == []
