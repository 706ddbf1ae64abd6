"""The privacy notice: its words from configuration, its facts from the code and the settings.

The words are ``config/pages/privacy_notice.yaml``. Every statement there that the hub's own
behaviour could make false is not written there but filled in here from what the code does,
so the notice stays true when the code or the deployment changes:

- who the controller(s), the data protection officer and the contact are: settings
  (``HUB_PRIVACY_CONTROLLERS``, ``HUB_PRIVACY_DPO``, ``HUB_PRIVACY_CONTACT``; production
  refuses to start without them);
- how long an enquiry is kept: the rules file's retention periods, the ones the retention job
  (``hub/tracking/anonymise.py``) applies, with any council's own periods;
- whether this form asks for special category information: the form's questions
  (``hub/web/carer/questions.py``), against the API's special category fields;
- who sends the e-mails: the mail transport (``HUB_MAIL_TRANSPORT``).

A placeholder is written ``{name}`` in the YAML; a paragraph or item that comes out empty is
left out (a fact that does not apply). ``tests/web/carer/test_privacy_notice_is_true.py``
checks each statement against the code.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

import config
from config.settings import Settings
from hub.delivery.confirmation import sends_texts
from hub.geo import find_authority_name
from hub.intake.schemas import SpecialCategorySchema
from hub.rules.tracking_policy import RetentionPeriods, TrackingPolicy
from hub.web.carer.questions import PAGES

PRIVACY_NOTICE_PATH = Path(config.__file__).parent / "pages" / "privacy_notice.yaml"
REQUIRED = ("title", "summary", "sections")
RETENTION_HEADING = "How long we keep it"
SPECIAL_CATEGORY_FIELDS = frozenset(SpecialCategorySchema().fields)
# The special category answers the API accepts (UK GDPR Article 9), in the notice's words.
SPECIAL_CATEGORY_WORDS = {
    "ethnicity": "your ethnic origin",
    "religion": "your religion or belief",
    "disability": "any disability (which is information about your health)",
}


class PrivacyNoticeError(ValueError):
    """The privacy notice file is missing something the page needs."""


@dataclass(frozen=True, slots=True)
class PrivacyFacts:
    """What the notice states that the code and the settings decide."""

    controllers: tuple[str, ...]
    dpo: str
    contact: str
    mail_transport: str
    retention: RetentionPeriods
    # (council name, its own periods) for each council whose periods differ from the default.
    council_retention: tuple[tuple[str, RetentionPeriods], ...]
    form_fields: frozenset[str]
    # Days an enquiry from outside England that was only signposted elsewhere is kept.
    signposted_days: int = 30
    # Whether a confirmation text goes to people who prefer a call or a text (GOV.UK Notify's
    # SMS API configured: hub.delivery.confirmation.sends_texts).
    sends_texts: bool = False

    @property
    def form_asks_special_category(self) -> bool:
        return bool(self.form_fields & (SPECIAL_CATEGORY_FIELDS | {"special_category"}))


def privacy_facts(settings: Settings, tracking: TrackingPolicy) -> PrivacyFacts:
    """The facts of this hub: its settings, its rules file's retention, its form."""
    return PrivacyFacts(
        controllers=tuple(
            name.strip() for name in settings.privacy_controllers.split(";") if name.strip()
        ),
        dpo=settings.privacy_dpo.strip(),
        contact=settings.privacy_contact.strip(),
        mail_transport=settings.mail_transport,
        retention=tracking.retention,
        council_retention=tuple(
            (find_authority_name(council.authority) or council.authority, council.retention)
            for council in tracking.councils
            if council.retention is not None and council.retention != tracking.retention
        ),
        form_fields=frozenset(field for page in PAGES for field in page.fields),
        signposted_days=settings.signposted_retention_days,
        sends_texts=sends_texts(settings),
    )


@lru_cache(maxsize=4)
def load_privacy_notice(path: Path = PRIVACY_NOTICE_PATH) -> dict[str, Any]:
    """The notice as a dict: title, summary, sections of heading + paragraphs/items/links."""
    notice = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(notice, dict) or any(key not in notice for key in REQUIRED):
        raise PrivacyNoticeError(f"{path}: needs {', '.join(REQUIRED)}")
    for section in notice["sections"]:
        if not isinstance(section, dict) or "heading" not in section:
            raise PrivacyNoticeError(f"{path}: every section needs a heading")
    return notice


def _names(names: tuple[str, ...]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _controller_statement(facts: PrivacyFacts) -> str:
    if not facts.controllers:
        # Development only: production refuses to start without HUB_PRIVACY_CONTROLLERS.
        return "This copy of the service has not been told who its data controller is."
    if len(facts.controllers) == 1:
        return (
            f"{facts.controllers[0]} is the data controller for the enquiry service: it decides "
            "why and how your information is used here."
        )
    return (
        f"{_names(facts.controllers)} are joint controllers for the enquiry service: together "
        "they decide why and how your information is used here."
    )


def _kept(periods: RetentionPeriods) -> list[str]:
    return [
        f"if you do not go on to apply: {periods.no_application_years} years after the last "
        "thing that happened on your enquiry",
        f"if you apply and withdraw, or your application is refused: {periods.withdrawn_years} "
        "years after the last thing that happened on it",
        f"if you are approved as a foster carer: for as long as you foster, then "
        f"{periods.approved_years} years after you stop",
    ]


def _placeholders(facts: PrivacyFacts) -> dict[str, str]:
    special = list(SPECIAL_CATEGORY_WORDS.values())
    return {
        "controller_statement": _controller_statement(facts),
        "dpo": facts.dpo or "(not yet given)",
        "contact": facts.contact or "(not yet given)",
        "special_category_items": ", ".join(special[:-1]) + " and " + special[-1],
        "special_category_on_form": (
            "This form asks for them; answering is up to you."
            if facts.form_asks_special_category
            else "This form does not ask for them."
        ),
        "text_message": (
            "If you asked us to phone or text you and gave a mobile number, we also send you "
            "one text message with your reference and the council's name, through GOV.UK "
            "Notify, which handles your number for us to send it."
            if facts.sends_texts
            else ""
        ),
        "mail_sender": (
            "We send e-mails through GOV.UK Notify, a service of the Government Digital "
            "Service, which handles your e-mail address for us to send them."
            if facts.mail_transport == "notify"
            else ""
        ),
    }


def _filled(value: Any, placeholders: dict[str, str]) -> Any:
    if isinstance(value, str):
        return value.format_map(placeholders)
    if isinstance(value, dict):
        return {key: _filled(item, placeholders) for key, item in value.items()}
    if isinstance(value, list):
        filled = [_filled(item, placeholders) for item in value]
        return [item for item in filled if item != ""]
    return value


def notice_for(notice: dict[str, Any], facts: PrivacyFacts) -> dict[str, Any]:
    """The notice with this hub's facts written into its text."""
    filled: dict[str, Any] = _filled(notice, _placeholders(facts))
    for section in filled["sections"]:
        if section["heading"] == RETENTION_HEADING:
            section["items"] = [
                *_kept(facts.retention),
                "if you live outside England and we pointed you to a service there: "
                f"{facts.signposted_days} days after that",
            ]
            for council, periods in facts.council_retention:
                kept = "; ".join(_kept(periods))
                section.setdefault("paragraphs", []).insert(
                    0, f"If your enquiry is with {council}, it is kept: {kept}."
                )
    return filled
