"""The privacy notice comes from configuration; /docs loads nothing from another origin."""

from __future__ import annotations

import re

from hub.web.carer.privacy import load_privacy_notice


def test_the_privacy_notice_says_what_the_law_asks(client) -> None:
    page = client.get("/privacy").get_data(as_text=True)
    notice = load_privacy_notice()
    assert notice["title"] in page
    for words in (
        "data controller",  # named by HUB_PRIVACY_CONTROLLERS (test_privacy_notice_is_true)
        "public task",
        "Article 9(2)(g)",  # the special-category condition
        "Who receives your enquiry",
        "3 years after the last thing that happened on your enquiry",
        "10 years after you stop",
        "Your rights",
        "Information Commissioner",
    ):
        assert words in page, words


def test_the_form_links_the_privacy_notice_where_it_asks_for_consent(client) -> None:
    page = client.get("/enquire/your-information").get_data(as_text=True)
    assert 'href="/privacy"' in page and "I have read the privacy notice" in page


def test_docs_serve_swagger_ui_from_the_package(client) -> None:
    page = client.get("/docs").get_data(as_text=True)
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources and all(source.startswith("/") for source in sources), sources
    for source in sources:
        assert client.get(source).status_code == 200, source
    init = client.get("/static/web/swagger-init.js").get_data(as_text=True)
    assert "validatorUrl: null" in init


def test_pages_load_no_asset_from_another_origin(client) -> None:
    for path in ("/", "/enquire/contact", "/privacy"):
        page = client.get(path).get_data(as_text=True)
        for source in re.findall(r'(?:src|href)="([^"]+)"', page):
            if source.startswith(("http://", "https://")):
                assert source.startswith("https://") and "<a" in page  # links out only
        for asset in re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', page):
            assert asset.startswith("/"), asset
            assert client.get(asset).status_code == 200, asset
