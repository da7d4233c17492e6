"""Plotly figures for the dashboard, built from the library's frames so pages only display them.

Every builder takes ``lang="vi"`` (default) or ``"en"``, returns a ``go.Figure`` and never raises
on empty input: it draws a centred "Không có dữ liệu" / "No data" instead. Numbers a person reads
(text on bars, hover) come from ``numbers.format_*``; plotly's own ticks follow ``separators``.
"""

from __future__ import annotations

import math
import textwrap

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from cchc_metrics.i18n import t
from cchc_metrics.model import FIELD_ENGLISH, FIELDS, SURVEY, TOTAL, Bands, parse_bands, unit_key
from cchc_metrics.numbers import format_number, format_pct, round_half_up

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
             "#000000"]
# Bands run cool (best) to warm (worst); schemes with fewer bands take evenly spaced steps.
BAND_SCALE = ["#0072B2", "#56B4E9", "#009E73", "#E69F00", "#D55E00"]
UNBANDED_COLOR = "#999999"
SYMBOLS = ["circle", "square", "diamond", "triangle-up", "x", "cross", "star", "triangle-down"]
HEATMAP_SCALE = "Cividis"
FONT = "Inter, 'Segoe UI', Roboto, 'Noto Sans', Arial, sans-serif"
FIELD_ORDER = [name for name, _, _ in FIELDS]
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

TEXT: dict[str, tuple[str, str]] = {
    "no_data": ("Không có dữ liệu", "No data"),
    "index_axis": ("Chỉ số CCHC (%)", "PAR INDEX (%)"),
    "pct_axis": ("Tỷ lệ đạt (% điểm tối đa)", "Share of maximum points (%)"),
    "units_axis": ("Số đơn vị", "Number of units"),
    "year_axis": ("Năm", "Year"),
    "rank_axis": ("Xếp hạng", "Rank"),
    "points_axis": ("Điểm", "Points"),
    "delta_axis": ("Thay đổi chỉ số so với năm trước (điểm %)",
                   "Change in index from the previous year (percentage points)"),
    "lost_axis": ("Điểm bị trừ bình quân mỗi đơn vị", "Mean points lost per unit"),
    "ranking": ("Xếp hạng Chỉ số CCHC", "PAR INDEX ranking"),
    "distribution": ("Phân bố Chỉ số CCHC", "Distribution of the PAR INDEX"),
    "history": ("{unit}: Chỉ số CCHC và thứ hạng qua các năm",
                "{unit}: PAR INDEX and rank over the years"),
    "vs_block": ("{unit}{when}: các lĩnh vực so với trung bình khối",
                 "{unit}{when}: fields against the block average"),
    "self_vs": ("{unit}{when}: điểm tự đánh giá và điểm thẩm định",
                "{unit}{when}: self-assessed and appraised points"),
    "compare": ("So sánh các lĩnh vực (% điểm tối đa)", "Fields compared (% of maximum points)"),
    "trend": ("Chỉ số CCHC qua các năm", "PAR INDEX over the years"),
    "bump": ("Thứ hạng qua các năm", "Rank over the years"),
    "movers": ("Tăng, giảm chỉ số nhiều nhất", "Biggest gainers and decliners"),
    "band_counts": ("Số đơn vị theo xếp loại qua các năm", "Units per band over the years"),
    "heatmap": ("Tỷ lệ đạt theo lĩnh vực của từng đơn vị", "Share of maximum by field and unit"),
    "field_means": ("Trung bình khối theo lĩnh vực (% điểm tối đa)",
                    "Block average per field (% of maximum points)"),
    "points_lost": ("Điểm bị trừ bình quân theo lĩnh vực", "Mean points lost per field"),
    "block_mean": ("Trung bình khối", "Block average"),
    "self": ("Tự đánh giá", "Self-assessed"),
    "appraised": ("Thẩm định", "Appraised"),
    "max": ("Điểm tối đa", "Maximum"),
    "gained": ("Tăng", "Gained"),
    "declined": ("Giảm", "Declined"),
    "index": ("Chỉ số", "Index"),
    "points": ("Điểm", "Points"),
    "band": ("Xếp loại", "Band"),
    "rank": ("Xếp hạng", "Rank"),
    "year": ("Năm", "Year"),
    "units": ("Số đơn vị", "Units"),
    "share": ("Tỷ lệ", "Share"),
    "lost": ("Điểm bị trừ", "Points lost"),
    "vs_prev": ("So với năm trước", "From the previous year"),
    "unbanded": ("Chưa xếp loại", "Not banded"),
    "new": ("mới", "new"),
    "survey": ("Điều tra xã hội học", "Survey"),
    "total": ("Tổng điểm", "Total"),
    "capped": ("{half} đơn vị cao nhất và {half} đơn vị thấp nhất trong {total} đơn vị",
               "The top {half} and bottom {half} of {total} units"),
    "gap": ("⋯ {n} đơn vị khác ⋯", "⋯ {n} more units ⋯"),
}
# Beyond these many units a chart shows the best and worst halves (a national ranking has 10,035
# communes: one bar or heatmap row each would be unreadable and slow to draw and to send).
MAX_BARS = 40
MAX_HEATMAP_UNITS = 30


