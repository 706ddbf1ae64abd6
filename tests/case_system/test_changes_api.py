"""The changes feed: every change of the caller's referrals, in order, resumable, nothing
skipped when transactions commit out of order, only the caller's councils."""

from __future__ import annotations

import threading
import time

import time_machine
from sqlalchemy import create_engine, select

from hub.changes.models import CouncilChange
from hub.changes.record import ChangeKind, record_change
from hub.platform.models import utcnow
from tests.case_system.support import changes
from tests.casework.support import attempt, booking, change, staff_id
from tests.support.council import KENT, MEDWAY, audit_rows, bearer, enquiry_id_of, routed, token_for
from tests.tracking.support import london, progress


def _all(client, token, **query):
    items, cursor = [], None
    while True:
        page = changes(client, token, **({"cursor": cursor} if cursor else {}), **query)
        assert page.status_code == 200, page.get_json()
        body = page.get_json()
        items += body["items"]
        if not body["more"]:
            return items, body["next_cursor"]
        cursor = body["next_cursor"]


def test_the_feed_tells_each_council_its_own_changes_in_order(client, db) -> None:
    reference = routed(client, db)
    kent = token_for(db, KENT, manage=True)
    officer = staff_id(db, "Kent")
    client.post(
        f"/v1/council/referrals/{reference}/owner", headers=bearer(kent), json={"user_id": officer}
    )
    attempt(client, kent, reference)
    progress(client, kent, reference, "first_contact")
    moved = client.post(
        f"/v1/council/referrals/{reference}/transfer",
        json={"authority": MEDWAY, "reason": "Closer to family"},
        headers=bearer(kent),
    )
    assert moved.status_code == 200, moved.get_json()
    kent_items, _ = _all(client, kent)
    assert [i["kind"] for i in kent_items] == [
        ChangeKind.ROUTED_IN,
        ChangeKind.OWNER_CHANGED,
        ChangeKind.CONTACT_ATTEMPT,
        ChangeKind.STAGE_RECORDED,
        ChangeKind.TRANSFERRED_OUT,
    ]
    assert [i["seq"] for i in kent_items] == [1, 2, 3, 4, 5]
    assert {i["reference"] for i in kent_items} == {reference}
    assert kent_items[1]["detail"]["owner_id"] == officer
    assert kent_items[3]["detail"]["stage"] == "first_contact"
    assert kent_items[4]["detail"]["to_authority_code"] == MEDWAY
    medway_items, _ = _all(client, token_for(db, MEDWAY))
    assert [(i["kind"], i["detail"]["from_authority_code"]) for i in medway_items] == [
        (ChangeKind.ROUTED_IN, KENT)
    ]
    assert all(r.detail["count"] >= 0 for r in audit_rows(db, action="read_changes"))


def test_the_cursor_resumes_where_the_last_page_ended(client, db) -> None:
    references = [routed(client, db) for _ in range(5)]
    token = token_for(db, KENT)
    first = changes(client, token, limit=2).get_json()
    assert [i["reference"] for i in first["items"]] == references[:2] and first["more"]
    seen, _ = _all(client, token, limit=2)
    assert [i["reference"] for i in seen] == references
    _, end = _all(client, token)
    routed(client, db)
    later = changes(client, token, cursor=end).get_json()
    assert [i["seq"] for i in later["items"]] == [6] and not later["more"]
    # Nothing new: the same position back.
    assert changes(client, token, cursor=later["next_cursor"]).get_json()["items"] == []


def test_a_cursor_reads_nothing_of_another_council(client, db) -> None:
    routed(client, db, postcode="ME4 4TR")
    medway_cursor = changes(client, token_for(db, MEDWAY)).get_json()["next_cursor"]
    kent = changes(client, token_for(db, KENT), cursor=medway_cursor).get_json()
    assert kent["items"] == []
    assert changes(client, token_for(db, KENT)).get_json()["items"] == []


def test_a_cursor_that_was_not_given_is_a_400(client, db) -> None:
    for bad in ("", "chg1.not-base64!", "chg1.e30x", "tray.1.2", "chg1.E10000016", "chg1.E1-2-3"):
        response = changes(client, token_for(db, KENT), cursor=bad)
        assert response.status_code == 400, bad
        assert response.mimetype == "application/problem+json"


def test_a_change_committed_late_is_not_skipped(client, db) -> None:
    """Two writers of the same council: the second waits for the first's commit before it
    takes a number, so a reader never sees number 2 without number 1."""
    reference = routed(client, db)
    enquiry_id = enquiry_id_of(db, reference)
    _, start = _all(client, token_for(db, KENT))
    first_holds = threading.Event()
    release_first = threading.Event()
    second_done = threading.Event()

    def write(kind: str, hold: bool) -> None:
        with db.transaction() as session:
            record_change(
                session,
                ChangeKind(kind),
                authority_code=KENT,
                enquiry_id=enquiry_id,
                reference=reference,
                at=utcnow(),
                detail={"writer": kind},
            )
            session.flush()
            if hold:
                first_holds.set()
                release_first.wait(10)
        if not hold:
            second_done.set()

    first = threading.Thread(target=write, args=(ChangeKind.CONTACT_ATTEMPT, True))
    first.start()
    assert first_holds.wait(10)
    second = threading.Thread(target=write, args=(ChangeKind.STAGE_RECORDED, False))
    second.start()
    time.sleep(0.5)
    # The second writer is still waiting: it cannot commit a number before the first.
    assert not second_done.is_set()
    # A plain reader (on SQLite, without the hub's BEGIN IMMEDIATE, which would wait too).
    reader = create_engine(db.url)
    try:
        with reader.connect() as conn:
            visible = conn.scalars(
                select(CouncilChange.seq).where(CouncilChange.authority_code == KENT)
            ).all()
    finally:
        reader.dispose()
    assert visible == [1]  # only the routing's change
    release_first.set()
    first.join(10)
    second.join(10)
    after = changes(client, token_for(db, KENT), cursor=start).get_json()["items"]
    assert [(i["seq"], i["kind"]) for i in after] == [
        (2, ChangeKind.CONTACT_ATTEMPT),
        (3, ChangeKind.STAGE_RECORDED),
    ]


def test_bookings_made_and_changed_are_in_the_feed(client, db) -> None:
    monday, wednesday, thursday = london(2026, 11, 23, 9), london(2026, 11, 25, 10), None
    with time_machine.travel(monday, tick=False):
        reference = routed(client, db)
        kent = token_for(db, KENT)
        made = booking(client, kent, reference, starts_at=wednesday).get_json()
        thursday = london(2026, 11, 26, 14)
        moved = change(
            client, kent, reference, made["id"], "move", starts_at=thursday, reason="enquirer_asked"
        )
        assert moved.status_code == 200, moved.get_json()
        items, _ = _all(client, kent)
    bookings = [i for i in items if i["kind"].startswith("referral.booking")]
    assert [i["kind"] for i in bookings] == [ChangeKind.BOOKING_MADE, ChangeKind.BOOKING_CHANGED]
    assert bookings[0]["detail"]["booking_id"] == made["id"]
    assert bookings[0]["detail"]["starts_at"].startswith("2026-11-25T10:00")
    assert bookings[1]["detail"]["starts_at"].startswith("2026-11-26T14:00")
    assert bookings[1]["detail"]["state"] == "booked"
