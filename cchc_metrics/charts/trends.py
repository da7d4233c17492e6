"""The block over the years: index lines, rank bumps, movers, band counts."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from cchc_metrics.bands import Bands, parse_bands
from cchc_metrics.charts.style import (
    OKABE_ITO,
    UNBANDED_COLOR,
    _band_order,
    _color,
    _empty,
    _ink,
    _is_empty,
    _layout,
    _num,
    _rank_axis,
    _scope,
    _series_keys,
    _symbol,
    _t,
    _unique,
    _unit_hovers,
    _unit_labels,
    _year_axis,
    band_colors,
    inert,
)
from cchc_metrics.i18n import band_label
from cchc_metrics.numbers import format_number, format_pct


def _series(units_rows: pd.DataFrame, lang: str) -> tuple[list[dict], range]:
    """Per unit, best in the latest year first: index, rank, hover over every year, NaN = gap."""
    years_of = units_rows["year"].astype(int).tolist()
    years = range(min(years_of), max(years_of) + 1)
    index, rank = _num(units_rows["index_pct"]), _num(units_rows["rank"])
    series: dict[str, dict] = {}
    for i, (key, label, hover, year) in enumerate(zip(
            _series_keys(units_rows), _unit_labels(units_rows), _unit_hovers(units_rows, lang),
            years_of, strict=True)):
        one = series.setdefault(key, {"index": np.full(len(years), np.nan), "last": (-1, -1.0),
                                      "rank": np.full(len(years), np.nan),
                                      "hover": [""] * len(years)})
        j = year - years.start
        if one["hover"][j]:
            continue  # a unit twice in one year (two blocks): keep its first row
        one["index"][j], one["rank"][j], one["hover"][j] = index[i], rank[i], hover
        latest = (year, -1.0 if math.isnan(index[i]) else index[i])
        if latest > one["last"]:
            one["last"], one["label"] = latest, label
    ordered = sorted(series.values(), key=lambda one: one["last"], reverse=True)
    for one, label in zip(ordered, _unique([one["label"] for one in ordered]), strict=True):
        one["label"] = label
    return ordered, years


def _lines(units_rows: pd.DataFrame, lang: str, value: str, size: int) -> tuple[go.Figure, range]:
    """One line per unit over the years, told apart by colour and marker shape."""
    series, years = _series(units_rows, lang)
    fig = go.Figure()
    for i, one in enumerate(series):
        fig.add_scatter(x=list(years), y=one[value], name=one["label"], mode="lines+markers",
                        connectgaps=False, line={"color": _color(i), "width": 2},
                        marker={"symbol": _symbol(i), "size": size},
                        hovertext=one["hover"], hoverinfo="text")
    _year_axis(fig, years)
    return fig, years


@inert
def trend_lines(units_rows: pd.DataFrame, lang: str = "vi",
                areas: pd.DataFrame | None = None) -> go.Figure:
    """Who is rising and who is slipping: index over the years, a line per unit.

    `areas` (views.area_rows): a merged unit's former units before it, dotted and named so.
    """
    if _is_empty(units_rows, "index_pct"):
        return _empty(lang, _t("trend", lang))
    fig, _ = _lines(units_rows, lang, "index", 8)
    for unit, part in ([] if areas is None else areas.groupby("unit", sort=False)):
        label = _t("area_of", lang, unit=unit)
        fig.add_scatter(x=part["year"].tolist(), y=part["index_pct"].tolist(), name=label,
                        mode="lines+markers", line={"dash": "dot", "color": "#777777"},
                        marker={"symbol": "circle-open"}, hoverinfo="text",
                        hovertext=[f"<b>{label}</b><br>{y}: {format_pct(v, 2, lang)} "
                                   f"({_t('units', lang)}: {n})" for y, v, n in
                                   zip(part["year"], part["index_pct"], part["n_units"],
                                       strict=True)])
    fig.update_yaxes(title_text=_t("index_axis", lang))
    return _layout(fig, lang, _t("trend", lang), height=440)


@inert
def rank_bump(units_rows: pd.DataFrame, lang: str = "vi",
              former: pd.DataFrame | None = None) -> go.Figure:
    """Places won and lost over the years: rank per unit, 1 at the top.

    `former` (views.former_rows): a merged unit's former units' ranks before it, dotted, each
    named «former → new».
    """
    if _is_empty(units_rows, "rank"):
        return _empty(lang, _t("bump", lang))
    fig, _ = _lines(units_rows, lang, "rank", 10)
    for (old, new), part in ([] if former is None or former.empty else
                             former.groupby(["unit", "successor"], sort=False)):
        label = _t("former_of", lang, old=old, new=new)
        fig.add_scatter(x=part["year"].tolist(), y=part["rank"].astype(float).tolist(),
                        name=label, mode="lines+markers",
                        line={"dash": "dot", "color": "#777777"},
                        marker={"symbol": "circle-open"}, hoverinfo="text",
                        hovertext=[f"<b>{label}</b><br>{y}: {_t('rank_axis', lang)} {int(r)}"
                                   for y, r in zip(part["year"], part["rank"], strict=True)])
    axis = _rank_axis(float(np.nanmax(_num(units_rows["rank"]))))
    axis["title"] = {"text": _t("rank_axis", lang)}
    return _layout(fig, lang, _t("bump", lang), height=440, yaxis=axis)


@inert
def movers(units_rows: pd.DataFrame, lang: str = "vi", n: int = 5) -> go.Figure:
    """The n biggest gainers and decliners in index for the latest year in the rows."""
    if _is_empty(units_rows, "delta_pct"):
        return _empty(lang, _t("movers", lang))
    year = int(units_rows["year"].max())
    rows = units_rows[(units_rows["year"] == year) & units_rows["delta_pct"].notna()].copy()
    if rows.empty:  # e.g. communes in 2025: none has a previous year to compare with
        return _empty(lang, _t("movers", lang))
    rows["label"] = _unit_labels(rows)
    up = rows[rows["delta_pct"] > 0].sort_values(["delta_pct", "label"], ascending=[False, True])
    down = rows[rows["delta_pct"] < 0].sort_values(["delta_pct", "label"], ascending=[True, True])
    shown = pd.concat([up.head(n), down.head(n).iloc[::-1]])
    shown["label"] = _unique(shown["label"].tolist())
    shown["hover"] = _unit_hovers(shown, lang)  # for the 2n shown, not every unit of the block
    fig = go.Figure()
    for part, key, arrow, color in ((up.head(n), "gained", "▲", OKABE_ITO[0]),
                                    (down.head(n), "declined", "▼", OKABE_ITO[5])):
        if part.empty:
            continue
        part = shown.loc[part.index]
        fig.add_bar(x=part["delta_pct"].tolist(), y=part["label"].tolist(), orientation="h",
                    name=_t(key, lang), marker_color=color, textposition="outside",
                    text=[f"{arrow} {format_number(abs(v), 2, lang)}" for v in part["delta_pct"]],
                    hovertext=part["hover"].tolist(), hoverinfo="text", cliponaxis=False)
    reach = float(shown["delta_pct"].abs().max()) * 1.35
    fig.update_xaxes(range=[-reach, reach], title_text=_t("delta_axis", lang), zeroline=True,
                     zerolinecolor="#444444")
    fig.update_yaxes(categoryorder="array", categoryarray=shown["label"].tolist(),
                     autorange="reversed", automargin=True)
    title = _t("movers", lang) + _t("movers_years", lang, year=year, prev=year - 1)
    return _layout(fig, lang, title, height=max(300, 34 * len(shown) + 170))


@inert
def band_counts_over_time(bc_rows: pd.DataFrame, bands: Bands | str,
                          lang: str = "vi") -> go.Figure:
    """How many units reach each band, year by year (rows of band_counts, summed over blocks)."""
    if _is_empty(bc_rows, "count"):
        return _empty(lang, _t("band_counts", lang))
    bands = parse_bands(bands)
    counts = bc_rows.groupby(["year", "band"], sort=False)["count"].sum().unstack(fill_value=0)
    counts = counts.sort_index()
    totals = counts.sum(axis=1)
    colors = band_colors(bands)
    fig = go.Figure()
    for label in _band_order(bands, counts.columns):
        if label not in counts:
            continue
        col = counts[label]
        prev = col.reindex(col.index - 1)
        color = colors.get(label, UNBANDED_COLOR)
        shown = band_label(label, lang)
        hover = [f"<b>{shown}</b> · {_t('year', lang)} {y}<br>{_t('units', lang)}: {c}"
                 f" ({format_pct(100 * c / totals[y] if totals[y] else np.nan, 2, lang)})<br>"
                 f"{_t('vs_prev', lang)}: {_count_change(c, p, lang)}"
                 for y, c, p in zip(col.index, col, prev, strict=True)]
        fig.add_bar(x=col.index.tolist(), y=col.tolist(), name=shown, marker_color=color,
                    text=[f"{shown}: {c}" if c else "" for c in col], textposition="inside",
                    insidetextanchor="middle", textfont_color=_ink(color),
                    hovertext=hover, hoverinfo="text")
    _year_axis(fig, counts.index)
    fig.update_yaxes(title_text=_t("units_axis", lang), tickformat=",d")
    return _layout(fig, lang, _t("band_counts", lang) + _scope(bc_rows, lang), height=440,
                   barmode="stack", legend_traceorder="normal",
                   uniformtext={"minsize": 9, "mode": "hide"})


def _count_change(count, prev, lang: str) -> str:
    """"tăng 1" / "giảm 2" / "không đổi"; "—" when there was no previous year."""
    if pd.isna(prev):
        return "—"
    d = int(count - prev)
    return _t("count_up" if d > 0 else "count_down" if d < 0 else "count_same", lang, k=abs(d))