# ---------------------------------------------------------------- words and numbers


def _t(key: str, lang: str, **fmt) -> str:
    """A chart label in the language shown (Vietnamese unless "en")."""
    vi, en = TEXT[key]
    text = en if lang == "en" else vi
    return text.format(**fmt) if fmt else text


def field_name(component: str, lang: str = "vi") -> str:
    """A component as officials read it: the field, "Điều tra xã hội học" or "Tổng điểm"."""
    if component in (SURVEY, TOTAL):
        return _t(component, lang)
    return FIELD_ENGLISH.get(component, component) if lang == "en" else component


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
    n_text = "" if pd.isna(n) else f"/{int(n)}"
    if lang == "en":
        return f"{int(rank)} of {int(n)}" if n_text else str(int(rank))
    return f"thứ {int(rank)}{n_text}"


def _rank_change(change, prev_index, lang: str) -> str:
    """"tăng 2 bậc" / "giảm 1 bậc" / "giữ nguyên"; "mới" when there is no previous year."""
    if pd.isna(prev_index):
        return _t("new", lang)
    if pd.isna(change):
        return "—"
    change = int(change)
    if lang == "en":
        return f"up {change}" if change > 0 else f"down {-change}" if change < 0 else "unchanged"
    return f"tăng {change} bậc" if change > 0 else f"giảm {-change} bậc" if change < 0 else "giữ nguyên"


def _delta(delta, lang: str) -> str:
    """Index change as the seeds write it ("tăng 3,37 %"), "+3.37 pp" in English."""
    if pd.isna(delta):
        return _t("new", lang)
    if lang == "en":
        return f"{'+' if delta > 0 else '−' if delta < 0 else '±'}{format_number(abs(delta), 2, lang)} pp"
    word = "tăng" if delta > 0 else "giảm" if delta < 0 else "không đổi"
    return word if delta == 0 else f"{word} {format_pct(abs(delta), 2, lang)}"


def _year_suffix(rows: pd.DataFrame, lang: str) -> str:
    """" năm 2024" / ", 2024" when the rows cover one year, else nothing."""
    years = rows["year"].dropna().unique()
    if len(years) != 1:
        return ""
    return f", {int(years[0])}" if lang == "en" else f" năm {int(years[0])}"


def _scope(rows: pd.DataFrame, lang: str) -> str:
    """Year and, on a line of its own, the ranking block for a title, when the rows cover just
    one of each (on a phone, one line ran off the chart)."""
    text = _year_suffix(rows, lang)
    blocks = rows["block"].dropna().unique() if "block" in rows else []
    return f"{text}<br>{blocks[0]}" if len(blocks) == 1 else text


# ---------------------------------------------------------------- units and fields


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


