"""Units side by side, field by field."""

from __future__ import annotations

import pandas as pd

from cchc_metrics.contract import TOTAL
from cchc_metrics.fields import field_label
from cchc_metrics.i18n import t
from cchc_metrics.metrics import (
    UNIT_KEYS,
    unit_fields,
)


def compare_fields(scores: pd.DataFrame, units_rows: pd.DataFrame, *,
                   fields: pd.DataFrame | None = None) -> pd.DataFrame:
    """unit_fields rows for the chosen unit-years (2 to 8 units).

    `fields`: unit_fields covering the chosen units' years and blocks when already at hand.
    """
    keys = units_rows[UNIT_KEYS].drop_duplicates()
    if fields is None:
        fields = unit_fields(scores[scores["year"].isin(keys["year"].unique())])
    return fields.merge(keys, on=UNIT_KEYS)


def differences_table(fields: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Field × unit % of maximum, with the gap between the best and worst unit."""
    fields = fields[fields["component"] != TOTAL]
    if fields.empty:
        return pd.DataFrame()
    wide = fields.pivot_table(index="component", columns="unit", values="pct", aggfunc="first")
    wide[t("differences", lang)] = wide.max(axis=1) - wide.min(axis=1)
    wide.index = [field_label(c, lang) for c in wide.index]
    wide.index.name = t("col_field", lang)
    return wide.reset_index()
