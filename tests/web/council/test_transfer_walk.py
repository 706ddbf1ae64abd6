"""Kent transfers a referral to Medway: what Kent, Medway, the home council and the enquirer see.

Real database, the pages as each council's staff use them, and the delivery rows the transfer
writes (mailboxes for each council, the enquirer's e-mail through the delivery room).
"""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from hub.delivery.models import Delivery
from tests.delivery.support import attempt_due, deliveries, mailbox, routed_person
from tests.support.council import KENT, MEDWAY, audit_rows, get_enquiry
from tests.web.staff_support import (
    BROWSER,
    csrf_from,
    mails_to,
    own_address,
    sign_in,
    visible_text,
)

SURREY = "E10000030"  # GU1 3AA
REASON = "Moving to Chatham next month; Medway's team is nearer"
# Raw codes a person should never read on a staff page: council codes and snake_case codes.
RAW_CODES = re.compile(r"\b[EWSN]\d{8}\b|\b[a-z]+(?:_[a-z0-9]+)+\b")


def _staff(app: Flask, db, council: str | None = None) -> FlaskClient:
    client = app.test_client()
    own_address(client)
    if council is None:
        sign_in(client, db, hub_operator=True)
    else:
        sign_in(client, db, council=council)
    return client


def _get(client: FlaskClient, path: str, status: int = 200) -> str:
    response = client.get(path, headers=BROWSER)
    assert response.status_code == status, (path, response.status_code)
    return response.get_data(as_text=True)


def _post(client: FlaskClient, page: str, action: str, **form: str):
    token = csrf_from(_get(client, page))
    return client.post(action, data={"csrf_token": token, **form}, headers=BROWSER)


def _raw_codes(page: str) -> list[str]:
    return RAW_CODES.findall(visible_text(page))


def _transfer(kent: FlaskClient, reference: str) -> str:
    path = f"/council/referrals/{reference}"
    _post(kent, path, f"{path}/acknowledge")
    _post(kent, path, f"{path}/progress", stage="first_contact", note="Left a voicemail")
    response = _post(kent, path, f"{path}/transfer", authority="Medway", reason=REASON)
    assert response.status_code == 303 and response.headers["Location"] == "/council/"
    return _get(kent, "/council/")  # the banner is on the next page


def test_kent_transfers_to_medway_and_each_party_is_told_truly(app: Flask, client, db) -> None:
    for council, team in ((KENT, "kent"), (MEDWAY, "medway")):
        mailbox(db, council, f"team-{team}@council.example.gov.uk")
    reference = routed_person(client, db)  # ME14 1XQ: a Kent resident, routed to Kent
    body = dict(get_enquiry(db, reference).personal or {})
    kent, medway = _staff(app, db, "Kent"), _staff(app, db, "Medway")

    # Kent: the banner names Medway; the referral is listed under Transferred out.
    listing = _transfer(kent, reference)
    text = visible_text(listing)
    assert f"Referral {reference} transferred to Medway." in text
    assert "Transferred out" in text and f'href="/council/transferred-out/{reference}"' in listing
    assert _raw_codes(listing) == []
    assert get_enquiry(db, reference).authority_code == MEDWAY
    _get(kent, f"/council/referrals/{reference}", 404)  # no longer Kent's to act on

    # Medway: the explanation says Kent transferred it, why, and who agreed.
    page = _get(medway, f"/council/referrals/{reference}")
    text = visible_text(page)
    assert "Transferred to Medway by Kent" in text
    assert "Kent transferred this referral to Medway" in text and REASON in text
    assert "Agreed by a member of Kent's fostering team" in text
    assert "the enquirer asked for Medway" not in text.lower()
    assert "Kent is the enquirer's home council and transferred the referral to you" in text
    assert _raw_codes(page) == []

    # Medway records a stage after the transfer: Kent's history stops at the transfer.
    path = f"/council/referrals/{reference}"
    _post(medway, path, f"{path}/progress", stage="information_session", note="Booked")
    history = _get(kent, f"/council/transferred-out/{reference}")
    text = visible_text(history)
    assert "Referral arrived at Kent" in text and "Acknowledged" in text
    assert "First contact" in text and "Left a voicemail" in text
    assert "Transferred to Medway" in text and REASON in text
    assert "Information session" not in text and "Booked" not in text
    assert body["email"] not in history and body["given_name"] not in history
    assert _raw_codes(history) == []
    assert audit_rows(db, action="read_transferred_out")[-1].outcome == "ok"

    # Only the council that made the transfer keeps that view: 404 and audited for any other.
    _get(medway, f"/council/transferred-out/{reference}", 404)
    assert audit_rows(db, action="read_transferred_out")[-1].outcome == "denied"

    # The home council (Kent itself) is not told of its own transfer, on its page or by mail.
    notices = visible_text(_get(kent, "/council/notices"))
    assert reference not in notices
    assert [d for d in deliveries(db) if d.event_type == "home_council.notice"] == []

    # The delivery rows: Medway hears of the referral (with who sent it), the enquirer is told.
    attempt_due(db, rounds=2)
    rows = deliveries(db, Delivery.reference == reference)
    events = sorted((d.event_type, d.authority_code) for d in rows)
    assert events == sorted(
        [
            ("enquiry.confirmed", KENT),
            ("enquiry.transferred", MEDWAY),
            ("referral.routed", KENT),
            ("referral.routed", MEDWAY),
        ]
    )
    to_medway = next(
        d for d in rows if d.event_type == "referral.routed" and d.authority_code == MEDWAY
    )
    assert to_medway.payload["data"]["transferred_from"] == KENT
    assert REASON not in str(to_medway.payload)  # free text stays out of notifications
    assert all(d.status == "delivered" for d in rows)
    mails = mails_to(body["email"])
    assert len(mails) == 2
    told = mails[-1]
    assert f"Your fostering enquiry {reference} is now with Medway council" in told
    assert "passed your enquiry to the fostering team of Medway council" in told
    assert "0300 131 2797" in told  # the hub's public number, from the rules file
    assert REASON not in told and "E06000035" not in told


