"""The export's columns: stable names, in a stable order, one row per referral.

The same names are the CSV header and the JSON keys, documented for a council's case system
team in ``docs/case-system.md``. A column is never renamed or removed; new ones go at the end.
Special category answers (ethnicity, religion, disability) are not exported: they are kept
apart, and a case system that needs them records them at the initial visit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hub.enquiries.models import Enquiry
from hub.tracking.calendar import ENGLAND

COLUMNS: tuple[str, ...] = (
    "reference",
    "received_date",
    "received_time",
    "received_at_utc",
    "given_name",
    "family_name",
    "email",
    "phone",
    "postcode",
    "preferred_contact",
    "best_time_to_call",
    "adults_in_household",
    "children_in_household",
    "spare_bedroom",
    "fostering_interest",
    "message",
    "age_band",
    "fostering_now",
    "right_to_live_in_uk",
    "consent_keep_in_touch",
    "campaign_source",
    "campaign_name",
    "council_code",
    "council_name",
    "status",
    "transferred_from_code",
    "journey_stage",
    "journey_stage_date",
    "first_contact_date",
    "owner_email",
    "repeat_enquiry",
)


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """What the export reads beside the enquiry row: its journey, owner and decision."""

    stage: str | None
    stage_at: datetime | None
    first_contact_at: datetime | None
    owner_email: str | None
    transferred_from_code: str | None
    repeat: bool


def _day(at: datetime | None) -> str | None:
    return at.astimezone(ENGLAND).date().isoformat() if at is not None else None


def _yes_no(value: object) -> str | None:
    if value is None:
        return None
    return "yes" if value else "no"


def export_row(enquiry: Enquiry, facts: CaseFacts) -> dict[str, Any]:
    """One referral as the export's columns (None for an answer not given)."""
    personal = enquiry.personal or {}
    household = personal.get("household") or {}
    screening = personal.get("screening") or {}
    received = enquiry.created_at.astimezone(ENGLAND)
    campaign = enquiry.campaign or {}
    return {
        "reference": enquiry.reference,
        "received_date": received.date().isoformat(),
        "received_time": received.strftime("%H:%M"),
        "received_at_utc": enquiry.created_at.isoformat(),
        "given_name": personal.get("given_name"),
        "family_name": personal.get("family_name"),
        "email": personal.get("email"),
        "phone": personal.get("phone"),
        "postcode": personal.get("postcode"),
        "preferred_contact": personal.get("preferred_contact"),
        "best_time_to_call": personal.get("best_time"),
        "adults_in_household": household.get("adults"),
        "children_in_household": household.get("children"),
        "spare_bedroom": _yes_no(household.get("spare_bedroom")),
        "fostering_interest": enquiry.interest,
        "message": personal.get("message"),
        "age_band": screening.get("age_band"),
        "fostering_now": screening.get("fostering_now"),
        "right_to_live_in_uk": screening.get("right_to_live_in_uk"),
        "consent_keep_in_touch": _yes_no(enquiry.consent_keep_in_touch),
        "campaign_source": campaign.get("utm_source"),
        "campaign_name": campaign.get("utm_campaign"),
        "council_code": enquiry.authority_code,
        "council_name": enquiry.authority_name,
        "status": str(enquiry.status),
        "transferred_from_code": facts.transferred_from_code,
        "journey_stage": facts.stage,
        "journey_stage_date": _day(facts.stage_at),
        "first_contact_date": _day(facts.first_contact_at),
        "owner_email": facts.owner_email,
        "repeat_enquiry": _yes_no(facts.repeat),
    }
