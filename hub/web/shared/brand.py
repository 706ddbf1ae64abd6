"""The hub's brand on every page: its name, colour, logo and public contact, from settings.

A service that is not on GOV.UK uses the GOV.UK Design System but not GOV.UK's brand (GOV.UK
guidance "Use GOV.UK domains and the GOV.UK Design System"; GOV.UK Frontend's page "Using GOV.UK
Frontend without GOV.UK branding"). So by default the pages have GOV.UK Frontend's generic
header with the hub's name and logo, GOV.UK Frontend built with a system font stack and the
hub's own icons (``hub/web/static/govuk``, built by ``scripts/update_govuk_frontend.sh``), and
the brand colour from ``HUB_BRAND_COLOUR``. A deployment on GOV.UK (``HUB_ON_GOV_UK=true``)
serves GOV.UK Frontend's own assets instead (``hub/web/static/govuk-on-gov-uk``).

The colour reaches the page as one CSS custom property in a small stylesheet, ``/brand.css``:
the pages' Content-Security-Policy allows no inline style, and every GOV.UK Frontend component
reads ``--govuk-brand-colour``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, Flask, Response, abort, send_file

from config.settings import Settings

WEB_ROOT = Path(__file__).resolve().parent.parent
HUB_ASSETS = WEB_ROOT / "static" / "govuk"
GOV_UK_ASSETS = WEB_ROOT / "static" / "govuk-on-gov-uk"

# The font stack GOV.UK Frontend is built with (scripts/govuk_frontend/hub.scss), and GOV.UK's.
FONT_STACK = '"Helvetica Neue", Helvetica, Arial, sans-serif'
GOV_UK_FONT_STACK = '"GDS Transport", arial, sans-serif'
LOGO_TYPES = {".svg": "image/svg+xml", ".png": "image/png"}


@dataclass(frozen=True, slots=True)
class Brand:
    """What the layout shows of the hub's brand."""

    service_name: str
    colour: str
    has_logo: bool
    contact_email: str
    contact_phone: str
    on_gov_uk: bool

    @property
    def font_family(self) -> str:
        return GOV_UK_FONT_STACK if self.on_gov_uk else FONT_STACK

    @property
    def stylesheet(self) -> str:
        """``/brand.css``: the brand colour as GOV.UK Frontend's custom property."""
        return f":root {{ --govuk-brand-colour: {self.colour}; }}\n"


def brand_of(settings: Settings) -> Brand:
    """The brand a hub's settings describe (the colour already checked by load_settings)."""
    return Brand(
        service_name=settings.service_name.strip(),
        colour=settings.brand_colour.lower(),
        has_logo=bool(settings.brand_logo),
        contact_email=settings.public_contact_email.strip(),
        contact_phone=settings.public_contact_phone.strip(),
        on_gov_uk=settings.on_gov_uk,
    )


def govuk_assets_for(settings: Settings) -> Blueprint:
    """GOV.UK Frontend's CSS, JS and images at ``/assets/``: the hub's unbranded build, or
    GOV.UK's own for a service on GOV.UK. The same file names either way, so templates ask
    for ``url_for('govuk_assets.static', ...)`` without knowing which."""
    return Blueprint(
        "govuk_assets",
        __name__,
        static_folder=str(GOV_UK_ASSETS if settings.on_gov_uk else HUB_ASSETS),
        static_url_path="/assets",
    )


def register_brand(app: Flask, settings: Settings) -> None:
    """The brand in every template (``brand``), ``/brand.css`` and ``/brand-logo``."""
    brand = brand_of(settings)
    app.register_blueprint(govuk_assets_for(settings))

    @app.context_processor
    def _brand() -> dict[str, Brand]:
        return {"brand": brand}

    @app.get("/brand.css", endpoint="brand_css")
    def brand_css() -> Response:
        response = Response(brand.stylesheet, mimetype="text/css")
        response.cache_control.public = True
        response.cache_control.max_age = 3600
        return response

    @app.get("/brand-logo", endpoint="brand_logo")
    def brand_logo() -> Response:
        if not settings.brand_logo:
            abort(404)
        path = Path(settings.brand_logo)
        return send_file(path, mimetype=LOGO_TYPES[path.suffix.lower()], max_age=3600)
