"""Officers' words go when the enquiry's retention period ends; the attempts' counts stay."""

from __future__ import annotations

import time_machine
from sqlalchemy import select

from hub.casework.models import CaseNote, ContactAttempt
from hub.enquiries.models import Enquiry
from hub.tracking.anonymise import run_retention
from tests.casework.support import attempt
from tests.support.council import KENT, bearer, routed, token_for
from tests.tracking.support import london


def test_case_notes_and_contact_notes_are_erased_with_the_enquiry(client, db) -> None:
    token = token_for(db, KENT)
    with time_machine.travel(london(2026, 3, 2, 10, 0), tick=False):
        reference = routed(client, db, postcode="ME14 1XQ")
    with time_machine.travel(london(2026, 3, 3, 10, 0), tick=False):
        tried = attempt(client, token, reference, note="Spoke to her son Tom")
        assert tried.status_code == 201, tried.get_json()
        noted = client.post(
            f"/v1/council/referrals/{reference}/notes",
            headers=bearer(token),
            json={"text": "Lives with her mother, who is unwell"},
        )
        assert noted.status_code == 201, noted.get_json()
    with db.transaction() as session:
        enquiry_id = session.scalars(select(Enquiry.id).where(Enquiry.reference == reference)).one()
        assert session.scalars(select(ContactAttempt.note)).one() == "Spoke to her son Tom"
    # Never reached an application: kept 3 years after the last activity (the rules file).
    with time_machine.travel(london(2029, 6, 10, 10, 0), tick=False):
        run_retention(db)
    with db.transaction() as session:
        attempts = session.scalars(
            select(ContactAttempt).where(ContactAttempt.enquiry_id == enquiry_id)
        ).all()
        notes = session.scalars(select(CaseNote).where(CaseNote.enquiry_id == enquiry_id)).all()
        assert [(a.outcome, a.note) for a in attempts] == [("no_answer", None)]
        assert [n.text for n in notes] == [""]
