"""What every audience's pages share: the layout and templates, GOV.UK Frontend's assets, the
hub's own CSS and JS, error pages, security headers, the form-encoding guard, date inputs and
the API's documentation page.

The audiences (``hub.web.carer``, ``hub.web.staff``, ``hub.web.council``, ``hub.web.ops``)
import this room; it imports none of them.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint

WEB_ROOT = Path(__file__).resolve().parent.parent

# The templates of every page (hub/web/templates, one folder per audience) and the hub's own
# CSS and JS at /static/web/ (``url_for('web.static', ...)``).
web_shared = Blueprint(
    "web",
    __name__,
    template_folder=str(WEB_ROOT / "templates"),
    static_folder=str(WEB_ROOT / "static" / "hub"),
    static_url_path="/static/web",
)

# GOV.UK Frontend's built CSS, JS, fonts and images (scripts/update_govuk_frontend.sh), at the
# /assets/ path its CSS expects.
govuk_assets = Blueprint(
    "govuk_assets",
    __name__,
    static_folder=str(WEB_ROOT / "static" / "govuk"),
    static_url_path="/assets",
)
