"""``/ops/reports/ofsted``: Ofsted's fostering data return for every council, counts under 5
suppressed because the figures cross councils. The tracking room builds and audits it."""

from __future__ import annotations

from flask import Response

from hub.referrals.decide import authority_name
from hub.web.ops.blueprint import bp
from hub.web.staff.ofsted_page import ofsted_return_page
from hub.web.staff.session import operator_required


def _label(key: str) -> str:
    return "All councils" if key == "all" else authority_name(key)


@bp.get("/reports/ofsted")
@operator_required
def ofsted_return() -> Response | tuple[str, int]:
    return ofsted_return_page(
        "ops/ofsted_return.html", "ops_pages.ofsted_return", _label, nav="ofsted"
    )
