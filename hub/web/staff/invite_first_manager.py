"""Invite a not-ready council's first manager at the address an operator put on file.

Queued by ``hub.councils.not_ready`` when a referral reaches a council with no live channel;
the worker runs this with the decision's id. It uses the staff invitation as ``hub users
invite`` does (the account, a one-time link valid 24 hours, the e-mail), and does nothing
when the council has become ready meanwhile or no address is on file. In ``hub/web`` beside
the invitation e-mail's words, which ``hub/access`` may not import.
"""

from __future__ import annotations

import structlog

from config.settings import Settings
from hub.access.manage_staff import StaffAccountError, invite_staff_user
from hub.access.manage_tokens import TokenScopeChoice
from hub.access.models import LinkPurpose, StaffRole, TokenScope
from hub.access.sign_in_links import issue_link
from hub.councils.models import FirstManagerAddress
from hub.councils.readiness import read_council_readiness
from hub.platform.db import Database
from hub.platform.models import utcnow
from hub.platform.outbox import complete_outbox_message
from hub.referrals.models import RoutingDecisionRecord
from hub.rules import get_active_rules
from hub.web.staff.sign_in_mail import DEFAULT_BASE_URL, send_sign_in_mail

log = structlog.get_logger(__name__)


def invite_first_manager(
    db: Database,
    decision_id: int,
    outbox_id: int | None = None,
    *,
    settings: Settings | None = None,
) -> bool:
    """Invite the first manager of the council decision ``decision_id`` routed to; True if sent."""
    settings = settings or db.settings
    now = utcnow()
    with db.transaction() as session:
        complete_outbox_message(session, outbox_id, now)
        record = session.get(RoutingDecisionRecord, decision_id)
        code = record.authority_code if record is not None else None
        address = session.get(FirstManagerAddress, code) if code else None
        if code is None or address is None:
            return False
        if read_council_readiness(session, get_active_rules(), code, now).ready:
            return False  # someone of the team is there now
        email = address.email
    try:
        user = invite_staff_user(
            db, email, TokenScopeChoice(TokenScope.AUTHORITY, code), role=StaffRole.MANAGER
        )
    except StaffAccountError:
        log.warning("councils.first_manager_not_invited", authority_code=code)
        return False
    link = issue_link(db, user.email, LinkPurpose.INVITE)
    if link is None:
        return False
    sent = send_sign_in_mail(
        settings, link, LinkPurpose.INVITE, settings.public_base_url or DEFAULT_BASE_URL
    )
    with db.transaction() as session:
        row = session.get(FirstManagerAddress, code)
        if row is not None:
            row.invited_user_id = user.id
    if not sent:
        log.warning("councils.first_manager_mail_not_sent", authority_code=code, user_id=user.id)
    return sent
