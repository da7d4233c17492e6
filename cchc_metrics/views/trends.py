"""The block over the years: the units' index lines and band counts."""

from __future__ import annotations

import pandas as pd

from cchc_metrics.bands import band_counts
from cchc_metrics.i18n import t
from cchc_metrics.views.compare import default_units
from cchc_metrics.views.profile import PICKER_LIMIT
from cchc_metrics.views.selection import View, folded, select

FOLLOWED, MOST_FOLLOWED = 5, 8  # the trends follow the top five by default, eight at the most


def trend_rows(units: pd.DataFrame, view: View, names: list[str] | None = None) -> pd.DataFrame:
    """The level and block over all years (optionally only some units)."""
    sel = select(units, view.but(search="", year=None), year=False)
    if names is not None:  # an empty list (a search that found nobody) gives no rows
        sel = sel[sel["unit"].isin(names)]
    return sel.sort_values(["year", "rank"])


def area_rows(units: pd.DataFrame, lineage: pd.DataFrame | None, level: str,
              names: list[str]) -> pd.DataFrame:
    """For each unit formed by a merger, its former units' combined index before it (plain
    mean): unit, year, index_pct, n_units — the dotted part of its trend line."""
    from cchc_metrics.places import area_series

    if lineage is None or lineage.empty or not level:
        return pd.DataFrame(columns=["unit", "year", "index_pct", "n_units"])
    parts = [area_series(units, lineage, level, name).assign(unit=name) for name in names]
    parts = [p for p in parts if not p.empty]
    if not parts:
        return pd.DataFrame(columns=["unit", "year", "index_pct", "n_units"])
    return pd.concat(parts, ignore_index=True)[["unit", "year", "index_pct", "n_units"]]


def former_rows(units: pd.DataFrame, lineage: pd.DataFrame | None, level: str,
                names: list[str]) -> pd.DataFrame:
    """The unit-table rows of the units the named ones were formed from, before the merger,
    with the successor's name (`successor`): the dotted part of the rank bumps."""
    from cchc_metrics.places import predecessors

    if lineage is None or lineage.empty or not level:
        return units.iloc[0:0].assign(successor=pd.Series(dtype=object))
    parts = []
    for name in names:
        olds = predecessors(lineage, level, name)
        olds = olds[olds["predecessor"] != name]
        if olds.empty:
            continue
        first = min(olds["effective"]).year
        rows = units[(units["level"] == level) & units["unit"].isin(olds["predecessor"]) &
                     (units["year"] < first)]
        parts.append(rows.assign(successor=name))
    if not parts:
        return units.iloc[0:0].assign(successor=pd.Series(dtype=object))
    return pd.concat(parts, ignore_index=True).sort_values(["successor", "unit", "year"])


def merger_changes(rows: pd.DataFrame, units: pd.DataFrame, lineage: pd.DataFrame | None,
                   lang: str = "vi") -> pd.DataFrame:
    """The rows with a merged unit's change counted from its former units' combined index the
    year before (plain mean), its name saying so: gainers and decliners then include it."""
    from cchc_metrics.i18n import t
    from cchc_metrics.places import area_series

    if lineage is None or lineage.empty or rows.empty:
        return rows
    formed = set(zip(lineage["level"], lineage["successor"], strict=True)) - set(
        zip(lineage["level"], lineage["predecessor"], strict=True))
    out = rows.copy()
    for i, r in out[out["delta_pct"].isna()].iterrows():
        if (r["level"], r["unit"]) not in formed:
            continue
        area = area_series(units, lineage, r["level"], r["unit"])
        before = area[area["year"] == int(r["year"]) - 1]
        if before.empty:
            continue
        out.at[i, "delta_pct"] = round(float(r["index_pct"]) - float(before["index_pct"].iloc[0]),
                                       2)
        out.at[i, "unit"] = t("vs_former", lang, unit=r["unit"])
    return out


def trend_names(rows: pd.DataFrame) -> list[str]:
    """Every unit of the block over the years (trend_rows), as the pickers sort them."""
    return sorted(rows["unit"].dropna().unique().tolist(), key=folded)


def top_units(rows: pd.DataFrame, n: int = FOLLOWED) -> list[str]:
    """The best n units of the latest year in the rows: whom the trends follow by default."""
    if rows.empty:
        return []
    return default_units(rows[rows["year"] == rows["year"].max()], n)


def follow_options(names: list[str], keep: list[str], limit: int | None = None) -> list[str]:
    """The follow picker's choices: all names up to `limit` (PICKER_LIMIT), else the first ones
    with the units followed kept among them (the search finds the others)."""
    limit = PICKER_LIMIT if limit is None else limit
    if len(names) <= limit:
        return names
    head = names[:limit]
    extra = [k for k in dict.fromkeys(keep) if k not in set(head) and k in set(names)]
    return sorted(head + extra, key=folded) if extra else head


def block_band_counts(units: pd.DataFrame, view: View) -> pd.DataFrame:
    """Band counts for the view's level and block over all years."""
    return band_counts(select(units, view.but(search="", parent=None, province=None), year=False),
                       view.bands)


def trend_table(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Units × years of index (%), newest year's order: the table behind the trend lines."""
    if rows.empty:
        return pd.DataFrame()
    wide = rows.pivot_table(index="unit", columns="year", values="index_pct", aggfunc="first")
    wide = wide.sort_values(wide.columns[-1], ascending=False, na_position="last")
    wide.columns = [str(c) for c in wide.columns]
    wide.index.name = t("col_unit", lang)
    return wide.reset_index()
