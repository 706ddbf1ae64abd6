"""Whether a council can act on a referral: at least one live channel reaches its team.

A channel is live when it is an active staff account (of the council, or of the delivery body
that runs its children's services) that signed in within ``SIGNED_IN_WITHIN``, or an active
webhook or mailbox subscription (the council's or its delivery body's) that is not marked
failing. Read from the database at the moment asked; nothing is stored here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hub.access.models import StaffUser, TokenScope
from hub.delivery.models import SubscriberKind, Subscription, SubscriptionStatus
from hub.enquiries.models import Enquiry, EnquiryStatus
from hub.rules.model import RuleSet

# An account nobody has used for this long is nobody watching the inbox.
SIGNED_IN_WITHIN = timedelta(days=30)


class Channel(StrEnum):
    STAFF = "staff"  # someone of the team signed in lately
    WEBHOOK = "webhook"  # the council's system takes its referrals
    MAILBOX = "mailbox"  # a team mailbox is told


@dataclass(frozen=True, slots=True)
class Readiness:
    """One council's live channels, read at one moment."""

    code: str
    channels: tuple[Channel, ...]
    last_signed_in_at: datetime | None = None

    @property
    def ready(self) -> bool:
        return bool(self.channels)


def _owners(rules: RuleSet, codes: Iterable[str], now: datetime) -> dict[tuple[str, str], set[str]]:
    """(scope, value) -> the councils a staff account or subscription of that owner serves."""
    owners: dict[tuple[str, str], set[str]] = {}
    for code in codes:
        owners.setdefault((str(TokenScope.AUTHORITY), code), set()).add(code)
        body = rules.delivery_body_of(code, now.date())
        if body is not None:
            owners.setdefault((str(TokenScope.DELIVERY_BODY), body.name), set()).add(code)
    return owners


def read_readiness(
    session: Session, rules: RuleSet, now: datetime, codes: Iterable[str] | None = None
) -> dict[str, Readiness]:
    """Each council's readiness now (every authority of the rules' geography by default)."""
    wanted = sorted(codes if codes is not None else rules.authorities)
    owners = _owners(rules, wanted, now)
    found: dict[str, set[Channel]] = {code: set() for code in wanted}
    last_sign_in: dict[str, datetime] = {}
    scopes = {scope for scope, _ in owners}
    users = session.execute(
        select(StaffUser.scope, StaffUser.scope_value, func.max(StaffUser.last_signed_in_at))
        .where(
            StaffUser.scope.in_(scopes),
            StaffUser.disabled_at.is_(None),
            StaffUser.last_signed_in_at.is_not(None),
        )
        .group_by(StaffUser.scope, StaffUser.scope_value)
    )
    for scope, value, signed_in in users:
        for code in owners.get((scope, value or ""), ()):
            if signed_in is not None and (
                code not in last_sign_in or signed_in > last_sign_in[code]
            ):
                last_sign_in[code] = signed_in
            if signed_in is not None and signed_in >= now - SIGNED_IN_WITHIN:
                found[code].add(Channel.STAFF)
    subscriptions = session.execute(
        select(Subscription.scope, Subscription.scope_value, Subscription.kind).where(
            Subscription.scope.in_(scopes),
            Subscription.kind.in_([SubscriberKind.WEBHOOK, SubscriberKind.MAILBOX]),
            Subscription.status == SubscriptionStatus.ACTIVE,
            Subscription.failing_since.is_(None),
        )
    )
    for sub_scope, value, kind in subscriptions:
        for code in owners.get((sub_scope, value or ""), ()):
            found[code].add(Channel(kind))
    return {
        code: Readiness(code, tuple(c for c in Channel if c in found[code]), last_sign_in.get(code))
        for code in wanted
    }


def read_council_readiness(session: Session, rules: RuleSet, code: str, now: datetime) -> Readiness:
    """One council's readiness now."""
    return read_readiness(session, rules, now, [code])[code]


@dataclass(frozen=True, slots=True)
class WaitingReferral:
    """A referral a council holds and has not acknowledged (codes and times only)."""

    reference: str
    authority_code: str
    routed_at: datetime


def list_unacknowledged_referrals(
    session: Session, codes: Iterable[str] | None = None
) -> list[WaitingReferral]:
    """Routed referrals not yet acknowledged, oldest first (of ``codes`` when given)."""
    query = select(Enquiry.reference, Enquiry.authority_code, Enquiry.status_changed_at).where(
        Enquiry.status == str(EnquiryStatus.ROUTED), Enquiry.authority_code.is_not(None)
    )
    if codes is not None:
        query = query.where(Enquiry.authority_code.in_(sorted(codes)))
    return [
        WaitingReferral(reference, code or "", at)
        for reference, code, at in session.execute(query.order_by(Enquiry.status_changed_at))
    ]
