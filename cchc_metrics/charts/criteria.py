"""Units × the criteria of a field: where in the field each unit loses its points."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from cchc_metrics.charts.style import (
    HEATMAP_SCALE,
    MAX_HEATMAP_UNITS,
    _empty,
    _layout,
    _t,
    _wrap,
    inert,
)
from cchc_metrics.fields import field_label
from cchc_metrics.numbers import format_number, format_pct


@inert
def criteria_heatmap(grid: pd.DataFrame, field: str, lang: str = "vi",
                     max_units: int = MAX_HEATMAP_UNITS) -> go.Figure:
    """views.criteria_grid: a row per unit (best first), a column per criterion, the share of
    its maximum in each cell (the number written in the cell: never colour alone)."""
    title = _t("criteria_heatmap", lang, field=field_label(field, lang))
    if grid is None or grid.empty:
        return _empty(lang, title)
    overall = grid.groupby("unit")[["points", "max_points"]].sum()
    order = (overall["points"] / overall["max_points"]).sort_values(ascending=False).index
    order = list(order[:max_units])
    columns = list(dict.fromkeys(grid["criterion"]))
    cells = grid.set_index(["unit", "criterion"]).reindex(
        pd.MultiIndex.from_product([order, columns]))
    shape = (len(order), len(columns))
    z = cells["pct"].to_numpy(dtype=float).reshape(shape)
    text = [["" if math.isnan(v) else format_number(v, 0, lang) for v in line] for line in z]
    hover = np.array([
        "" if pd.isna(r.pct) else f"<b>{r.Index[0]}</b><br>{r.Index[1]}<br>"
        f"{format_pct(r.pct, 2, lang)} · {format_number(r.points, 2, lang)} / "
        f"{format_number(r.max_points, 2, lang)}" for r in cells.itertuples()],
        dtype=object).reshape(shape)
    fig = go.Figure(go.Heatmap(
        z=z, x=[_wrap(c, 18) for c in columns], y=order, colorscale=HEATMAP_SCALE,
        zmin=max(0.0, math.floor(np.nanmin(z) / 10) * 10), zmax=100, text=text,
        texttemplate="%{text}", textfont={"size": 11}, hovertext=hover.tolist(),
        hoverinfo="text", xgap=1, ygap=1,
        colorbar={"title": {"text": "%"}, "ticksuffix": "\u00a0%", "thickness": 14}))
    fig.update_yaxes(autorange="reversed", automargin=True)
    return _layout(fig, lang, title, height=max(360, 28 * len(order) + 200))
