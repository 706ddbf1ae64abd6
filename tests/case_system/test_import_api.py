"""Importing outcomes from the case system: preview stores nothing, apply is all or nothing
through the journey's own rules, the same file twice changes nothing, and each bad input is
answered by row or by field."""

from __future__ import annotations

from sqlalchemy import func, select

from hub.case_system.outcomes_file import MAX_ROWS
from hub.platform.models import utcnow
from hub.tracking.calendar import local_day
from hub.tracking.models import JourneyStage
from tests.case_system.support import outcomes_file, send_file
from tests.support.council import KENT, MEDWAY, audit_rows, routed, token_for
from tests.tracking.support import journey


def _today() -> str:
    return local_day(utcnow()).isoformat()


def _stages(db) -> int:
    with db.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(JourneyStage)) or 0)


def _rows(response) -> list[tuple[str, str]]:
    return [(row["result"], row["reference"]) for row in response.get_json()["rows"]]


def test_preview_then_apply_then_the_same_file_again(client, db) -> None:
    first, second = routed(client, db), routed(client, db)
    token = token_for(db, KENT)
    data = outcomes_file(
        (first, "first_contact", _today(), ""),
        (first, "initial_visit", _today(), ""),
        (second, "withdrawn", _today(), "finances"),
    )
    preview = send_file(client, token, data, apply=False)
    assert preview.status_code == 200, preview.get_json()
    assert preview.get_json()["applied"] is False
    assert [r for r, _ in _rows(preview)] == ["will_record"] * 3
    assert _stages(db) == 0 and journey(client, token, first)["stage"] is None
    applied = send_file(client, token, data, apply=True)
    assert applied.status_code == 200, applied.get_json()
    assert applied.get_json()["summary"]["recorded"] == 3
    assert journey(client, token, first)["stage"] == "initial_visit"
    assert journey(client, token, second)["stage"] == "withdrawn"
    again = send_file(client, token, data, apply=True)
    assert again.status_code == 200
    assert [r for r, _ in _rows(again)] == ["already_recorded"] * 3
    assert _stages(db) == 3
    kinds = [(r.action, r.outcome) for r in audit_rows(db) if "import" in r.action]
    assert kinds == [("preview_import", "ok"), ("apply_import", "ok"), ("apply_import", "ok")]
    imported = [r for r in audit_rows(db, action="record_progress")]
    assert len(imported) == 3 and all(r.detail["source"] == "import" for r in imported)


def test_one_bad_row_and_nothing_is_recorded(client, db) -> None:
    mine, theirs = routed(client, db), routed(client, db, postcode="ME4 4TR")
    token = token_for(db, KENT)
    data = outcomes_file(
        (mine, "first_contact", _today(), ""),
        (theirs, "first_contact", _today(), ""),  # Medway's
        (mine, "approved", "2020-01-01", ""),  # before the referral reached Kent
        (mine, "flying", _today(), ""),
        (mine, "withdrawn", _today(), ""),  # needs a reason
        ("=cmd|' /C calc'!A0", "first_contact", _today(), ""),
        (mine, "first_contact", "31/02/2026", ""),
    )
    response = send_file(client, token, data, apply=True)
    assert response.status_code == 422, response.get_json()
    body = response.get_json()
    assert body["summary"]["refused"] == 6 and "nothing was recorded" in body["detail"]
    results = {row["line"]: row for row in body["rows"]}
    assert results[2]["result"] == "will_record"
    assert results[3]["errors"][0]["field"] == "reference"
    assert "held by your council" in results[3]["errors"][0]["message"]
    assert results[4]["errors"][0]["field"] == "date"
    assert results[5]["errors"][0]["field"] == "stage"
    assert results[6]["errors"][0]["field"] == "reason"
    assert results[7]["errors"][0]["field"] == "reference"
    assert "formula" in results[7]["errors"][0]["message"]
    assert results[8]["errors"][0]["field"] == "date"
    fields = {e["field"] for e in body["errors"]}
    assert "rows[3].reference" in fields and "rows[5].stage" in fields
    assert _stages(db) == 0
    denied = audit_rows(db, action="apply_import", outcome="denied")
    assert [r.enquiry_reference for r in denied] == [theirs]
    assert journey(client, token_for(db, MEDWAY), theirs)["stage"] is None


def test_a_stage_that_cannot_follow_is_refused_for_its_row(client, db) -> None:
    reference = routed(client, db)
    token = token_for(db, KENT)
    data = outcomes_file(
        (reference, "application", _today(), ""),
        (reference, "first_contact", _today(), ""),  # going back
    )
    response = send_file(client, token, data, apply=False)
    rows = response.get_json()["rows"]
    assert [r["result"] for r in rows] == ["will_record", "refused"]
    assert "cannot follow application" in rows[1]["errors"][0]["message"]
    assert _stages(db) == 0


def test_a_wrong_header_is_a_field_error(client, db) -> None:
    data = outcomes_file(("FE-AAAAAAAA", "first_contact", _today(), ""), header="ref,stage,when")
    response = send_file(client, token_for(db, KENT), data, apply=False)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["errors"][0]["field"] == "header"


def test_too_many_rows_are_refused_whole_and_too_many_bytes_are_413(client, db) -> None:
    token = token_for(db, KENT)
    row = ("FE-AAAAAAAA", "first_contact", "2026-01-01", "")
    response = send_file(client, token, outcomes_file(*[row] * (MAX_ROWS + 1)), apply=True)
    assert response.status_code == 422
    (error,) = response.get_json()["errors"]
    assert error["field"] == "file" and "10,001 rows" in error["message"]
    huge = outcomes_file(*[row] * 100_000)
    too_big = send_file(client, token, huge, apply=True)
    assert too_big.status_code == 413
    assert too_big.mimetype == "application/problem+json"


def test_only_csv_is_taken_and_an_empty_file_is_explained(client, db) -> None:
    token = token_for(db, KENT)
    wrong = client.post(
        "/v1/council/imports", headers={"Authorization": f"Bearer {token}"}, json={"a": 1}
    )
    assert wrong.status_code == 415
    empty = send_file(client, token, b"", apply=False)
    assert empty.status_code == 422 and empty.get_json()["errors"][0]["field"] == "file"
    latin = send_file(
        client, token, "reference,stage,date,reason\nFE-Ä\n".encode("latin-1"), apply=False
    )
    assert latin.status_code == 422 and "UTF-8" in latin.get_json()["errors"][0]["message"]
