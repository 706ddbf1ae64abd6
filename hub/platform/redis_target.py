"""Where the hub's Redis is: one server, or the master that Redis Sentinels name.

``HUB_REDIS_URL`` is either a Redis URL (``redis://[:password@]host:6379/0``) or kombu's
sentinel form, one ``sentinel://`` URL per sentinel joined by ``;``, with the master's password
and database number on the first (``sentinel://:pw@s1:26379/0;sentinel://s2:26379``), and
``HUB_REDIS_SENTINEL_MASTER`` names the master the sentinels watch. Every Redis user in the hub
reaches the same master from this one setting: the broker (kombu's ``sentinel`` transport,
``broker_transport_options["master_name"]``), the rate limiter (limits' ``redis+sentinel://``
storage), beat's lock (RedBeat's sentinel options) and the hub's own short clients (queued
marks, heartbeats, queue depths: :func:`redis_client`).

The password in the URL is the master's (and its replicas'); the sentinels themselves are
asked without one, as kombu does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from redis import Redis
from redis.sentinel import Sentinel

SENTINEL_SCHEME = "sentinel"


class RedisUrlError(ValueError):
    """HUB_REDIS_URL cannot be read as a Redis or sentinel URL."""


@dataclass(frozen=True, slots=True)
class SentinelTarget:
    """The sentinels to ask, the master's name, and how to log in to the master."""

    sentinels: tuple[tuple[str, int], ...]
    master: str
    db: int = 0
    username: str | None = None
    password: str | None = None


def is_sentinel_url(url: str) -> bool:
    return url.startswith(f"{SENTINEL_SCHEME}://")


def parse_sentinel_url(url: str, master: str) -> SentinelTarget:
    """The sentinels of kombu's ``sentinel://a:26379/0;sentinel://b:26379`` form."""
    if not master:
        raise RedisUrlError("a sentinel:// URL needs the master's name")
    sentinels: list[tuple[str, int]] = []
    first = None
    # An error names the part by its position, never its text: a URL can carry a password.
    for number, part in enumerate(url.split(";"), start=1):
        parsed = urlsplit(part.strip())
        if parsed.scheme != SENTINEL_SCHEME or not parsed.hostname:
            raise RedisUrlError(f"part {number} is not a sentinel://host:port URL")
        try:
            port = parsed.port or 26379
        except ValueError as exc:
            raise RedisUrlError(f"part {number} has a bad port") from exc
        sentinels.append((parsed.hostname, port))
        first = first or parsed
    assert first is not None
    path = first.path.strip("/")
    if path and not path.isdecimal():
        raise RedisUrlError(f"the database must be a number, got {path!r}")
    return SentinelTarget(
        sentinels=tuple(sentinels),
        master=master,
        db=int(path or 0),
        username=unquote(first.username) if first.username else None,
        password=unquote(first.password) if first.password else None,
    )


def redis_client(url: str, master: str = "", **options: Any) -> Redis[bytes]:
    """A client of the hub's Redis (``options``: timeouts); through the sentinels when the URL
    names them, so it follows the master after a failover."""
    if not is_sentinel_url(url):
        return Redis.from_url(url, **options)
    target = parse_sentinel_url(url, master)
    sentinel = Sentinel(
        list(target.sentinels),
        sentinel_kwargs={
            key: options[key]
            for key in ("socket_timeout", "socket_connect_timeout")
            if key in options
        },
        db=target.db,
        username=target.username,
        password=target.password,
        **options,
    )
    client: Redis[bytes] = sentinel.master_for(target.master)
    return client


def broker_transport_options(url: str, master: str) -> dict[str, Any]:
    """What kombu's sentinel transport needs beyond the URL (nothing for a plain Redis)."""
    if not is_sentinel_url(url):
        return {}
    parse_sentinel_url(url, master)  # refuse a malformed URL at start-up, not at first publish
    return {"master_name": master}


def limiter_storage(url: str, master: str) -> tuple[str, dict[str, Any]]:
    """The rate limiter's storage URI and options (limits' ``redis+sentinel://`` storage).

    limits would send the master's password to the sentinels too; they are asked without one,
    as kombu asks them. The master is read and written (no replicas), so a count is never read
    from a replica that lags.
    """
    if not is_sentinel_url(url):
        return url, {}
    target = parse_sentinel_url(url, master)
    hosts = ",".join(f"{host}:{port}" for host, port in target.sentinels)
    options: dict[str, Any] = {
        "use_replicas": False,
        "db": target.db,
        "sentinel_kwargs": {"password": None, "username": None},
    }
    if target.password is not None:
        options["password"] = target.password
    if target.username is not None:
        options["username"] = target.username
    return f"redis+sentinel://{hosts}/{target.master}", options


def redbeat_options(url: str, master: str) -> dict[str, Any]:
    """RedBeat's ``redbeat_redis_url`` and ``redbeat_redis_options`` (beat's lock and schedule).

    RedBeat retries a lost connection for ``retry_period`` seconds (a Redis restart, sentinels
    electing a new master) rather than stop beat at once.
    """
    options: dict[str, Any] = {
        "retry_period": 30,
        "socket_timeout": 5,
    }
    if not is_sentinel_url(url):
        return {"redbeat_redis_url": url, "redbeat_redis_options": options}
    target = parse_sentinel_url(url, master)
    return {
        # RedBeat takes the sentinels from its options when the URL says redis-sentinel.
        "redbeat_redis_url": "redis-sentinel://",
        "redbeat_redis_options": {
            **options,
            "sentinels": list(target.sentinels),
            "service_name": target.master,
            "db": target.db,
            "password": target.password,
            "username": target.username,
        },
    }
