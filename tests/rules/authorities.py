"""England's 153 children's services authorities, built independently of ``hub.geo``.

From the ONS 2021 lower-to-upper tier lookup (``qlacref_authorities``), with the 2023
reorganisations (Cumbria, North Yorkshire, Somerset) and the 2025 new codes for Barnsley and
Sheffield applied.
"""

from __future__ import annotations

import qlacref_authorities

_REMOVED = {"E10000006", "E10000023", "E10000027", "E08000016", "E08000019"}
_ADDED = {
    "E06000063": "Cumberland",
    "E06000064": "Westmorland and Furness",
    "E06000065": "North Yorkshire",
    "E06000066": "Somerset",
    "E08000038": "Barnsley",
    "E08000039": "Sheffield",
}


def english_authorities_2025() -> dict[str, str]:
    """Code -> name of every English children's services authority, as of 2025."""
    found = {
        record["UTLA21CD"]: record["UTLA21NM"]
        for record in qlacref_authorities.records
        if record["UTLA21CD"].startswith("E")
    }
    for code in _REMOVED:
        del found[code]
    found.update(_ADDED)
    return dict(sorted(found.items()))
