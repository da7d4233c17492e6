"""The charts' shared look and words: colours (colour-blind safe), template, labels, layout.

Plotly figures for the dashboard, built from the library's frames so pages only display them.

Every builder takes ``lang="vi"`` (default) or ``"en"``, returns a ``go.Figure`` and never raises
on empty input: it draws a centred "Không có dữ liệu" / "No data" instead. Numbers a person reads
(text on bars, hover) come from ``numbers.format_*``; plotly's own ticks follow ``separators``.
"""

from __future__ import annotations

import functools
import math
import textwrap

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from cchc_metrics.bands import Bands, parse_bands
from cchc_metrics.contract import TOTAL
from cchc_metrics.escape import html, inert_frame
from cchc_metrics.fields import field_label, field_order
from cchc_metrics.i18n import band_label, rank_change_texts, t
from cchc_metrics.names import unit_key
from cchc_metrics.numbers import format_number, format_pct

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
             "#000000"]
# Bands run cool (best) to warm (worst); schemes with fewer bands take evenly spaced steps.
BAND_SCALE = ["#0072B2", "#56B4E9", "#009E73", "#E69F00", "#D55E00"]
UNBANDED_COLOR = "#999999"
SYMBOLS = ["circle", "square", "diamond", "triangle-up", "x", "cross", "star", "triangle-down"]
HEATMAP_SCALE = "Cividis"
FONT = "Inter, 'Segoe UI', Roboto, 'Noto Sans', Arial, sans-serif"
GRID = "#E3E8F0"
_AXIS = {"gridcolor": GRID, "linecolor": GRID, "zerolinecolor": GRID, "automargin": True,
         "title": {"standoff": 12}}
# The shared look as a small template: plotly's "plotly_white" costs ~25 ms per figure to copy.
TEMPLATE = go.layout.Template(layout={
    "font": {"family": FONT, "size": 13, "color": "#222222"}, "colorway": OKABE_ITO,
    "paper_bgcolor": "#FFFFFF", "plot_bgcolor": "#FFFFFF", "hoverlabel": {"font_family": FONT},
    "xaxis": _AXIS, "yaxis": _AXIS,
    "polar": {"bgcolor": "#FFFFFF", "radialaxis": {"gridcolor": GRID, "linecolor": GRID},
              "angularaxis": {"gridcolor": GRID, "linecolor": GRID}},
})

# Beyond these many units a chart shows the best and worst halves (a national ranking has 10,035
# communes: one bar or heatmap row each would be unreadable and slow to draw and to send).
MAX_BARS = 40
MAX_HEATMAP_UNITS = 30


# ---- words and numbers


def inert(builder):
    """A chart builder whose frames' names (and a band scheme's labels) reach plotly escaped:
    a unit named «<a href=…>» or «![t](http://…)» is drawn as typed, never as a link."""
    def escaped(value):
        if isinstance(value, pd.DataFrame):
            return inert_frame(value)
        if isinstance(value, list) and value and isinstance(value[0], tuple):  # a band scheme
            return [(html(label), bound) for label, bound in value]
        return value

    @functools.wraps(builder)
    def wrapper(*args, **kwargs):
        return builder(*(escaped(a) for a in args), **{k: escaped(v) for k, v in kwargs.items()})

    return wrapper


def _t(key: str, lang: str, **fmt) -> str:
    """A chart's text from the catalog (its keys start "chart.")."""
    return t(f"chart.{key}", lang, **fmt)


def _wrap(text: str, width: int) -> str:
    """Break a long field name over lines so axis labels stay narrow."""
    return "<br>".join(textwrap.wrap(text, width)) or text


def _bound(value: float, lang: str) -> str:
    """A band bound as written in decisions: "80 %", "82,5 %"."""
    return format_pct(value, 0 if float(value).is_integer() else 2, lang)


def _rank(rank, n, lang: str) -> str:
    """"thứ 7/10" as the seeds write it; "7 of 10" in English."""
    if pd.isna(rank):
        return "—"
    if pd.isna(n):
        return _t("rank_alone", lang, rank=int(rank))
    return _t("rank_of", lang, rank=int(rank), n=int(n))


