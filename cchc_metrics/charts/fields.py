"""Where points are lost: the units × fields heatmap, field means, points lost."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from cchc_metrics.charts.style import (
    HEATMAP_SCALE,
    MAX_HEATMAP_UNITS,
    OKABE_ITO,
    _capped,
    _empty,
    _is_empty,
    _layout,
    _num,
    _per_unit,
    _scope,
    _t,
    _without_total,
    _wrap,
    inert,
)
from cchc_metrics.contract import TOTAL
from cchc_metrics.fields import field_label, field_short
from cchc_metrics.numbers import format_number, format_pct, round_half_up


@inert
def fields_heatmap(fields_rows: pd.DataFrame, lang: str = "vi",
                   max_units: int = MAX_HEATMAP_UNITS) -> go.Figure:
    """Which units lose which fields at a glance (rows of unit_fields): % of maximum per cell.

    Over `max_units` units, the best and worst `max_units // 2` rows, a subtitle saying so.
    """
    if _is_empty(fields_rows, "pct"):
        return _empty(lang, _t("heatmap", lang))
    fields_rows, total, half = _best_and_worst(fields_rows, max_units)
    rows, order = _per_unit(fields_rows)
    rows["label"] = rows["label"].astype(str)
    overall = rows.groupby("label", sort=False)[["points", "max_points"]].sum()
    overall = (overall["points"] / overall["max_points"]).sort_values(ascending=False, kind="stable")
    rows = rows.drop_duplicates(["label", "component"]).set_index(["label", "component"])
    grid = pd.MultiIndex.from_product([overall.index, order])
    cells = rows.reindex(grid)
    shape = (len(overall), len(order))
    z = _num(cells["pct"]).reshape(shape)
    text = [["" if math.isnan(v) else format_number(v, 2, lang) for v in line] for line in z]
    hover = np.array([
        "" if pd.isna(r.pct) else
        f"<b>{r.Index[0]}</b><br>{field_label(r.Index[1], lang)}<br>{format_pct(r.pct, 2, lang)}"
        f" · {format_number(r.points, 2, lang)} / {format_number(r.max_points, 2, lang)}"
        for r in cells.itertuples()], dtype=object).reshape(shape)
    low = np.nanmin(z)
    y, subtitle = overall.index.tolist(), ""
    if total:  # a row of empty cells where the units left out would be
        subtitle, gap = _capped(total, half, lang)
        y.insert(half, gap)
        z = np.insert(z, half, np.nan, axis=0)
        text.insert(half, [""] * len(order))
        hover = np.insert(hover, half, "", axis=0)
    fig = go.Figure(go.Heatmap(
        # short names under the columns (the full one is in each cell's hover): a narrow
        # screen keeps them apart
        z=z, x=[_wrap(field_short(c, lang), 12) for c in order], y=y,
        colorscale=HEATMAP_SCALE, zmin=max(0.0, math.floor(low / 10) * 10), zmax=100,
        text=text, texttemplate="%{text}", textfont={"size": 11}, hovertext=hover.tolist(),
        hoverinfo="text", xgap=1, ygap=1,
        colorbar={"title": {"text": "%"}, "ticksuffix": "\u00a0%", "thickness": 14}))
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(side="bottom", automargin=True)
    return _layout(fig, lang, _t("heatmap", lang) + _scope(fields_rows, lang),
                   height=max(320, 28 * len(y) + 200), subtitle=subtitle)


def _best_and_worst(fields_rows: pd.DataFrame, max_units: int) -> tuple[pd.DataFrame, int, int]:
    """The field rows of the best and worst max_units // 2 units (by share of maximum overall).

    Returns (rows, total units, half) with total 0 when every unit fits.
    """
    rows = _without_total(fields_rows.dropna(subset=["pct"]))
    keys = [c for c in ("year", "block", "parent", "unit") if c in rows]
    unit_id = rows.groupby(keys, sort=False, dropna=False).ngroup().to_numpy()
    total, half = int(unit_id.max(initial=-1)) + 1, max(max_units // 2, 1)
    if total <= max(max_units, 2):
        return fields_rows, 0, half
    points = np.bincount(unit_id, weights=rows["points"].to_numpy(dtype=float), minlength=total)
    maxima = np.bincount(unit_id, weights=rows["max_points"].to_numpy(dtype=float),
                         minlength=total)
    with np.errstate(divide="ignore", invalid="ignore"):
        overall = np.where(maxima > 0, points / maxima, -np.inf)
    order = np.argsort(-overall, kind="stable")
    keep = np.concatenate([order[:half], order[-half:]])
    return rows[np.isin(unit_id, keep)], total, half


def _field_means(fsum_rows: pd.DataFrame) -> pd.DataFrame:
    """field_summary rows combined per field (unit-weighted), so several blocks add up right."""
    rows = fsum_rows[fsum_rows["component"] != TOTAL]
    n = rows["n_units"].astype(float)
    rows = rows.assign(_p=rows["mean_points"] * n, _m=rows["mean_max_points"] * n, _n=n)
    out = rows.groupby("component", sort=False)[["_p", "_m", "_n"]].sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        out["mean_pct"] = round_half_up(np.where(out["_m"] > 0, 100 * out["_p"] / out["_m"],
                                                 np.nan), 2)
    out["n_units"] = out["_n"].astype(int)
    out["mean_points"] = out["_p"] / out["_n"]
    out["mean_max_points"] = out["_m"] / out["_n"]
    out["mean_points_lost"] = (out["mean_max_points"] - out["mean_points"]).round(6)
    return out.reset_index()


def _field_bars(rows: pd.DataFrame, value: str, text: list[str], hover: list[str],
                color: str) -> go.Figure:
    """One horizontal bar per field in the rows' order, first at the top."""
    fig = go.Figure(go.Bar(
        x=rows[value].tolist(), y=[_wrap(n, 34) for n in rows["name"]], orientation="h",
        marker_color=color, text=text, textposition="auto", hovertext=hover, hoverinfo="text"))
    fig.update_yaxes(autorange="reversed", automargin=True)
    return fig


