"""The case system pages: export a referral and the tray's list, import outcomes (preview,
then apply), with the API's scoping, audit and all-or-nothing rule."""

from __future__ import annotations

import csv
import io
import re

from flask.testing import FlaskClient

from hub.platform.models import utcnow
from hub.tracking.calendar import local_day
from tests.support.council import KENT, audit_rows, routed, token_for
from tests.tracking.support import journey
from tests.web.staff_support import BROWSER, csrf_from, own_address, sign_in, visible_text


def _signed_in(client: FlaskClient, db, council: str = "Kent") -> None:
    own_address(client)
    sign_in(client, db, council=council)


def _token(client: FlaskClient) -> str:
    return csrf_from(client.get("/council/tray", headers=BROWSER).get_data(as_text=True))


def test_an_officer_exports_a_referral_and_the_list_from_the_pages(client, db) -> None:
    first, second = routed(client, db), routed(client, db)
    _signed_in(client, db)
    page = client.get(f"/council/referrals/{first}", headers=BROWSER).get_data(as_text=True)
    assert "Export for your case system (CSV)" in page
    one = client.post(
        f"/council/referrals/{first}/export",
        data={"csrf_token": csrf_from(page), "format": "csv"},
        headers=BROWSER,
    )
    assert one.status_code == 200 and one.mimetype == "text/csv"
    assert one.headers["Cache-Control"] == "no-store"
    (row,) = csv.DictReader(io.StringIO(one.get_data(as_text=True)))
    assert row["reference"] == first
    tray = client.get("/council/tray", headers=BROWSER).get_data(as_text=True)
    assert "Export this list (CSV)" in tray
    listed = client.post(
        "/council/tray/export",
        data={"csrf_token": csrf_from(tray), "view": "team", "format": "csv"},
        headers=BROWSER,
    )
    assert listed.status_code == 200 and listed.headers["Cache-Control"] == "no-store"
    references = [
        r["reference"] for r in csv.DictReader(io.StringIO(listed.get_data(as_text=True)))
    ]
    assert sorted(references) == sorted([first, second])
    assert [r.detail["count"] for r in audit_rows(db, action="export_referrals")] == [1, 2]


def test_another_councils_referral_cannot_be_exported_from_the_page(client, db) -> None:
    theirs = routed(client, db, postcode="ME4 4TR")
    _signed_in(client, db)
    response = client.post(
        f"/council/referrals/{theirs}/export",
        data={"csrf_token": _token(client), "format": "csv"},
        headers=BROWSER,
    )
    assert response.status_code == 404
    assert theirs not in response.get_data(as_text=True).split("FE-")[0]
    (row,) = audit_rows(db, action="export_referrals")
    assert row.outcome == "denied" and row.enquiry_reference == theirs


def test_an_export_without_the_csrf_token_is_refused(client, db) -> None:
    reference = routed(client, db)
    _signed_in(client, db)
    response = client.post(
        f"/council/referrals/{reference}/export", data={"format": "csv"}, headers=BROWSER
    )
    assert response.status_code == 400
    assert audit_rows(db, action="export_referrals") == []


def test_an_officer_previews_and_applies_an_import(client, db) -> None:
    reference = routed(client, db)
    theirs = routed(client, db, postcode="ME4 4TR")
    _signed_in(client, db)
    today = local_day(utcnow()).isoformat()
    page = client.get("/council/import", headers=BROWSER).get_data(as_text=True)
    assert "reference,stage,date,reason" in page
    good = f"reference,stage,date,reason\n{reference},initial_visit,{today},\n".encode()
    preview = client.post(
        "/council/import/preview",
        data={"csrf_token": csrf_from(page), "file": (io.BytesIO(good), "outcomes.csv")},
        headers=BROWSER,
        content_type="multipart/form-data",
    )
    assert preview.status_code == 200, preview.get_data(as_text=True)[:2000]
    text = visible_text(preview.get_data(as_text=True))
    assert "nothing has been recorded yet" in text and "Will be recorded" in text
    assert journey(client, token_for(db, KENT), reference)["stage"] is None
    kept = re.search(r'name="file_text" value="([^"]*)"', preview.get_data(as_text=True))
    assert kept is not None
    applied = client.post(
        "/council/import/apply",
        data={
            "csrf_token": csrf_from(preview.get_data(as_text=True)),
            "file_text": kept.group(1).replace("&#10;", "\n"),
        },
        headers=BROWSER,
    )
    assert applied.status_code == 200, applied.get_data(as_text=True)[:2000]
    assert "Outcomes recorded" in visible_text(applied.get_data(as_text=True))
    assert journey(client, token_for(db, KENT), reference)["stage"] == "initial_visit"
    bad = f"reference,stage,date,reason\n{theirs},first_contact,{today},\n".encode()
    refused = client.post(
        "/council/import/apply",
        data={"csrf_token": _token(client), "file": (io.BytesIO(bad), "outcomes.csv")},
        headers=BROWSER,
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422
    said = visible_text(refused.get_data(as_text=True))
    assert "Nothing was recorded" in said and "held by your council" in said
    assert [
        r.enquiry_reference for r in audit_rows(db, action="apply_import", outcome="denied")
    ] == [theirs]


def test_a_file_with_a_wrong_header_is_explained_on_the_page(client, db) -> None:
    _signed_in(client, db)
    response = client.post(
        "/council/import/preview",
        data={
            "csrf_token": _token(client),
            "file": (io.BytesIO(b"ref,when\nFE-1,today\n"), "outcomes.csv"),
        },
        headers=BROWSER,
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "There is a problem with the file" in visible_text(response.get_data(as_text=True))
