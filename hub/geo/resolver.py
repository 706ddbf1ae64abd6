"""The process-wide resolver: the active geography loaded once, lazily, and reloaded on change."""

from __future__ import annotations

import logging
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from time import monotonic as _monotonic

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


# Geographies loaded in this process, by directory (normally just the configured one).
_MAX_ROOTS = 4
_lock = threading.Lock()
_by_root: dict[Path, _Loaded] = {}
_default: _Loaded | None = None
# The directory the default was loaded from: when the process's directory changes
# (``use_geo_dir``, as tests do) the change is noticed at once.
_default_root: Path | None = None


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
    """The active geography for this process, loading or reloading it when needed.

    With no ``geo_dir`` (the configured directory, as the router uses it) the ``active`` pointer
    is looked at no more than every RECHECK_SECONDS; an explicit ``geo_dir`` is checked on every
    call, so a CLI or test that switches versions sees the switch at once.
    """
    global _default, _default_root
    if geo_dir is None:
        current = _default
        if (
            current is not None
            and _default_root == default_geo_dir()
            and _monotonic() < current.next_check
        ):
            return current.geography
    root = _root(geo_dir)
    store = GeoStore(root)
    current = _by_root.get(root)
    if current is None or store.active_stamp() != current.stamp:
        with _lock:
            current = _load(store, _by_root.get(root))
    current.next_check = _monotonic() + RECHECK_SECONDS
    if geo_dir is None:
        _default, _default_root = current, root
    return current.geography


def _load(store: GeoStore, previous: _Loaded | None) -> _Loaded:
    """(Re)load the active version of a store; the caller holds _lock."""
    stamp = store.active_stamp()
    if previous is not None and previous.stamp == stamp and stamp is not None:
        return previous  # another thread reloaded while this one waited for the lock
    version_id = ensure_default_geography(store.root)
    if previous is not None and previous.geography.version_id == version_id:
        geography = previous.geography
    else:
        log.info("loading geography version %s", version_id)
        geography = Geography(store, version_id)
    loaded = _Loaded(store.root, geography, store.active_stamp(), 0.0)
    _by_root.pop(store.root, None)
    _by_root[store.root] = loaded
    while len(_by_root) > _MAX_ROOTS:
        del _by_root[next(iter(_by_root))]
    return loaded


def resolve_postcode(text: str, *, min_share: float, geo_dir: Path | None = None) -> GeoResult:
    """Say which children's services authority covers what someone typed as a postcode.

    Never raises for any input string: malformed input is an ``invalid`` result with a reason.
    ``min_share`` is the share of a partial postcode's postcodes one authority (or country) must
    hold to be named; it is the caller's policy (the router passes the rules'
    ``partial_postcode_share``). Candidates with their shares are listed either way.
    """
    if not 0 < min_share <= 1:
        raise ValueError("min_share must be in (0, 1]")
    current = _default
    # Inlined fast path of loaded_geography(): this runs once per enquiry and per CLI line.
    if (
        geo_dir is None
        and current is not None
        and _default_root == default_geo_dir()
        and _monotonic() < current.next_check
    ):
        return current.geography.resolve(text, min_share)
    return loaded_geography(geo_dir).resolve(text, min_share)


def _reset_for_tests() -> None:
    """Forget the loaded geography (tests switch geo_dir between cases)."""
    global _default, _default_root
    with _lock:
        _default, _default_root = None, None
        _by_root.clear()
