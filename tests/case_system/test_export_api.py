"""Exports for the council's case system: one referral or the tray's list, CSV and JSON,
scoped, audited without the data, safe in a spreadsheet, never cached."""

from __future__ import annotations

from hub.case_system.export_columns import COLUMNS
from tests.case_system.support import csv_rows, export_list, export_one
from tests.casework.support import staff_id
from tests.support.council import KENT, MEDWAY, audit_rows, bearer, routed, token_for
from tests.tracking.support import progress


def test_one_referral_exports_its_columns_as_csv_and_json(client, db) -> None:
    reference = routed(client, db, given_name="Ada", family_name="Lovelace")
    token = token_for(db, KENT, manage=True)
    officer = staff_id(db, "Kent")
    client.post(
        f"/v1/council/referrals/{reference}/owner", headers=bearer(token), json={"user_id": officer}
    )
    progress(client, token, reference, "first_contact")
    response = export_one(client, token, reference)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "no-store"
    assert "attachment" in response.headers["Content-Disposition"]
    header = response.get_data(as_text=True).splitlines()[0]
    assert header == ",".join(COLUMNS)
    (row,) = csv_rows(response)
    assert row["reference"] == reference
    assert (row["given_name"], row["family_name"]) == ("Ada", "Lovelace")
    assert row["council_code"] == KENT and row["journey_stage"] == "first_contact"
    assert row["received_date"] and row["received_time"] and row["email"]
    assert row["owner_email"].endswith("@council.example")
    assert row["adults_in_household"] and row["fostering_interest"]
    as_json = export_one(client, token, reference, "json")
    assert as_json.headers["Cache-Control"] == "no-store"
    (item,) = as_json.get_json()
    assert list(item) == list(COLUMNS) and item["reference"] == reference
    exports = audit_rows(db, action="export_referrals")
    assert [r.detail["format"] for r in exports] == ["csv", "json"]
    assert all(r.detail["count"] == 1 and r.enquiry_reference == reference for r in exports)
    assert "Lovelace" not in str([r.detail for r in exports])


def test_another_councils_referral_is_not_found_and_audited_as_denied(client, db) -> None:
    reference = routed(client, db)
    response = export_one(client, token_for(db, MEDWAY), reference)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    (row,) = audit_rows(db, action="export_referrals")
    assert row.outcome == "denied" and row.enquiry_reference == reference


def test_a_cell_a_spreadsheet_would_run_is_written_as_text(client, db) -> None:
    reference = routed(client, db, message='=HYPERLINK("http://evil.example","Click")')
    (row,) = csv_rows(export_one(client, token_for(db, KENT), reference))
    assert row["message"].startswith("'=HYPERLINK")
    # JSON is data, not a spreadsheet: the text as the enquirer wrote it.
    (item,) = export_one(client, token_for(db, KENT), reference, "json").get_json()
    assert item["message"].startswith("=HYPERLINK")


def test_the_list_follows_the_trays_filters_and_is_audited_with_its_count(client, db) -> None:
    references = [routed(client, db) for _ in range(3)]
    elsewhere = routed(client, db, postcode="ME4 4TR")
    token = token_for(db, KENT)
    progress(client, token, references[0], "first_contact")
    everything = export_list(client, token)
    assert everything.status_code == 200, everything.get_data(as_text=True)
    assert everything.is_streamed and everything.headers["Cache-Control"] == "no-store"
    exported = [row["reference"] for row in csv_rows(everything)]
    assert sorted(exported) == sorted(references) and elsewhere not in exported
    contacted = export_list(client, token, stage="first_contact", format="json").get_json()
    assert [item["reference"] for item in contacted] == [references[0]]
    rows = audit_rows(db, action="export_referrals")
    assert [(r.detail["count"], r.detail["filter"].get("stage")) for r in rows] == [
        (3, None),
        (1, "first_contact"),
    ]
    assert all("references" not in r.detail for r in rows)


def test_a_long_list_is_read_page_by_page(client, db, monkeypatch) -> None:
    monkeypatch.setattr("hub.case_system.read_export.PAGE", 2)
    references = [routed(client, db) for _ in range(5)]
    exported = [row["reference"] for row in csv_rows(export_list(client, token_for(db, KENT)))]
    assert sorted(exported) == sorted(references) and len(set(exported)) == 5


def test_a_bad_filter_is_a_field_error(client, db) -> None:
    response = export_list(client, token_for(db, KENT), stage="nonsense", format="xls")
    assert response.status_code == 422
    fields = {e["field"] for e in response.get_json()["errors"]}
    assert {"stage", "format"} <= {f.split(".")[-1] for f in fields}
