"""One loaded geography version: answers a parsed postcode from memory, never raising."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from hub.geo.authorities import COUNTRY_CODES, ENGLAND
from hub.geo.normalise import (
    ParsedPostcode,
    PostcodeFormatError,
    PostcodeKind,
    parse_postcode,
)
from hub.geo.result import Authority, Candidate, GeoResult, Outcome
from hub.geo.store import GeoStore
from hub.geo.table import BLOCK, DISTRICT_MASK, TERMINATED

__all__ = ["PREFIX_COUNTRIES", "Geography"]

# Crown dependencies and Northern Ireland may be missing from a directory: decide by area.
PREFIX_COUNTRIES = {
    "GY": "Channel Islands",
    "JE": "Channel Islands",
    "IM": "Isle of Man",
    "BT": "Northern Ireland",
}
_COUNTRY_CODE_SET = frozenset(COUNTRY_CODES.values())


@dataclass(frozen=True, slots=True)
class _Unit:
    """Where a district routes: an English authority, or a country outside England."""

    code: str
    name: str
    country: str
    authority: Authority | None
    outcome: Outcome


class _Partial(NamedTuple):
    """What a sector or district holds: candidates, the top share and unit, a single country."""

    candidates: tuple[Candidate, ...]
    top_share: float
    top: _Unit
    country: str | None


def _sparse(
    live: npt.NDArray[np.int64], every: npt.NDArray[np.int64]
) -> tuple[tuple[int, int], ...]:
    """(unit id, count) pairs of the live counts if any, else of all; unit 0 left out."""
    chosen = live if live[1:].any() else every
    return tuple((int(u), int(chosen[u])) for u in np.flatnonzero(chosen) if u != 0)


class Geography:
    """A version loaded into memory: a sector dict over a memory-mapped uint16 table."""

    def __init__(self, store: GeoStore, version_id: str) -> None:
        self.version_id = version_id
        index: dict[str, Any] = store.read_index(version_id)
        self.meta = store.read_meta(version_id)
        # Memory-mapped: pages are shared between worker processes and loaded on first touch.
        self._array: npt.NDArray[np.uint16] = np.load(store.table_path(version_id), mmap_mode="r")
        self._slots = memoryview(self._array)  # indexing a memoryview yields plain ints, fast
        self._bases: dict[str, int] = {s: i * BLOCK for i, s in enumerate(index["sectors"])}
        self._area_country: dict[str, str] = index["area_country"]
        units: list[_Unit | None] = [None]
        unit_ids: dict[str, int] = {}
        for code, info in index["units"].items():
            unit_ids[code] = len(units)
            english = code not in _COUNTRY_CODE_SET
            units.append(
                _Unit(
                    code=code,
                    name=info["name"],
                    country=info["country"] or ENGLAND,
                    authority=Authority(code, info["name"]) if english else None,
                    outcome=Outcome.MATCHED if english else Outcome.OUTSIDE_ENGLAND,
                )
            )
        self._units = units
        # district value (index + 1) -> unit id, 0 meaning the district routes nowhere known.
        unit_of_value = [0] + [unit_ids.get(u, 0) if u else 0 for u in index["district_units"]]
        self._unit_of_value = np.asarray(unit_of_value, dtype=np.int32)
        self._value_units: list[_Unit | None] = [units[u] for u in unit_of_value]
        self._partials: dict[str, _Partial] = {}
        self._count_partials()

    # -- resolving ---------------------------------------------------------------------------

    def resolve(self, text: str, min_share: float) -> GeoResult:
        """Resolve one typed string; every outcome is a result, never an exception."""
        if isinstance(text, str):
            # Fast path for a full postcode in the directory, typed in any case and spacing:
            # the sector dict only holds well-formed sectors, so no regex is needed.
            typed = text.strip()
            if 5 <= len(typed) <= 10 and typed.isascii():
                compact = typed.upper()
                if " " in compact:
                    compact = compact.replace(" ", "")
                if 5 <= len(compact) <= 7:
                    base = self._bases.get(compact[:-3] + " " + compact[-3])
                    letters = compact[-2:]
                    if base is not None and letters.isalpha():
                        value = self._slots[
                            base + (ord(letters[0]) - 65) * 26 + ord(letters[1]) - 65
                        ]
                        found = self._value_units[value & DISTRICT_MASK] if value else None
                        if found is not None:
                            return GeoResult(
                                input=text,
                                postcode=compact[:-3] + " " + compact[-3:],
                                outcome=found.outcome,
                                authority=found.authority,
                                country=found.country,
                                confidence=1.0,
                                geography_version=self.version_id,
                            )
        try:
            parsed = parse_postcode(text)
        except PostcodeFormatError as error:
            return GeoResult(
                input=text if isinstance(text, str) else repr(text),
                postcode=None,
                outcome=Outcome.INVALID,
                geography_version=self.version_id,
                reason=str(error),
            )
        if parsed.kind is PostcodeKind.FULL:
            assert parsed.sector_digit is not None and parsed.unit is not None
            return self._full(text, parsed.outward, parsed.sector_digit, parsed.unit)
        return self._partial(text, parsed, min_share)

    def _full(self, text: str, outward: str, digit: str, unit: str) -> GeoResult:
        base = self._bases.get(f"{outward} {digit}")
        if base is not None:
            value = self._slots[base + (ord(unit[0]) - 65) * 26 + ord(unit[1]) - 65]
            if value:
                found = self._value_units[value & DISTRICT_MASK]
                if found is not None:
                    if found.authority is not None:
                        return GeoResult(
                            input=text,
                            postcode=f"{outward} {digit}{unit}",
                            outcome=Outcome.MATCHED,
                            authority=found.authority,
                            country=ENGLAND,
                            confidence=1.0,
                            geography_version=self.version_id,
                        )
                    return GeoResult(
                        input=text,
                        postcode=f"{outward} {digit}{unit}",
                        outcome=Outcome.OUTSIDE_ENGLAND,
                        country=found.country,
                        confidence=1.0,
                        geography_version=self.version_id,
                    )
                reason = "This postcode has no council area in the postcode directory"
            else:
                reason = "This postcode is not in the postcode directory"
        else:
            reason = "This postcode is not in the postcode directory"
        parsed = ParsedPostcode(PostcodeKind.FULL, outward, digit, unit)
        return self._unplaced(text, parsed, reason)

    def _unplaced(self, text: str, parsed: ParsedPostcode, reason: str) -> GeoResult:
        """A well-formed postcode the directory does not place: say the country if we can."""
        country = self._country_of_area(parsed.area)
        key = parsed.sector or parsed.outward
        partial = self._partials.get(key)
        candidates = partial.candidates if partial is not None else ()
        if country is None and partial is not None:
            country = partial.country
        if country is not None and country != ENGLAND:
            return GeoResult(
                input=text,
                postcode=parsed.normalised,
                outcome=Outcome.OUTSIDE_ENGLAND,
                country=country,
                confidence=1.0,
                candidates=candidates,
                geography_version=self.version_id,
            )
        return GeoResult(
            input=text,
            postcode=parsed.normalised,
            outcome=Outcome.UNKNOWN,
            country=country,
            candidates=candidates,
            geography_version=self.version_id,
            reason=reason,
        )

    def _partial(self, text: str, parsed: ParsedPostcode, min_share: float) -> GeoResult:
        key = parsed.sector or parsed.outward
        partial = self._partials.get(key)
        if partial is None:
            return self._unplaced(text, parsed, "No postcodes in the directory start like this")
        candidates, top_share, top, country = partial
        if top_share >= min_share:
            if top.authority is None:
                return GeoResult(
                    input=text,
                    postcode=parsed.normalised,
                    outcome=Outcome.OUTSIDE_ENGLAND,
                    country=top.country,
                    confidence=round(top_share, 4),
                    candidates=candidates,
                    geography_version=self.version_id,
                )
            return GeoResult(
                input=text,
                postcode=parsed.normalised,
                outcome=Outcome.PARTIAL,
                authority=top.authority,
                country=ENGLAND,
                confidence=round(top_share, 4),
                candidates=candidates,
                geography_version=self.version_id,
            )
        return GeoResult(
            input=text,
            postcode=parsed.normalised,
            outcome=Outcome.PARTIAL,
            country=country,
            candidates=candidates,
            geography_version=self.version_id,
            reason=f"No single council covers {min_share:.0%} of this part-postcode",
        )

    # -- helpers -----------------------------------------------------------------------------

    def _country_of_area(self, area: str) -> str | None:
        return PREFIX_COUNTRIES.get(area) or self._area_country.get(area)

    def _count_partials(self) -> None:
        """Count postcodes per unit for every sector and district, once, at load.

        Shares count live postcodes when the partial has any, so terminated postcodes (which
        stay resolvable one by one) do not skew where people live now. Counts are kept sparse
        (most partials have one to three units) and built in chunks to keep memory small.
        """
        blocks = self._array.reshape(-1, BLOCK)
        n_units = len(self._units)
        sectors = list(self._bases)
        district_keys = sorted({s.split(" ")[0] for s in sectors})
        district_row = {d: i for i, d in enumerate(district_keys)}
        owner = np.asarray([district_row[s.split(" ")[0]] for s in sectors], dtype=np.int64)
        d_live = np.zeros((len(district_keys), n_units), dtype=np.int64)
        d_every = np.zeros_like(d_live)
        counts: dict[str, tuple[tuple[int, int], ...]] = {}
        chunk = 512
        for start in range(0, len(sectors), chunk):
            part = np.asarray(blocks[start : start + chunk])
            size = part.shape[0] * n_units
            keys = np.arange(part.shape[0], dtype=np.int64)[:, None] * n_units
            keys = keys + self._unit_of_value[part & DISTRICT_MASK]
            present = part != 0
            every = np.bincount(keys[present], minlength=size).reshape(-1, n_units)
            is_live = present & ((part & TERMINATED) == 0)
            live = np.bincount(keys[is_live], minlength=size).reshape(-1, n_units)
            np.add.at(d_live, owner[start : start + part.shape[0]], live)
            np.add.at(d_every, owner[start : start + part.shape[0]], every)
            for offset in range(part.shape[0]):
                counts[sectors[start + offset]] = _sparse(live[offset], every[offset])
        for index, district in enumerate(district_keys):
            counts[district] = _sparse(d_live[index], d_every[index])
        for key, pairs in counts.items():
            partial = self._make_partial(pairs)
            if partial is not None:
                self._partials[key] = partial

    def _make_partial(self, pairs: tuple[tuple[int, int], ...]) -> _Partial | None:
        """Candidates for one sector or district from its (unit id, count) pairs."""
        if not pairs:
            return None
        total = sum(count for _unit, count in pairs)
        ranked = sorted(((count, unit) for unit, count in pairs), key=lambda p: (-p[0], p[1]))
        candidates: list[Candidate] = []
        countries: set[str] = set()
        for count, unit_id in ranked:
            unit = self._units[unit_id]
            assert unit is not None
            countries.add(unit.country)
            candidates.append(Candidate(unit.code, unit.name, round(count / total, 4)))
        top = self._units[ranked[0][1]]
        assert top is not None
        country = countries.pop() if len(countries) == 1 else None
        return _Partial(tuple(candidates), ranked[0][0] / total, top, country)