@inert
def field_means(fsum_rows: pd.DataFrame, lang: str = "vi") -> go.Figure:
    """Which fields the block does well and badly on: mean % of maximum, best first."""
    if _is_empty(fsum_rows, "mean_pct"):
        return _empty(lang, _t("field_means", lang))
    rows = _field_means(fsum_rows).sort_values(["mean_pct", "component"],
                                               ascending=[False, True], kind="stable")
    rows["name"] = [field_label(c, lang) for c in rows["component"]]
    hover = [f"<b>{r.name}</b><br>{format_pct(r.mean_pct, 2, lang)} · "
             f"{format_number(r.mean_points, 2, lang)} / {format_number(r.mean_max_points, 2, lang)}"
             f"<br>{_t('units', lang)}: {r.n_units}" for r in rows.itertuples()]
    fig = _field_bars(rows, "mean_pct", [format_pct(v, 2, lang) for v in rows["mean_pct"]],
                      hover, OKABE_ITO[0])
    fig.update_xaxes(range=[0, 100], title_text=_t("pct_axis", lang))
    return _layout(fig, lang, _t("field_means", lang) + _scope(fsum_rows, lang),
                   height=140 + 40 * len(rows), showlegend=False)


@inert
def points_lost(fsum_rows: pd.DataFrame, lang: str = "vi") -> go.Figure:
    """Where the block loses its points: mean points lost per unit by field, largest first."""
    if _is_empty(fsum_rows, "mean_points_lost"):
        return _empty(lang, _t("points_lost", lang))
    rows = _field_means(fsum_rows).sort_values(["mean_points_lost", "component"],
                                               ascending=[False, True], kind="stable")
    rows["name"] = [field_label(c, lang) for c in rows["component"]]
    hover = [f"<b>{r.name}</b><br>{_t('lost', lang)}: {format_number(r.mean_points_lost, 2, lang)}"
             f" / {format_number(r.mean_max_points, 2, lang)}"
             f" ({format_pct(100 - r.mean_pct, 2, lang)})<br>{_t('units', lang)}: {r.n_units}"
             for r in rows.itertuples()]
    fig = _field_bars(rows, "mean_points_lost",
                      [format_number(v, 2, lang) for v in rows["mean_points_lost"]],
                      hover, OKABE_ITO[5])
    fig.update_xaxes(title_text=_t("lost_axis", lang), rangemode="tozero")
    return _layout(fig, lang, _t("points_lost", lang) + _scope(fsum_rows, lang),
                   height=140 + 40 * len(rows), showlegend=False)
