"""Safe webhook targets: what a URL may point at, checked after DNS resolution.

In production only ``https`` is sent, and only to public addresses. Everything else is
refused: loopback, unspecified (``0.0.0.0``, ``::``), link-local (cloud metadata and the
container credential endpoint live there), multicast, broadcast, private, shared (CGNAT),
documentation and other reserved ranges. ``HUB_WEBHOOK_ALLOW_PRIVATE=true``, for an
on-premises council, adds exactly the RFC 1918 ranges and IPv6 unique-local ``fc00::/7``.
Development and test add loopback itself (and plain http) so the embedded hub can be tried
against a local receiver. Cloud metadata addresses are refused in every case.

An IPv6 address can carry an IPv4 one (IPv4-mapped, IPv4-compatible, NAT64, 6to4, Teredo),
and a packet sent to it may reach that IPv4 address, so both are judged and either can
refuse: the embedded address as IPv4 (never with development's loopback allowance: a local
receiver is reached at 127.0.0.1 or ::1), and the IPv6 form for what it is (IPv4-mapped,
well-known NAT64, 6to4 and Teredo are only a way to reach their IPv4 address; the forms
that cannot be trusted are refused). The sender then connects to the address that was
checked, so a second DNS answer cannot swap it.
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
BROADCAST = ipaddress.IPv4Address("255.255.255.255")
# What HUB_WEBHOOK_ALLOW_PRIVATE adds, and nothing more.
PRIVATE_NETWORKS = tuple(
    ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7")
)
# Prefixes whose last 32 bits are an IPv4 address (IPv4-mapped is ``ipv4_mapped``).
IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")
NAT64_WELL_KNOWN = ipaddress.IPv6Network("64:ff9b::/96")
NAT64_LOCAL_USE = ipaddress.IPv6Network("64:ff9b:1::/48")


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


def embedded_ipv4(address: IPAddress) -> tuple[ipaddress.IPv4Address, ...]:
    """The IPv4 addresses an IPv6 address carries (Teredo carries its server and client)."""
    if isinstance(address, ipaddress.IPv4Address):
        return ()
    if address.ipv4_mapped is not None:
        return (address.ipv4_mapped,)
    if address.sixtofour is not None:
        return (address.sixtofour,)
    if address.teredo is not None:
        return address.teredo
    # :: and ::1 sit in the IPv4-compatible block but are IPv6's own unspecified and loopback.
    in_compatible = address in IPV4_COMPATIBLE and int(address) > 1
    if in_compatible or address in NAT64_WELL_KNOWN or address in NAT64_LOCAL_USE:
        return (ipaddress.IPv4Address(int(address) & 0xFFFFFFFF),)
    return ()


def _wrapper_refusal(address: IPAddress) -> str | None:
    # IPv4-mapped, well-known NAT64, 6to4 and Teredo addresses are only a way to reach their
    # IPv4 address, which has been judged. IPv4-compatible addresses are deprecated (RFC
    # 4291), and where a local-use NAT64 prefix (RFC 8215) puts the IPv4 address depends on
    # the operator's prefix length, so the embedded address cannot be trusted: refused.
    if address in IPV4_COMPATIBLE:
        return "a deprecated IPv4-compatible address"
    if address in NAT64_LOCAL_USE:
        return "a local-use NAT64 address"
    return None


def _address_refusal(
    address: IPAddress, *, loopback_allowed: bool, allow_private: bool
) -> str | None:
    if address in METADATA_ADDRESSES:
        return "a cloud metadata address"
    if address.is_unspecified:
        return "an unspecified address"
    if address.is_loopback:
        return None if loopback_allowed else "a loopback address"
    if address.is_link_local:
        return "a link-local address"
    if address.is_multicast:
        return "a multicast address"
    if address == BROADCAST:
        return "a broadcast address"
    if any(address in network for network in PRIVATE_NETWORKS):
        return None if allow_private else "a private address"
    if address in SHARED_NETWORK:
        return "a shared (carrier-grade NAT) address"
    site_local = isinstance(address, ipaddress.IPv6Address) and address.is_site_local
    # The rest of IANA's special-purpose registry (documentation, benchmarking, 240/4, ...).
    if site_local or address.is_reserved or not address.is_global:
        return "a reserved address"
    return None


def _refusal(address: IPAddress, *, production: bool, allow_private: bool) -> str | None:
    embedded = embedded_ipv4(address)
    if not embedded:
        return _address_refusal(
            address, loopback_allowed=not production, allow_private=allow_private
        )
    for inner in embedded:
        why = _address_refusal(inner, loopback_allowed=False, allow_private=allow_private)
        if why is not None:
            return why
    return _wrapper_refusal(address)


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
