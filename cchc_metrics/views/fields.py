"""Where a block gains and loses its points, field by field."""

from __future__ import annotations

import pandas as pd

from cchc_metrics.contract import TOTAL
from cchc_metrics.fields import field_label
from cchc_metrics.i18n import t
from cchc_metrics.metrics import (
    field_summary,
    unit_fields,
)
from cchc_metrics.views.selection import View


def fields_of_block(scores: pd.DataFrame, view: View) -> tuple[pd.DataFrame, pd.DataFrame]:
    """unit_fields and field_summary for the view's year, level and block (and place)."""
    sel = scores[(scores["year"] == view.year) & (scores["level"] == view.level)]
    if view.block:
        sel = sel[sel["block"] == view.block]
    if view.province:
        sel = sel[sel["province"] == view.province]
    if view.parent:
        sel = sel[sel["parent"] == view.parent]
    return unit_fields(sel), field_summary(sel)


def by_field(fields: pd.DataFrame) -> bool:
    """Whether the results give points by field at all (an index-only table gives a total)."""
    return bool((fields["component"] != TOTAL).any()) if not fields.empty else False


def field_table(fsum: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Per field: mean points, maximum, % and points lost, most lost first."""
    fsum = fsum[fsum["component"] != TOTAL].sort_values("mean_points_lost", ascending=False)
    return pd.DataFrame({
        t("col_field", lang): [field_label(c, lang) for c in fsum["component"]],
        t("col_points", lang): fsum["mean_points"].round(2).to_numpy(),
        t("col_max", lang): fsum["mean_max_points"].round(2).to_numpy(),
        t("col_pct", lang): fsum["mean_pct"].to_numpy(),
        t("col_lost", lang): fsum["mean_points_lost"].round(2).to_numpy(),
    })
