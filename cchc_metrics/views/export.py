"""The workbook of an export: a ranking sheet per block, then the per-field detail."""

from __future__ import annotations

import pandas as pd

from cchc_metrics.contract import TOTAL
from cchc_metrics.fields import field_label
from cchc_metrics.i18n import t
from cchc_metrics.views.compare import compare_fields
from cchc_metrics.views.ranking import ranking_table
from cchc_metrics.views.selection import View, select


def field_detail_table(scores: pd.DataFrame, units_rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Per unit × field detail for the units of an export (the "Chi tiết lĩnh vực" sheet)."""
    fields = compare_fields(scores, units_rows) if not units_rows.empty else pd.DataFrame()
    if fields.empty:
        return pd.DataFrame()
    fields = fields[fields["component"] != TOTAL].sort_values(["year", "block", "unit"])
    return pd.DataFrame({
        t("col_year", lang): fields["year"].astype(int).to_numpy(),
        t("col_block", lang): fields["block"].to_numpy(),
        t("col_unit", lang): fields["unit"].to_numpy(),
        t("col_field", lang): fields["component"].map(  # a label per field, not per row
            {c: field_label(c, lang) for c in fields["component"].unique()}).to_numpy(),
        t("col_max", lang): fields["max_points"].to_numpy(dtype=float),
        t("col_self", lang): fields["self_points"].to_numpy(dtype=float),
        t("col_points", lang): fields["points"].to_numpy(dtype=float),
        t("col_pct", lang): fields["pct"].to_numpy(dtype=float),
        t("col_block_pct", lang): fields["block_mean_pct"].to_numpy(dtype=float),
    })


def criterion_detail_table(criteria: pd.DataFrame, units_rows: pd.DataFrame,
                           lang: str) -> pd.DataFrame:
    """Per unit × criterion node for the units of an export (the «Chi tiết tiêu chí» sheet):
    code, name, maximum, self-assessed, appraised, points lost."""
    if criteria is None or criteria.empty or units_rows.empty:
        return pd.DataFrame()
    keys = units_rows[["year", "level", "unit"]].drop_duplicates()
    mine = criteria.merge(keys, on=["year", "level", "unit"])
    if mine.empty:
        return pd.DataFrame()
    mine = mine.sort_values(["year", "unit"], kind="stable")
    return pd.DataFrame({
        t("col_year", lang): mine["year"].astype(int).to_numpy(),
        t("col_unit", lang): mine["unit"].to_numpy(),
        t("col_code_criterion", lang): mine["criterion"].to_numpy(),
        t("col_criterion", lang): mine["criterion_name"].to_numpy(),
        t("col_max", lang): mine["max_points"].to_numpy(dtype=float),
        t("col_self", lang): mine["self_points"].to_numpy(dtype=float),
        t("col_points", lang): mine["points"].to_numpy(dtype=float),
        t("col_lost", lang): (mine["max_points"] - mine["points"]).round(2).to_numpy(
            dtype=float),
    })


def export_sheets(units: pd.DataFrame, scores: pd.DataFrame, view: View,
                  codes: pd.DataFrame | None = None,
                  criteria: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """The workbook of an export: the ranking table once per block, the per-field detail, and
    the criterion detail where the data has it."""
    table = ranking_table(units, view, history=False, numeric_changes=True, codes=codes)
    block_col = t("col_block", view.lang)
    rows = select(units, view)
    if block_col in table:
        sheets = {str(b): part.reset_index(drop=True)
                  for b, part in table.groupby(block_col, sort=False)}
    else:  # one block: its name is the sheet's, not a column repeating it on every row
        sheets = {str(rows["block"].iloc[0]): table} if not rows.empty else {}
    detail = field_detail_table(scores, rows, view.lang)
    if not detail.empty:
        sheets[t("sheet_field_detail", view.lang)] = detail
    tree = criterion_detail_table(criteria, rows, view.lang)
    if not tree.empty:
        sheets[t("sheet_criterion_detail", view.lang)] = tree
    return sheets or {t("ranking", view.lang): table}
