"""``hub geo``: resolve postcodes, list, activate, build and import geography versions."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import click

from hub.geo.build_default import build_default_geography
from hub.geo.resolver import ensure_default_geography, loaded_geography, resolve_postcode
from hub.geo.result import GeoResult
from hub.geo.store import GeoStore, StoreError

__all__ = ["geo", "result_to_json"]

_GEO_DIR = click.option(
    "--geo-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Geography directory (default: HUB_GEO_DIR, else var/geo).",
)


def result_to_json(result: GeoResult) -> dict[str, Any]:
    """The JSON object ``hub geo resolve`` prints for one result (the CLI contract)."""
    return {
        "input": result.input,
        "postcode": result.postcode,
        "outcome": str(result.outcome),
        "authority": (
            {"code": result.authority.code, "name": result.authority.name}
            if result.authority is not None
            else None
        ),
        "country": result.country,
        "confidence": result.confidence,
        "candidates": [
            {"code": c.code, "name": c.name, "share": c.share} for c in result.candidates
        ],
        "geography_version": result.geography_version,
        "reason": result.reason,
    }


@click.group()
def geo() -> None:
    """Postcode geography: which council covers a postcode, and the versions behind it."""


def _stdin_lines() -> Iterator[str]:
    # Read bytes and decode leniently: one undecodable line must not stop the rest.
    binary = getattr(sys.stdin, "buffer", None)
    if binary is None:
        for line in sys.stdin:
            yield line.rstrip("\r\n")
        return
    for raw in binary:
        yield raw.decode("utf-8", errors="replace").rstrip("\r\n")


@geo.command()
@click.argument("postcodes", nargs=-1)
@click.option(
    "--min-share",
    type=click.FloatRange(0, 1, min_open=True),
    default=1.0,
    show_default=True,
    help="Share of a partial postcode's postcodes one council (or country) must hold to be "
    "named; 1 names it only when it holds them all. Run as `hub geo resolve`, the default is "
    "partial_postcode_share from the routing rules, as the router uses.",
)
@_GEO_DIR
def resolve(postcodes: tuple[str, ...], min_share: float, geo_dir: Path | None) -> None:
    """Resolve POSTCODES (or standard input, one per line) to JSON lines, in input order."""
    ensure_default_geography(geo_dir)
    loaded_geography(geo_dir)
    lines: Iterable[str] = postcodes if postcodes else _stdin_lines()
    out = sys.stdout
    try:
        for text in lines:
            result = resolve_postcode(text, min_share=min_share, geo_dir=geo_dir)
            # ASCII JSON: an undecodable argument (a lone surrogate) must not break the output.
            out.write(json.dumps(result_to_json(result)) + "\n")
        out.flush()
    except BrokenPipeError:
        # The reader went away (e.g. piped into head): stop quietly, as Unix tools do.
        sys.stderr.close()


@geo.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object per version.")
@_GEO_DIR
def versions(as_json: bool, geo_dir: Path | None) -> None:
    """List geography versions; the active one is marked with '*'."""
    store = GeoStore(geo_dir)
    active = store.active_id()
    found = store.list_versions()
    if not found:
        click.echo(f"no geography versions in {store.root} (run: hub geo build-default)", err=True)
        return
    for info in found:
        if as_json:
            row = {
                "id": info.id,
                "source": info.source,
                "edition": info.edition,
                "loaded_at": info.loaded_at,
                "postcode_count": info.postcode_count,
                "active": info.id == active,
            }
            click.echo(json.dumps(row))
        else:
            mark = "*" if info.id == active else " "
            click.echo(
                f"{mark} {info.id}  {info.edition}  {info.loaded_at}  "
                f"{info.postcode_count:,} postcodes  {info.source}"
            )


@geo.command()
@click.argument("version")
@_GEO_DIR
def activate(version: str, geo_dir: Path | None) -> None:
    """Make VERSION the active geography."""
    store = GeoStore(geo_dir)
    if not store.has_version(version):  # before the lock, which would make a mistyped dir
        raise click.ClickException(f"no geography version {version!r} in {store.root}")
    with store.lock():
        try:
            store.activate(version)
        except StoreError as error:
            raise click.ClickException(str(error)) from error
    click.echo(f"active geography: {version}")


@geo.command("build-default")
@click.option("--activate/--no-activate", "make_active", default=None, help="Default: if none.")
@_GEO_DIR
def build_default(make_active: bool | None, geo_dir: Path | None) -> None:
    """Build the default geography from the installed packages (does nothing if already built)."""
    store = GeoStore(geo_dir)
    with store.lock():
        try:
            version_id, created = build_default_geography(store, activate=make_active)
        except StoreError as error:
            raise click.ClickException(str(error)) from error
    state = "built" if created else "already built"
    active = " (active)" if store.active_id() == version_id else ""
    click.echo(f"{state}: {version_id}{active}")


@geo.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--edition", default=None, help="Edition label, e.g. 'ONSPD 2025-11'.")
@click.option("--activate/--no-activate", "make_active", default=True, show_default=True)
@_GEO_DIR
def import_(path: Path, edition: str | None, make_active: bool, geo_dir: Path | None) -> None:
    """Import a full ONSPD or NSPL CSV (or its zip) as a new geography version."""
    from hub.geo.onspd_import import ImportRefused, import_directory

    store = GeoStore(geo_dir)
    try:
        report = import_directory(store, path, edition=edition, activate=make_active)
    except ImportRefused as error:
        raise click.ClickException(str(error)) from error
    for line in report.lines():
        click.echo(line)
