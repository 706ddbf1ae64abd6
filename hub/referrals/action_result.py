"""What a council or operator action answers: where the referral stands now."""

from __future__ import annotations

from typing import Any

from hub.enquiries.models import Enquiry


def action_result(enquiry: Enquiry, *, changed: bool) -> dict[str, Any]:
    return {
        "reference": enquiry.reference,
        "status": enquiry.status,
        "authority_code": enquiry.authority_code,
        "acknowledged_at": enquiry.acknowledged_at,
        "changed": changed,
    }
