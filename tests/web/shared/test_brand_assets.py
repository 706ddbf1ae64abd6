"""The assets a hub serves carry none of GOV.UK's brand unless it runs on GOV.UK.

GOV.UK Frontend is built from its Sass (scripts/update_govuk_frontend.sh) with a system font
stack: no GDS Transport ``@font-face``, no font files, no crown or crest, and the hub's own
icons under GOV.UK Frontend's file names.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from config.settings import load_settings
from hub.app import create_app
from hub.web.shared.brand import FONT_STACK, GOV_UK_ASSETS, HUB_ASSETS

ICONS = (
    "favicon.ico",
    "favicon.svg",
    "govuk-icon-180.png",
    "govuk-icon-192.png",
    "govuk-icon-512.png",
    "govuk-icon-mask.svg",
)
# SHA-256 of GOV.UK Frontend 6.3.0's images (dist/govuk/assets/images): the crown favicon and
# icons, the royal crest and the GOV.UK Open Graph image.
GOV_UK_IMAGE_HASHES = {
    "dcd99aa1df9a5d4f631e65921c911ca6def7775a1c49caad7d01511adb62557f",
    "2ed10a5597b0c04baaec02a251b5b91bbe53999b9a07a6c63ece15e1cf56c529",
    "7d2c3ed8618f9e43cfe993c3e1a2986000f28f43489b537b75900fefd10437a2",
    "8fe4e0991c067785d04f38e9b1dc1d7cf4e0b29725300bf9cc9ba62c0b399054",
    "63a6c99cae48ef4e846c820f2005707ec019ad37851aa03724c9364be3a71136",
    "058107019d7cba9ea6da801a2ad8ca6abc2e40778f6ecc0383c19c3a42a8ea3a",
    "3746775d944f1f2ec68414a66f327414cc4287343a0ac0672f72f08db1fdc474",
    "ec769b07c1e4564230a4e1f7400d8b7cb2c8694b113f988d51d989cfbf855caa",
}
FONT_SUFFIXES = {".woff", ".woff2", ".ttf", ".otf", ".eot"}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_shipped_css_has_no_font_face_and_no_gds_transport() -> None:
    css = (HUB_ASSETS / "govuk-frontend.min.css").read_text(encoding="utf-8")
    assert "@font-face" not in css
    assert "GDS Transport" not in css
    assert f"font-family:{FONT_STACK.replace(', ', ',')}" in css  # the system stack instead


def test_the_shipped_css_names_no_crest_and_no_file_it_does_not_ship() -> None:
    css = (HUB_ASSETS / "govuk-frontend.min.css").read_text(encoding="utf-8")
    assert "crest" not in css
    for url in re.findall(r"url\(['\"]?(/assets/[^'\")]+)", css):
        assert (HUB_ASSETS / url.removeprefix("/assets/")).is_file(), url


def test_the_shipped_css_is_the_pinned_govuk_frontend_built_with_a_fallback_brand_colour() -> None:
    css = (HUB_ASSETS / "govuk-frontend.min.css").read_text(encoding="utf-8")
    version = (HUB_ASSETS / "VERSION").read_text(encoding="utf-8").strip()
    assert f'--govuk-frontend-version: "{version}"' in css
    assert "--govuk-brand-colour: #006d77" in css  # the default of HUB_BRAND_COLOUR


def test_no_font_files_and_no_crown_images_are_shipped_for_a_hub_off_gov_uk() -> None:
    files = [path for path in HUB_ASSETS.rglob("*") if path.is_file()]
    assert not [path for path in files if path.suffix in FONT_SUFFIXES]
    assert not [path for path in files if "crest" in path.name or "opengraph" in path.name]
    assert not [path for path in files if _sha256(path) in GOV_UK_IMAGE_HASHES]


@pytest.mark.parametrize("name", ICONS)
def test_each_icon_is_the_hubs_own_under_govuk_frontends_file_name(name: str) -> None:
    ours = HUB_ASSETS / "images" / name
    assert ours.is_file()
    assert _sha256(ours) not in GOV_UK_IMAGE_HASHES
    assert _sha256(ours) != _sha256(GOV_UK_ASSETS / "images" / name)


def test_the_svg_favicon_is_the_hubs_mark_not_the_crown() -> None:
    svg = (HUB_ASSETS / "images" / "favicon.svg").read_text(encoding="utf-8")
    assert 'fill="#006d77"' in svg and "1D70B8" not in svg.upper()


def test_a_hub_off_gov_uk_serves_no_font_and_no_crown(client) -> None:
    assert client.get("/assets/govuk-frontend.min.css").status_code == 200
    assert client.get("/assets/images/favicon.ico").status_code == 200
    assert client.get("/assets/fonts/bold-b542beb274-v2.woff2").status_code == 404
    assert client.get("/assets/images/govuk-crest.svg").status_code == 404


def test_a_hub_on_gov_uk_serves_govuk_frontends_own_assets(hub_env, db, geography) -> None:
    settings = load_settings({**hub_env, "HUB_ON_GOV_UK": "true"})
    client = create_app(settings, db=db).test_client()
    css = client.get("/assets/govuk-frontend.min.css").get_data(as_text=True)
    assert "GDS Transport" in css and "@font-face" in css
    assert client.get("/assets/fonts/bold-b542beb274-v2.woff2").status_code == 200
    assert client.get("/assets/images/govuk-crest.svg").status_code == 200
    page = client.get("/").get_data(as_text=True)
    assert "govuk-generic-header" not in page  # GOV.UK's frame, not the hub's own header
