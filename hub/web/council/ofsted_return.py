"""``/council/reports/ofsted``: the council's own Ofsted fostering data return, every count
shown (it crosses no council). The tracking room builds and audits it."""

from __future__ import annotations

from flask import Blueprint, Response

from hub.web.staff.display import council_name
from hub.web.staff.ofsted_page import ofsted_return_page
from hub.web.staff.session import council_staff_required

bp = Blueprint("council_ofsted_pages", __name__, url_prefix="/council")


def _label(key: str) -> str:
    return "All your councils" if key == "all" else council_name(key)


@bp.get("/reports/ofsted")
@council_staff_required
def ofsted_return() -> Response | tuple[str, int]:
    return ofsted_return_page(
        "council/ofsted_return.html", "council_ofsted_pages.ofsted_return", _label
    )
