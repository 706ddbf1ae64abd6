"""What councils and operators see of deliveries: a council its own subscriptions' only."""

from __future__ import annotations

from typing import Any

from hub.access.caller import Caller, RequestContext
from hub.audit.models import AuditAction, AuditOutcome
from hub.audit.record import add_audit_event
from hub.delivery.models import Delivery, SubscriberKind, Subscription
from hub.delivery.queries import (
    DELIVERIES_CURSOR,
    FAILING,
    MAX_PAGE,
    find_delivery_and_subscription,
    find_owned_delivery,
    list_deliveries,
    list_owned_subscriptions,
)
from hub.delivery.replay import DeliveryNotFoundError, ReplayRefusedError, replay_delivery
from hub.platform.db import Database
from hub.platform.errors import HubError, NotFoundError
from hub.platform.pagination import decode_cursor, encode_cursor


class ReplayNotAllowedError(HubError):
    status = 422
    code = "replay_not_allowed"
    title = "This delivery cannot be replayed"


def delivery_not_found() -> NotFoundError:
    return NotFoundError("No delivery with that id belongs to your subscriptions.")


def delivery_item(delivery: Delivery, sub: Subscription) -> dict[str, Any]:
    return {
        "id": delivery.id,
        "subscription_id": sub.id,
        "subscriber_kind": sub.kind,
        "subscriber_failing": sub.failing_since is not None,
        "subscriber_slow": sub.slow_since is not None,
        "event_type": delivery.event_type,
        "reference": delivery.reference,
        "authority_code": delivery.authority_code,
        "webhook_id": delivery.webhook_id,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "replays": delivery.replays,
        "created_at": delivery.created_at,
        "last_attempt_at": delivery.last_attempt_at,
        "next_attempt_at": delivery.next_attempt_at,
        "delivered_at": delivery.delivered_at,
        "last_status_code": delivery.last_status_code,
        "last_error": delivery.last_error,
        "response_excerpt": delivery.response_excerpt,
    }


def _after_id(cursor: str | None, before: int | None) -> int | None:
    """The id a page starts below: from a ``cursor`` (the scheme of every list), or from the
    deprecated ``before`` (an id). Deliveries are listed in the order they were written (id);
    the cursor's time is the last row's, as in every other list."""
    if cursor is not None:
        return decode_cursor(DELIVERIES_CURSOR, cursor)[1]
    return before


def _page(rows: list[tuple[Delivery, Subscription]], limit: int) -> dict[str, Any]:
    """One page from up to ``limit`` + 1 rows (one more says there is a next page)."""
    items = [delivery_item(d, s) for d, s in rows[:limit]]
    more = len(rows) > limit
    last = rows[limit - 1][0] if more else None
    return {
        "items": items,
        "next_cursor": encode_cursor(DELIVERIES_CURSOR, last.created_at, last.id) if last else None,
        "next_before": last.id if last else None,  # deprecated, with ``before``
    }


def _owner(caller: Caller) -> tuple[str, str | None]:
    return (str(caller.scope), caller.scope_value)


def list_deliveries_for_council(
    db: Database,
    ctx: RequestContext,
    *,
    status: str | None = None,
    cursor: str | None = None,
    before: int | None = None,
    limit: int = 50,
) -> dict[str, Any]:
    """The caller's own subscriptions' deliveries, newest first. Audited."""
    assert isinstance(ctx.caller, Caller)
    limit = max(1, min(limit, MAX_PAGE))
    before_id = _after_id(cursor, before)
    with db.transaction() as session:
        rows = list_deliveries(
            session, owner=_owner(ctx.caller), status=status, before_id=before_id, limit=limit + 1
        )
        page = _page(list(rows), limit)
        add_audit_event(
            session,
            ctx,
            AuditAction.LIST_DELIVERIES,
            AuditOutcome.OK,
            detail={"deliveries": [item["id"] for item in page["items"]]},
        )
    return page


def get_delivery_for_council(db: Database, ctx: RequestContext, delivery_id: int) -> dict[str, Any]:
    """One of the caller's deliveries; another's is 404 and the attempt is audited as denied."""
    assert isinstance(ctx.caller, Caller)
    with db.transaction() as session:
        found = find_owned_delivery(session, delivery_id, _owner(ctx.caller))
        outcome = AuditOutcome.OK if found is not None else AuditOutcome.DENIED
        add_audit_event(
            session, ctx, AuditAction.READ_DELIVERY, outcome, detail={"delivery_id": delivery_id}
        )
    if found is None:
        raise delivery_not_found()
    return delivery_item(*found)


def list_deliveries_for_ops(
    db: Database,
    *,
    status: str | None = None,
    subscription_id: int | None = None,
    cursor: str | None = None,
    before: int | None = None,
    limit: int = 50,
    ctx: RequestContext | None = None,
) -> dict[str, Any]:
    """Every subscriber's deliveries; ``status=failing`` lists those queued behind a failing
    subscriber."""
    limit = max(1, min(limit, MAX_PAGE))
    before_id = _after_id(cursor, before)
    failing = status == FAILING
    with db.transaction() as session:
        rows = list_deliveries(
            session,
            status=None if failing else status,
            failing=failing,
            subscription_id=subscription_id,
            before_id=before_id,
            limit=limit + 1,
        )
        page = _page(list(rows), limit)
        if ctx is not None:
            add_audit_event(
                session,
                ctx,
                AuditAction.LIST_DELIVERIES,
                AuditOutcome.OK,
                detail={"status": status, "deliveries": [i["id"] for i in page["items"]]},
            )
    return page


def replay_for_ops(db: Database, ctx: RequestContext, delivery_id: int) -> dict[str, Any]:
    """An operator replays one delivery (same webhook-id), audited in the replay's transaction."""
    try:
        replay_delivery(db, delivery_id, ctx=ctx)
    except DeliveryNotFoundError as exc:
        raise NotFoundError(str(exc)) from exc
    except ReplayRefusedError as exc:
        raise ReplayNotAllowedError(str(exc)) from exc
    with db.sessions() as session:
        found = find_delivery_and_subscription(session, delivery_id)
    assert found is not None  # just replayed: deliveries are never deleted
    return delivery_item(*found)


def list_subscriptions_for_council(db: Database, ctx: RequestContext) -> list[dict[str, Any]]:
    """The caller's own webhooks and mailboxes (never their secrets). Audited."""
    assert isinstance(ctx.caller, Caller)
    with db.transaction() as session:
        subs = list_owned_subscriptions(session, _owner(ctx.caller))
        items = [
            {
                "id": sub.id,
                "kind": sub.kind,
                "target": sub.target,
                "events": list(sub.events or []),
                "status": sub.status,
                "verified": sub.kind != SubscriberKind.MAILBOX or sub.verified_at is not None,
                "failing_since": sub.failing_since,
                "slow_since": sub.slow_since,
                "disabled_reason": sub.disabled_reason,
                "created_at": sub.created_at,
            }
            for sub in subs
        ]
        add_audit_event(
            session,
            ctx,
            AuditAction.LIST_SUBSCRIPTIONS,
            AuditOutcome.OK,
            detail={"subscriptions": [item["id"] for item in items]},
        )
    return items
