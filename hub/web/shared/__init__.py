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

# GOV.UK Frontend's assets at /assets/ are registered by brand.register_brand: which set is
# served depends on whether the hub runs on GOV.UK.
