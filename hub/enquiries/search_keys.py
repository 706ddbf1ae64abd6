"""Blind indexes of an enquirer's details: find a person without decrypting anyone.

Each detail is normalised (an e-mail address lower-cased, a phone number in E.164, a name
case-folded without accents or extra spaces, a postcode in its canonical form) and kept as a
keyed HMAC (``hub.platform.crypto.blind_index``, one derived key per kind), beside the
encrypted ``personal`` answers. Search compares a typed term's index with the stored ones;
repeat enquiries are matched the same way. Without ``HUB_SECRET_KEY`` an index cannot be
recomputed from a guessed value; after the secret changes, ``hub enquiries reindex``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from hub.geo import PostcodeFormatError, PostcodeKind, parse_postcode
from hub.platform.crypto import blind_index
from hub.platform.fields import normalise_uk_phone

# The longest term a search box takes (a name, an address); anything longer is refused.
MAX_TERM_LENGTH = 100

# The index columns on ``enquiries``, each with its own derived key.
EMAIL = "email_index"
PHONE = "phone_index"
NAME = "name_index"  # given and family name together
SURNAME = "surname_index"
POSTCODE = "postcode_index"  # a full postcode only
DISTRICT = "district_index"  # the outward code: ME14
INDEX_COLUMNS = (EMAIL, PHONE, NAME, SURNAME, POSTCODE, DISTRICT)

_PURPOSES = {
    EMAIL: "enquiry-email",
    PHONE: "enquiry-phone",
    NAME: "enquiry-name",
    SURNAME: "enquiry-surname",
    POSTCODE: "enquiry-postcode",
    DISTRICT: "enquiry-district",
}
_APOSTROPHES = frozenset("'\u2019\u2018`\u02bc")
_REFERENCE = re.compile(r"FE-?([A-Z0-9]{8})")
_PHONE_CHARS = frozenset("0123456789 +-().")


def normalise_name(text: str) -> str:
    """A name as the index sees it: ``José  O'Brien-Smith`` -> ``jose obrien smith``.

    Accents are dropped (NFKD, then the combining marks), case is folded, apostrophes vanish
    and any other punctuation separates words, and runs of spaces become one.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    letters = []
    for char in decomposed.casefold():
        if unicodedata.combining(char) or char in _APOSTROPHES:
            continue
        letters.append(char if char.isalnum() else " ")
    return " ".join("".join(letters).split())


def index_of(column: str, normalised: str) -> str:
    """The stored form of one normalised detail (a keyed hash, hex)."""
    return blind_index(_PURPOSES[column], normalised)


def search_keys_of(personal: Mapping[str, Any] | None) -> dict[str, str | None]:
    """Every index column for an enquirer's answers (None where the detail is missing)."""
    personal = personal or {}
    keys: dict[str, str | None] = dict.fromkeys(INDEX_COLUMNS)
    email = personal.get("email")
    if isinstance(email, str) and email.strip():
        keys[EMAIL] = index_of(EMAIL, email.strip().lower())
    phone = personal.get("phone")
    number = normalise_uk_phone(phone) if isinstance(phone, str) else None
    if number:
        keys[PHONE] = index_of(PHONE, number)
    given = normalise_name(str(personal.get("given_name") or ""))
    family = normalise_name(str(personal.get("family_name") or ""))
    if family:
        keys[SURNAME] = index_of(SURNAME, family)
        if given:
            keys[NAME] = index_of(NAME, f"{given} {family}")
    postcode = personal.get("postcode")
    if isinstance(postcode, str):
        try:
            parsed = parse_postcode(postcode)
        except PostcodeFormatError:
            parsed = None
        if parsed is not None:
            keys[DISTRICT] = index_of(DISTRICT, parsed.outward)
            if parsed.kind is PostcodeKind.FULL:
                keys[POSTCODE] = index_of(POSTCODE, parsed.normalised)
    return keys


class SearchKind(StrEnum):
    """What a search term was read as: audited (the term itself never is)."""

    REFERENCE = "reference"
    EMAIL = "email"
    PHONE = "phone"
    POSTCODE = "postcode"
    DISTRICT = "district"
    NAME = "name"


class SearchTermError(ValueError):
    """A term that is none of the things search finds; the message is for the person typing."""


@dataclass(frozen=True, slots=True)
class SearchTerm:
    """A typed term, read: its kind, and the reference or the (column, index) pairs to match.

    An enquiry matches when any pair matches.
    """

    kind: SearchKind
    reference: str | None = None
    matches: tuple[tuple[str, str], ...] = ()


HOW_TO_SEARCH = (
    "Search by reference (FE-7K3M9Q2D), name, e-mail address, phone number, "
    "postcode (ME14 1XQ) or postcode district (ME14)."
)


def read_search_term(text: str) -> SearchTerm:
    """Read what an officer typed as one kind of term; raises SearchTermError."""
    term = text.strip()
    if not term:
        raise SearchTermError(HOW_TO_SEARCH)
    if len(term) > MAX_TERM_LENGTH:
        raise SearchTermError(f"Search for at most {MAX_TERM_LENGTH} characters.")
    compact = "".join(term.split()).upper()
    reference = _REFERENCE.fullmatch(compact)
    if reference is not None:
        return SearchTerm(SearchKind.REFERENCE, reference=f"FE-{reference[1]}")
    if "@" in term:
        return SearchTerm(SearchKind.EMAIL, matches=((EMAIL, index_of(EMAIL, term.lower())),))
    has_digit = any(c.isdigit() for c in term)
    if has_digit and _PHONE_CHARS.issuperset(term) and sum(c.isdigit() for c in term) >= 9:
        number = normalise_uk_phone(term)
        if number is None:
            raise SearchTermError("Enter a UK phone number, like 07911 123456.")
        return SearchTerm(SearchKind.PHONE, matches=((PHONE, index_of(PHONE, number)),))
    if has_digit:
        return _postcode_term(term)
    name = normalise_name(term)
    if not name:
        raise SearchTermError(HOW_TO_SEARCH)
    if " " in name:
        # A full name, or a surname of more than one word (van der Berg, Smith Jones).
        return SearchTerm(
            SearchKind.NAME,
            matches=((NAME, index_of(NAME, name)), (SURNAME, index_of(SURNAME, name))),
        )
    return SearchTerm(SearchKind.NAME, matches=((SURNAME, index_of(SURNAME, name)),))


def _postcode_term(term: str) -> SearchTerm:
    try:
        parsed = parse_postcode(term)
    except PostcodeFormatError as exc:
        raise SearchTermError(HOW_TO_SEARCH) from exc
    if parsed.kind is PostcodeKind.FULL:
        return SearchTerm(
            SearchKind.POSTCODE, matches=((POSTCODE, index_of(POSTCODE, parsed.normalised)),)
        )
    if parsed.kind is PostcodeKind.DISTRICT:
        return SearchTerm(
            SearchKind.DISTRICT, matches=((DISTRICT, index_of(DISTRICT, parsed.outward)),)
        )
    raise SearchTermError(
        f"Search by the full postcode or its district ({parsed.outward}), not a sector."
    )
