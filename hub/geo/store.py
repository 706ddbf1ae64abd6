"""The versioned, file-based geography store.

Layout under ``geo_dir``::

    versions/<version_id>/meta.json    source, edition, loaded_at, counts (small, read to list)
    versions/<version_id>/index.json   sectors, districts, district -> unit map, unit names
    versions/<version_id>/table.npy    the uint16 sector table (see hub.geo.table)
    active                             the id of the active version
    .lock                              fcntl lock serialising builds, imports and activation

A version is built in ``versions/.tmp-*`` and renamed into place, so a half-built version is never
visible; ``active`` is replaced atomically.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from hub.geo.districts import DistrictMapping, area_countries
from hub.geo.table import BuiltTable

__all__ = ["GeoStore", "StoreError", "VersionInfo", "default_geo_dir", "use_geo_dir"]

FORMAT = 1


class StoreError(RuntimeError):
    """The store cannot do what was asked (unknown version, nothing built)."""


# The process's geography directory (``HUB_GEO_DIR``), installed by its edge (use_geo_dir).
_default_dir: Path | None = None


def use_geo_dir(geo_dir: Path) -> None:
    """Make ``geo_dir`` the directory a store or resolver uses when given none."""
    global _default_dir
    _default_dir = Path(geo_dir).absolute()


def default_geo_dir() -> Path:
    """The process's geography directory (``HUB_GEO_DIR``, as its edge installed it)."""
    if _default_dir is None:
        raise StoreError("no geography directory installed in this process (use_geo_dir)")
    return _default_dir


@dataclass(frozen=True, slots=True)
class VersionInfo:
    """What ``hub geo versions`` lists about one version."""

    id: str
    source: str
    edition: str
    loaded_at: str
    postcode_count: int
    meta: dict[str, Any]


class GeoStore:
    """Versions of the geography kept as files under one directory."""

    def __init__(self, root: Path | str | None = None) -> None:
        self.root = Path(root) if root is not None else default_geo_dir()
        self.versions_dir = self.root / "versions"
        self.active_path = self.root / "active"

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold an exclusive lock across processes for a build, import or activation."""
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / ".lock").open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def version_dir(self, version_id: str) -> Path:
        """The directory of one version (which may not exist)."""
        return self.versions_dir / version_id

    def has_version(self, version_id: str) -> bool:
        """Whether a complete version with this id exists."""
        return (self.version_dir(version_id) / "meta.json").is_file()

    def list_versions(self) -> list[VersionInfo]:
        """Every complete version, oldest first."""
        if not self.versions_dir.is_dir():
            return []
        found: list[VersionInfo] = []
        for child in self.versions_dir.iterdir():
            if child.name.startswith(".") or not (child / "meta.json").is_file():
                continue
            meta = json.loads((child / "meta.json").read_text(encoding="utf-8"))
            found.append(
                VersionInfo(
                    id=meta["id"],
                    source=meta["source"],
                    edition=meta["edition"],
                    loaded_at=meta["loaded_at"],
                    postcode_count=meta["postcode_count"],
                    meta=meta,
                )
            )
        return sorted(found, key=lambda info: (info.loaded_at, info.id))

    def active_id(self) -> str | None:
        """The active version id, or None when none is active (or it has gone)."""
        try:
            version_id = self.active_path.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        return version_id if version_id and self.has_version(version_id) else None

    def active_stamp(self) -> tuple[int, int] | None:
        """A cheap fingerprint of the active pointer, to notice a change without reading it."""
        try:
            stat = self.active_path.stat()
        except FileNotFoundError:
            return None
        return stat.st_mtime_ns, stat.st_ino

    def activate(self, version_id: str) -> None:
        """Make a version active (atomically); raise StoreError if it does not exist."""
        if not self.has_version(version_id):
            raise StoreError(f"no geography version {version_id!r} in {self.root}")
        self.root.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".active-")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(version_id + "\n")
        os.chmod(tmp, 0o644)  # mkstemp makes it private; every app process must read it
        os.replace(tmp, self.active_path)

    def write_version(
        self,
        built: BuiltTable,
        mapping: DistrictMapping,
        *,
        source: str,
        edition: str,
        id_prefix: str,
        extra: dict[str, Any] | None = None,
    ) -> tuple[str, bool]:
        """Write a version atomically; return (id, created). The id is derived from the content."""
        index = {
            "format": FORMAT,
            "sectors": built.sectors,
            "districts": built.districts,
            "district_units": mapping.district_units,
            "units": mapping.units,
            "area_country": area_countries(built, mapping),
        }
        index_bytes = json.dumps(index, sort_keys=True, separators=(",", ":")).encode()
        digest = hashlib.sha256(index_bytes)
        digest.update(built.table.tobytes())
        version_id = f"{id_prefix}-{digest.hexdigest()[:10]}"
        if self.has_version(version_id):
            return version_id, False
        england = sorted(
            code
            for code, unit in mapping.units.items()
            if unit["country"] == "England" and code.startswith("E")
        )
        meta: dict[str, Any] = {
            "id": version_id,
            "format": FORMAT,
            "source": source,
            "edition": edition,
            "loaded_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "postcode_count": built.postcode_count,
            "live_count": built.live_count,
            "terminated_count": built.terminated_count,
            "bad_rows": dict(built.bad_rows),
            "bad_row_count": sum(built.bad_rows.values()),
            "sector_count": len(built.sectors),
            "district_count": len(built.districts),
            "england_authority_count": len(england),
            "unmapped_districts": mapping.unmapped,
            "unnamed_authorities": mapping.unnamed,
            **(extra or {}),
        }
        self.versions_dir.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=self.versions_dir, prefix=".tmp-"))
        try:
            tmp.chmod(0o755)  # mkdtemp makes it private; versions are shared with the app user
            np.save(tmp / "table.npy", built.table, allow_pickle=False)
            (tmp / "index.json").write_bytes(index_bytes)
            # meta.json last: its presence is what marks a version complete.
            (tmp / "meta.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
            try:
                os.rename(tmp, self.version_dir(version_id))
            except OSError:
                if self.has_version(version_id):  # another process won the race
                    return version_id, False
                raise
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
        return version_id, True

    def read_index(self, version_id: str) -> dict[str, Any]:
        """The index of a version."""
        data: dict[str, Any] = json.loads(
            (self.version_dir(version_id) / "index.json").read_text(encoding="utf-8")
        )
        return data

    def read_meta(self, version_id: str) -> dict[str, Any]:
        """The metadata of a version."""
        data: dict[str, Any] = json.loads(
            (self.version_dir(version_id) / "meta.json").read_text(encoding="utf-8")
        )
        return data

    def table_path(self, version_id: str) -> Path:
        """The table file of a version."""
        return self.version_dir(version_id) / "table.npy"
