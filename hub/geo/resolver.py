"""The process-wide resolver: the active geography loaded once, lazily, and reloaded on change."""

from __future__ import annotations

import logging
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from config.settings import get_settings
from hub.geo.build_default import build_default_geography
from hub.geo.geography import Geography
from hub.geo.result import GeoResult
from hub.geo.store import GeoStore, default_geo_dir

__all__ = [
    "active_geography_version",
    "ensure_default_geography",
    "loaded_geography",
    "resolve_postcode",
]

log = logging.getLogger(__name__)

# How often a process looks at the ``active`` pointer to notice another version was activated.
RECHECK_SECONDS = 3.0


@dataclass
class _Loaded:
    root: Path
    geography: Geography
    stamp: tuple[int, int] | None
    next_check: float


_lock = threading.Lock()
_loaded: _Loaded | None = None


def ensure_default_geography(geo_dir: Path | None = None, *, quiet: bool = False) -> str:
    """Build the default geography if no version is active; return the active version id.

    Cheap when a version is already active (two small file reads). Safe across processes:
    builds happen under the store's file lock and are re-checked once it is held.
    """
    store = GeoStore(geo_dir)
    active = store.active_id()
    if active is not None:
        return active
    with store.lock():
        active = store.active_id()
        if active is not None:
            return active
        versions = store.list_versions()
        if versions:
            # Versions exist but none is active (pointer lost): the newest one is the best guess.
            store.activate(versions[-1].id)
            return versions[-1].id
        if not quiet:
            print(
                f"note: no geography in {store.root}; building the default from the packages",
                file=sys.stderr,
            )
        version_id, _ = build_default_geography(store, activate=True)
        return version_id


def active_geography_version(geo_dir: Path | None = None) -> str:
    """The id of the active geography version (building the default if there is none)."""
    return ensure_default_geography(geo_dir)


def _root(geo_dir: Path | None) -> Path:
    return (Path(geo_dir) if geo_dir is not None else default_geo_dir()).absolute()


def loaded_geography(geo_dir: Path | None = None) -> Geography:
    """The active geography for this process, loading or reloading it when needed."""
    global _loaded
    now = time.monotonic()
    current = _loaded
    if current is not None and now < current.next_check and geo_dir is None:
        return current.geography
    root = _root(geo_dir)
    if current is not None and current.root == root:
        store = GeoStore(root)
        if store.active_stamp() == current.stamp:
            current.next_check = now + RECHECK_SECONDS
            return current.geography
    with _lock:
        current = _loaded
        store = GeoStore(root)
        if current is not None and current.root == root and store.active_stamp() == current.stamp:
            return current.geography
        stamp = store.active_stamp()
        version_id = ensure_default_geography(root)
        if current is not None and current.root == root and current.geography.version_id == (
            version_id
        ):
            geography = current.geography
        else:
            log.info("loading geography version %s", version_id)
            geography = Geography(store, version_id)
        if stamp is None:
            stamp = store.active_stamp()
        _loaded = _Loaded(root, geography, stamp, time.monotonic() + RECHECK_SECONDS)
        return geography


def resolve_postcode(
    text: str, *, min_share: float | None = None, geo_dir: Path | None = None
) -> GeoResult:
    """Say which children's services authority covers what someone typed as a postcode.

    Never raises for any input string: malformed input is an ``invalid`` result with a reason.
    ``min_share`` (default ``partial_postcode_share`` from settings) is the share of a partial
    postcode's postcodes one authority must hold to be named.
    """
    share = get_settings().partial_postcode_share if min_share is None else min_share
    if not 0 < share <= 1:
        raise ValueError("min_share must be in (0, 1]")
    return loaded_geography(geo_dir).resolve(text, share)


def _reset_for_tests() -> None:
    """Forget the loaded geography (tests switch geo_dir between cases)."""
    global _loaded
    with _lock:
        _loaded = None

