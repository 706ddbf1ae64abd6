"""Sending one signed webhook: checked target, timeouts, no redirects, a capped body read."""

from __future__ import annotations

import json
import ssl
import time
from datetime import datetime
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import certifi
import httpx

from config.settings import Settings
from hub.delivery.attempts import AttemptOutcome, AttemptResult, outcome_for_status
from hub.delivery.retry_schedule import parse_retry_after
from hub.delivery.signing import signed_headers
from hub.delivery.targets import Resolver, Target, UnsafeTargetError, check_target, system_resolver

MAX_BODY_BYTES = 4096
EXCERPT_CHARS = 200
USER_AGENT = "fostering-hub-webhooks/1"


@lru_cache(maxsize=1)
def tls_context() -> ssl.SSLContext:
    """One verifying TLS context per process: building one costs ~100 ms of CPU."""
    return ssl.create_default_context(cafile=certifi.where())


def payload_body(payload: dict[str, Any]) -> str:
    """The exact bytes that are signed and sent (compact, stable key order)."""
    return json.dumps(payload, separators=(",", ":"), sort_keys=True)


def _pinned_url(target: Target) -> str:
    parts = urlsplit(target.url)
    host = f"[{target.address}]" if ":" in target.address else target.address
    return urlunsplit((parts.scheme, f"{host}:{target.port}", parts.path or "/", parts.query, ""))


def send_webhook(
    settings: Settings,
    url: str,
    signing_secrets: list[str],
    webhook_id: str,
    payload: dict[str, Any],
    now: datetime,
    *,
    resolver: Resolver = system_resolver,
) -> AttemptResult:
    """POST the payload once and say how it went (never raises for the receiver's faults)."""
    try:
        target = check_target(
            url,
            production=settings.is_production,
            allow_private=settings.webhook_allow_private,
            resolver=resolver,
        )
    except UnsafeTargetError as exc:
        return AttemptResult(AttemptOutcome.FAILED, error=f"refused: {exc}"[:200])
    body = payload_body(payload)
    default_port = 443 if target.scheme == "https" else 80
    headers = {
        **signed_headers(signing_secrets, webhook_id, now, body),
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "host": target.host if target.port == default_port else f"{target.host}:{target.port}",
    }
    extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
    timeout = httpx.Timeout(settings.webhook_read_timeout, connect=settings.webhook_connect_timeout)
    deadline = time.monotonic() + settings.webhook_connect_timeout + settings.webhook_read_timeout
    try:
        with (
            httpx.Client(
                timeout=timeout, follow_redirects=False, trust_env=False, verify=tls_context()
            ) as client,
            client.stream(
                "POST",
                _pinned_url(target),
                content=body.encode(),
                headers=headers,
                extensions=extensions,
            ) as response,
        ):
            received = bytearray()
            for chunk in response.iter_bytes():
                received.extend(chunk)
                if len(received) >= MAX_BODY_BYTES or time.monotonic() > deadline:
                    break
            excerpt = bytes(received[:MAX_BODY_BYTES]).decode("utf-8", "replace")
            outcome = outcome_for_status(response.status_code)
            retry_after = (
                parse_retry_after(response.headers.get("retry-after"), now)
                if response.status_code in (429, 503)
                else None
            )
            return AttemptResult(
                outcome,
                status_code=response.status_code,
                error=None
                if outcome is AttemptOutcome.DELIVERED
                else f"HTTP {response.status_code}",
                retry_after=retry_after,
                excerpt=" ".join(excerpt.split())[:EXCERPT_CHARS] or None,
            )
    except httpx.HTTPError as exc:
        return AttemptResult(AttemptOutcome.RETRY, error=f"{type(exc).__name__}"[:200])
