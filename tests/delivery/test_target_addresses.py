"""Which addresses a webhook may reach, in production, production with
HUB_WEBHOOK_ALLOW_PRIVATE=true, and development; IPv4 embedded in IPv6 is judged as IPv4."""

from __future__ import annotations

import pytest

from hub.delivery.targets import UnsafeTargetError, check_target

OK = "ok"
NO = "refused"

# (host in the URL, or a name and what it resolves to), production, production allowing
# private, development. Development allows loopback itself, never loopback hidden in IPv6.
ADDRESSES = [
    # loopback
    ("127.0.0.1", NO, NO, OK),
    ("127.10.0.1", NO, NO, OK),
    ("[::1]", NO, NO, OK),
    ("localhost=127.0.0.1,::1", NO, NO, OK),
    # unspecified
    ("0.0.0.0", NO, NO, NO),
    ("[::]", NO, NO, NO),
    # link-local, the container credential endpoint and cloud metadata
    ("169.254.170.2", NO, NO, NO),
    ("169.254.1.1", NO, NO, NO),
    ("[fe80::1]", NO, NO, NO),
    ("169.254.169.254", NO, NO, NO),
    ("[fd00:ec2::254]", NO, NO, NO),
    ("100.100.100.200", NO, NO, NO),
    # multicast and broadcast
    ("224.0.0.1", NO, NO, NO),
    ("239.255.255.250", NO, NO, NO),
    ("[ff02::1]", NO, NO, NO),
    ("255.255.255.255", NO, NO, NO),
    # what HUB_WEBHOOK_ALLOW_PRIVATE allows: RFC 1918 and IPv6 unique-local
    ("10.0.0.1", NO, OK, NO),
    ("172.16.0.1", NO, OK, NO),
    ("172.31.255.254", NO, OK, NO),
    ("192.168.1.20", NO, OK, NO),
    ("[fd12:3456:789a::1]", NO, OK, NO),
    ("[fc00::1]", NO, OK, NO),
    ("intranet.council.example=10.1.2.3", NO, OK, NO),
    # ... and nothing else that is not public
    ("100.64.0.1", NO, NO, NO),
    ("192.0.0.1", NO, NO, NO),
    ("192.0.2.1", NO, NO, NO),
    ("198.18.0.1", NO, NO, NO),
    ("240.0.0.1", NO, NO, NO),
    ("[2001:db8::1]", NO, NO, NO),
    ("[fec0::1]", NO, NO, NO),
    # one refused answer among public ones refuses the name
    ("mixed.example=151.101.2.10,127.0.0.1", NO, NO, OK),
    ("mixed6.example=151.101.2.10,169.254.169.254", NO, NO, NO),
    # IPv4-mapped
    ("[::ffff:169.254.169.254]", NO, NO, NO),
    ("[::ffff:127.0.0.1]", NO, NO, NO),
    ("[::ffff:0.0.0.0]", NO, NO, NO),
    ("[::ffff:10.0.0.1]", NO, OK, NO),
    ("[::ffff:151.101.2.10]", OK, OK, OK),
    # IPv4-compatible (deprecated: refused whatever it holds)
    ("[::169.254.169.254]", NO, NO, NO),
    ("[::127.0.0.1]", NO, NO, NO),
    ("[::151.101.2.10]", NO, NO, NO),
    # NAT64, well-known prefix (what DNS64 answers for an IPv4-only host)
    ("[64:ff9b::a9fe:a9fe]", NO, NO, NO),
    ("[64:ff9b::7f00:1]", NO, NO, NO),
    ("[64:ff9b::a00:1]", NO, OK, NO),
    ("[64:ff9b::9765:20a]", OK, OK, OK),
    # NAT64, local-use prefix (refused whatever it holds)
    ("[64:ff9b:1::a9fe:a9fe]", NO, NO, NO),
    ("[64:ff9b:1::9765:20a]", NO, NO, NO),
    # 6to4
    ("[2002:7f00:1::1]", NO, NO, NO),
    ("[2002:a9fe:a9fe::1]", NO, NO, NO),
    ("[2002:a00:1::1]", NO, OK, NO),
    ("[2002:9765:20a::1]", OK, OK, OK),
    # Teredo: server 4.3.2.1, client stored inverted
    ("[2001:0:403:201::5601:5601]", NO, NO, NO),  # client 169.254.169.254
    ("[2001:0:403:201::80ff:fffe]", NO, NO, NO),  # client 127.0.0.1
    ("[2001:0:7f00:1::689a:fdf5]", NO, NO, NO),  # server 127.0.0.1
    ("[2001:0:403:201::689a:fdf5]", OK, OK, OK),  # client 151.101.2.10
    # public
    ("151.101.2.10", OK, OK, OK),
    ("[2606:4700::6810:84e5]", OK, OK, OK),
]


def _check(host: str, *, production: bool, allow_private: bool) -> str:
    name, _, answers = host.partition("=")
    scheme = "https" if production else "http"
    try:
        check_target(
            f"{scheme}://{name}/hook",
            production=production,
            allow_private=allow_private,
            resolver=lambda _host, _port: answers.split(","),
        )
    except UnsafeTargetError:
        return NO
    return OK


@pytest.mark.parametrize(("host", "expected"), [(row[0], row[1]) for row in ADDRESSES])
def test_production_allows_only_public_addresses(host: str, expected: str) -> None:
    assert _check(host, production=True, allow_private=False) == expected


@pytest.mark.parametrize(("host", "expected"), [(row[0], row[2]) for row in ADDRESSES])
def test_allow_private_adds_only_rfc1918_and_unique_local(host: str, expected: str) -> None:
    assert _check(host, production=True, allow_private=True) == expected


@pytest.mark.parametrize(("host", "expected"), [(row[0], row[3]) for row in ADDRESSES])
def test_development_adds_only_loopback(host: str, expected: str) -> None:
    assert _check(host, production=False, allow_private=False) == expected


@pytest.mark.parametrize(
    ("host", "reason"),
    [
        ("[::ffff:169.254.169.254]", "metadata"),
        ("[64:ff9b::a9fe:a9fe]", "metadata"),
        ("[2002:a9fe:a9fe::1]", "metadata"),
        ("[2002:7f00:1::1]", "loopback"),
        ("169.254.170.2", "link-local"),
        ("0.0.0.0", "unspecified"),
        ("255.255.255.255", "broadcast"),
        ("[ff02::1]", "multicast"),
    ],
)
def test_the_refusal_names_what_the_address_is(host: str, reason: str) -> None:
    with pytest.raises(UnsafeTargetError, match=reason):
        check_target(f"https://{host}/hook", production=True, allow_private=True)
