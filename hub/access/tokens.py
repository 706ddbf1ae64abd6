"""Bearer-token authentication for councils, delivery bodies and hub operators.

A token reads ``fhub_<prefix>_<secret>``. The prefix is not secret: it finds the stored row.
Only the SHA-256 of the whole token is stored, and it is compared in constant time. The
secret has 256 random bits, so a plain hash (not a slow password hash) is the right tool.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass

TOKEN_KIND = "fhub"  # noqa: S105 - a public label, not a secret
_TOKEN = re.compile(rf"^{TOKEN_KIND}_([0-9a-f]{{12}})_([A-Za-z0-9_-]{{43}})$")


@dataclass(frozen=True, slots=True)
class NewToken:
    prefix: str
    token: str
    secret_hash: str


def new_token() -> NewToken:
    """A fresh token, its lookup prefix and the hash to store."""
    prefix = secrets.token_hex(6)
    token = f"{TOKEN_KIND}_{prefix}_{secrets.token_urlsafe(32)}"
    return NewToken(prefix, token, hash_token(token))


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_prefix(token: str) -> str | None:
    """The lookup prefix of a well-formed token, or None."""
    match = _TOKEN.fullmatch(token)
    return match.group(1) if match else None
