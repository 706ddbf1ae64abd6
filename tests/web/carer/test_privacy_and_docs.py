"""The privacy notice comes from configuration; /docs loads nothing from another origin."""

from __future__ import annotations

import re

from hub.rules.tracking_policy import RetentionPeriods
from hub.web.carer.privacy import load_privacy_notice, with_retention


def test_the_privacy_notice_says_what_the_law_asks(client) -> None:
    page = client.get("/privacy").get_data(as_text=True)
    notice = load_privacy_notice()
    assert notice["title"] in page
    for words in (
        "data controller",
        "public task",
        "Article 9(2)(g)",  # the special-category condition
        "Who receives your enquiry",
        "3 years after your last contact",
        "10 years after your approval ends",
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


def test_the_notice_states_the_periods_the_retention_job_applies() -> None:
    periods = RetentionPeriods(no_application_years=2, withdrawn_years=4, approved_years=12)
    items = next(
        section["items"]
        for section in with_retention(load_privacy_notice(), periods, signposted_days=30)[
            "sections"
        ]
        if section["heading"] == "How long we keep it"
    )
    assert items == [
        "if you do not go on to apply: 2 years after your last contact with us",
        "if you apply and withdraw, or your application is refused: 4 years",
        "if you are approved as a foster carer: 12 years after your approval ends",
        "if you live outside England and we pointed you to a service there: 30 days",
    ]
