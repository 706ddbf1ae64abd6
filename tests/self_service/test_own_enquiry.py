"""The enquirer's link: their page, withdrawing, correcting contact details, keep-in-touch.

Through the pages as a browser uses them (CSRF, Post/Redirect/Get), on the real database; the
council is told through a real mailbox subscription's delivery rows.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from hub.audit.models import AuditAction, AuditOutcome
from hub.delivery.events import EventType
from hub.enquiries.models import EnquirerLink, Enquiry
from hub.enquiries.search_keys import search_keys_of
from hub.platform.models import utcnow
from hub.self_service.own_enquiry import LinkProblem, enquirer_context
from hub.self_service.withdraw import withdraw_enquiry
from hub.tracking.models import FollowUp, FollowUpKind, FollowUpStatus
from hub.triage.queue import list_triage
from tests.delivery.support import mailbox
from tests.self_service.support import (
    audits,
    enquire,
    enquiry,
    events,
    link_path,
    open_page,
    post,
    stages,
)
from tests.support.council import KENT, KINGSTON, bearer, token_for
from tests.web.journey import BROWSER

UNKNOWN_POSTCODE = "ZZ9 9ZZ"  # well-formed, not in the directory: triage


def test_the_link_opens_a_page_that_names_the_council_and_only_hints_at_the_details(
    client, db
) -> None:
    reference = enquire(client, db)
    path = link_path(db, reference)
    assert reference not in path and "example.org" not in path
    page, _ = open_page(client, db, reference)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert reference in html and "fostering team of Kent council" in html
    personal = enquiry(db, reference).personal
    assert personal["email"] not in html and personal["phone"] not in html
    assert "ending 456" in html
    (row,) = audits(db, AuditAction.OPEN_ENQUIRER_LINK)
    assert (row.actor, row.outcome, row.enquiry_reference) == ("enquirer", "ok", reference)


def test_a_tampered_link_explains_itself_and_is_audited_as_denied(client, db) -> None:
    reference = enquire(client, db)
    path = link_path(db, reference)
    client.get(path[:-2] + ("AA" if not path.endswith("AA") else "BB"), headers=BROWSER)
    page = client.get("/your-enquiry", headers=BROWSER)
    assert page.status_code == 404
    assert "This link does not work" in page.get_data(as_text=True)
    (row,) = audits(db, AuditAction.OPEN_ENQUIRER_LINK)
    assert (row.outcome, row.enquiry_id, row.detail) == ("denied", None, {"problem": "tampered"})


def test_an_expired_link_says_so_and_changes_nothing(client, db) -> None:
    reference = enquire(client, db)
    with db.transaction() as s:
        s.execute(update(EnquirerLink).values(expires_at=utcnow() - timedelta(seconds=1)))
    page, _ = open_page(client, db, reference)
    assert page.status_code == 410
    assert "This link has expired" in page.get_data(as_text=True)


def test_a_link_for_an_anonymised_enquiry_says_we_no_longer_hold_it(client, db) -> None:
    reference = enquire(client, db)
    with db.transaction() as s:
        found = s.scalar(select(Enquiry).where(Enquiry.reference == reference))
        assert found is not None
        found.personal = {"postcode": "ME14", "anonymised": True}
    page, _ = open_page(client, db, reference)
    assert page.status_code == 410
    assert "We no longer hold this enquiry" in page.get_data(as_text=True)


def test_withdrawing_records_it_by_the_enquirer_with_its_ofsted_code_and_tells_the_council(
    client, db
) -> None:
    kent = mailbox(db, KENT, "fostering@kent.example.gov.uk", EventType.REFERRAL_WITHDRAWN)
    other = mailbox(db, KINGSTON, "fostering@kingston.example.gov.uk")
    reference = enquire(client, db)
    _, token = open_page(client, db, reference)
    done = post(client, "/your-enquiry/withdraw", token, reason="finances")
    assert done.status_code == 303
    (stage,) = stages(db, reference)
    assert (stage.stage, stage.actor, stage.reason, stage.ofsted_code) == (
        "withdrawn",
        "enquirer",
        "finances",
        "AW4",
    )
    assert enquiry(db, reference).status == "routed"  # a council's referral stays its own
    (told,) = events(db, EventType.REFERRAL_WITHDRAWN)
    assert told.subscription_id == kent.id != other.id
    assert set(told.payload["data"]) == {"reference", "authority_code", "url"}
    (row,) = audits(db, AuditAction.WITHDRAW_ENQUIRY)
    assert (row.actor, row.outcome, row.visible_to) == ("enquirer", "ok", KENT)
    journey = client.get(
        f"/v1/council/referrals/{reference}/journey", headers=bearer(token_for(db, KENT))
    ).get_json()
    assert journey["stage"] == "withdrawn"


def test_a_second_withdrawal_and_the_link_opened_again_say_it_is_withdrawn(client, db) -> None:
    reference = enquire(client, db)
    _, token = open_page(client, db, reference)
    post(client, "/your-enquiry/withdraw", token)
    again = post(client, "/your-enquiry/withdraw", token)
    assert again.status_code == 200
    assert "You have withdrawn this enquiry" in again.get_data(as_text=True)
    (stage,) = stages(db, reference)  # once, "other or unknown" when no reason is given
    assert (stage.reason, stage.ofsted_code) == ("other", "AW0")
    page, _ = open_page(client, db, reference)
    html = page.get_data(as_text=True)
    assert "You have withdrawn this enquiry" in html
    assert "Withdraw my enquiry" not in html and "Change my contact details" not in html
    refused = audits(db, AuditAction.WITHDRAW_ENQUIRY)[-1]
    assert (refused.outcome, refused.detail) == ("refused", {"problem": "withdrawn"})


def test_withdrawing_an_enquiry_in_triage_takes_it_off_the_queue_and_tells_operators(
    client, db
) -> None:
    ops = mailbox(db, None, "ops@hub.example.gov.uk", EventType.REFERRAL_WITHDRAWN)
    reference = enquire(client, db, postcode=UNKNOWN_POSTCODE)
    assert enquiry(db, reference).status == "triage"
    _, token = open_page(client, db, reference)
    post(client, "/your-enquiry/withdraw", token, reason="timing")
    assert enquiry(db, reference).status == "withdrawn"
    assert reference not in str(list_triage(db))
    (told,) = events(db, EventType.REFERRAL_WITHDRAWN)
    assert told.subscription_id == ops.id
    routed = client.post(
        f"/v1/ops/enquiries/{reference}/route",
        json={"authority": KINGSTON, "reason": "Moving to Kingston next month"},
        headers=bearer(token_for(db, hub=True)),
    )
    assert routed.status_code >= 400  # never routed after the enquirer withdrew it


def test_a_new_phone_is_checked_as_the_form_checks_it_and_nothing_is_half_stored(
    client, db
) -> None:
    reference = enquire(client, db)
    before = enquiry(db, reference).personal
    _, token = open_page(client, db, reference)
    bad = post(client, "/your-enquiry/contact-details", token, phone="0791 12", email="")
    assert bad.status_code == 400
    assert "Enter a UK phone number" in bad.get_data(as_text=True)
    odd = post(client, "/your-enquiry/contact-details", token, phone="", email="a\u202eb@x")
    assert odd.status_code == 400
    assert enquiry(db, reference).personal == before
    assert events(db, EventType.CONTACT_CHANGED) == []


def test_a_corrected_phone_is_stored_found_by_search_and_the_council_told_without_it(
    client, db
) -> None:
    mailbox(db, KENT, "fostering@kent.example.gov.uk", EventType.CONTACT_CHANGED)
    reference = enquire(client, db)
    _, token = open_page(client, db, reference)
    done = post(client, "/your-enquiry/contact-details", token, phone="07700 901234", email="")
    assert done.status_code == 303
    stored = enquiry(db, reference)
    assert stored.personal["phone"] == "+447700901234"
    assert stored.phone_index == search_keys_of({"phone": "+447700901234"})["phone_index"]
    found = client.get(
        "/v1/council/referrals?q=07700%20901234", headers=bearer(token_for(db, KENT))
    ).get_json()
    assert reference in str(found)
    (told,) = events(db, EventType.CONTACT_CHANGED)
    assert told.payload["data"]["changed"] == "phone"
    assert "901234" not in str(told.payload)
    (row,) = audits(db, AuditAction.CHANGE_CONTACT_DETAILS)
    assert (row.actor, row.detail) == ("enquirer", {"changed": ["phone"]})
    page = client.get("/your-enquiry", headers=BROWSER).get_data(as_text=True)
    assert "Your contact details have been changed" in page


def test_someone_who_prefers_a_call_cannot_be_left_without_a_phone(client, db) -> None:
    reference = enquire(client, db, preferred_contact="phone")
    _, token = open_page(client, db, reference)
    same = post(client, "/your-enquiry/contact-details", token, phone="07911 123456")
    assert same.status_code == 303  # the number they gave: nothing new, nothing told
    assert events(db, EventType.CONTACT_CHANGED) == []


def test_withdrawing_consent_cancels_the_follow_ups_that_need_it(client, db) -> None:
    reference = enquire(client, db, consent={"privacy_notice": True, "keep_in_touch": True})
    _, token = open_page(client, db, reference)
    post(client, "/your-enquiry/withdraw", token, reason="timing")
    with db.sessions() as s:
        planned = list(s.scalars(select(FollowUp).where(FollowUp.needs_consent.is_(True))))
    assert planned and {f.kind for f in planned} == {FollowUpKind.RE_ENGAGEMENT}
    page, token = open_page(client, db, reference)
    assert "Do not keep in touch with me" in page.get_data(as_text=True)
    post(client, "/your-enquiry/keep-in-touch", token)
    assert enquiry(db, reference).consent_keep_in_touch is False
    with db.sessions() as s:
        after = list(s.scalars(select(FollowUp).where(FollowUp.needs_consent.is_(True))))
    assert {f.status for f in after} == {FollowUpStatus.CANCELLED}
    assert {f.completed_by for f in after} == {"enquirer"}
    (row,) = audits(db, AuditAction.WITHDRAW_KEEP_IN_TOUCH)
    assert (row.outcome, row.detail) == (AuditOutcome.OK, {"follow_ups_cancelled": len(after)})


def test_a_form_without_its_csrf_token_is_refused(client, db) -> None:
    reference = enquire(client, db)
    open_page(client, db, reference)
    refused = client.post("/your-enquiry/withdraw", data={}, headers=BROWSER)
    assert refused.status_code == 400
    assert stages(db, reference) == []


def test_no_link_in_the_session_explains_itself(client, db) -> None:
    page = client.get("/your-enquiry", headers=BROWSER)
    assert page.status_code == 404
    assert "This link does not work" in page.get_data(as_text=True)


def test_the_link_of_an_enquiry_the_hub_closed_says_so_and_changes_nothing(client, db) -> None:
    reference = enquire(client, db, postcode=UNKNOWN_POSTCODE)
    closed = client.post(
        f"/v1/ops/enquiries/{reference}/close",
        json={"reason": "test"},
        headers=bearer(token_for(db, hub=True)),
    )
    assert closed.status_code == 200, closed.get_json()
    raw_token = link_path(db, reference).rsplit("/", 1)[1]
    page, _ = open_page(client, db, reference)
    assert page.status_code == 410
    assert "This enquiry is closed" in page.get_data(as_text=True)
    refused = withdraw_enquiry(db, raw_token, enquirer_context(), reason=None)
    assert refused is LinkProblem.CLOSED
    assert enquiry(db, reference).status == "closed"
    assert stages(db, reference) == []
