"""A council is ready while one live channel reaches its team: every way in and out of it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from hub.access.models import StaffUser
from hub.councils.readiness import Channel, read_council_readiness
from hub.delivery.models import Subscription
from hub.platform.db import Database
from hub.platform.models import utcnow
from hub.rules import get_active_rules
from tests.delivery.support import mailbox, webhook
from tests.support.council import AFC, BIRMINGHAM, KENT, KINGSTON
from tests.support.readiness import staff_signed_in


def _ready(db: Database, code: str, *, later: timedelta = timedelta(0)) -> tuple[Channel, ...]:
    with db.sessions() as s:
        found = read_council_readiness(s, get_active_rules(), code, utcnow() + later)
    assert found.ready == bool(found.channels)
    return found.channels


def _failing(db: Database, subscription_id: int) -> None:
    with db.transaction() as s:
        s.execute(
            update(Subscription)
            .where(Subscription.id == subscription_id)
            .values(failing_since=utcnow())
        )


def test_a_council_with_no_channel_is_not_ready(db, settings, geography) -> None:
    assert _ready(db, KENT) == ()


def test_a_staff_sign_in_makes_it_ready_and_31_days_later_it_is_not(
    db, settings, geography
) -> None:
    staff_signed_in(db, KENT, ago=timedelta(0))
    assert _ready(db, KENT) == (Channel.STAFF,)
    assert _ready(db, KENT, later=timedelta(days=29)) == (Channel.STAFF,)
    assert _ready(db, KENT, later=timedelta(days=31)) == ()


def test_an_account_that_never_signed_in_or_is_disabled_is_no_channel(
    db, settings, geography
) -> None:
    user_id = staff_signed_in(db, KENT)
    with db.transaction() as s:
        s.execute(update(StaffUser).where(StaffUser.id == user_id).values(disabled_at=utcnow()))
    assert _ready(db, KENT) == ()
    with db.transaction() as s:
        s.add(
            StaffUser(email="new.kent@council.example.gov.uk", scope="authority", scope_value=KENT)
        )
    assert _ready(db, KENT) == ()


def test_another_councils_staff_do_not_make_it_ready(db, settings, geography) -> None:
    staff_signed_in(db, BIRMINGHAM)
    assert _ready(db, KENT) == ()


def test_a_webhook_makes_it_ready_until_it_is_failing(db, settings, geography) -> None:
    made = webhook(db, KENT, "http://127.0.0.1:9/hook")
    assert _ready(db, KENT) == (Channel.WEBHOOK,)
    _failing(db, made.subscription.id)
    assert _ready(db, KENT) == ()


def test_a_mailbox_makes_it_ready_until_it_is_failing(db, settings, geography) -> None:
    box = mailbox(db, KENT, "fostering@kent.example.gov.uk")
    assert _ready(db, KENT) == (Channel.MAILBOX,)
    _failing(db, box.id)
    assert _ready(db, KENT) == ()


def test_a_disabled_subscription_is_no_channel(db, settings, geography) -> None:
    box = mailbox(db, KENT, "fostering@kent.example.gov.uk")
    with db.transaction() as s:
        s.execute(update(Subscription).where(Subscription.id == box.id).values(status="disabled"))
    assert _ready(db, KENT) == ()


def test_the_delivery_bodys_channels_make_its_councils_ready(db, settings, geography) -> None:
    mailbox(db, AFC, "fostering@afc.example.org.uk")
    assert _ready(db, KINGSTON) == (Channel.MAILBOX,)
    assert _ready(db, KENT) == ()
