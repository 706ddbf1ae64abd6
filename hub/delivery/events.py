"""Events and ``emit_event``: one delivery row per subscriber, in the caller's transaction.

The delivery room knows authority codes and references, never a referral's internals: the
rooms above it say what happened and to whom, and ``emit_event`` writes who must hear of it.
Each row's send task is published once the caller commits (``publish_after_commit``; the row's
``published_at`` records it, and beat's delivery sweep is the one sweeper that sends a row
whose publish was refused or lost), unless its subscriber's share of the delivery pool is
taken (``hub.delivery.fair_share``): then the row waits, unpublished, until an attempt of that
subscriber finishes or the sweep offers it.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from datetime import timedelta
from enum import StrEnum
from functools import partial
from typing import Any

from sqlalchemy import Connection, update
from sqlalchemy.orm import Session

from config.settings import Settings
from hub.delivery.fair_share import count_occupied, share_of
from hub.delivery.links import api_path, page_path, public_url
from hub.delivery.models import Delivery, DeliveryStatus, SubscriberKind, Subscription
from hub.delivery.queries import dialect_insert, list_subscriptions_for_event
from hub.platform.db import settings_of
from hub.platform.models import table_of, utcnow
from hub.platform.outbox import publish_after_commit
from hub.platform.queues import TaskName


class EventType(StrEnum):
    REFERRAL_ROUTED = "referral.routed"
    REFERRAL_RETURNED = "referral.returned"
    HOME_COUNCIL_NOTICE = "home_council.notice"
    # The assessing council has an application from someone in the home council's area and
    # will consult it (reg 26(1A)(d)): the consultation task is open.
    HOME_COUNCIL_CONSULTATION = "home_council.consultation"
    TRIAGE_ADDED = "triage.added"
    CLOCK_BREACHED = "clock.breached"
    FOLLOW_UP_DUE = "follow_up.due"
    DELIVERY_FAILING = "delivery.failing"
    DELIVERY_REFUSED = "delivery.refused"  # one delivery refused for good (a 4xx)
    # To operators: a referral went to a council with no live channel (hub.councils).
    COUNCIL_NOT_READY = "council.not_ready"
    # The enquirer acted through the link in their confirmation e-mail (hub.self_service): the
    # council holding the referral (the operators, for one in triage) is told that, never
    # the details: it reads them with its token.
    REFERRAL_WITHDRAWN = "referral.withdrawn"
    CONTACT_CHANGED = "referral.contact_changed"


def new_webhook_id() -> str:
    """A Standard Webhooks message id, fixed for the delivery's life (retries and replays)."""
    return "msg_" + secrets.token_hex(16)


def emit_event(
    session: Session,
    event_type: EventType,
    *,
    event_key: str,
    reference: str | None = None,
    authority_code: str | None = None,
    to_operators: bool = False,
    url_path: str | None = None,
    data: Mapping[str, str | int] | None = None,
    kinds: frozenset[SubscriberKind] = frozenset(SubscriberKind),
    exclude_subscription: int | None = None,
) -> int:
    """Write one delivery row per active subscriber of this event; return how many.

    Subscribers are the authority's own subscriptions and mailboxes and those of its delivery
    body, or the hub operators' when ``to_operators`` (the authority code then only describes
    the event). Rows are keyed by (event_key, subscriber): the same key again writes nothing.
    ``data`` adds fields to the payload's ``data`` (codes and counts only, never personal data).
    """
    now = utcnow()
    subscriptions = [
        sub
        for sub in list_subscriptions_for_event(
            session, str(event_type), authority_code=authority_code, to_operators=to_operators
        )
        if sub.kind in kinds and sub.id != exclude_subscription
    ]
    if not subscriptions:
        return 0
    body: dict[str, str | int | None] = {
        "reference": reference,
        "authority_code": authority_code,
        "url": _url(settings_of(session), url_path, reference, to_operators),
    }
    body.update(data or {})
    payload = {"type": str(event_type), "timestamp": now.isoformat(), "data": body}
    return write_deliveries(
        session,
        subscriptions,
        str(event_type),
        event_key=event_key,
        payload=payload,
        reference=reference,
        authority_code=authority_code,
    )


def write_deliveries(
    session: Session,
    subscriptions: Sequence[Subscription],
    event_type: str,
    *,
    event_key: str,
    payload: dict[str, Any],
    reference: str | None,
    authority_code: str | None,
) -> int:
    """One pending delivery row (and its send task, after commit) per subscriber; how many.

    Keyed by (event_key, subscriber): a key a subscriber already has writes nothing. A
    subscriber whose share of the pool is taken gets its row without a message (it waits).
    """
    now = utcnow()
    settings = settings_of(session)
    insert = dialect_insert(session, Delivery)
    lease = timedelta(seconds=settings.delivery_lease_seconds)
    occupied = count_occupied(session, (sub.id for sub in subscriptions), now, lease)
    written = 0
    for sub in subscriptions:
        # A failing subscriber's rows wait for beat's sweep, which sends one probe per interval.
        offered = sub.failing_since is None and occupied[sub.id] < share_of(sub, settings)
        statement = (
            insert.values(
                subscription_id=sub.id,
                event_type=event_type,
                event_key=event_key,
                webhook_id=new_webhook_id(),
                payload=payload,
                reference=reference,
                authority_code=authority_code,
                status=DeliveryStatus.PENDING,
                attempts=0,
                replays=0,
                created_at=now,
                next_attempt_at=now,
                published_at=now if offered else None,
            )
            .on_conflict_do_nothing(index_elements=["event_key", "subscription_id"])
            .returning(table_of(Delivery).c.id)
        )
        delivery_id = session.execute(statement).scalar_one_or_none()
        if delivery_id is None:
            continue  # this event already reached this subscriber
        written += 1
        if not offered:
            continue  # waits as a row: the subscriber's places are taken
        occupied[sub.id] += 1
        publish_after_commit(
            session, TaskName.SEND_DELIVERY, int(delivery_id), partial(unpublish, int(delivery_id))
        )
    return written


def unpublish(delivery_id: int, conn: Connection) -> None:
    """The broker refused this delivery's send: beat's delivery sweep offers it instead."""
    conn.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id, Delivery.status == DeliveryStatus.PENDING)
        .values(published_at=None)
    )


def _url(
    settings: Settings, url_path: str | None, reference: str | None, to_operators: bool
) -> str:
    if url_path is None:
        if reference and not to_operators:
            url_path = api_path("council.referral", reference=reference)
        elif reference:
            url_path = api_path("ops.decisions", reference=reference)
        else:
            url_path = page_path("carer.start")
    return public_url(settings.public_base_url, url_path)
