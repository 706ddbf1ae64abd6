"""The hub's own links that leave it, in webhooks and e-mails: built by endpoint, not by hand.

Webhooks and e-mails are made in the worker, and by use cases that commands and tests call
directly: there is no request and no Flask app there, so ``flask.url_for`` cannot build them,
and this room sits below the web and API rooms whose routes they name. So the few routes a
link can point at are written here once, as werkzeug rules (the routing Flask itself uses)
named by the app's own endpoints, and links are built from an endpoint and its values. A test
(``tests/delivery/test_links.py``) checks that each rule builds exactly what the app's
``url_for`` builds for the same endpoint, so a moved route cannot leave a link behind.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule

# The API routes a webhook or e-mail links (a program follows these with its token).
API_RULES = Map(
    [
        Rule("/v1/council/referrals/<reference>", endpoint="council.referral"),
        Rule("/v1/council/referrals/<reference>/journey", endpoint="council_tracking.journey"),
        Rule("/v1/council/notices", endpoint="council.notices"),
        Rule("/v1/council/follow-ups", endpoint="council_tracking.council_follow_ups"),
        Rule("/v1/council/deliveries", endpoint="council_deliveries.council_deliveries"),
        Rule("/v1/ops/enquiries/<reference>/decisions", endpoint="ops.decisions"),
        Rule("/v1/ops/deliveries", endpoint="ops_deliveries.ops_deliveries"),
        Rule("/v1/ops/clocks", endpoint="ops_tracking.clocks"),
    ]
)

# The pages an e-mail links (a person opens these, signing in if need be).
PAGE_RULES = Map(
    [
        Rule("/", endpoint="carer.start"),
        Rule("/privacy", endpoint="carer.privacy_notice"),
        Rule("/your-enquiry/link/<token>", endpoint="own_enquiry.open_link"),
        Rule("/sign-in", endpoint="staff_sign_in.sign_in"),
        Rule("/sign-in/link/<token>", endpoint="staff_sign_in.open_link"),
        Rule("/council/referrals/<reference>", endpoint="council_pages.referral"),
        Rule("/council/notices", endpoint="council_more_pages.notices"),
        Rule("/council/follow-ups", endpoint="council_more_pages.follow_ups"),
        Rule("/council/deliveries", endpoint="council_more_pages.deliveries"),
        Rule("/ops/", endpoint="ops_pages.dashboard"),
        Rule("/ops/triage/<reference>", endpoint="ops_pages.triage_case"),
        Rule("/ops/deliveries", endpoint="ops_pages.deliveries"),
    ]
)

# The page that shows a person what an API link returns to a program (an e-mail links the
# page; a webhook keeps the API link). The page takes the link's path values, not its query.
PAGE_FOR_API = {
    "council.referral": "council_pages.referral",
    "council_tracking.journey": "council_pages.referral",
    "council.notices": "council_more_pages.notices",
    "council_tracking.council_follow_ups": "council_more_pages.follow_ups",
    "council_deliveries.council_deliveries": "council_more_pages.deliveries",
    "ops.decisions": "ops_pages.triage_case",
    "ops_deliveries.ops_deliveries": "ops_pages.deliveries",
    "ops_tracking.clocks": "ops_pages.dashboard",
}

_API = API_RULES.bind("")
_PAGES = PAGE_RULES.bind("")


def api_path(endpoint: str, **values: Any) -> str:
    """The path (and query: values the route does not take) of an API route."""
    return _API.build(endpoint, values)


def page_path(endpoint: str, **values: Any) -> str:
    """The path (and query) of a page."""
    return _PAGES.build(endpoint, values)


def public_url(base_url: str, path: str) -> str:
    """``path`` on the hub's public base URL (``HUB_PUBLIC_BASE_URL``; the path alone when
    none is set)."""
    base = base_url.rstrip("/")
    return f"{base}{path}" if base else path


def page_link(url: str) -> str:
    """The page for an API link (same host), or the link itself when no page shows it."""
    parts = urlsplit(url)
    try:
        endpoint, values = _API.match(parts.path, method="GET")
    except HTTPException:  # not one of the API links above (NotFound, a redirect)
        return url
    page = page_path(PAGE_FOR_API[str(endpoint)], **values)
    return f"{parts.scheme}://{parts.netloc}{page}" if parts.netloc else page
