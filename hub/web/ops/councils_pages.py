"""``/ops/councils``: every council's hub, contact, target and readiness; one council; and the
referrals held by councils that are not ready (which operators must make sure arrive)."""

from __future__ import annotations

from flask import abort, render_template, request

from hub.geo import find_authority_name
from hub.platform.extensions import get_db
from hub.platform.models import utcnow
from hub.web.ops.blueprint import bp
from hub.web.ops.read_councils import read_councils, read_not_ready
from hub.web.staff.session import operator_required


@bp.get("/councils")
@operator_required
def councils() -> str:
    """Every council, or only those not ready (``?show=not-ready``)."""
    view = read_councils(get_db(), utcnow())
    only_not_ready = request.args.get("show") == "not-ready"
    rows = [r for r in view.rows if not only_not_ready or not r.readiness.ready]
    return render_template(
        "ops/councils.html", view=view, rows=rows, only_not_ready=only_not_ready, nav="councils"
    )


@bp.get("/councils/not-ready")
@operator_required
def not_ready() -> str:
    """Referrals waiting at councils with no live channel, oldest first."""
    backlog = read_not_ready(get_db(), utcnow())
    return render_template(
        "ops/councils_not_ready.html",
        backlog=backlog,
        council_name=find_authority_name,
        nav="councils",
    )


@bp.get("/councils/<code>")
@operator_required
def council(code: str) -> str:
    """One council: each fact with its source, and its channels."""
    view = read_councils(get_db(), utcnow())
    row = view.row(code.upper())
    if row is None:
        abort(404)
    return render_template("ops/council.html", row=row, view=view, nav="councils")
