"""The hub's brand is configuration: name, colour, logo, public contact; the colour is checked
for WCAG AA contrast with white text when the settings are read."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from flask import render_template_string

from config.brand_colour import contrast_with_white
from config.settings import SettingsError, load_settings
from hub.app import create_app
from hub.web.ops.charts import bar_chart
from hub.web.shared.brand import FONT_STACK


def _client(hub_env, db, **more: str):
    settings = load_settings({**hub_env, **more})
    return create_app(settings, db=db).test_client()


def test_the_contrast_ratio_is_wcags() -> None:
    assert contrast_with_white("#000000") == pytest.approx(21.0)
    assert contrast_with_white("#ffffff") == pytest.approx(1.0)
    assert contrast_with_white("#767676") == pytest.approx(4.54, abs=0.01)  # the AA edge


@pytest.mark.parametrize("colour", ["#006d77", "#1d70b8", "#4C2C92", "#0b0c0c"])
def test_a_brand_colour_that_carries_white_text_is_accepted(colour: str) -> None:
    assert load_settings({"HUB_BRAND_COLOUR": colour}).brand_colour == colour


@pytest.mark.parametrize(
    ("colour", "words"),
    [
        ("#ffdd00", "1.35:1"),  # yellow: white text on it cannot be read
        ("#777777", "4.48:1"),  # just under AA
        ("teal", "#rrggbb"),
        ("#06d77", "#rrggbb"),
        ("#006d77; background: url(x)", "#rrggbb"),
    ],
)
def test_a_bad_brand_colour_stops_the_process_with_one_line_naming_it(
    colour: str, words: str
) -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings({"HUB_BRAND_COLOUR": colour})
    message = str(raised.value)
    assert message.startswith("HUB_BRAND_COLOUR ") and words in message and "\n" not in message


def test_a_logo_must_be_svg_or_png() -> None:
    with pytest.raises(SettingsError, match="HUB_BRAND_LOGO"):
        load_settings({"HUB_BRAND_LOGO": "/etc/hub/logo.gif"})


def test_the_page_has_the_generic_header_with_the_hubs_name(hub_env, db, geography) -> None:
    client = _client(hub_env, db, HUB_SERVICE_NAME="Foster East")
    page = client.get("/").get_data(as_text=True)
    header = page[page.index("<header") : page.index("</header>")]
    assert 'class="govuk-generic-header hub-generic-header"' in header
    assert "Foster East" in header
    assert "govuk-header__logotype" not in page and "crown" not in page.lower()
    assert 'href="/brand.css"' in page


def test_the_brand_colour_reaches_the_page_as_govuk_frontends_custom_property(
    hub_env, db, geography
) -> None:
    client = _client(hub_env, db, HUB_BRAND_COLOUR="#4C2C92")
    response = client.get("/brand.css")
    assert response.mimetype == "text/css"
    assert response.get_data(as_text=True) == ":root { --govuk-brand-colour: #4c2c92; }\n"
    page = client.get("/").get_data(as_text=True)
    assert '<meta name="theme-color" content="#4c2c92">' in page


def test_the_logo_is_served_beside_the_name_when_configured(
    hub_env, db, geography, tmp_path: Path
) -> None:
    logo = tmp_path / "logo.svg"
    logo.write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>')
    client = _client(hub_env, db, HUB_BRAND_LOGO=str(logo))
    page = client.get("/").get_data(as_text=True)
    assert '<img class="hub-brand-logo" src="/brand-logo" alt=""' in page
    response = client.get("/brand-logo")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"


def test_without_a_logo_there_is_none(client) -> None:
    assert "hub-brand-logo" not in client.get("/").get_data(as_text=True)
    assert client.get("/brand-logo").status_code == 404


def test_the_public_contact_is_in_the_footer(hub_env, db, geography) -> None:
    client = _client(
        hub_env,
        db,
        HUB_SERVICE_NAME="Foster East",
        HUB_PUBLIC_CONTACT_EMAIL="hello@fostereast.example",
        HUB_PUBLIC_CONTACT_PHONE="0800 000 0000",
    )
    page = client.get("/privacy").get_data(as_text=True)
    footer = page[page.index("<footer") : page.index("</footer>")]
    assert "Contact Foster East" in footer
    assert 'href="mailto:hello@fostereast.example"' in footer and "0800 000 0000" in footer


def test_without_a_public_contact_the_footer_promises_none(client) -> None:
    page = client.get("/").get_data(as_text=True)
    assert "Contact " not in page[page.index("<footer") : page.index("</footer>")]


def test_charts_are_drawn_in_the_pages_font_stack_and_brand_colour(app) -> None:
    chart = bar_chart("c", "Enquiries", "Bars", [("Kent", 12.0), ("Medway", None)])
    with app.test_request_context("/ops/reports"):
        svg = render_template_string(
            '{% from "ops/_bar_chart.html" import bar_chart with context %}{{ bar_chart(c) }}',
            c=chart,
        )
    assert "GDS Transport" not in svg
    assert f'font-family="{FONT_STACK}"' in html.unescape(svg)
    assert 'class="hub-chart__bar"' in svg and 'fill="#006d77"' in svg
