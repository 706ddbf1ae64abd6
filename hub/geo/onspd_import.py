"""Import a full ONS Postcode Directory or NSPL (CSV, or the zip ONS publishes) as a version.

Columns are matched by pattern so every layout loads: pre-2025 ``pcd, oslaua, oscty, doterm``,
NSPL ``laua, cty``, and from 2025 year-suffixed ``pcd7, lad25cd, cty25cd, ctry25cd`` (then
``lad26cd`` ...). Terminated postcodes (non-empty ``doterm``) are kept, so old postcodes people
still type resolve; partial-postcode shares count live postcodes only. Bad rows are counted by
reason and reported. A file that is not a postcode directory is refused before anything is written.
"""

from __future__ import annotations

import csv
import io
import re
import sys
import zipfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from tqdm import tqdm

from hub.geo.build_default import package_counties
from hub.geo.districts import map_districts
from hub.geo.store import GeoStore
from hub.geo.table import TableBuilder

__all__ = ["ImportRefused", "ImportReport", "find_columns", "import_directory"]

_POSTCODE_COLUMNS = ("pcds", "pcd", "pcd7", "pcd8", "pcd2")
_DISTRICT = re.compile(r"(?:oslaua|laua|lad(\d{2})cd)")
_COUNTY = re.compile(r"(?:oscty|cty|cty(\d{2})cd)")
_COUNTRY = re.compile(r"(?:ctry|ctry(\d{2})cd)")
_MONTHS = "JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split()
_EDITION = re.compile(r"(JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)_?(\d{4})", re.IGNORECASE)
_NOT_ENGLAND_PSEUDO = {"W": "W99999999", "S": "S99999999", "N": "N99999999"}
_NOT_ENGLAND_PSEUDO.update({"L": "L99999999", "M": "M99999999"})


class ImportRefused(ValueError):
    """The file is not a postcode directory we can load; nothing was changed."""


@dataclass(frozen=True, slots=True)
class Columns:
    """Positions of the columns the import uses (None when a column is absent)."""

    postcode: int
    district: int
    county: int | None
    terminated: int | None
    country: int | None
    width: int


@dataclass
class ImportReport:
    """What an import did, for the operator."""

    version_id: str
    created: bool
    activated: bool
    postcode_count: int
    live_count: int
    terminated_count: int
    bad_rows: Counter[str] = field(default_factory=Counter)
    unmapped_districts: list[str] = field(default_factory=list)
    unnamed_authorities: list[str] = field(default_factory=list)

    @property
    def bad_row_count(self) -> int:
        """How many rows could not be used."""
        return sum(self.bad_rows.values())

    def lines(self) -> list[str]:
        """A human-readable summary, one line each."""
        state = "imported" if self.created else "already imported"
        out = [
            f"{state}: {self.version_id}{' (active)' if self.activated else ''}",
            f"postcodes: {self.postcode_count:,} ({self.live_count:,} live, "
            f"{self.terminated_count:,} terminated)",
            f"bad rows: {self.bad_row_count:,}",
        ]
        out += [f"  {count:,} {reason}" for reason, count in self.bad_rows.most_common()]
        if self.unmapped_districts:
            out.append(
                "warning: districts with no authority: " + ", ".join(self.unmapped_districts)
            )
        if self.unnamed_authorities:
            out.append(
                "warning: authorities not in the reference table (named by code): "
                + ", ".join(self.unnamed_authorities)
            )
        return out


def _pick(header: list[str], pattern: re.Pattern[str]) -> int | None:
    """The matching column; with several year-suffixed ones, the latest year wins."""
    best: tuple[int, int] | None = None
    for position, name in enumerate(header):
        match = pattern.fullmatch(name)
        if match is not None:
            year = int(match[1]) if match.lastindex and match[1] else -1
            if best is None or year > best[0]:
                best = (year, position)
    return None if best is None else best[1]


