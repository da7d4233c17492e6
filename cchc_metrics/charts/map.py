"""Units where they are: drawn from coordinates alone, with no map tiles (an offline intranet)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from cchc_metrics.bands import Bands, parse_bands
from cchc_metrics.charts.style import (
    SYMBOLS,
    UNBANDED_COLOR,
    _band_order,
    _empty,
    _layout,
    _scope,
    _t,
    _unit_hovers,
    band_colors,
    inert,
)
from cchc_metrics.i18n import band_label

LABELLED = 3  # the best and the worst this many are named on the map


@inert
def unit_map(rows: pd.DataFrame, bands: Bands | str, lang: str = "vi") -> go.Figure:
    """A marker per unit at its place: band by colour and by shape (never colour alone), the
    better its rank the larger; the best and worst three named. `rows`: unit_table rows with
    latitude and longitude (views.map_rows); each marker's customdata is its unit's name."""
    rows = rows[rows["latitude"].notna() & rows["longitude"].notna()] if not rows.empty else rows
    if rows.empty:
        return _empty(lang, _t("map", lang))
    bands = parse_bands(bands)
    colors = band_colors(bands)
    band = rows["band"].where(rows["band"].notna(), _t("unbanded", lang))
    worst = rows["n_ranked"].astype(float).fillna(rows["rank"].astype(float).max())
    share = 1 - (rows["rank"].astype(float) - 1) / np.maximum(worst - 1, 1)
    named = (rows["rank"] <= LABELLED) | (rows["rank"] > worst - LABELLED)
    fig = go.Figure()
    for i, label in enumerate(_band_order(bands, band)):
        part = rows[band == label]
        if part.empty:
            continue
        fig.add_scatter(
            x=part["longitude"].tolist(), y=part["latitude"].tolist(), mode="markers+text",
            name=band_label(label, lang), customdata=part["unit"].tolist(),
            marker={"color": colors.get(label, UNBANDED_COLOR), "symbol": SYMBOLS[i % len(SYMBOLS)],
                    "size": (8 + 14 * share[part.index]).round(1).tolist(),
                    "line": {"color": "white", "width": 1}},
            text=[u if n else "" for u, n in zip(part["unit"], named[part.index], strict=True)],
            textposition="top center", textfont={"size": 10},
            hovertext=_unit_hovers(part, lang), hoverinfo="text")
    middle = float(rows["latitude"].mean())
    fig.update_xaxes(visible=False)
    # one degree of latitude is 1/cos(latitude) degrees of longitude long: shapes stay true
    fig.update_yaxes(visible=False, scaleanchor="x", scaleratio=1 / math.cos(math.radians(middle)))
    return _layout(fig, lang, _t("map", lang) + _scope(rows, lang), height=640,
                   subtitle=_t("map_sub", lang))
