"""An enquiry that was only signposted outside England is kept 30 days (a setting), not 3 years."""

from __future__ import annotations

import time_machine

from config.settings import load_settings
from hub.enquiries.models import EnquiryStatus
from hub.tracking.anonymise import run_retention
from tests.support.council import get_enquiry, routed
from tests.support.settings import db_settings
from tests.tracking.support import london


def test_a_signposted_enquiry_is_anonymised_after_thirty_days(client, db) -> None:
    with time_machine.travel(london(2026, 3, 2, 10, 0), tick=False):
        cardiff = routed(client, db, postcode="CF10 1EP")
        kent = routed(client, db, postcode="ME14 1XQ")
    assert get_enquiry(db, cardiff).status == EnquiryStatus.SIGNPOSTED
    with time_machine.travel(london(2026, 3, 31, 10, 0), tick=False):
        assert run_retention(db, dry_run=True).anonymised == 0  # 29 days: kept
    with time_machine.travel(london(2026, 4, 2, 10, 0), tick=False):
        dry = run_retention(db, dry_run=True)
        assert dry.by_category == {"signposted": 1}
        result = run_retention(db)
        assert run_retention(db).anonymised == 0  # run twice: nothing twice
    assert result.by_category == {"signposted": 1}
    assert get_enquiry(db, cardiff).personal == {"postcode": "CF10", "anonymised": True}
    assert get_enquiry(db, kent).personal["given_name"]  # routed in England: 3 years


def test_the_signposted_period_is_a_setting(client, db, hub_env) -> None:
    with time_machine.travel(london(2026, 3, 2, 10, 0), tick=False):
        cardiff = routed(client, db, postcode="CF10 1EP")
    short = load_settings({**hub_env, "HUB_SIGNPOSTED_RETENTION_DAYS": "7"})
    with db_settings(db, short), time_machine.travel(london(2026, 3, 10, 10, 0), tick=False):
        assert run_retention(db).by_category == {"signposted": 1}
    assert get_enquiry(db, cardiff).personal["anonymised"] is True
