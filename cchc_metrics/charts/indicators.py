"""The indicators page's chart: a block's and chosen units' values month by month, the target
dashed."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from cchc_metrics.charts.style import _color, _empty, _layout, _symbol, _t, inert
from cchc_metrics.i18n import t
from cchc_metrics.indicators import SERVICE_INDEX, indicator_name
from cchc_metrics.numbers import format_number, format_pct


@inert
def indicator_trend(series: pd.DataFrame, indicator: str, lang: str = "vi") -> go.Figure:
    """indicators.monthly_series: the block's line solid and dark, each unit's line coloured
    with its own marker (never colour alone), the target as a dashed step."""
    name = indicator_name(indicator, lang)
    title = _t("ind_trend", lang, name=name)
    if series is None or series.empty:
        return _empty(lang, title)
    series = series.sort_values(["year", "month"], kind="stable").assign(
        month_label=[f"{m:02d}/{y}" for y, m in zip(series["year"], series["month"],
                                                     strict=True)])
    write = (lambda v: format_number(v, 2, lang)) if indicator == SERVICE_INDEX else \
        (lambda v: format_pct(v, 2, lang))
    fig = go.Figure()
    whole = t("ind_whole", lang)
    former = series["former"] if "former" in series else pd.Series(False, series.index)
    for i, (label, part) in enumerate(series.groupby("series", sort=False)):
        shown = whole if label == "" else label
        before = bool(former.loc[part.index].any())  # a merged unit's former units: dotted
        fig.add_scatter(
            x=part["month_label"].tolist(), y=part["value"].tolist(), name=shown,
            mode="lines+markers", hoverinfo="text",
            line={"color": "#222222" if label == "" else "#777777" if before else _color(i),
                  "width": 3 if label == "" else 2, "dash": "dot" if before else "solid"},
            marker={"symbol": "circle-open" if before else _symbol(i)},
            hovertext=[f"<b>{shown}</b><br>{m}: {write(v)}" for m, v in
                       zip(part["month_label"], part["value"], strict=True)])
    goal = series[series["series"] == ""]
    if goal["target"].notna().any():
        fig.add_scatter(x=goal["month_label"].tolist(), y=goal["target"].tolist(),
                        name=_t("ind_target", lang), mode="lines", line={"dash": "dash",
                                                                          "color": "#D55E00",
                                                                          "shape": "hv"},
                        hoverinfo="skip")
    fig.update_xaxes(title_text=_t("ind_month", lang), type="category")
    fig.update_yaxes(title_text=name if indicator == SERVICE_INDEX else f"{name} (%)")
    return _layout(fig, lang, title, height=420)
