"""The view a page shows: its filters, the choices they offer and the rows they select."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np
import pandas as pd

from cchc_metrics.bands import DEFAULT_BAND_PRESET, Bands, band_of, parse_bands
from cchc_metrics.contract import DEFAULT_BLOCKS, LEVELS
from cchc_metrics.i18n import t
from cchc_metrics.keys import group_ids
from cchc_metrics.names import fold


@dataclass(frozen=True)
class View:
    """The filters a page is showing; the URL holds them so a copied link reopens the view."""

    year: int | None = None
    level: str | None = None
    block: str | None = None
    province: str | None = None
    parent: str | None = None
    search: str = ""
    bands: str = DEFAULT_BAND_PRESET
    lang: str = "vi"

    def but(self, **changes) -> View:
        return replace(self, **changes)




CATALOG_COLUMNS = ["year", "level", "block", "province", "parent"]


HISTORY_KEYS = ["level", "province", "parent", "unit"]  # one unit across years, for sparklines


def catalog(units: pd.DataFrame) -> pd.DataFrame:
    """The distinct year × level × block × province × parent of the unit table.

    Small (a few thousand rows even for the whole country), and every function below that offers
    choices (years, levels, blocks, parents, settle, level_missing) gives the same answer on it as
    on the unit table itself: the controls are built from it without touching 100,000 rows.
    """
    return units[CATALOG_COLUMNS].drop_duplicates(ignore_index=True)


def prepared(units: pd.DataFrame) -> pd.DataFrame:
    """The unit table with `unit_series`: one integer per unit across years (for sparklines).

    Computed once per data revision; history_lists then needs no text matching at all.
    """
    return units.assign(unit_series=group_ids(units, HISTORY_KEYS))


def with_bands(units: pd.DataFrame, bands: Bands | str | None) -> pd.DataFrame:
    """The unit table under another band scheme: only the band depends on it, not the ranks."""
    return units.assign(band=band_of(units["index_pct"], parse_bands(bands)))


def years(units: pd.DataFrame) -> list[int]:
    """Years with data, newest first."""
    return sorted({int(y) for y in units["year"].unique()}, reverse=True)


def levels(units: pd.DataFrame, year: int | None = None) -> list[str]:
    """Levels present (in a year when given), in the domain's order."""
    present = set((units.loc[units["year"] == year, "level"] if year else units["level"]).unique())
    return [lv for lv in LEVELS if lv in present]


def blocks(units: pd.DataFrame, year: int | None, level: str | None) -> list[str]:
    """Ranking blocks of a year and level, the level's default block first."""
    sel = units
    if year:
        sel = sel[sel["year"] == year]
    if level:
        sel = sel[sel["level"] == level]
    found = sorted(set(sel["block"].unique()))
    default = DEFAULT_BLOCKS.get(level or "")
    return ([default] if default in found else []) + [b for b in found if b != default]


def _of(units: pd.DataFrame, year: int | None, level: str | None) -> pd.DataFrame:
    return units[(units["year"] == year) & (units["level"] == level)] if year and level else units


def provinces(units: pd.DataFrame, year: int | None = None, level: str | None = None) -> list[str]:
    """Provinces present (in a year and level when given), sorted."""
    return sorted(p for p in set(_of(units, year, level)["province"].fillna("").unique()) if p)


def parents(units: pd.DataFrame, year: int | None, level: str | None,
            province: str | None = None) -> list[str]:
    """Districts present in a year and level (of one province when given), sorted."""
    sel = _of(units, year, level)
    if province:
        sel = sel[sel["province"] == province]
    return sorted(p for p in set(sel["parent"].fillna("").unique()) if p)


def province_of(units: pd.DataFrame, parent: str | None) -> str | None:
    """The one province a district belongs to; None if it is not found or the name repeats."""
    found = provinces(units[units["parent"] == parent]) if parent else []
    return found[0] if len(found) == 1 else None


def settle(units: pd.DataFrame, view: View) -> View:
    """The view with every filter set to a value that exists (newest year, first level …)."""
    ys = years(units)
    year = view.year if view.year in ys else (ys[0] if ys else None)
    lvs = levels(units, year)
    level = view.level if view.level in lvs else (lvs[0] if lvs else None)
    bls = blocks(units, year, level)
    block = view.block if view.block in bls else (bls[0] if bls else None)
    return view.but(year=year, level=level, block=block)




@lru_cache(maxsize=262_144)
def folded(name: str) -> str:
    """fold() of a unit name, remembered: a search over 10,000 names then costs lookups only."""
    return fold(name)


def matches(names: pd.Series, search: str) -> pd.Series:
    """Search ignoring case and diacritics: "my loc" finds "Mỹ Lộc"."""
    needle = fold(search or "").strip()
    if not needle:
        return pd.Series(True, index=names.index)
    codes, uniques = pd.factorize(names.astype(str))
    hit = np.array([needle in folded(u) for u in uniques], dtype=bool)
    return pd.Series(hit[codes] if len(codes) else np.zeros(0, bool), index=names.index)


