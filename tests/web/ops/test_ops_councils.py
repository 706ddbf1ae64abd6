"""``/ops/councils``: the directory with readiness; the referrals at councils not ready on the
dashboard, its own list and /metrics."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from tests.support.council import BIRMINGHAM, KENT, routed
from tests.support.readiness import staff_signed_in
from tests.web.ops_support import BROWSER, figure
from tests.web.staff_support import sign_in


def _page(client, path: str) -> str:
    response = client.get(path, headers=BROWSER)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def _gauge(client, name: str) -> float:
    text = client.get("/metrics").get_data(as_text=True)
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name:
                return float(sample.value)
    raise AssertionError(f"no gauge {name}")


def test_the_councils_page_lists_153_with_their_hub_contact_target_and_readiness(
    client, db
) -> None:
    staff_signed_in(db, BIRMINGHAM)
    sign_in(client, db, hub_operator=True)
    html = _page(client, "/ops/councils")
    assert "153/153 with a hub-or-none, 20 with a public contact" in html
    assert html.count('<tr class="govuk-table__row" id="council-') == 153
    kent = html.split(f'id="council-{KENT}"', 1)[1].split("</tr>", 1)[0]
    assert "Local Authority Fostering South East" in kent and "0300 131 2797" in kent
    assert "Not confirmed" in kent and "Not ready" in kent
    birmingham = html.split(f'id="council-{BIRMINGHAM}"', 1)[1].split("</tr>", 1)[0]
    assert "Missing" in birmingham and ">Ready<" in birmingham
    not_ready = _page(client, "/ops/councils?show=not-ready")
    assert f'id="council-{BIRMINGHAM}"' not in not_ready and f'id="council-{KENT}"' in not_ready


def test_one_council_shows_each_fact_with_its_source(client, db) -> None:
    sign_in(client, db, hub_operator=True)
    html = _page(client, f"/ops/councils/{KENT}")
    assert "rules file cluster" in html and "shared/FACTS.md" in html
    assert "not confirmed: not promised to enquirers" in html
    assert "No: no live channel" in html
    assert client.get("/ops/councils/E99999999", headers=BROWSER).status_code == 404


def test_a_referral_at_a_council_not_ready_is_on_the_dashboard_its_list_and_metrics(
    client, db
) -> None:
    reference = routed(client, db)  # Kent: nobody signed in yet
    sign_in(client, db, hub_operator=True)  # an operator: Kent is still not ready
    dashboard = _page(client, "/ops/")
    assert figure(dashboard, "not-ready") == "1"
    assert "held by councils that cannot receive them yet" in dashboard
    listing = _page(client, "/ops/councils/not-ready")
    assert f'id="not-ready-{reference}"' in listing and ">Kent</a>" in listing
    assert _gauge(client, "hub_referrals_at_not_ready_councils") == 1.0
    staff_signed_in(db, KENT)
    assert figure(_page(client, "/ops/"), "not-ready") == "0"
    assert _gauge(client, "hub_referrals_at_not_ready_councils") == 0.0


def test_council_staff_cannot_see_the_councils_pages(client, db) -> None:
    sign_in(client, db, council=KENT)
    assert client.get("/ops/councils", headers=BROWSER).status_code in (403, 404)
