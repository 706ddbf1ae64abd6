"""The sign-in e-mail, sent through the delivery room's mail transport (file, SMTP, Notify).

It names no one but its reader: the link, how long it works, and what to do if it was not
asked for. The link's secret is never stored or logged; the message is not a delivery row
(those are kept and replayable, and a sign-in link must not be).
"""

from __future__ import annotations

import uuid

from config.settings import Settings
from hub.access.models import LinkPurpose
from hub.access.sign_in_links import INVITE_LINK_LIFE, SIGN_IN_LINK_LIFE, IssuedLink
from hub.delivery.attempts import AttemptOutcome
from hub.delivery.links import page_path, public_url
from hub.delivery.mail_transports import send_mail
from hub.delivery.messages import MailMessage

# `hub run`'s own address, for invitations sent from the command line without a public URL.
DEFAULT_BASE_URL = "http://127.0.0.1:5000"


def link_url(base_url: str, token: str) -> str:
    # Sent by the worker or by `hub users invite`: no request, so the link is built from the
    # route's endpoint by hub.delivery.links rather than by url_for.
    return public_url(base_url, page_path("staff_sign_in.open_link", token=token))


def _life_words(purpose: LinkPurpose) -> str:
    if purpose is LinkPurpose.INVITE:
        return f"{int(INVITE_LINK_LIFE.total_seconds() // 3600)} hours"
    return f"{int(SIGN_IN_LINK_LIFE.total_seconds() // 60)} minutes"


def compose_sign_in_mail(
    link: IssuedLink, purpose: LinkPurpose, base_url: str, *, invited_as: str | None = None
) -> MailMessage:
    """``invited_as`` (an invitation from a team's page): ``a manager for Medway``."""
    url = link_url(base_url, link.token)
    sign_in_url = public_url(base_url, page_path("staff_sign_in.sign_in"))
    if purpose is LinkPurpose.INVITE:
        subject = "You have been given access to the fostering enquiry hub"
        opening = "You have been given an account on the fostering enquiry hub"
        opening += f", as {invited_as}." if invited_as else "."
    else:
        subject = "Your sign-in link for the fostering enquiry hub"
        opening = "Someone (we hope you) asked to sign in to the fostering enquiry hub."
    body = (
        f"{opening}\n\n"
        f"Open this link to sign in. It works once, for {_life_words(purpose)}:\n\n{url}\n\n"
        f"When it has expired, ask for a new one at {sign_in_url}\n\n"
        "If you did not expect this e-mail, you can ignore it: nobody can sign in without "
        "the link.\n"
    )
    return MailMessage(f"sign-in-{uuid.uuid4().hex}", link.email, subject, body)


def send_sign_in_mail(
    settings: Settings,
    link: IssuedLink,
    purpose: LinkPurpose,
    base_url: str,
    *,
    invited_as: str | None = None,
) -> bool:
    """Send it now (a sign-in link is wanted now, and expires); True when it went."""
    message = compose_sign_in_mail(link, purpose, base_url, invited_as=invited_as)
    result = send_mail(settings, message)
    return result.outcome is AttemptOutcome.DELIVERED
