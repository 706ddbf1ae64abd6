"""Reading a staff page's form with the API's own schema: the same rules, GOV.UK errors."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import request
from marshmallow import Schema, ValidationError

from hub.platform.errors import HubError, ValidationFailedError
from hub.platform.extensions import app_settings
from hub.web.staff.display import staff_words


@dataclass
class FormResult:
    data: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # field -> message

    @property
    def error_list(self) -> list[dict[str, str]]:
        """For govukErrorSummary: each message linked to its field."""
        return [{"text": text, "href": f"#{name}"} for name, text in self.errors.items()]


def _first(message: Any) -> str:
    if isinstance(message, list) and message:
        return _first(message[0])
    if isinstance(message, dict) and message:
        return _first(next(iter(message.values())))
    return str(message)


def read_form(
    schema: Schema,
    names: Iterable[str],
    *,
    prefix: str = "",
    extra: Mapping[str, str] | None = None,
) -> FormResult:
    """Load the named form fields (blank ones left out) through ``schema``.

    ``prefix`` is the id prefix of the page's fields, so an error links to its own input;
    ``extra`` adds fields the page read itself (a date from its three boxes, as ISO text).
    """
    raw = {name: value for name in names if (value := request.form.get(name, "").strip()) != ""}
    raw.update(extra or {})
    try:
        return FormResult(data=schema.load(raw))
    except ValidationError as exc:
        messages = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
        errors = {}
        for name, message in messages.items():
            key = prefix + (name if name != "_schema" else next(iter(names)))
            text = _first(message)
            errors[key] = (
                "Choose or enter an answer"
                if text == "Missing data for required field."
                else _sentence(staff_words(text))
            )
        return FormResult(errors=errors)


def refusal_errors(error: HubError, field_id: str) -> FormResult:
    """A use case's refusal (409, 422) as an error on the form's main field."""
    detail = error.detail
    if error.errors:
        detail = "; ".join(item.get("message", "") for item in error.errors) or detail
    return FormResult(errors={field_id: _sentence(staff_words(detail))})


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def validation_errors(
    error: ValidationFailedError, prefix: str = "", *, main: str = ""
) -> FormResult:
    """A use case's refused input as GOV.UK errors on the fields it names (``prefix`` + field)."""
    errors = {prefix + item["field"]: item["message"] for item in error.errors or []}
    return FormResult(errors=errors or {prefix + main: error.detail})


def links_base_url() -> str:
    """Where links in e-mails sent from a page point: the hub's public address when set (it
    must be in production), else the address this request came to (``hub run``)."""
    return app_settings().public_base_url or request.url_root
