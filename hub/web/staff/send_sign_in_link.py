"""The worker's half of asking for a sign-in link: make the link, e-mail it.

``POST /sign-in`` only records the request (``hub.access.sign_in_requests``), the same for
every address; this runs in the delivery worker pool after the answer has gone, so how long
the account lookup and the e-mail take is never seen by the person who asked. It lives in
``hub/web`` beside the e-mail's words because ``hub/access`` may not import the mail
transports.
"""

from __future__ import annotations

import structlog

from hub.access.models import LinkPurpose
from hub.access.sign_in_requests import issue_requested_link
from hub.platform.db import Database
from hub.web.staff.sign_in_mail import DEFAULT_BASE_URL, send_sign_in_mail

log = structlog.get_logger(__name__)


def send_sign_in_link(
    db: Database,
    request_id: int,
    outbox_id: int | None = None,
) -> bool:
    """Send the link a request asked for, if it names a live account; True when one went.

    The link starts with ``HUB_PUBLIC_BASE_URL`` (required in production), never with a
    request's Host header.
    """
    settings = db.settings
    link = issue_requested_link(db, request_id, outbox_id)
    if link is None:
        return False
    sent = send_sign_in_mail(
        settings, link, LinkPurpose.SIGN_IN, settings.public_base_url or DEFAULT_BASE_URL
    )
    if not sent:
        # The person is not told (the page said "if the address has an account"); they ask
        # again. Named by account id only.
        log.warning("sign_in.link_not_sent", user_id=link.user_id)
    return sent
