"""The words a person reads for an enquiry's coded answers (the form's choices, the pages that
show an enquiry to staff)."""

from __future__ import annotations

from hub.intake.schemas import BEST_TIMES, CONTACT_METHODS, INTERESTS

INTEREST_LABELS = {
    "mainstream": "Fostering children and young people (mainstream)",
    "short_breaks": "Short breaks for disabled children",
    "parent_and_child": "Parent and child fostering",
    "emergency": "Emergency placements",
    "long_term": "Long-term fostering",
    "remand": "Remand fostering",
    "sibling_groups": "Brothers and sisters together",
    "not_sure": "I'm not sure yet",
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
