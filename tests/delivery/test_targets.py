"""Safe targets: in production only https, and no loopback, private, link-local or metadata
address after DNS resolution (unless HUB_WEBHOOK_ALLOW_PRIVATE=true)."""

from __future__ import annotations

import pytest

from config.settings import load_settings
from hub.delivery.attempts import AttemptOutcome
from hub.delivery.manage_subscriptions import SubscriptionError
from hub.delivery.targets import UnsafeTargetError, check_target
from hub.delivery.webhook_sender import send_webhook
from hub.platform.models import utcnow
from tests.delivery.support import webhook
from tests.support.council import KENT
from tests.support.settings import PRODUCTION_PRIVACY, db_settings


def _prod(**extra: str):
    return load_settings(
        {
            "HUB_ENV": "production",
            "HUB_SECRET_KEY": "s" * 32,
            "HUB_ENCRYPTION_KEYS": "k1:ZGV2LW9ubHkta2V5LWZvci1sb2NhbC11c2UtMzJiISE=",
            "HUB_DATABASE_URL": "postgresql://hub@db/hub",
            "HUB_REDIS_URL": "redis://redis:6379/0",
            "HUB_PUBLIC_BASE_URL": "https://enquiries.example.org",
            **PRODUCTION_PRIVACY,
            **extra,
        }
    )


def _resolves_to(address: str):
    return lambda host, port: [address]


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://10.0.0.1/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hook",
        "https://192.168.1.20/hook",
        "https://100.64.0.1/hook",
    ],
)
def test_production_refuses_internal_addresses(url: str) -> None:
    with pytest.raises(UnsafeTargetError):
        check_target(url, production=True, allow_private=False)


def test_production_refuses_a_name_that_resolves_to_a_private_address() -> None:
    with pytest.raises(UnsafeTargetError, match="private"):
        check_target(
            "https://hooks.council.example/x",
            production=True,
            allow_private=False,
            resolver=_resolves_to("10.20.30.40"),
        )


def test_production_refuses_plain_http() -> None:
    with pytest.raises(UnsafeTargetError, match="https"):
        check_target(
            "http://hooks.council.example/x",
            production=True,
            allow_private=False,
            resolver=_resolves_to("151.101.2.10"),
        )


def test_production_accepts_a_public_https_address() -> None:
    target = check_target(
        "https://hooks.council.example/x",
        production=True,
        allow_private=False,
        resolver=_resolves_to("151.101.2.10"),
    )
    assert (target.host, target.address, target.port) == (
        "hooks.council.example",
        "151.101.2.10",
        443,
    )


def test_an_on_premises_council_may_be_allowed_private_but_never_metadata() -> None:
    check_target("https://10.0.0.1/hook", production=True, allow_private=True)
    with pytest.raises(UnsafeTargetError, match="metadata"):
        check_target("https://169.254.169.254/", production=True, allow_private=True)


def test_development_allows_loopback_but_not_private() -> None:
    check_target("http://127.0.0.1:8080/hook", production=False, allow_private=False)
    with pytest.raises(UnsafeTargetError):
        check_target("http://10.0.0.1/hook", production=False, allow_private=False)


def test_the_sender_refuses_without_connecting_in_production(receiver) -> None:
    result = send_webhook(
        _prod(),
        receiver.url.replace("http://", "https://"),
        ["whsec_" + "A" * 44],
        "msg_1",
        {"type": "referral.routed"},
        utcnow(),
    )
    assert result.outcome is AttemptOutcome.FAILED
    assert result.error is not None and result.error.startswith("refused")
    assert receiver.received == []


def test_subscribing_an_unsafe_url_is_refused_in_production(db, settings) -> None:
    with db_settings(db, _prod(HUB_DATABASE_URL=settings.resolved_database_url)):
        with pytest.raises(SubscriptionError, match="loopback"):
            webhook(db, KENT, "https://127.0.0.1/hook")