def _field_order(components) -> list[str]:
    """Canonical fields first, then unknown ones as they came, then survey and total."""
    present = list(dict.fromkeys(components))
    known = [c for c in FIELD_ORDER if c in present]
    other = [c for c in present if c not in FIELD_ORDER and c not in (SURVEY, TOTAL)]
    return known + other + [c for c in (SURVEY, TOTAL) if c in present]


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
    for (unit, parent, year, block, index, band, points, max_points, rank, n, change, prev,
         delta) in zip(*(rows[c].tolist() for c in HOVER_COLUMNS), strict=True):
        where = f" ({parent})" if isinstance(parent, str) and parent else ""
        out.append("<br>".join([
            f"<b>{unit}</b>{where}", f"{words[0]} {int(year)} · {block}",
            f"{words[1]}: {format_pct(index, 2, lang)} "
            f"({band if isinstance(band, str) else words[5]})",
            f"{words[2]}: {format_number(points, 2, lang)} / {format_number(max_points, 2, lang)}",
            f"{words[3]}: {_rank(rank, n, lang)} ({_rank_change(change, prev, lang)})",
            f"{words[4]}: {_delta(delta, lang)}"]))
    return out


def _field_hover(row, label: str, lang: str) -> str:
    """One unit's field: share of maximum and points over maximum."""
    return (f"<b>{label}</b><br>{field_name(row.component, lang)}<br>"
            f"{format_pct(row.pct, 2, lang)} · {format_number(row.points, 2, lang)} / "
            f"{format_number(row.max_points, 2, lang)} {_t('points', lang).lower()}")


# ---------------------------------------------------------------- bands


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
        fig.add_shape(type="line", x0=bound, x1=bound, y0=0, y1=1, xref="x", yref="paper",
                      line={"dash": "dash", "color": "#444444", "width": 1})
        fig.add_annotation(x=bound, y=1, xref="x", yref="paper", xanchor="left",
                           yanchor="bottom", yshift=-14 * (i % 2), showarrow=False,
                           text=f"{label} ≥ {_bound(bound, lang)}", font={"size": 11})


# ---------------------------------------------------------------- shared layout


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
            _t("gap", lang, n=format_number(total - 2 * half, 0, lang)))


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


def _rank_axis(max_rank: float) -> dict:
    """A reversed rank axis (1 at the top) with whole-number ticks."""
    max_rank = max(int(max_rank) if not math.isnan(max_rank) else 1, 1)
    # 1, 2, 5, 10, 20, 50 …: at most 12 ticks, also for 10,035 communes ranked nationally
    dtick = next(m * 10 ** e for e in range(12) for m in (1, 2, 5) if max_rank / (m * 10 ** e) <= 12)
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


# ---------------------------------------------------------------- overview


