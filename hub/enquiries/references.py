"""Enquiry references: short, random, and easy to read aloud on the phone."""

from __future__ import annotations

import re
import secrets

# No 0/O or 1/I: they are misheard and misread. 32 symbols x 8 = 40 random bits.
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
LENGTH = 8
PREFIX = "FE-"
REFERENCE_PATTERN = re.compile(rf"^{PREFIX}[{ALPHABET}]{{{LENGTH}}}$")


def new_reference() -> str:
    """A fresh unguessable reference like ``FE-7K3M9Q2D``."""
    return PREFIX + "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def is_reference(text: str) -> bool:
    return bool(REFERENCE_PATTERN.fullmatch(text))
