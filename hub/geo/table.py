"""The compact postcode table: one uint16 slot per possible unit in every known sector.

A full postcode is a sector (``KT1 2``) plus two unit letters. Every sector that exists gets a
block of 26 x 26 slots; the slot for letters ``AB`` is ``block + 0 * 26 + 1``. A slot holds 0 when
there is no such postcode, else ``district_index + 1``, with the top bit set when the postcode is
terminated. About 12,700 sectors make a 17 MB table that answers in a dict lookup and an index.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

__all__ = [
    "BLOCK",
    "TERMINATED",
    "BuiltTable",
    "TableBuilder",
    "split_postcode",
]

BLOCK = 26 * 26
TERMINATED = 0x8000
DISTRICT_MASK = 0x7FFF
_GSS = re.compile(r"[A-Z][0-9]{8}")
_POSTCODE = re.compile(r"([A-Z]{1,2}[0-9][A-Z0-9]?|GIR|NPT)([0-9])([A-Z]{2})")


def split_postcode(raw: str) -> tuple[str, str] | None:
    """Split a directory postcode (any spacing) into sector key and unit letters, or None."""
    compact = raw.replace(" ", "").upper()
    match = _POSTCODE.fullmatch(compact)
    if match is None:
        return None
    return f"{match[1]} {match[2]}", match[3]


@dataclass
class BuiltTable:
    """A finished table with the lists it indexes into."""

    table: npt.NDArray[np.uint16]
    sectors: list[str]
    districts: list[str]
    postcode_count: int
    live_count: int
    terminated_count: int
    bad_rows: Counter[str] = field(default_factory=Counter)


class TableBuilder:
    """Accumulate directory rows, then produce the sector table."""

    def __init__(self) -> None:
        self._sector_ids: dict[str, int] = {}
        self._district_ids: dict[str, int] = {}
        self._slots: list[int] = []
        self._values: list[int] = []
        self.bad_rows: Counter[str] = Counter()

    def add(self, postcode: str, district: str, *, terminated: bool = False) -> bool:
        """Add one row; count it as bad (and return False) when it cannot be used."""
        parts = split_postcode(postcode)
        if parts is None:
            self.bad_rows["postcode is not a valid postcode"] += 1
            return False
        district = district.strip().upper()
        if district and not _GSS.fullmatch(district):
            self.bad_rows["district code is not a GSS code"] += 1
            return False
        sector, unit = parts
        sector_id = self._sector_ids.setdefault(sector, len(self._sector_ids))
        district_id = self._district_ids.setdefault(district, len(self._district_ids))
        offset = (ord(unit[0]) - 65) * 26 + ord(unit[1]) - 65
        self._slots.append(sector_id * BLOCK + offset)
        self._values.append((district_id + 1) | (TERMINATED if terminated else 0))
        return True

    def add_many(self, postcodes: Iterable[str], districts: Iterable[object]) -> None:
        """Add live rows from parallel columns; a missing district (None, NaN) is kept as ''."""
        for postcode, district in zip(postcodes, districts, strict=True):
            code = district if isinstance(district, str) else ""
            self.add(postcode, code)

    def finish(self) -> BuiltTable:
        """Lay the rows out in sorted sector and district order and return the table."""
        sectors = sorted(self._sector_ids)
        districts = sorted(self._district_ids)
        sector_remap = np.zeros(len(sectors), dtype=np.int64)
        for new, key in enumerate(sectors):
            sector_remap[self._sector_ids[key]] = new
        district_remap = np.zeros(len(districts) + 1, dtype=np.uint16)
        for new, key in enumerate(districts):
            district_remap[self._district_ids[key] + 1] = new + 1
        slots = np.asarray(self._slots, dtype=np.int64)
        values = np.asarray(self._values, dtype=np.uint16)
        slots = sector_remap[slots // BLOCK] * BLOCK + slots % BLOCK
        values = district_remap[values & DISTRICT_MASK] | (values & TERMINATED)
        # A postcode listed twice keeps one row: the live one if any, else the last seen.
        order = np.lexsort((np.arange(len(slots)), (values & TERMINATED) == 0, slots))
        slots, values = slots[order], values[order]
        last = np.ones(len(slots), dtype=bool)
        if len(slots) > 1:
            last[:-1] = slots[:-1] != slots[1:]
        duplicates = int(len(slots) - last.sum())
        if duplicates:
            self.bad_rows["postcode listed more than once"] += duplicates
        slots, values = slots[last], values[last]
        table = np.zeros(len(sectors) * BLOCK, dtype=np.uint16)
        table[slots] = values
        terminated = int(np.count_nonzero(values & TERMINATED))
        return BuiltTable(
            table=table,
            sectors=sectors,
            districts=districts,
            postcode_count=len(slots),
            live_count=len(slots) - terminated,
            terminated_count=terminated,
            bad_rows=self.bad_rows,
        )
