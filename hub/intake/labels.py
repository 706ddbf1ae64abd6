"""The words a person reads for an enquiry's coded answers (the form's choices, the pages that
show an enquiry to staff)."""

from __future__ import annotations

from hub.intake.schemas import (
    AGE_BANDS,
    BEST_TIMES,
    CONTACT_METHODS,
    FOSTERING_NOW,
    INTERESTS,
    RIGHT_TO_LIVE,
)

INTEREST_LABELS = {
    "mainstream": "Fostering children and young people (mainstream)",
    "short_breaks": "Short breaks for disabled children",
    "parent_and_child": "Parent and child fostering",
    "emergency": "Emergency placements",
    "long_term": "Long-term fostering",
    "remand": "Remand fostering",
    "sibling_groups": "Brothers and sisters together",
    "not_sure": "I'm not sure yet",
    "child_i_know": "A child I already know (a grandchild, or a relative's or friend's child)",
}
CONTACT_LABELS = {
    "email": "Email",
    "phone": "Phone",
    "text": "Text message",
    "either": "Either is fine",
}
TIME_LABELS = {
    "morning": "Morning",
    "afternoon": "Afternoon",
    "evening": "Evening",
    "weekend": "Weekend",
    "any": "Any time",
}
assert set(INTEREST_LABELS) == set(INTERESTS)
assert set(CONTACT_LABELS) == set(CONTACT_METHODS) and set(TIME_LABELS) == set(BEST_TIMES)
AGE_BAND_LABELS = {
    "under_21": "Under 21",
    "21_to_34": "21 to 34",
    "35_to_49": "35 to 49",
    "50_to_64": "50 to 64",
    "65_or_over": "65 or over",
}
FOSTERING_NOW_LABELS = {
    "no": "No",
    "council": "Yes, with a council",
    "agency": "Yes, with a fostering agency",
}
RIGHT_TO_LIVE_LABELS = {"yes": "Yes", "no": "No", "not_sure": "I'm not sure"}
assert set(AGE_BAND_LABELS) == set(AGE_BANDS) and set(FOSTERING_NOW_LABELS) == set(FOSTERING_NOW)
assert set(RIGHT_TO_LIVE_LABELS) == set(RIGHT_TO_LIVE)
