"""Standard Webhooks signing with the ``standardwebhooks`` package (several secrets at once)."""

from __future__ import annotations

import base64
import secrets
from collections.abc import Sequence
from datetime import datetime
from math import floor

from standardwebhooks.webhooks import Webhook

SECRET_PREFIX = "whsec_"  # noqa: S105 - the format's prefix, not a secret


def new_signing_secret() -> str:
    """A fresh 32-byte secret in the Standard Webhooks format (``whsec_<base64>``)."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def signed_headers(
    signing_secrets: Sequence[str], webhook_id: str, at: datetime, body: str
) -> dict[str, str]:
    """The ``webhook-*`` headers: one ``v1,`` signature per secret, space-separated, so a
    receiver holding either the old or the new secret accepts the message during a rotation."""
    signatures = [Webhook(secret).sign(webhook_id, at, body) for secret in signing_secrets]
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(floor(at.timestamp())),
        "webhook-signature": " ".join(signatures),
    }