def unit_count(rows: pd.DataFrame) -> int:
    """How many units rows of unit_table or unit_fields hold.

    A unit is a year, block, district and name: unit_fields has one row per field."""
    return int(rows.drop_duplicates(["year", "block", "parent", "unit"]).shape[0])


def select(units: pd.DataFrame, view: View, *, year: bool = True) -> pd.DataFrame:
    """Rows of the unit table for the view's year, level, block, province, parent and search."""
    mask = pd.Series(True, index=units.index)
    if year and view.year:
        mask &= units["year"] == view.year
    if view.level:
        mask &= units["level"] == view.level
    if view.block:
        mask &= units["block"] == view.block
    if view.province:
        mask &= units["province"] == view.province
    if view.parent:
        mask &= units["parent"] == view.parent
    sel = units[mask]
    if view.search:
        sel = sel[matches(sel["unit"], view.search)]
    return sel


def row_runs(frame: pd.DataFrame, keys: list[str]) -> dict[tuple, list[tuple[int, int]]]:
    """Where each combination of the keys sits in the frame, as runs of consecutive rows.

    The store returns scores by year, level and block, so a year × block is one run: taking it is
    a slice (no copy), where a boolean filter over 800,000 rows costs tens of milliseconds.
    """
    if frame.empty:
        return {}
    change = np.zeros(len(frame), dtype=bool)
    change[0] = True
    for key in keys:
        column = frame[key].reset_index(drop=True)
        differs = column.iloc[1:].reset_index(drop=True) != column.iloc[:-1].reset_index(drop=True)
        change[1:] |= differs.to_numpy(dtype=bool, na_value=True)
    starts = np.flatnonzero(change)
    ends = np.append(starts[1:], len(frame))
    runs: dict[tuple, list[tuple[int, int]]] = {}
    firsts = frame[keys].iloc[starts].itertuples(index=False, name=None)
    for key, start, end in zip(firsts, starts.tolist(), ends.tolist(), strict=True):
        runs.setdefault(key, []).append((start, end))
    return runs


def rows_of(frame: pd.DataFrame, runs: dict[tuple, list[tuple[int, int]]], key: tuple
            ) -> pd.DataFrame:
    """The rows of one key of row_runs, as slices of the frame."""
    parts = [frame.iloc[start:end] for start, end in runs.get(key, [])]
    rows = parts[0] if len(parts) == 1 else pd.concat(parts) if parts else frame.iloc[0:0]
    return rows.reset_index(drop=True)


def level_missing(units: pd.DataFrame, view: View) -> str | None:
    """A message when the chosen level has no data in the chosen year (no districts after 2024)."""
    if view.year and view.level and view.level not in levels(units, view.year):
        return t("no_level_year", view.lang, year=view.year,
                 level=t(f"level_units_{view.level}", view.lang))
    return None


def latest_year_of(units: pd.DataFrame, level: str) -> int | None:
    """The newest year with results at a level (districts: the last year before 1 July 2025)."""
    ys = units.loc[units["level"] == level, "year"]
    return int(ys.max()) if not ys.empty else None


def locate(units: pd.DataFrame, view: View, unit: str | None = None) -> View | None:
    """The view moved to where a unit is ranked: a link's unit, else the search's first match.

    A unit named by a link (exact name) is found in the view's year, else in the newest year it
    has; a search is looked for in the view's year across blocks and districts, the view's level
    first. None when the view already shows it, or when nothing matches anywhere.
    """
    if unit:
        rows = units[units["unit"] == unit]
        if not select(rows, view.but(search=""), year=False).empty:
            return None  # the view's level, block and district hold it
        same_year = rows[rows["year"] == view.year]
        rows = same_year if not same_year.empty else rows[rows["year"] == rows["year"].max()]
    elif view.search:
        if not select(units, view).empty:
            return None
        rows = units[units["year"] == view.year] if view.year else units
        rows = rows[matches(rows["unit"], view.search)]
    else:
        return None
    if rows.empty:
        return None
    rows = rows.assign(_other_level=rows["level"] != view.level).sort_values(
        ["_other_level", "year", "rank"], ascending=[True, False, True], kind="stable")
    row = rows.iloc[0]
    return view.but(year=int(row["year"]), level=row["level"], block=row["block"],
                    province=None if pd.isna(row["province"]) or not row["province"]
                    else row["province"],
                    parent=None if pd.isna(row["parent"]) or not row["parent"] else row["parent"])


def map_rows(units: pd.DataFrame, view: View, places: pd.DataFrame) -> pd.DataFrame:
    """The view's rows with where each unit is (places: level, unit, before, latitude,
    longitude; a year before 2025 takes the place of before the reform); units without a known
    place are left out."""
    from cchc_metrics.places.resolve import REFORM_YEAR

    rows = select(units, view)
    rows = rows.assign(before=rows["year"] < REFORM_YEAR)
    return rows.merge(places, on=["level", "unit", "before"], how="inner").drop(columns="before")