def _delta(delta, lang: str) -> str:
    """Index change as the seeds write it ("tăng 3,37 %"), "+3.37 pp" in English."""
    if pd.isna(delta):
        return _t("new", lang)
    if delta == 0:
        return _t("delta_none", lang)
    return _t("delta_up" if delta > 0 else "delta_down", lang, d=format_number(abs(delta), 2, lang))


def _year_suffix(rows: pd.DataFrame, lang: str) -> str:
    """" năm 2024" / ", 2024" when the rows cover one year, else nothing."""
    years = rows["year"].dropna().unique()
    if len(years) != 1:
        return ""
    return t("chart.in_year", lang, year=int(years[0]))


def _scope(rows: pd.DataFrame, lang: str) -> str:
    """Year and, on a line of its own, the ranking block for a title, when the rows cover just
    one of each (on a phone, one line ran off the chart)."""
    text = _year_suffix(rows, lang)
    blocks = rows["block"].dropna().unique() if "block" in rows else []
    return f"{text}<br>{blocks[0]}" if len(blocks) == 1 else text


# ---- units and fields


def _unique(labels: list[str]) -> list[str]:
    """Make labels unique with " [2]" so plotly never merges two units on one category."""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} [{seen[label]}]")
    return out


def _unit_labels(rows: pd.DataFrame, with_year: bool = False) -> pd.Series:
    """Unit names, with the parent where two units share a name, and the year if asked."""
    name = rows["unit"].astype(str)
    parent = rows["parent"].fillna("").astype(str) if "parent" in rows else name.map(lambda _: "")
    pairs = pd.DataFrame({"n": name, "p": parent}).drop_duplicates()
    clash = name.isin(pairs["n"][pairs["n"].duplicated()]) & (parent != "")
    label = name.where(~clash, name + " (" + parent + ")")
    if with_year and rows["year"].nunique() > 1:
        label = label + " · " + rows["year"].astype(int).astype(str)
    return label


def _series_keys(rows: pd.DataFrame) -> pd.Series:
    """A unit's identity across years (its name key, plus parent where names clash)."""
    key = rows["unit_key"] if "unit_key" in rows else rows["unit"].map(unit_key)
    key = key.astype(str)
    parent = rows["parent"].fillna("").astype(str) if "parent" in rows else key.map(lambda _: "")
    clash = pd.DataFrame({"y": rows["year"], "k": key}).duplicated(keep=False)
    return key.where(~key.isin(key[clash]), key + "|" + parent)


def _without_total(rows: pd.DataFrame) -> pd.DataFrame:
    """Field rows without "total", unless a unit was published with totals only."""
    fields = rows[rows["component"] != TOTAL]
    return fields if not fields.empty else rows


def _num(series: pd.Series) -> np.ndarray:
    """Floats with NaN for missing, whatever the nullable dtype (Int64 ranks, object)."""
    return pd.to_numeric(series, errors="coerce").astype(float).to_numpy()


HOVER_COLUMNS = ["unit", "parent", "year", "block", "index_pct", "band", "points", "max_points",
                 "rank", "n_ranked", "rank_change", "prev_index_pct", "delta_pct"]


def _unit_hovers(rows: pd.DataFrame, lang: str) -> list[str]:
    """Everything a person asks about each unit-year (unit_table rows), in the language shown."""
    words = [_t(k, lang) for k in ("year", "index", "points", "rank", "vs_prev", "unbanded")]
    out = []
    moves = rank_change_texts(rows["rank_change"], rows["prev_index_pct"], lang, style="words")
    for (unit, parent, year, block, index, band, points, max_points, rank, n, _, _,
         delta), move in zip(zip(*(rows[c].tolist() for c in HOVER_COLUMNS), strict=True), moves,
                             strict=True):
        where = f" ({parent})" if isinstance(parent, str) and parent else ""
        out.append("<br>".join([
            f"<b>{unit}</b>{where}", f"{words[0]} {int(year)} · {block}",
            f"{words[1]}: {format_pct(index, 2, lang)} "
            f"({band_label(band, lang) if isinstance(band, str) else words[5]})",
            f"{words[2]}: {format_number(points, 2, lang)} / {format_number(max_points, 2, lang)}",
            f"{words[3]}: {_rank(rank, n, lang)} ({move})",
            f"{words[4]}: {_delta(delta, lang)}"]))
    return out


