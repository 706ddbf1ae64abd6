"""A referral routed to a council that is not ready: operators are told at once, the clock
runs, the first manager on file is invited; a ready council changes nothing."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from hub.councils.first_manager import put_first_manager_address
from hub.councils.read_not_ready import read_not_ready_backlog
from hub.councils.record_readiness import read_readiness_history, record_readiness
from hub.delivery.models import Delivery
from hub.platform.models import utcnow
from hub.platform.outbox_model import OutboxMessage
from hub.platform.queues import TaskName
from hub.referrals.models import RoutingDecisionRecord
from hub.rules import get_active_rules
from hub.tracking.models import JourneyClock
from hub.web.staff.invite_first_manager import invite_first_manager
from tests.delivery.support import mailbox
from tests.support.council import KENT, enquiry_id_of, routed
from tests.support.readiness import staff_signed_in
from tests.web.staff_support import mails_to, new_address


def _not_ready_events(db) -> list[Delivery]:
    with db.sessions() as s:
        return list(s.scalars(select(Delivery).where(Delivery.event_type == "council.not_ready")))


def _invitations(db) -> list[OutboxMessage]:
    with db.sessions() as s:
        return list(
            s.scalars(
                select(OutboxMessage).where(
                    OutboxMessage.task_name == str(TaskName.INVITE_FIRST_MANAGER)
                )
            )
        )


def test_operators_are_told_and_the_clock_runs(client, db, settings, geography) -> None:
    ops = mailbox(db, None, "ops@hub.example.gov.uk")
    reference = routed(client, db)  # Kent, no live channel
    (told,) = _not_ready_events(db)
    assert told.subscription_id == ops.id and told.reference == reference
    assert told.authority_code == KENT
    assert told.payload["data"]["url"].endswith("/ops/councils/not-ready")
    with db.sessions() as s:
        clock = s.scalars(
            select(JourneyClock).where(JourneyClock.enquiry_id == enquiry_id_of(db, reference))
        ).one()
        assert clock.kind == "first_contact" and clock.met_at is None
        backlog = read_not_ready_backlog(s, get_active_rules(), utcnow())
    assert [w.reference for w in backlog.referrals] == [reference]
    assert backlog.oldest_at is not None


def test_a_ready_council_tells_operators_nothing(client, db, settings, geography) -> None:
    mailbox(db, None, "ops@hub.example.gov.uk")
    staff_signed_in(db, KENT)
    routed(client, db)
    assert _not_ready_events(db) == []
    with db.sessions() as s:
        assert read_not_ready_backlog(s, get_active_rules(), utcnow()).count == 0


def test_the_decision_records_what_the_carer_was_told(client, db, settings, geography) -> None:
    reference = routed(client, db)
    with db.sessions() as s:
        record = s.scalars(
            select(RoutingDecisionRecord).where(
                RoutingDecisionRecord.enquiry_id == enquiry_id_of(db, reference)
            )
        ).one()
        told = record.detail["enquirer_told"]
    assert told == {
        "hub": "Local Authority Fostering South East",
        "through_hub": True,
        "contact_name": "Local Authority Fostering South East",
        "phone": "0300 131 2797",
        "web": None,
        "confirmed_days": None,
        "council_ready": False,
    }


def test_the_first_manager_on_file_is_invited_once_a_day(client, db, settings, geography) -> None:
    address = new_address("kent.example.gov.uk")
    put_first_manager_address(db, KENT, address, actor="test")
    routed(client, db)
    routed(client, db)  # the same day: no second invitation
    (queued,) = _invitations(db)
    assert invite_first_manager(db, queued.subject_id, queued.id)
    (mail,) = mails_to(address)
    assert "/sign-in/link/" in mail
    # Now someone can sign in: the next routing tells operators nothing new of this council.


def test_no_invitation_without_an_address_on_file(client, db, settings, geography) -> None:
    routed(client, db)
    assert _invitations(db) == []


def test_no_invitation_when_the_council_became_ready_meanwhile(
    client, db, settings, geography
) -> None:
    address = new_address("kent.example.gov.uk")
    put_first_manager_address(db, KENT, address, actor="test")
    routed(client, db)
    (queued,) = _invitations(db)
    staff_signed_in(db, KENT)
    assert not invite_first_manager(db, queued.subject_id, queued.id)
    assert mails_to(address) == []


def test_readiness_over_time_is_a_row_per_council_per_day(client, db, settings, geography) -> None:
    rules = get_active_rules()
    today = utcnow()
    assert record_readiness(db, rules, now=today - timedelta(days=1)) == 153
    staff_signed_in(db, KENT)
    record_readiness(db, rules, now=today)
    record_readiness(db, rules, now=today)  # again the same day: replaced, not added
    history = {
        row.authority_code: row
        for row in read_readiness_history(db, (today - timedelta(days=1)).date(), today.date())
    }
    assert len(history) == 153
    kent = history[KENT]
    assert (kent.days_recorded, kent.days_ready, kent.ready_on_last_day) == (2, 1, True)
    assert history["E08000025"].days_ready == 0
