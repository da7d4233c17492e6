"""The block over the years: the units' index lines and band counts."""

from __future__ import annotations

import pandas as pd

from cchc_metrics.bands import band_counts
from cchc_metrics.i18n import t
from cchc_metrics.views.selection import View, select


def trend_rows(units: pd.DataFrame, view: View, names: list[str] | None = None) -> pd.DataFrame:
    """The level and block over all years (optionally only some units)."""
    sel = select(units, view.but(search="", year=None), year=False)
    if names is not None:  # an empty list (a search that found nobody) gives no rows
        sel = sel[sel["unit"].isin(names)]
    return sel.sort_values(["year", "rank"])


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
