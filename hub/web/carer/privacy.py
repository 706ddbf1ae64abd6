"""The privacy notice, its text read from configuration (``config/pages/privacy_notice.yaml``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

import config

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
