"""Safe webhook targets: what a URL may point at, checked after DNS resolution.

In production only ``https`` is sent, and an address that is loopback, private, link-local
(cloud metadata lives there), multicast, reserved or shared (CGNAT) is refused, unless
``HUB_WEBHOOK_ALLOW_PRIVATE=true`` for an on-premises council. Development and test allow
loopback (and plain http) so the embedded hub can be tried against a local receiver. The
sender then connects to the address that was checked, so a second DNS answer cannot swap it.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]

METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200")
)
SHARED_NETWORK = ipaddress.ip_network("100.64.0.0/10")


class UnsafeTargetError(ValueError):
    """The URL may not be sent to (its scheme, or an address it resolves to)."""


@dataclass(frozen=True, slots=True)
class Target:
    """A checked URL and the address to connect to."""

    url: str
    scheme: str
    host: str
    port: int
    address: str


def system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def _refusal(address: IPAddress, *, production: bool, allow_private: bool) -> str | None:
    if address in METADATA_ADDRESSES:
        return "a cloud metadata address"
    if allow_private:
        return None
    if address.is_loopback:
        return None if not production else "a loopback address"
    if address.is_link_local:
        return "a link-local address"
    if address.is_private or address in SHARED_NETWORK:
        return "a private address"
    if address.is_multicast or address.is_reserved or address.is_unspecified:
        return "a reserved address"
    return None


def check_target(
    url: str, *, production: bool, allow_private: bool, resolver: Resolver = system_resolver
) -> Target:
    """Parse and resolve ``url``; raise UnsafeTargetError when it may not be sent to."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in {"https", "http"} or not parts.hostname:
        raise UnsafeTargetError("a webhook URL must be an absolute http(s) URL")
    if production and scheme != "https":
        raise UnsafeTargetError("in production a webhook URL must use https")
    if parts.username or parts.password:
        raise UnsafeTargetError("a webhook URL may not carry credentials")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError as exc:
        raise UnsafeTargetError("the URL's port is not valid") from exc
    host = parts.hostname
    try:
        literal: IPAddress | None = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    try:
        answers = [host] if literal is not None else resolver(host, port)
    except OSError as exc:
        raise UnsafeTargetError(f"the host name did not resolve ({type(exc).__name__})") from exc
    if not answers:
        raise UnsafeTargetError("the host name did not resolve")
    addresses = [ipaddress.ip_address(a.split("%", 1)[0]) for a in answers]
    for address in addresses:
        why = _refusal(address, production=production, allow_private=allow_private)
        if why is not None:
            raise UnsafeTargetError(f"the URL resolves to {why}")
    return Target(url, scheme, host, port, str(addresses[0]))
