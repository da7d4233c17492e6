"""Units side by side, field by field."""

from __future__ import annotations

import pandas as pd

from cchc_metrics.contract import TOTAL
from cchc_metrics.fields import field_label, field_order
from cchc_metrics.i18n import t
from cchc_metrics.metrics import (
    UNIT_KEYS,
    unit_fields,
)
from cchc_metrics.views.screen import Screen, compact_arrow, number_texts

DEFAULT_UNITS = 3  # the compare page opens on the block's top three
INDEX_ROW, RANK_ROW = "__index__", "__rank__"  # the differences table's first two rows


def default_units(units_rows: pd.DataFrame, n: int = DEFAULT_UNITS) -> list[str]:
    """The best n units by rank (then index, then name): what the compare page opens on."""
    if units_rows.empty:
        return []
    ordered = units_rows.sort_values(["rank", "index_pct", "unit"], ascending=[True, False, True],
                                     na_position="last", kind="stable")
    return list(dict.fromkeys(ordered["unit"].astype(str)))[:n]


def compare_fields(scores: pd.DataFrame, units_rows: pd.DataFrame, *,
                   fields: pd.DataFrame | None = None) -> pd.DataFrame:
    """unit_fields rows for the chosen unit-years (2 to 8 units), in the order of their rows.

    `fields`: unit_fields covering the chosen units' years and blocks when already at hand.
    """
    keys = units_rows[UNIT_KEYS].drop_duplicates()
    if fields is None:
        fields = unit_fields(scores[scores["year"].isin(keys["year"].unique())])
    # in the units' order (a ranking's: best first), so the charts' legends follow it
    return keys.merge(fields, on=UNIT_KEYS)[list(fields.columns)]


def differences_table(fields: pd.DataFrame, lang: str,
                      units_rows: pd.DataFrame | None = None) -> pd.DataFrame:
    """Field × unit % of maximum, with the gap between the highest and the lowest unit.

    With the units' rows (unit_table), the first two rows are their index and rank, and the
    units run best first; the fields follow in their official order (1–8, then the survey).
    """
    fields = fields[fields["component"] != TOTAL]
    if fields.empty:
        return pd.DataFrame()
    wide = fields.pivot_table(index="component", columns="unit", values="pct", aggfunc="first")
    wide = wide.loc[field_order(wide.index)]
    units = list(wide.columns)
    if units_rows is not None and not units_rows.empty:
        rows = units_rows.drop_duplicates("unit").set_index("unit").reindex(units)
        units = default_units(rows.reset_index(), len(units))
        head = pd.DataFrame([pd.to_numeric(rows["index_pct"], errors="coerce"),
                             pd.to_numeric(rows["rank"], errors="coerce").astype(float)],
                            index=[INDEX_ROW, RANK_ROW])
        wide = pd.concat([head, wide])[units]
    gap = wide.max(axis=1) - wide.min(axis=1)
    wide[t("col_gap", lang)] = gap.where(wide.index != RANK_ROW)  # places apart: no gap in %
    labels = {INDEX_ROW: t("diff_index_row", lang), RANK_ROW: t("diff_rank_row", lang)}
    wide.index = [labels.get(c) or field_label(c, lang) for c in wide.index]
    wide.index.name = t("col_field", lang)
    wide.columns.name = None
    return wide.reset_index()


def differences_screen(table: pd.DataFrame, lang: str) -> Screen:
    """The differences table as shown: two decimals, the rank row as whole numbers.

    Its rows are fixed (index, rank, the fields in order), so it is not sorted by a click.
    """
    if table.empty:
        return Screen(table)
    frame = table.copy()
    numbers = [c for c in frame.columns if pd.api.types.is_float_dtype(frame[c])]
    rank = (frame.iloc[:, 0] == t("diff_rank_row", lang)).to_numpy()
    for column in numbers:
        texts = number_texts(frame[column], 2, lang)
        if rank.any():
            texts[rank] = number_texts(frame.loc[rank, column], 0, lang)
        frame[column] = texts
    return Screen(frame, tuple(numbers), arrow=compact_arrow(frame))