def _field_hover(row, label: str, lang: str) -> str:
    """One unit's field: share of maximum and points over maximum."""
    return (f"<b>{label}</b><br>{field_label(row.component, lang)}<br>"
            f"{format_pct(row.pct, 2, lang)} · {format_number(row.points, 2, lang)} / "
            f"{format_number(row.max_points, 2, lang)} {_t('points', lang).lower()}")


# ---- bands


def band_colors(bands: Bands | str) -> dict[str, str]:
    """A colour per band from the scheme's order, best cool to worst warm, for any scheme."""
    labels = [label for label, _ in parse_bands(bands)]
    n = len(labels)
    if n <= len(BAND_SCALE):
        steps = [round(i * (len(BAND_SCALE) - 1) / max(n - 1, 1)) for i in range(n)]
        return dict(zip(labels, [BAND_SCALE[s] for s in steps], strict=True))
    palette = BAND_SCALE + [c for c in OKABE_ITO if c not in BAND_SCALE]
    return {label: palette[i % len(palette)] for i, label in enumerate(labels)}


def _band_order(bands: Bands, present) -> list[str]:
    """Scheme labels best to worst, then any label the data has that the scheme lacks."""
    labels = [label for label, _ in bands]
    return labels + [b for b in dict.fromkeys(present) if b not in labels]


