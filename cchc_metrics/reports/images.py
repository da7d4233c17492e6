"""Charts for documents: PNG images drawn by matplotlib (no browser, no network) in the
dashboard's colours, with Vietnamese text and the language's decimal mark."""

from __future__ import annotations

import io

import pandas as pd

from cchc_metrics.charts.style import GRID, OKABE_ITO, UNBANDED_COLOR, band_colors
from cchc_metrics.fields import field_label, field_short
from cchc_metrics.i18n import t
from cchc_metrics.numbers import format_number

MOST_BARS = 40  # a ranking of more units shows the first and last 20, as the dashboard does
WIDTH_IN = 6.3  # 16 cm: the text width of an A4 page in the state's margins
DPI = 150


def render(kind: str, data: pd.DataFrame, lang: str = "vi", bands: str | None = None,
           title: str = "") -> bytes:
    """The chart `kind` (ranking, fields, history, vs_block) of `data` as PNG bytes."""
    import matplotlib

    matplotlib.use("Agg")  # no screen: draw to memory
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    plt.rcParams.update({"font.family": "DejaVu Sans", "font.size": 8,
                         "axes.edgecolor": GRID, "axes.spines.top": False,
                         "axes.spines.right": False})
    draw = {"ranking": _ranking, "fields": _fields, "history": _history,
            "vs_block": _vs_block}[kind]
    fig = draw(plt, data, lang, bands)
    ax = fig.axes[0]
    formatter = FuncFormatter(lambda v, _: format_number(v, 0, lang))
    (ax.xaxis if kind in ("ranking", "fields", "vs_block") else ax.yaxis).set_major_formatter(
        formatter)
    ax.grid(axis="x" if kind != "history" else "y", color=GRID, linewidth=0.6)
    ax.set_axisbelow(True)
    if title:
        ax.set_title(title, loc="left", fontsize=9, fontweight="bold")
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=DPI)
    plt.close(fig)
    return out.getvalue()


def _ranking(plt, rows: pd.DataFrame, lang: str, bands):
    rows = rows[rows["rank"].notna()].sort_values(["rank", "unit"], kind="stable")  # ranked
    if len(rows) > MOST_BARS:
        rows = pd.concat([rows.head(MOST_BARS // 2), rows.tail(MOST_BARS // 2)])
    colours = band_colors(bands) if bands else {}
    fig, ax = plt.subplots(figsize=(WIDTH_IN, 0.9 + 0.18 * len(rows)))
    y = range(len(rows))[::-1]
    ax.barh(list(y), rows["index_pct"], color=[colours.get(b, UNBANDED_COLOR if colours else
                                                             OKABE_ITO[0]) for b in rows["band"]])
    ax.set_yticks(list(y), [f"{int(r)}. {u}" for r, u in zip(rows["rank"], rows["unit"],
                                                            strict=True)], fontsize=7)
    for yy, v in zip(y, rows["index_pct"], strict=True):
        ax.text(v + 0.5, yy, format_number(v, 2, lang), va="center", fontsize=6.5)
    ax.set_xlim(0, 105)
    ax.set_xlabel(t("col_index", lang))
    return fig


def _fields(plt, table: pd.DataFrame, lang: str, bands):
    name, share = table.columns[0], table.columns[3]
    table = table.sort_values(share, kind="stable")
    fig, ax = plt.subplots(figsize=(WIDTH_IN, 0.9 + 0.32 * len(table)))
    ax.barh(range(len(table)), table[share], color=OKABE_ITO[0])
    ax.set_yticks(range(len(table)), table[name], fontsize=7)
    for yy, v in enumerate(table[share]):
        ax.text(v + 0.5, yy, format_number(v, 2, lang), va="center", fontsize=7)
    ax.set_xlim(0, 105)
    ax.set_xlabel(share)
    return fig


def _history(plt, history: pd.DataFrame, lang: str, bands):
    fig, ax = plt.subplots(figsize=(WIDTH_IN, 2.6))
    years = history["year"].astype(int).tolist()
    ax.plot(years, history["index_pct"], marker="o", color=OKABE_ITO[0])
    for x, v in zip(years, history["index_pct"], strict=True):
        ax.annotate(format_number(v, 2, lang), (x, v), textcoords="offset points", xytext=(0, 6),
                    ha="center", fontsize=7)
    ax.set_xticks(years, [str(y) for y in years])
    ax.set_ylabel(t("col_index", lang))
    low = float(history["index_pct"].min())
    ax.set_ylim(max(0.0, low - 10), 100)
    return fig


def _vs_block(plt, fields: pd.DataFrame, lang: str, bands):
    from cchc_metrics.contract import TOTAL

    fields = fields[fields["component"] != TOTAL]
    fig, ax = plt.subplots(figsize=(WIDTH_IN, 0.9 + 0.42 * len(fields)))
    y = list(range(len(fields)))[::-1]
    ax.barh([v + 0.2 for v in y], fields["pct"], height=0.4, color=OKABE_ITO[0],
            label=t("report_legend_unit", lang))
    ax.barh([v - 0.2 for v in y], fields["block_mean_pct"], height=0.4, color=OKABE_ITO[1],
            label=t("report_legend_block", lang))
    ax.set_yticks(y, [field_short(c, lang) if len(field_label(c, lang)) > 30 else
                      field_label(c, lang) for c in fields["component"]], fontsize=7)
    ax.set_xlim(0, 105)
    ax.set_xlabel(t("col_pct", lang))
    ax.legend(loc="lower right", fontsize=7, frameon=False)
    return fig