def find_columns(raw_header: list[str]) -> Columns:
    """Locate the columns in a header row, or refuse a file that is not a postcode directory."""
    header = [name.strip().lstrip("\ufeff").lower() for name in raw_header]
    postcode = next((header.index(n) for n in _POSTCODE_COLUMNS if n in header), None)
    district = _pick(header, _DISTRICT)
    if postcode is None or district is None:
        missing = "postcode (pcd, pcds, pcd7)" if postcode is None else "district (oslaua, lad25cd)"
        raise ImportRefused(f"not a postcode directory: no {missing} column in the header")
    return Columns(
        postcode=postcode,
        district=district,
        county=_pick(header, _COUNTY),
        terminated=header.index("doterm") if "doterm" in header else None,
        country=_pick(header, _COUNTRY),
        width=len(header),
    )


@contextmanager
def _open_csv(path: Path) -> Iterator[tuple[IO[bytes], int, str]]:
    """Yield (binary stream, size, name) for the CSV itself or the directory CSV in a zip."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            members = [
                info
                for info in archive.infolist()
                if info.filename.lower().endswith(".csv")
                and not info.filename.lower().startswith(("documents/", "user guide"))
                and "multi_csv" not in info.filename.lower()
            ]
            if not members:
                raise ImportRefused(f"not a postcode directory: {path.name} holds no CSV file")
            preferred = [
                m
                for m in members
                if re.search(r"(ONSPD|NSPL)[^/]*_UK\.csv$", m.filename, re.IGNORECASE)
            ]
            member = max(preferred or members, key=lambda m: m.file_size)
            with archive.open(member) as stream:
                yield stream, member.file_size, f"{path.name}:{member.filename}"
    else:
        with path.open("rb") as stream:
            yield stream, path.stat().st_size, path.name


def names_from_documents(path: Path) -> dict[str, str]:
    """Area names from the lookup CSVs ONS ships in the zip's Documents folder, if any.

    Any CSV there with a ``<prefix>cd`` and a matching ``<prefix>nm`` column (``LAD25CD`` and
    ``LAD25NM``, ``CTY25CD`` and ``CTY25NM`` ...) contributes; a new authority that our
    reference table does not know yet then gets its real name rather than its code.
    """
    names: dict[str, str] = {}
    if not zipfile.is_zipfile(path):
        return names
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            lower = info.filename.lower()
            if not (lower.startswith("documents/") and lower.endswith(".csv")):
                continue
            if info.file_size > 20_000_000:
                continue
            raw = archive.read(info).decode("utf-8-sig", errors="replace")
            rows = csv.reader(io.StringIO(raw))
            header = [h.strip().lower() for h in next(rows, [])]
            pairs = [
                (header.index(h), header.index(h[:-2] + "nm"))
                for h in header
                if h.endswith("cd") and h[:-2] + "nm" in header
            ]
            for row in rows:
                for code_at, name_at in pairs:
                    if max(code_at, name_at) < len(row) and row[code_at].strip():
                        names.setdefault(row[code_at].strip().upper(), row[name_at].strip())
    return names


def _edition_from(name: str) -> str:
    match = _EDITION.search(name)
    if match is None:
        return "unknown"
    return f"{match[2]}-{_MONTHS.index(match[1].upper()) + 1:02d}"


def _kind_from(name: str) -> str:
    return "nspl" if "nspl" in name.lower() else "onspd"


class _Counted(io.RawIOBase):
    """A readable stream that advances a progress bar by the bytes read through it."""

    def __init__(self, stream: IO[bytes], progress: tqdm[None]) -> None:
        self._stream = stream
        self._progress = progress

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._stream.read(len(buffer))
        size = len(data)
        buffer[:size] = data
        self._progress.update(size)
        return size


def _read_rows(
    stream: IO[bytes], size: int, builder: TableBuilder, counties: Counter[tuple[str, str]]
) -> None:
    progress = tqdm(
        total=size, unit="B", unit_scale=True, desc="import", disable=not sys.stderr.isatty()
    )
    with progress:
        reading = io.BufferedReader(_Counted(stream, progress), buffer_size=1 << 20)
        text = io.TextIOWrapper(reading, encoding="utf-8-sig", errors="replace", newline="")
        reader = csv.reader(text)
        try:
            header = next(reader)
        except StopIteration:
            raise ImportRefused("not a postcode directory: the file is empty") from None
        except (csv.Error, UnicodeDecodeError) as error:
            raise ImportRefused(f"not a postcode directory: unreadable header ({error})") from None
        cols = find_columns(header)
        try:
            for row in reader:
                _read_row(row, cols, builder, counties)
        except csv.Error as error:
            raise ImportRefused(f"unreadable CSV at line {reader.line_num}: {error}") from None


def _read_row(
    row: list[str], cols: Columns, builder: TableBuilder, counties: Counter[tuple[str, str]]
) -> None:
    if len(row) != cols.width:
        if not any(cell.strip() for cell in row):
            return  # a blank line (often the last) is not a postcode row
        builder.bad_rows["wrong number of fields"] += 1
        return
    district = row[cols.district].strip().upper()
    if not district and cols.country is not None:
        # No district but a country: keep the country, so the postcode still signposts.
        district = _NOT_ENGLAND_PSEUDO.get(row[cols.country].strip()[:1].upper(), "")
    terminated = cols.terminated is not None and bool(row[cols.terminated].strip())
    if builder.add(row[cols.postcode], district, terminated=terminated):
        if district.startswith("E07") and cols.county is not None:
            county = row[cols.county].strip().upper()
            if county.startswith("E10"):
                counties[(district, county)] += 1


def import_directory(
    store: GeoStore, path: Path, *, edition: str | None = None, activate: bool = True
) -> ImportReport:
    """Load a directory file as a new version (activating it unless told not to)."""
    builder = TableBuilder()
    pairs: Counter[tuple[str, str]] = Counter()
    try:
        with _open_csv(path) as (stream, size, name):
            _read_rows(stream, size, builder, pairs)
    except (OSError, zipfile.BadZipFile, EOFError) as error:
        raise ImportRefused(f"cannot read {path.name}: {error}") from None
    built = builder.finish()
    bad = sum(built.bad_rows.values())
    if built.postcode_count == 0:
        raise ImportRefused(f"not a postcode directory: no usable postcode rows ({bad} bad rows)")
    if bad > built.postcode_count:
        raise ImportRefused(
            f"not a postcode directory: {bad:,} bad rows against {built.postcode_count:,} good"
        )
    # A district's county is what most of its postcodes say; the 2021 package fills gaps.
    counties = package_counties()
    for (district, county), _count in sorted(pairs.items(), key=lambda p: p[1]):
        counties[district] = county
    try:
        names = names_from_documents(path)
    except (OSError, zipfile.BadZipFile, csv.Error):
        names = {}  # names are a nicety; the reference table and codes still work
    mapping = map_districts(built.districts, counties, names)
    edition = edition or _edition_from(name)
    slug = re.sub(r"[^a-z0-9]+", "-", edition.lower()).strip("-") or "unknown"
    with store.lock():
        version_id, created = store.write_version(
            built,
            mapping,
            source=f"{_kind_from(name).upper()} file {name}",
            edition=edition,
            id_prefix=f"{_kind_from(name)}-{slug}",
            extra={"kind": _kind_from(name)},
        )
        if activate:
            store.activate(version_id)
    return ImportReport(
        version_id=version_id,
        created=created,
        activated=activate,
        postcode_count=built.postcode_count,
        live_count=built.live_count,
        terminated_count=built.terminated_count,
        bad_rows=built.bad_rows,
        unmapped_districts=mapping.unmapped,
        unnamed_authorities=mapping.unnamed,
    )
