"""Shared by the ops page tests: a browser's headers, a page's CSRF token, its figures."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from hub.platform.db import Database
from tests.support.council import routed
from tests.web.journey import BROWSER, csrf_from

UNKNOWN_POSTCODE = "ZZ9 9ZZ"  # well-formed, not in the directory: triage
SPLIT_SECTOR = "ME5 9"  # a part-postcode: Medway 53%, Kent 47%: triage

__all__ = ["BROWSER", "SPLIT_SECTOR", "UNKNOWN_POSTCODE", "csrf_from", "figure", "in_triage"]


def figure(html: str, name: str) -> str:
    """The text of the dashboard cell marked ``data-figure=name``."""
    match = re.search(rf'data-figure="{re.escape(name)}">([^<]*)<', html)
    assert match, f"no figure {name}"
    return match.group(1).strip()


def in_triage(
    client: FlaskClient, db: Database, postcode: str = UNKNOWN_POSTCODE, **more: str
) -> str:
    """An enquiry submitted through the API and routed (to triage) in this process."""
    return routed(client, db, postcode=postcode, **more)