def _ink(color: str) -> str:
    """Black or white text, whichever reads better on a bar of this colour (WCAG contrast)."""
    rgb = [int(color[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    lum = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    return "#000000" if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "#FFFFFF"


def _thresholds(fig: go.Figure, bands: Bands, lang: str) -> None:
    """Dashed vertical line at each band bound above 0, labelled "Tốt ≥ 80 %"."""
    for i, (label, bound) in enumerate(b for b in bands if b[1] > 0):
        # add_shape/add_annotation rather than add_vline: the same marks at a tenth of the cost
        # under the bars (their values stay readable), labels above the plot on a white ground
        fig.add_shape(type="line", x0=bound, x1=bound, y0=0, y1=1, xref="x", yref="paper",
                      line={"dash": "dash", "color": "#444444", "width": 1}, layer="below")
        fig.add_annotation(x=bound, y=1, xref="x", yref="paper", xanchor="left",
                           yanchor="bottom", yshift=14 * (i % 2), showarrow=False,
                           text=f"{band_label(label, lang)} ≥ {_bound(bound, lang)}",
                           font={"size": 11}, bgcolor="rgba(255,255,255,0.85)")


# ---- shared layout


def _layout(fig: go.Figure, lang: str, title: str, height: int | None = None,
            subtitle: str = "", **layout) -> go.Figure:
    """The look every chart shares, so pages and downloaded files match."""
    lines = 1 + title.count("<br>")  # a second line (_scope's block) needs room above the plot
    base = {"template": TEMPLATE, "separators": ",." if lang != "en" else ".,",
            "title": {"text": title, "x": 0, "xanchor": "left", "yref": "container", "y": 1,
                      "yanchor": "top", "pad": {"t": 14}, "font": {"size": 16}},
            "margin": {"l": 10, "r": 20, "t": (84 if subtitle else 60) + 20 * (lines - 1),
                       "b": 40},
            # upright at the right edge, plotly's toolbar no longer covers a long title
            "modebar": {"orientation": "v"},
            "height": height,
            # under the plot, below the x axis title: a legend of many units never hides the title
            "legend": {"orientation": "h", "yanchor": "top", "y": -0.18, "x": 0,
                       "xanchor": "left"}}
    if subtitle:  # e.g. "the top 20 and bottom 20 of 10,035 units": travels with downloads
        base["title"]["subtitle"] = {"text": subtitle, "font": {"size": 12, "color": "#555555"}}
    # what update_layout(base | layout) does, at a fifth of its cost (plotly's update machinery
    # takes ~15 ms a figure; assigning the merged layout takes ~3)
    fig.layout = _merged(fig.layout.to_plotly_json(), {k: v for k, v in base.items()
                                                       if k not in layout} | layout)
    return fig


def _merged(old: dict, new: dict) -> dict:
    """old updated by new, nested dicts merged key by key (as plotly's update_layout does)."""
    out = dict(old)
    for key, value in new.items():
        if "_" in key and key.split("_", 1)[0] in ("legend", "title", "xaxis", "yaxis"):
            key, value = key.split("_", 1)[0], {key.split("_", 1)[1]: value}  # legend_traceorder
        out[key] = _merged(out[key], value) if isinstance(value, dict) and isinstance(
            out.get(key), dict) else value
    return out


def capped_caption(chart: str, n: int, level: str | None, lang: str) -> str:
    """What a page says under a chart of n units that draws only the best and worst ("" if all).

    The chart's subtitle already says how many it draws; the caption says where the others are
    and how to narrow the view: a district for communes, else (the overview has one) a search.
    """
    cap = {"bars": MAX_BARS, "heatmap": MAX_HEATMAP_UNITS}[chart]
    if n <= cap:
        return ""
    parts = [t("bars_capped", lang, total=format_number(n, 0, lang))] if chart == "bars" else []
    if level == "commune":
        parts.append(t("narrow_parent", lang))
    elif chart == "bars":
        parts.append(t("narrow_search", lang))
    return " ".join(parts)


def _capped(total: int, half: int, lang: str) -> tuple[str, str]:
    """Subtitle and gap label of a chart showing the best and worst `half` of `total` units."""
    return (_t("capped", lang, half=half, total=format_number(total, 0, lang)),
            _t("gap", lang, n=int(total - 2 * half)))


def _empty(lang: str, title: str = "") -> go.Figure:
    """A blank chart saying there is nothing to show, so a page never breaks on a filter."""
    fig = go.Figure()
    fig.add_annotation(text=_t("no_data", lang), x=0.5, y=0.5, xref="paper", yref="paper",
                       showarrow=False, font={"size": 16, "color": "#666666"})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _layout(fig, lang, title, height=300)


def _is_empty(rows: pd.DataFrame | None, column: str) -> bool:
    """True when there is no row with a value in column to draw."""
    return rows is None or rows.empty or column not in rows or rows[column].isna().all()


def _year_axis(fig: go.Figure, years) -> None:
    """Whole years on the x axis, one tick each, never "2.022"."""
    years = [int(y) for y in years]
    fig.update_xaxes(tickmode="linear", dtick=1, tickformat="d",
                     range=[min(years) - 0.5, max(years) + 0.5])


def _rank_axis(max_rank: float, most_ticks: int = 12) -> dict:
    """A reversed rank axis (1 at the top) with whole-number ticks (at most `most_ticks`)."""
    max_rank = max(int(max_rank) if not math.isnan(max_rank) else 1, 1)
    # 1, 2, 5, 10, 20, 50 …: at most 12 ticks, also for 10,035 communes ranked nationally
    dtick = next(m * 10 ** e for e in range(12) for m in (1, 2, 5)
                 if max_rank / (m * 10 ** e) <= most_ticks)
    return {"range": [max_rank + 0.5, 0.5], "tickmode": "linear", "tick0": 1 if dtick == 1 else 0,
            "dtick": dtick, "tickformat": ",d", "title": {"text": ""}}  # 5.000 in Vietnamese


def _full_years(frame: pd.DataFrame, years: range) -> pd.DataFrame:
    """One row per year in the range, NaN where the unit has none, so lines show gaps."""
    return frame.drop_duplicates("year").set_index("year").reindex(years).reset_index()


def _symbol(i: int) -> str:
    """A marker shape per series, so lines differ by more than colour."""
    return SYMBOLS[i % len(SYMBOLS)]


def _color(i: int) -> str:
    """An Okabe-Ito colour per series."""
    return OKABE_ITO[i % len(OKABE_ITO)]


def _per_unit(fields_rows: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Field rows with a display label per unit(-year), and the fields in canonical order."""
    rows = _without_total(fields_rows.dropna(subset=["pct"])).copy()
    rows["label"] = _unit_labels(rows, with_year=True)
    return rows, field_order(rows["component"])
