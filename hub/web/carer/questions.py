"""The enquiry form's questions, one group per page, and how answers become the API's body.

The pages ask exactly what the API's schema (``hub.intake.schemas.EnquiryInSchema``) asks,
and each page is checked by that same schema restricted to the page's part of the body
(``EnquiryInSchema(only=...)``, built once): a page loads only its own answers, and the rules
stay in one place. Sending loads the whole body once more, as the API does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict

from hub.enquiries.models import CONNECTED_INTEREST
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


# Where the person lives comes first: someone outside England is told where to go before
# anything else is asked of them (hub.web.carer.where).
PAGES: tuple[Page, ...] = (
    Page(
        "where-you-live", "Where do you live?", ("postcode", "preferred_authority"), "q_where.html"
    ),
    Page("your-name", "What is your name?", ("given_name", "family_name"), "q_name.html"),
    Page(
        "contact",
        "How can we contact you?",
        ("email", "phone", "preferred_contact", "best_time"),
        "q_contact.html",
    ),
    Page("fostering", "What kind of fostering interests you?", ("interest",), "q_fostering.html"),
    # Asked only of someone who wants to care for a child they already know (``applies``).
    Page(
        "the-child",
        "The child you want to care for",
        ("child_authority", "child_postcode"),
        "q_child.html",
    ),
    Page(
        "household", "About your home", ("adults", "children", "spare_bedroom"), "q_household.html"
    ),
    Page(
        "about-you",
        "A few questions about you (optional)",
        ("age_band", "fostering_now", "right_to_live_in_uk"),
        "q_screening.html",
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
WHERE = PAGES[0]
CHILD = PAGE_BY_SLUG["the-child"]
FIELD_PAGE = {name: page for page in PAGES for name in page.fields}
FIELDS = tuple(FIELD_PAGE)
CHECKBOXES = ("privacy_notice", "keep_in_touch")
MAX_ANSWER = 4000  # characters kept of any one answer (the schema's longest is 2,000)
# Form fields that sit inside a nested object of the API's body.
_GROUP_OF = {
    "adults": "household",
    "children": "household",
    "spare_bedroom": "household",
    "privacy_notice": "consent",
    "keep_in_touch": "consent",
    "age_band": "screening",
    "fostering_now": "screening",
    "right_to_live_in_uk": "screening",
}
# An error about a whole group is shown at the group's first field.
_GROUP_FIELD = {"household": "adults", "consent": "privacy_notice", "screening": "age_band"}


def _body_keys(page: Page) -> tuple[str, ...]:
    """The top-level keys of the API's body that this page's fields fill (the child's page
    loads the interest too: the schema asks for the child's council only with it)."""
    keys = tuple(dict.fromkeys(_GROUP_OF.get(name, name) for name in page.fields))
    return ("interest", *keys) if page.slug == "the-child" else keys


def connected(answers: dict[str, str]) -> bool:
    """The person wants to care for a child they already know."""
    return answers.get("interest", "").strip() == CONNECTED_INTEREST


def applies(page: Page, answers: dict[str, str]) -> bool:
    """Whether the page is asked, given the answers so far (the child's page only of a
    connected person)."""
    return page is not CHILD or connected(answers)


def next_page(page: Page, answers: dict[str, str]) -> Page | None:
    """The page after ``page`` that applies, or None after the last."""
    later = PAGES[PAGES.index(page) + 1 :]
    return next((p for p in later if applies(p, answers)), None)


def previous_page(page: Page, answers: dict[str, str]) -> Page | None:
    """The page before ``page`` that applies, or None before the first."""
    earlier = PAGES[: PAGES.index(page)]
    return next((p for p in reversed(earlier) if applies(p, answers)), None)


# Built once: a marshmallow schema is costly to build and safe to reuse for load().
_WHOLE_SCHEMA = EnquiryInSchema()
_PAGE_SCHEMAS = {page.slug: EnquiryInSchema(only=_body_keys(page)) for page in PAGES}
_EMAIL_SCHEMA = EnquiryInSchema(only=("email",))


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
        "home_authority": text("home_authority"),
        "interest": text("interest"),
        # Only a connected person's: an answer kept from before the interest changed is not sent.
        "child_authority": text("child_authority") if connected(answers) else None,
        "child_postcode": (
            text("child_postcode") if connected(answers) and not text("child_authority") else None
        ),
        "household": {k: v for k, v in household.items() if v is not None},
        "consent": {
            "privacy_notice": answers.get("privacy_notice") == "yes",
            "keep_in_touch": answers.get("keep_in_touch") == "yes",
        },
        "message": text("message"),
        "screening": {
            name: value
            for name in ("age_band", "fostering_now", "right_to_live_in_uk")
            if (value := text(name)) is not None
        }
        or None,
    }
    return {k: v for k, v in body.items() if v is not None}


def _field_name(path: str) -> str:
    """``household.adults`` -> ``adults``: the form's name for a schema error's field."""
    return path.split(".")[-1]


def _load(
    schema: EnquiryInSchema, body: dict[str, Any]
) -> tuple[dict[str, Any] | None, list[dict[str, str]]]:
    try:
        return schema.load(body), []
    except ValidationError as exc:
        errors = []
        for error in flatten_messages(exc.messages):
            name = _field_name(error["field"])
            errors.append({"field": _GROUP_FIELD.get(name, name), "message": error["message"]})
        return None, errors


def check(answers: dict[str, str]) -> tuple[dict[str, Any] | None, list[dict[str, str]]]:
    """Load all answers with the API's schema: (the valid data, []) or (None, errors by field).

    Each error's ``field`` is the form's field name; errors about a whole group (for example
    the household when no household answer was given yet) name the group's first field.
    """
    return _load(_WHOLE_SCHEMA, form_to_body(answers))


def page_errors(answers: dict[str, str], page: Page) -> list[dict[str, str]]:
    """The errors about this page's fields, in the page's order, one per field.

    Only this page's part of the body is loaded, by the API's schema restricted to it.
    """
    return _errors_in_page(form_to_body(answers), page)


def _errors_in_page(body: dict[str, Any], page: Page) -> list[dict[str, str]]:
    part = {key: body[key] for key in _body_keys(page) if key in body}
    _, errors = _load(_PAGE_SCHEMAS[page.slug], part)
    first: dict[str, str] = {}
    for error in errors:
        if error["field"] in page.fields:
            first.setdefault(error["field"], error["message"])
    return [{"field": name, "message": first[name]} for name in page.fields if name in first]


def email_errors(email: str) -> list[dict[str, str]]:
    """The API schema's errors about an e-mail address alone (the signpost page's one field)."""
    value = email.strip()
    _, errors = _load(_EMAIL_SCHEMA, {"email": value} if value else {})
    return errors[:1]


def first_unfinished(answers: dict[str, str]) -> Page | None:
    """The first page not yet answered or with an error, or None when the enquiry is ready.

    Pages are checked in order and the first one found stops the search.
    """
    body = form_to_body(answers)
    for page in PAGES:
        if not applies(page, answers):
            continue
        if not set(page.fields) & set(answers) or _errors_in_page(body, page):
            return page
    return None
