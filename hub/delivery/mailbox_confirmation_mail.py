"""The e-mail that asks a team mailbox's reader to confirm it before it is sent anything."""

from __future__ import annotations

import uuid
from datetime import timedelta

from hub.delivery.messages import MailMessage

# Long enough for a shared mailbox that is read once a day, over a weekend.
CONFIRMATION_LIFE = timedelta(days=3)


def confirmation_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/mailboxes/confirm/{token}"


def compose_mailbox_confirmation(
    address: str, team_name: str, token: str, base_url: str
) -> MailMessage:
    """Who asked (the team, never a person), the link, and what happens if nobody opens it."""
    days = CONFIRMATION_LIFE.days
    body = (
        f"{team_name} asked the fostering enquiry hub to e-mail this mailbox when there is "
        "news for the team: new referrals, deadlines and delivery problems. The e-mails carry "
        "no personal details, only a link to sign in.\n\n"
        f"To confirm this mailbox, open this link within {days} days and press Confirm:\n\n"
        f"{confirmation_url(base_url, token)}\n\n"
        "Until then the hub sends nothing here. If you did not expect this e-mail, ignore it: "
        "the mailbox stays unconfirmed and receives nothing.\n"
    )
    return MailMessage(
        f"mailbox-confirm-{uuid.uuid4().hex}",
        address,
        "Confirm this mailbox for the fostering enquiry hub",
        body,
    )
