"""Fields that normalise what people type: UK phone numbers, postcodes, councils, plain text."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime
from typing import Any, ClassVar

import phonenumbers
from marshmallow import RAISE, Schema, ValidationError, fields

from hub.geo import PostcodeFormatError, find_authority, normalise_postcode, suggest_authorities
from hub.platform.text import has_forbidden_chars, text_pattern

POSTCODE_MAX_LENGTH = 40
AUTHORITY_MAX_LENGTH = 120


class DocumentedString(fields.String):
    """A string field whose OpenAPI keywords (``format``, ``maxLength``, ...) are ``openapi``.

    A caller's own ``metadata`` still wins over them.
    """

    openapi: ClassVar[dict[str, Any]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        metadata = {**self.openapi, **kwargs.pop("metadata", {})}
        super().__init__(*args, metadata=metadata, **kwargs)


class CleanString(fields.String):
    """A trimmed string without control or invisible characters; blank counts as missing.

    The characters refused are those of ``hub.platform.text``, and the OpenAPI document carries
    the same rule as a pattern.
    """

    def __init__(self, *args: Any, allow_newlines: bool = False, **kwargs: Any) -> None:
        metadata = {
            "pattern": text_pattern(
                allow_newlines=allow_newlines, required=bool(kwargs.get("required"))
            ),
            **kwargs.pop("metadata", {}),
        }
        super().__init__(*args, metadata=metadata, **kwargs)
        self.allow_newlines = allow_newlines

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        raw = super()._deserialize(value, attr, data, **kwargs)
        if has_forbidden_chars(raw, allow_newlines=self.allow_newlines):
            raise ValidationError("Remove any special or invisible characters.")
        text = unicodedata.normalize("NFC", raw).strip()
        if not text and self.required:
            raise self.make_error("required")
        return text


# Examples shown to people (messages, OpenAPI, README): each must pass UKPhone (a test checks).
PHONE_EXAMPLES = ("07911 123456", "020 7946 0000")
PHONE_MAX_LENGTH = 30
# Digits and the punctuation people type between them; no letters (phonenumbers would read
# "0800-FLOWERS" as a vanity number), no extensions.
_PHONE_CHARS = frozenset("0123456789 +-().")


class UKPhone(DocumentedString):
    """A UK phone number, stored in E.164 form (+447911123456).

    Documented in OpenAPI as ``format: uk-phone``: up to 30 characters of digits, spaces and
    ``+-().`` that make a possible UK number (the right length for its kind, whether or not
    the range is allocated yet), except Ofcom's mobile drama range 07700 900xxx.
    """

    message = f"Enter a UK phone number, like {PHONE_EXAMPLES[0]} or {PHONE_EXAMPLES[1]}."
    openapi: ClassVar[dict[str, Any]] = {
        "format": "uk-phone",
        "maxLength": PHONE_MAX_LENGTH,
        "example": PHONE_EXAMPLES[0],
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        raw = super()._deserialize(value, attr, data, **kwargs)
        number = normalise_uk_phone(raw)
        if number is None:
            raise ValidationError(self.message)
        return number


# Ofcom reserves 07700 900000 to 07700 900999 for TV and radio drama (Ofcom, "Telephone
# numbers for drama programmes"): nobody has one, and a form that takes it takes a made-up
# number. Other drama ranges (020 7946 0xxx, 01632 960xxx ...) share their shape with real
# numbers and are not refused.
_DRAMA_MOBILE_PREFIX = "+447700900"


def normalise_uk_phone(text: str) -> str | None:
    """A UK number in E.164 form (``+447911123456``) from any way of typing it, else None.

    "07911 123456", "+44 7911 123456" and "07911123456" are the same number: intake stores,
    and search looks for, this one form. Any *possible* UK number is taken (libphonenumber's
    lengths for the number's kind), not only the ranges its tables list as allocated: those
    tables lag Ofcom's allocations, and refusing a real person's number loses the enquiry.
    """
    stripped = text.strip()
    if not stripped or len(text) > PHONE_MAX_LENGTH or not _PHONE_CHARS.issuperset(stripped):
        return None
    try:
        number = phonenumbers.parse(stripped, "GB")
    except phonenumbers.NumberParseException:
        return None
    possible = phonenumbers.is_possible_number_with_reason(number)
    if number.country_code != 44 or possible != phonenumbers.ValidationResult.IS_POSSIBLE:
        return None
    # The UK's lengths run from 7 to 10 digits after the 0, and libphonenumber checks a
    # number against all of them: a 07 number (mobiles, pagers, personal numbers) is always 10.
    national = str(number.national_number)
    if number.italian_leading_zero or (national.startswith("7") and len(national) != 10):
        return None
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return None if e164.startswith(_DRAMA_MOBILE_PREFIX) else e164


# UK mobile numbers are 071-075, 077-079 and 07624 (Ofcom's National Telephone Numbering Plan:
# 070 is personal numbering and 076 radiopaging, except 07624, Isle of Man mobiles). A text
# goes only to these; any other number, even a possible one, may be a landline.
_MOBILE_PREFIXES = ("+4471", "+4472", "+4473", "+4474", "+4475", "+4477", "+4478", "+4479")


def is_uk_mobile(e164: str | None) -> bool:
    """Whether a number stored by ``normalise_uk_phone`` is a UK mobile that can take a text."""
    if not e164 or len(e164) != 13:
        return False
    return e164.startswith(_MOBILE_PREFIXES) or e164.startswith("+447624")


class Postcode(DocumentedString):
    """A UK postcode (full or partial), normalised by the geography's normaliser.

    Documented in OpenAPI as ``format: uk-postcode`` (what ``hub.geo.normalise_postcode``
    reads: ``SW1A 1AA``, ``sw1a1aa``, ``KT1 2``, ``KT1``), at most 40 characters.
    """

    openapi: ClassVar[dict[str, Any]] = {
        "format": "uk-postcode",
        "maxLength": POSTCODE_MAX_LENGTH,
        "example": "ME14 1XQ",
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            if len(text) > POSTCODE_MAX_LENGTH:
                raise PostcodeFormatError("That is too long to be a postcode.")
            return normalise_postcode(text)
        except PostcodeFormatError as exc:
            raise ValidationError(str(exc)) from exc


class AuthorityRef(DocumentedString):
    """A children's services authority named by GSS code or name; loads as its code.

    Documented in OpenAPI as ``format: authority``: an English children's services authority's
    GSS code (E06, E08, E09 or E10) or its name, as ``hub.geo.find_authority`` reads it.
    """

    openapi: ClassVar[dict[str, Any]] = {
        "format": "authority",
        "maxLength": AUTHORITY_MAX_LENGTH,
        "example": "Kent",
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        found = find_authority(text) if 0 < len(text) <= AUTHORITY_MAX_LENGTH else None
        if found is None:
            close = suggest_authorities(text) if len(text) <= AUTHORITY_MAX_LENGTH else []
            hint = f"Did you mean {' or '.join(close)}? " if close else ""
            raise ValidationError(
                f"We could not find a council called that. {hint}Use a council's name in "
                "England, like 'Kent', or leave this out."
            )
        return found.code


class StrictBoolean(fields.Boolean):
    """``true`` or ``false`` and nothing else (marshmallow's Boolean takes 1, since 1 == True)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if value is True or value is False:
            return value
        raise self.make_error("invalid", input=value)


class StrictInteger(fields.Integer):
    """A JSON integer: not a bool (``true`` is an int to Python), not a float, not a string."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, strict=True, **kwargs)

    def _validated(self, value: Any) -> int:
        if isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return super()._validated(value)


class UTCDateTime(fields.AwareDateTime):
    """An ISO 8601 time, loaded as UTC (a time without an offset is taken as UTC).

    Times whose UTC equivalent falls outside years 1-9999 (``0001-01-01T00:00:00+14:00``) are
    refused with a field error instead of overflowing later.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(default_timezone=UTC, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        when = super()._deserialize(value, attr, data, **kwargs)
        try:
            return when.astimezone(UTC)
        except OverflowError as exc:
            raise ValidationError("Use a time between 0001-01-01 and 9999-12-31 in UTC.") from exc


# The largest id a BIGINT column holds: a query parameter above it is refused, not sent to the
# database (where it would overflow).
MAX_ROW_ID = 2**63 - 1


class StrictSchema(Schema):
    class Meta:
        unknown = RAISE
