"""An enquiry's row version refuses a write made from a stale copy."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from hub.enquiries.models import Enquiry
from tests.enquiries.factories import EnquiryFactory


def _cluster(db, reference: str) -> str | None:
    with db.sessions() as s:
        return s.scalar(select(Enquiry.cluster).where(Enquiry.reference == reference))


def test_a_stale_write_to_an_enquiry_is_refused_by_its_row_version(db) -> None:
    reference = EnquiryFactory(db=db).reference
    with db.sessions() as stale:
        old = stale.scalars(select(Enquiry).where(Enquiry.reference == reference)).one()
        stale.commit()  # end the read (SQLite holds its write lock until then); keep `old`
        with db.transaction() as fresh:
            current = fresh.scalars(select(Enquiry).where(Enquiry.reference == reference)).one()
            current.cluster = "changed meanwhile"
        old.cluster = "stale change"
        with pytest.raises(StaleDataError):
            stale.commit()
    assert _cluster(db, reference) == "changed meanwhile"


def test_every_write_bumps_the_row_version(db) -> None:
    enquiry = EnquiryFactory(db=db)
    assert enquiry.row_version == 1
    with db.transaction() as s:
        s.scalars(select(Enquiry).where(Enquiry.id == enquiry.id)).one().cluster = "somewhere"
    with db.sessions() as s:
        assert s.scalar(select(Enquiry.row_version).where(Enquiry.id == enquiry.id)) == 2
