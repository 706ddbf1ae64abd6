"""The enquiry form's questions, one group per page, and how answers become the API's body.

The pages ask exactly what the API's schema (``hub.intake.schemas.EnquiryInSchema``) asks,
and each page is checked by that same schema: the whole body is loaded with the answers given
so far, and only the errors about this page's fields are shown. One source for every rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict

from hub.intake.schemas import EnquiryInSchema
from hub.platform.errors import flatten_messages

YES_NO = {"yes": "Yes", "no": "No"}
# A count is at most a few ASCII digits. str.isdigit() is not enough: '²' is a digit to it
# and int('²') raises; 5,000 nines pass isdigit() and int() refuses them (Python's limit).
_COUNT = re.compile(r"[0-9]{1,3}")


@dataclass(frozen=True, slots=True)
class Page:
    """One page of the form: its address, its question and the fields it asks for."""

    slug: str
    title: str
    fields: tuple[str, ...]
    template: str


PAGES: tuple[Page, ...] = (
    Page("your-name", "What is your name?", ("given_name", "family_name"), "q_name.html"),
    Page(
        "contact",
        "How can we contact you?",
        ("email", "phone", "preferred_contact", "best_time"),
        "q_contact.html",
    ),
    Page(
        "where-you-live", "Where do you live?", ("postcode", "preferred_authority"), "q_where.html"
    ),
    Page("fostering", "What kind of fostering interests you?", ("interest",), "q_fostering.html"),
    Page(
        "household", "About your home", ("adults", "children", "spare_bedroom"), "q_household.html"
    ),
    Page(
        "anything-else",
        "Is there anything else you would like to tell us?",
        ("message",),
        "q_message.html",
    ),
    Page(
        "your-information",
        "How we use your information",
        ("privacy_notice", "keep_in_touch"),
        "q_consent.html",
    ),
)
PAGE_BY_SLUG = {page.slug: page for page in PAGES}
FIELD_PAGE = {name: page for page in PAGES for name in page.fields}
FIELDS = tuple(FIELD_PAGE)
CHECKBOXES = ("privacy_notice", "keep_in_touch")
MAX_ANSWER = 4000  # characters kept of any one answer (the schema's longest is 2,000)


def answers_from(form: MultiDict[str, str], page: Page) -> dict[str, str]:
    """This page's answers from a posted form, as typed (checkboxes as "yes" or "")."""
    answers = {}
    for name in page.fields:
        value = form.get(name, "")
        if name in CHECKBOXES:
            value = "yes" if value == "yes" else ""
        answers[name] = value[:MAX_ANSWER]
    return answers


def form_to_body(answers: dict[str, str]) -> dict[str, Any]:
    """Shape the flat answers into the API's JSON body, leaving empty answers out."""

    def text(name: str) -> str | None:
        value = answers.get(name, "").strip()
        return value or None

    def count(name: str) -> Any:
        value = answers.get(name, "").strip()
        # Anything but a short ASCII number goes to the schema as text, which refuses it
        # with the field's own message (a 422 page, never a 5xx).
        return int(value) if _COUNT.fullmatch(value) else (value or None)

    household = {
        "adults": count("adults"),
        "children": count("children"),
        "spare_bedroom": {"yes": True, "no": False}.get(answers.get("spare_bedroom", "")),
    }
    body: dict[str, Any] = {
        "given_name": text("given_name"),
        "family_name": text("family_name"),
        "email": text("email"),
        "phone": text("phone"),
        "postcode": text("postcode"),
        "preferred_contact": text("preferred_contact"),
        "best_time": text("best_time"),
        "preferred_authority": text("preferred_authority"),
        "interest": text("interest"),
        "household": {k: v for k, v in household.items() if v is not None},
        "consent": {
            "privacy_notice": answers.get("privacy_notice") == "yes",
            "keep_in_touch": answers.get("keep_in_touch") == "yes",
        },
        "message": text("message"),
    }
    return {k: v for k, v in body.items() if v is not None}


def _field_name(path: str) -> str:
    """``household.adults`` -> ``adults``: the form's name for a schema error's field."""
    return path.split(".")[-1]


def check(answers: dict[str, str]) -> tuple[dict[str, Any] | None, list[dict[str, str]]]:
    """Load all answers with the API's schema: (the valid data, []) or (None, errors by field).

    Each error's ``field`` is the form's field name; errors about a whole group (for example
    the household when no household answer was given yet) name the group's first field.
    """
    try:
        return EnquiryInSchema().load(form_to_body(answers)), []
    except ValidationError as exc:
        errors = []
        for error in flatten_messages(exc.messages):
            name = _field_name(error["field"])
            name = {"household": "adults", "consent": "privacy_notice"}.get(name, name)
            errors.append({"field": name, "message": error["message"]})
        return None, errors


def page_errors(answers: dict[str, str], page: Page) -> list[dict[str, str]]:
    """The errors about this page's fields, in the page's order, one per field."""
    _, errors = check(answers)
    first: dict[str, str] = {}
    for error in errors:
        if error["field"] in page.fields:
            first.setdefault(error["field"], error["message"])
    return [{"field": name, "message": first[name]} for name in page.fields if name in first]


def first_unfinished(answers: dict[str, str]) -> Page | None:
    """The first page with an error, or None when the whole enquiry is ready to send."""
    _, errors = check(answers)
    wrong = {error["field"] for error in errors}
    for page in PAGES:
        if wrong & set(page.fields) or not set(page.fields) & set(answers):
            return page
    return None