def test_a_third_councils_resident_transferred_on_is_noticed_by_its_home_council(
    app: Flask, client, db
) -> None:
    mailbox(db, SURREY, "team-surrey@council.example.gov.uk")
    reference = routed_person(client, db, postcode="GU1 3AA", preferred_authority="Kent")
    kent, surrey = _staff(app, db, "Kent"), _staff(app, db, "Surrey")
    path = f"/council/referrals/{reference}"
    response = _post(kent, path, f"{path}/transfer", authority="Medway", reason=REASON)
    assert response.status_code == 303
    page = _get(surrey, "/council/notices")
    text = visible_text(page)
    assert reference in text and "Transferred there by Kent" in text and "Medway" in text
    assert _raw_codes(page) == []
    notices = [d for d in deliveries(db) if d.event_type == "home_council.notice"]
    assert [(d.authority_code, d.reference) for d in notices][-1] == (SURREY, reference)


def test_no_staff_page_shows_a_raw_code(app: Flask, client, db) -> None:
    for council, team in ((KENT, "kent"), (MEDWAY, "medway"), (None, "ops")):
        mailbox(db, council, f"team-{team}@council.example.gov.uk")
    moved = routed_person(client, db)
    kept = routed_person(client, db)
    routed_person(client, db, postcode="ME4 4TR", preferred_authority="Kent")  # a notice
    routed_person(client, db, postcode="ZZ9 9ZZ")  # triage
    routed_person(client, db, postcode="ME1")  # partial: triage with candidates, maybe
    kent, medway, ops = _staff(app, db, "Kent"), _staff(app, db, "Medway"), _staff(app, db)
    _transfer(kent, moved)
    attempt_due(db)
    path = f"/council/referrals/{kept}"
    refused = _post(kent, path, f"{path}/progress", stage="withdrawn")
    assert refused.status_code == 422
    pages = {
        "refused stage": refused.get_data(as_text=True),
        "refused transfer": _post(
            kent, path, f"{path}/transfer", authority="Birmingham", reason="Lives there now"
        ).get_data(as_text=True),
    }
    for who, staff, paths in (
        (
            "kent",
            kent,
            [
                "/council/",
                path,
                f"/council/transferred-out/{moved}",
                "/council/notices",
                "/council/follow-ups",
                "/council/deliveries",
            ],
        ),
        ("medway", medway, ["/council/", f"/council/referrals/{moved}", "/council/notices"]),
        ("ops", ops, ["/ops/", "/ops/triage", "/ops/deliveries", "/ops/reports"]),
    ):
        for page_path in paths:
            pages[f"{who} {page_path}"] = _get(staff, page_path)
    triage = re.findall(r'href="(/ops/triage/FE-[A-Z0-9]+)"', pages["ops /ops/triage"])
    for case in triage:
        pages[f"ops {case}"] = _get(ops, case)
    pages["404"] = _get(kent, "/council/referrals/FE-AAAAAAAA", 404)
    found = {name: codes for name, page in pages.items() if (codes := _raw_codes(page))}
    assert found == {}