def ranking_bars(units: pd.DataFrame, bands: Bands | str, lang: str = "vi",
                 max_bars: int = MAX_BARS) -> go.Figure:
    """Who leads and who trails in one year × block (rows of unit_table), band by text and colour.

    Over `max_bars` units, only the best and the worst `max_bars // 2` are drawn, with a gap
    between them and a subtitle saying so.
    """
    if _is_empty(units, "index_pct"):
        return _empty(lang, _t("ranking", lang))
    bands = parse_bands(bands)
    rows = units[HOVER_COLUMNS]  # only what is drawn: sorting 10,000 rows copies every column
    rows = rows[rows["index_pct"].notna()].sort_values(
        ["index_pct", "unit"], ascending=[False, True], kind="stable").reset_index(drop=True)
    total, half = len(rows), max(max_bars // 2, 1)
    capped = total > max(max_bars, 2)
    if capped:
        rows = pd.concat([rows.head(half), rows.tail(half)], ignore_index=True)
    rows["label"] = _unique(_unit_labels(rows).tolist())
    rows["hover"] = _unit_hovers(rows, lang)
    band = rows["band"].where(rows["band"].notna(), _t("unbanded", lang))
    colors = band_colors(bands)
    fig = go.Figure()
    for label in _band_order(bands, band):
        part = rows[band == label]
        if part.empty:
            continue
        color = colors.get(label, UNBANDED_COLOR)
        fig.add_bar(
            x=part["index_pct"].tolist(), y=part["label"].tolist(), orientation="h", name=label,
            marker_color=color, textfont_color=_ink(color), textposition="inside",
            insidetextanchor="end",
            text=[f"{format_pct(v, 2, lang)} · {label}" for v in part["index_pct"]],
            hovertext=part["hover"].tolist(), hoverinfo="text")
    _thresholds(fig, bands, lang)
    order, subtitle = rows["label"].tolist(), ""
    if capped:
        subtitle, gap = _capped(total, half, lang)
        order.insert(half, gap)  # an empty category: the units left out sit here
    fig.update_yaxes(categoryorder="array", categoryarray=order,
                     autorange="reversed", automargin=True)
    fig.update_xaxes(range=[0, max(100.0, float(rows["index_pct"].max()))],
                     title_text=_t("index_axis", lang))
    return _layout(fig, lang, _t("ranking", lang) + _scope(rows, lang),
                   height=max(320, 26 * len(order) + 170), subtitle=subtitle, bargap=0.25,
                   showlegend=False)  # every bar names its band


def index_distribution(units: pd.DataFrame, bands: Bands | str, lang: str = "vi") -> go.Figure:
    """How the units spread over the index, against the band thresholds (rows of unit_table)."""
    if _is_empty(units, "index_pct"):
        return _empty(lang, _t("distribution", lang))
    bands = parse_bands(bands)
    values = units["index_pct"].dropna().astype(float)
    size = 2.5  # common bounds (50, 60, 70, 80, 90) fall on bin edges
    start = math.floor(values.min() / size) * size
    end = math.ceil((values.max() + 1e-9) / size) * size
    fig = go.Figure(go.Histogram(
        # float32 is exact enough for 2-decimal indices (bin edges are multiples of 2.5) and
        # halves what 10,000 values weigh on the way to the browser
        x=values.to_numpy(dtype="float32"), xbins={"start": start, "end": end, "size": size},
        marker={"color": OKABE_ITO[0], "line": {"color": "#FFFFFF", "width": 1}},
        texttemplate="%{y}", name=_t("units", lang),
        hovertemplate=f"{_t('index', lang)} %{{x}} %<br>{_t('units', lang)}: %{{y}}<extra></extra>"))
    _thresholds(fig, bands, lang)
    low = min([start] + [b for _, b in bands if b > 0]) - size
    fig.update_xaxes(range=[max(low, 0), max(100.0, end) + 0.5], title_text=_t("index_axis", lang))
    counts = np.histogram(values, bins=np.arange(start, end + size, size))[0]
    step = max(1, math.ceil(int(counts.max(initial=1)) / 6))  # whole units, never "1, 1, 2, 2"
    fig.update_yaxes(title_text=_t("units_axis", lang), tickformat=",d", rangemode="tozero",
                     tick0=0, dtick=step)
    return _layout(fig, lang, _t("distribution", lang) + _scope(units, lang), height=380,
                   showlegend=False, bargap=0.05)


# ---------------------------------------------------------------- unit profile


def unit_history(history: pd.DataFrame, lang: str = "vi") -> go.Figure:
    """One unit's index and rank over the years (its unit_table rows); missing years are gaps."""
    if _is_empty(history, "index_pct"):
        return _empty(lang, "")
    rows = history.sort_values("year", kind="stable")
    unit = str(rows["unit"].iloc[-1])
    years = range(int(rows["year"].min()), int(rows["year"].max()) + 1)
    full = _full_years(rows.assign(hover=_unit_hovers(rows, lang)), years)
    hover = full["hover"].fillna("").tolist()
    fig = go.Figure()
    fig.add_scatter(
        x=list(years), y=_num(full["index_pct"]), name=_t("index_axis", lang),
        mode="lines+markers+text", connectgaps=False, marker={"size": 9},
        line={"color": OKABE_ITO[0], "width": 3}, textposition="top center",
        text=["" if pd.isna(v) else format_pct(v, 2, lang) for v in full["index_pct"]],
        hovertext=hover, hoverinfo="text")
    fig.add_scatter(
        x=list(years), y=_num(full["rank"]), name=_t("rank_axis", lang), yaxis="y2",
        mode="lines+markers", connectgaps=False,
        line={"color": OKABE_ITO[1], "dash": "dot", "width": 2},
        marker={"symbol": "diamond", "size": 10},
        hovertext=[f"{_t('year', lang)} {y}: {_rank(r, n, lang)}" for y, r, n in
                   zip(years, full["rank"], full["n_ranked"], strict=True)], hoverinfo="text")
    index = _num(full["index_pct"])
    low = max(0.0, math.floor((np.nanmin(index) - 5) / 5) * 5)
    fig.update_yaxes(range=[low, min(np.nanmax(index) + 6, 106)], title_text=_t("index_axis", lang))
    _year_axis(fig, years)
    most = _num(full["n_ranked"]) if full["n_ranked"].notna().any() else _num(full["rank"])
    rank_axis = _rank_axis(float(np.nanmax(most)))
    rank_axis.update(overlaying="y", side="right", showgrid=False,
                     title={"text": _t("rank_axis", lang)})
    return _layout(fig, lang, _t("history", lang, unit=unit), height=400, yaxis2=rank_axis)


def fields_vs_block(unit_rows: pd.DataFrame, lang: str = "vi") -> go.Figure:
    """Where one unit-year (rows of unit_fields) beats or trails its block's average per field."""
    if _is_empty(unit_rows, "pct"):
        return _empty(lang, "")
    rows = _without_total(unit_rows.dropna(subset=["pct"]))
    order = _field_order(rows["component"])
    rows = rows.set_index("component").loc[order].reset_index()
    unit = str(rows["unit"].iloc[0])
    names = [_wrap(field_name(c, lang), 30) for c in rows["component"]]
    fig = go.Figure()
    fig.add_bar(y=names, x=rows["pct"].tolist(), orientation="h", name=unit,
                marker_color=OKABE_ITO[0], textposition="auto",
                text=[format_pct(v, 2, lang) for v in rows["pct"]],
                hovertext=[_field_hover(r, unit, lang) for r in rows.itertuples()],
                hoverinfo="text")
    fig.add_bar(y=names, x=_num(rows["block_mean_pct"]), orientation="h",
                name=_t("block_mean", lang), marker_color=OKABE_ITO[1], textposition="auto",
                text=[format_pct(v, 2, lang) for v in rows["block_mean_pct"]],
                hovertext=[f"<b>{_t('block_mean', lang)}</b><br>{field_name(c, lang)}<br>"
                           f"{format_pct(v, 2, lang)}"
                           for c, v in zip(rows["component"], rows["block_mean_pct"], strict=True)],
                hoverinfo="text")
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(range=[0, 100], title_text=_t("pct_axis", lang))
    return _layout(fig, lang, _t("vs_block", lang, unit=unit, when=_year_suffix(rows, lang)),
                   height=140 + 56 * len(rows), barmode="group")


def self_vs_appraised(unit_rows: pd.DataFrame, lang: str = "vi") -> go.Figure:
    """How far a unit's self-assessment ran ahead of the appraisal, field by field."""
    if _is_empty(unit_rows, "self_points"):
        return _empty(lang, "")
    rows = _without_total(unit_rows.dropna(subset=["self_points"]))
    rows = rows.set_index("component").loc[_field_order(rows["component"])].reset_index()
    unit = str(rows["unit"].iloc[0])
    names = [_wrap(field_name(c, lang), 30) for c in rows["component"]]
    hover = [f"<b>{field_name(r.component, lang)}</b><br>"
             f"{_t('self', lang)}: {format_number(r.self_points, 2, lang)}<br>"
             f"{_t('appraised', lang)}: {format_number(r.points, 2, lang)}<br>"
             f"{_t('max', lang)}: {format_number(r.max_points, 2, lang)}"
             for r in rows.itertuples()]
    fig = go.Figure()
    for key, column, color in (("self", "self_points", OKABE_ITO[4]),
                               ("appraised", "points", OKABE_ITO[0])):
        fig.add_bar(y=names, x=rows[column].tolist(), orientation="h", name=_t(key, lang),
                    marker_color=color, textposition="auto",
                    text=[format_number(v, 2, lang) for v in rows[column]],
                    hovertext=hover, hoverinfo="text")
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(title_text=_t("points_axis", lang), rangemode="tozero")
    return _layout(fig, lang, _t("self_vs", lang, unit=unit, when=_year_suffix(rows, lang)),
                   height=140 + 56 * len(rows), barmode="group")


# ---------------------------------------------------------------- compare


def _per_unit(fields_rows: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Field rows with a display label per unit(-year), and the fields in canonical order."""
    rows = _without_total(fields_rows.dropna(subset=["pct"])).copy()
    rows["label"] = _unit_labels(rows, with_year=True)
    return rows, _field_order(rows["component"])


def compare_radar(fields_rows: pd.DataFrame, lang: str = "vi") -> go.Figure:
    """The shape of 2 to 8 units' strengths (rows of unit_fields): % of maximum per field."""
    if _is_empty(fields_rows, "pct"):
        return _empty(lang, _t("compare", lang))
    rows, order = _per_unit(fields_rows)
    theta = [_wrap(field_name(c, lang), 22) for c in order]
    fig = go.Figure()
    for i, (label, part) in enumerate(rows.groupby("label", sort=False)):
        part = part.drop_duplicates("component").set_index("component").reindex(order)
        r = _num(part["pct"])
        hover = [f"<b>{label}</b><br>{field_name(c, lang)}<br>{format_pct(v, 2, lang)}"
                 for c, v in zip(order, r, strict=True)]
        fig.add_scatterpolar(r=[*r, r[0]], theta=[*theta, theta[0]], name=label,
                             mode="lines+markers", line={"color": _color(i), "width": 2},
                             marker={"symbol": _symbol(i), "size": 7},
                             hovertext=[*hover, hover[0]], hoverinfo="text")
    fig.update_polars(radialaxis={"range": [0, 100], "ticksuffix": " %", "angle": 90},
                      angularaxis={"direction": "clockwise", "rotation": 90})
    return _layout(fig, lang, _t("compare", lang) + _year_suffix(rows, lang), height=560,
                   margin={"l": 90, "r": 90, "t": 90, "b": 40})


def compare_bars(fields_rows: pd.DataFrame, lang: str = "vi") -> go.Figure:
    """The same comparison as grouped bars, for reading exact values field by field."""
    if _is_empty(fields_rows, "pct"):
        return _empty(lang, _t("compare", lang))
    rows, order = _per_unit(fields_rows)
    x = [_wrap(field_name(c, lang), 16) for c in order]
    fig = go.Figure()
    for i, (label, part) in enumerate(rows.groupby("label", sort=False)):
        part = part.drop_duplicates("component").set_index("component").reindex(order)
        fig.add_bar(x=x, y=_num(part["pct"]), name=label, marker_color=_color(i),
                    text=["" if pd.isna(v) else format_number(v, 2, lang) for v in part["pct"]],
                    textposition="outside", textangle=-90,
                    hovertext=[f"<b>{label}</b><br>{field_name(c, lang)}<br>"
                               f"{format_pct(v, 2, lang)}"
                               for c, v in zip(order, part["pct"], strict=True)],
                    hoverinfo="text", cliponaxis=False)
    fig.update_yaxes(range=[0, 112], title_text=_t("pct_axis", lang), tickvals=list(range(0, 101, 20)))
    return _layout(fig, lang, _t("compare", lang) + _year_suffix(rows, lang), height=480,
                   barmode="group", uniformtext={"minsize": 9, "mode": "hide"})


# ---------------------------------------------------------------- trends


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


def trend_lines(units_rows: pd.DataFrame, lang: str = "vi") -> go.Figure:
    """Who is rising and who is slipping: index over the years, a line per unit."""
    if _is_empty(units_rows, "index_pct"):
        return _empty(lang, _t("trend", lang))
    fig, _ = _lines(units_rows, lang, "index", 8)
    fig.update_yaxes(title_text=_t("index_axis", lang))
    return _layout(fig, lang, _t("trend", lang), height=440)


def rank_bump(units_rows: pd.DataFrame, lang: str = "vi") -> go.Figure:
    """Places won and lost over the years: rank per unit, 1 at the top."""
    if _is_empty(units_rows, "rank"):
        return _empty(lang, _t("bump", lang))
    fig, _ = _lines(units_rows, lang, "rank", 10)
    axis = _rank_axis(float(np.nanmax(_num(units_rows["rank"]))))
    axis["title"] = {"text": _t("rank_axis", lang)}
    return _layout(fig, lang, _t("bump", lang), height=440, yaxis=axis)


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
    title = _t("movers", lang) + (f", {year} vs {year - 1}" if lang == "en"
                                  else f" năm {year} so với năm {year - 1}")
    return _layout(fig, lang, title, height=max(300, 34 * len(shown) + 170))


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
        hover = [f"<b>{label}</b> · {_t('year', lang)} {y}<br>{_t('units', lang)}: {c}"
                 f" ({format_pct(100 * c / totals[y] if totals[y] else np.nan, 2, lang)})<br>"
                 f"{_t('vs_prev', lang)}: {_count_change(c, p, lang)}"
                 for y, c, p in zip(col.index, col, prev, strict=True)]
        fig.add_bar(x=col.index.tolist(), y=col.tolist(), name=label, marker_color=color,
                    text=[f"{label}: {c}" if c else "" for c in col], textposition="inside",
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
    if lang == "en":
        return f"+{d}" if d > 0 else f"−{-d}" if d < 0 else "unchanged"
    return f"tăng {d}" if d > 0 else f"giảm {-d}" if d < 0 else "không đổi"


# ---------------------------------------------------------------- fields


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
        f"<b>{r.Index[0]}</b><br>{field_name(r.Index[1], lang)}<br>{format_pct(r.pct, 2, lang)}"
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
        z=z, x=[_wrap(field_name(c, lang), 16) for c in order], y=y,
        colorscale=HEATMAP_SCALE, zmin=max(0.0, math.floor(low / 10) * 10), zmax=100,
        text=text, texttemplate="%{text}", textfont={"size": 11}, hovertext=hover.tolist(),
        hoverinfo="text", xgap=1, ygap=1,
        colorbar={"title": {"text": "%"}, "ticksuffix": " %", "thickness": 14}))
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


def field_means(fsum_rows: pd.DataFrame, lang: str = "vi") -> go.Figure:
    """Which fields the block does well and badly on: mean % of maximum, best first."""
    if _is_empty(fsum_rows, "mean_pct"):
        return _empty(lang, _t("field_means", lang))
    rows = _field_means(fsum_rows).sort_values(["mean_pct", "component"],
                                               ascending=[False, True], kind="stable")
    rows["name"] = [field_name(c, lang) for c in rows["component"]]
    hover = [f"<b>{r.name}</b><br>{format_pct(r.mean_pct, 2, lang)} · "
             f"{format_number(r.mean_points, 2, lang)} / {format_number(r.mean_max_points, 2, lang)}"
             f"<br>{_t('units', lang)}: {r.n_units}" for r in rows.itertuples()]
    fig = _field_bars(rows, "mean_pct", [format_pct(v, 2, lang) for v in rows["mean_pct"]],
                      hover, OKABE_ITO[0])
    fig.update_xaxes(range=[0, 100], title_text=_t("pct_axis", lang))
    return _layout(fig, lang, _t("field_means", lang) + _scope(fsum_rows, lang),
                   height=140 + 40 * len(rows), showlegend=False)


def points_lost(fsum_rows: pd.DataFrame, lang: str = "vi") -> go.Figure:
    """Where the block loses its points: mean points lost per unit by field, largest first."""
    if _is_empty(fsum_rows, "mean_points_lost"):
        return _empty(lang, _t("points_lost", lang))
    rows = _field_means(fsum_rows).sort_values(["mean_points_lost", "component"],
                                               ascending=[False, True], kind="stable")
    rows["name"] = [field_name(c, lang) for c in rows["component"]]
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


# ---------------------------------------------------------------- export


def figure_html(fig: go.Figure) -> bytes:
    """A chart as one self-contained interactive HTML file (UTF-8) that opens offline."""
    return fig.to_html(include_plotlyjs=True, full_html=True).encode("utf-8")
