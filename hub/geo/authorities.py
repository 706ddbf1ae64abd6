"""The project's reference table of English children's services authorities and countries.

``authorities.csv`` (next to this module) is owned by the project: the 153 children's services
authorities in England with their current GSS code, ONS name and extra names people use.
It fills what the 2021 authorities package lacks: authorities created since (2023 unitaries,
2025 Barnsley and Sheffield codes). Who delivers a council's children's services (a trust or
company) is not kept here: the routing rules file holds it, with the dates it is valid.
"""

from __future__ import annotations

import csv
import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = [
    "COUNTRY_BY_PREFIX",
    "COUNTRY_CODES",
    "ENGLAND",
    "AuthorityInfo",
    "find_authority",
    "is_csa_code",
    "list_authorities",
    "reference_path",
]

ENGLAND = "England"

# GSS country codes; the Channel Islands and Isle of Man use ONS pseudo codes.
COUNTRY_CODES: dict[str, str] = {
    "England": "E92000001",
    "Wales": "W92000004",
    "Scotland": "S92000003",
    "Northern Ireland": "N92000002",
    "Channel Islands": "L93000001",
    "Isle of Man": "M83000003",
}
# The first letter of every GSS code says the country.
COUNTRY_BY_PREFIX: dict[str, str] = {
    "E": "England",
    "W": "Wales",
    "S": "Scotland",
    "N": "Northern Ireland",
    "L": "Channel Islands",
    "M": "Isle of Man",
}

_CSA_PREFIXES = ("E06", "E08", "E09", "E10")


@dataclass(frozen=True, slots=True)
class AuthorityInfo:
    """An English children's services authority: its GSS code, ONS name and other names."""

    code: str
    name: str
    aliases: tuple[str, ...] = ()


def reference_path() -> Path:
    """Where the project's reference table lives."""
    return Path(__file__).with_name("authorities.csv")


def is_csa_code(code: str) -> bool:
    """Whether a GSS code is of a kind that is a children's services authority in England."""
    return code.startswith(_CSA_PREFIXES)


@lru_cache(maxsize=1)
def _load() -> tuple[AuthorityInfo, ...]:
    with reference_path().open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return tuple(
        AuthorityInfo(
            code=row["code"].strip(),
            name=row["name"].strip(),
            aliases=tuple(a.strip() for a in row["aliases"].split(";") if a.strip()),
        )
        for row in rows
    )


def list_authorities() -> list[AuthorityInfo]:
    """All English children's services authorities (153), ordered by code."""
    return list(_load())


@lru_cache(maxsize=1)
def authorities_by_code() -> dict[str, AuthorityInfo]:
    """The reference table keyed by GSS code."""
    return {info.code: info for info in _load()}


_PREFIXES = (
    "the ",
    "london borough of ",
    "royal borough of ",
    "metropolitan borough of ",
    "borough of ",
    "city and county of ",
    "county of ",
    "city of ",
    "county ",
)
_SUFFIXES = (
    " metropolitan borough council",
    " metropolitan district council",
    " county borough council",
    " borough council",
    " district council",
    " county council",
    " city council",
    " council",
    " county of",
    " city of",
    " county",
    " city",
)
_NON_WORD = re.compile(r"[^a-z0-9 ]+")


def _name_key(text: str) -> str:
    """Fold a council name to a comparable key, ignoring 'Council', 'Borough of', '&' and case."""
    folded = unicodedata.normalize("NFKC", text).casefold().replace("&", " and ")
    folded = folded.replace("-", " ")
    folded = " ".join(_NON_WORD.sub(" ", folded).split())
    changed = True
    while changed:
        changed = False
        for prefix in _PREFIXES:
            # "City of London" is an authority; stripping "city of" would leave just "london".
            if folded.startswith(prefix) and folded[len(prefix) :] not in ("", "london"):
                folded = folded[len(prefix) :]
                changed = True
        for suffix in _SUFFIXES:
            if folded.endswith(suffix) and folded[: -len(suffix)]:
                folded = folded[: -len(suffix)]
                changed = True
    return folded


@lru_cache(maxsize=1)
def _by_name() -> dict[str, AuthorityInfo]:
    index: dict[str, AuthorityInfo] = {}
    ambiguous: set[str] = set()
    for info in _load():
        for name in (info.name, *info.aliases):
            key = _name_key(name)
            if key in index and index[key].code != info.code:
                ambiguous.add(key)
            index[key] = info
    for key in ambiguous:
        del index[key]
    return index


def find_authority(code_or_name: str) -> AuthorityInfo | None:
    """Find an authority by GSS code or by name, tolerant of council-style wording."""
    if not isinstance(code_or_name, str) or len(code_or_name) > 200:
        return None
    text = code_or_name.strip()
    by_code = authorities_by_code()
    if text.upper() in by_code:
        return by_code[text.upper()]
    key = _name_key(text)
    if not key:
        return None
    return _by_name().get(key)


def suggest_authorities(text: str, *, limit: int = 3) -> list[str]:
    """Up to ``limit`` authority names close to what was typed ("Kingston" -> Kingston upon
    Thames; "Hamshire" -> Hampshire), best first, for a name ``find_authority`` did not know."""
    key = _name_key(text[:200]) if isinstance(text, str) else ""
    if not key:
        return []
    index = _by_name()
    # A typed word that starts a name ("kingston") is a better clue than spelling distance.
    starts = [info.name for name, info in index.items() if name.startswith(key)]
    close = [index[name].name for name in difflib.get_close_matches(key, list(index), n=limit)]
    return list(dict.fromkeys(starts + close))[:limit]


def find_authority_name(code: object) -> str | None:
    """The ONS name of the authority a GSS code (or a name) stands for; None when none does."""
    found = find_authority(str(code)) if code else None
    return found.name if found is not None else None
