"""Asking for a sign-in link: recorded by the request, the link made by the worker.

The request does the same work for every well-formed address, with an account or without:
one ``SignInRequest`` row holding the address's blind index and one outbox message naming
the row, in one transaction. So ``POST /sign-in`` answers in the same time either way and
cannot be used to learn who has an account. The worker (``issue_requested_link``) takes the
row, finds the live account by the index, and makes the link; the caller sends it.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import delete, select

from hub.access.models import LinkPurpose, SignInRequest, StaffUser, staff_email_index
from hub.access.sign_in_links import SIGN_IN_LINK_LIFE, IssuedLink, add_link
from hub.platform.db import Database
from hub.platform.models import utcnow
from hub.platform.outbox import add_outbox_message, complete_outbox_message
from hub.platform.queues import TaskName


def request_sign_in_link(db: Database, address: str, *, now: datetime | None = None) -> int:
    """Record that a link was asked for ``address`` (normalised); the request's id.

    No lookup of the account here: that is the worker's, after the answer has gone.
    """
    now = now or utcnow()
    request_id = secrets.randbits(62) + 1
    with db.transaction() as session:
        session.add(
            SignInRequest(id=request_id, email_index=staff_email_index(address), created_at=now)
        )
        session.flush()
        add_outbox_message(
            session, TaskName.SEND_SIGN_IN_LINK, request_id, f"sign-in:{request_id}", at=now
        )
    return request_id


def issue_requested_link(
    db: Database, request_id: int, outbox_id: int | None = None, *, now: datetime | None = None
) -> IssuedLink | None:
    """Take the request and make its link; None when there is nothing to send.

    Nothing to send: the request was taken already (a task run twice), it waited longer than
    a link lives (its asker has asked again by now), the address has no live account, or the
    account was sent too many links lately. The request row is deleted and the outbox
    message completed in the same transaction as the link, so a request yields one link at
    most; the e-mail is sent after that commits (at most once: a lost e-mail is asked again).
    """
    now = now or utcnow()
    with db.transaction() as session:
        complete_outbox_message(session, outbox_id, now)
        request = session.get(SignInRequest, request_id)
        if request is None:
            return None
        email_index, asked_at = request.email_index, request.created_at
        taken = session.execute(delete(SignInRequest).where(SignInRequest.id == request_id))
        # Requests whose messages were lost past the sweeper's last try would keep their
        # index for ever; any past a link's life is dropped on the way.
        session.execute(
            delete(SignInRequest).where(SignInRequest.created_at <= now - SIGN_IN_LINK_LIFE)
        )
        if getattr(taken, "rowcount", 0) != 1 or asked_at <= now - SIGN_IN_LINK_LIFE:
            return None
        user = session.scalars(
            select(StaffUser).where(
                StaffUser.email_index == email_index, StaffUser.disabled_at.is_(None)
            )
        ).first()
        if user is None:
            return None
        return add_link(session, user, LinkPurpose.SIGN_IN, now)
