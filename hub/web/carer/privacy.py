"""The privacy notice, its text read from configuration (``config/pages/privacy_notice.yaml``).

How long the hub keeps an enquiry is not written in the notice: its ``{no_application_years}``,
``{withdrawn_years}`` and ``{approved_years}`` are filled from the rules file's retention
periods, the ones the retention job applies.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

import config
from hub.rules.tracking_policy import RetentionPeriods

PRIVACY_NOTICE_PATH = Path(config.__file__).parent / "pages" / "privacy_notice.yaml"
REQUIRED = ("title", "summary", "sections")


class PrivacyNoticeError(ValueError):
    """The privacy notice file is missing something the page needs."""


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


def with_retention(notice: Any, periods: RetentionPeriods, *, signposted_days: int) -> Any:
    """The notice with the retention periods written into its text."""
    if isinstance(notice, str):
        return notice.format_map(
            {
                "no_application_years": periods.no_application_years,
                "withdrawn_years": periods.withdrawn_years,
                "approved_years": periods.approved_years,
                "signposted_days": signposted_days,
            }
        )
    if isinstance(notice, dict):
        return {
            key: with_retention(value, periods, signposted_days=signposted_days)
            for key, value in notice.items()
        }
    if isinstance(notice, list):
        return [with_retention(value, periods, signposted_days=signposted_days) for value in notice]
    return notice
