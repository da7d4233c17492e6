"""The official lists as vietnamadminunits ships them: 63 provinces before July 2025, 34 after.

The package (MIT) holds both in one SQLite file: `admin_units_legacy` (63 provinces, their
districts and 10,040 communes, as they stood just before 1 July 2025) and `admin_units` (34
provinces, 3,321 communes, wards and special zones). Read once per process, a few MB.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import pandas as pd

LEGACY_COLUMNS = ["province", "district", "ward", "provinceCode", "districtCode", "wardCode",
                  "wardLat", "wardLon", "districtLat", "districtLon"]
CURRENT_COLUMNS = ["province", "ward", "provinceCode", "wardCode", "wardLat", "wardLon"]


def name_key(name) -> str:
    """A name as the lists are matched: Unicode NFC, case and spaces folded, diacritics kept
    («Xã Mỹ Thành» and «Xã Mỹ Thạnh» are two communes)."""
    if not isinstance(name, str):
        return ""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def _table(name: str, columns: list[str]) -> pd.DataFrame:
    from vietnamadminunits.database import query

    frame = pd.DataFrame(query(f"SELECT {', '.join(columns)} FROM [{name}]"))
    for column in ("province", "district", "ward"):
        if column in frame:
            frame[f"{column}_key"] = frame[column].map(name_key)
    return frame


@lru_cache(maxsize=1)
def legacy() -> pd.DataFrame:
    """Communes, districts and provinces before 1 July 2025 (one row per commune)."""
    return _table("admin_units_legacy", LEGACY_COLUMNS)


@lru_cache(maxsize=1)
def current() -> pd.DataFrame:
    """Communes, wards and special zones of the 34 provinces since 1 July 2025."""
    return _table("admin_units", CURRENT_COLUMNS)
