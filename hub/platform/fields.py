"""Fields that normalise what people type: UK phone numbers, postcodes, councils, plain text."""

from __future__ import annotations

import unicodedata
from typing import Any

import phonenumbers
from marshmallow import RAISE, Schema, ValidationError, fields

from hub.geo import PostcodeFormatError, find_authority, normalise_postcode


def _has_control_chars(value: str, allow_newlines: bool) -> bool:
    for ch in value:
        if allow_newlines and ch in "\n\r\t":
            continue
        if unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co", "Cn"}:
            return True
    return False


class CleanString(fields.String):
    """A trimmed string without control characters; blank counts as missing."""

    def __init__(self, *args: Any, allow_newlines: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.allow_newlines = allow_newlines

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        text = unicodedata.normalize("NFC", text).strip()
        if _has_control_chars(text, self.allow_newlines):
            raise ValidationError("Remove any special or invisible characters.")
        if not text and self.required:
            raise self.make_error("required")
        return text


class UKPhone(fields.String):
    """A UK phone number, stored in E.164 form (+447700900123)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        message = "Enter a UK phone number, like 07700 900123 or 020 7946 0000."
        if not text or len(text) > 30:
            raise ValidationError(message)
        try:
            number = phonenumbers.parse(text, "GB")
        except phonenumbers.NumberParseException as exc:
            raise ValidationError(message) from exc
        if number.country_code != 44 or not phonenumbers.is_valid_number(number):
            raise ValidationError(message)
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class Postcode(fields.String):
    """A UK postcode (full or partial), normalised by the geography's normaliser."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return normalise_postcode(text)
        except PostcodeFormatError as exc:
            raise ValidationError(str(exc)) from exc


class AuthorityRef(fields.String):
    """A children's services authority named by GSS code or name; loads as its code."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        found = find_authority(text) if 0 < len(text) <= 120 else None
        if found is None:
            raise ValidationError(
                "We could not find that council. Use its name, like 'Kent', or leave this out."
            )
        return found.code


class StrictSchema(Schema):
    class Meta:
        unknown = RAISE
