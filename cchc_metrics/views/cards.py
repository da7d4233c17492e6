"""The overview's headline numbers, each with its change from the year before."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cchc_metrics.bands import band_counts
from cchc_metrics.i18n import number, pct, t
from cchc_metrics.metrics import (
    block_summary,
)
from cchc_metrics.numbers import round_half_up
from cchc_metrics.views.selection import View, select


@dataclass
class Card:
    """One headline number with its change from last year."""

    label: str
    value: str
    delta: str | None = None
    delta_color: str = "normal"  # "normal": up is good; "off": neutral
    delta_arrow: str = "auto"  # "off" for no change: no arrow beside «không đổi»


def overview_cards(units: pd.DataFrame, view: View) -> list[Card]:
    """Units ranked, mean index and its change, best and worst unit, one card per band."""
    lang = view.lang
    block_units = select(units, view.but(search="", parent=None, province=None), year=False)
    if block_units.empty or view.year is None:
        return []
    # the cards compare with the year before only: no need to summarise every other year
    block_units = block_units.loc[block_units["year"].isin([view.year, view.year - 1]),
                                  ["year", "level", "block", "unit", "index_pct", "points",
                                   "max_points", "band"]]
    summary = block_summary(block_units).set_index("year")
    if view.year not in summary.index:
        return []
    s = summary.loc[view.year]
    prev = t("vs_prev", lang, year=view.year - 1)
    cards = [
        Card(t("units_ranked", lang), number(int(s["n_units"]), 0, lang)),  # 10.035
        Card(t("mean_index", lang), pct(s["mean_index_pct"], 2, lang),
             *change_from(s["delta_mean_pct"], prev, lang)),
        Card(f"{t('best_unit', lang)}: {s['best_unit']}", pct(s["best_index_pct"], 2, lang)),
        Card(f"{t('worst_unit', lang)}: {s['worst_unit']}", pct(s["worst_index_pct"], 2, lang)),
    ]
    counts = band_counts(block_units, view.bands)
    year_counts = counts[counts["year"] == view.year]
    for i, r in enumerate(year_counts.itertuples()):
        change, color, arrow = change_from(r.count_change, prev, lang, 0)
        # more units in the best band is good news, more in the worst band is bad news
        if color == "normal":
            color = "normal" if i == 0 else "inverse" if i == len(year_counts) - 1 else "off"
        cards.append(Card(f"{t('col_band', lang)} {r.band} ({pct(r.share_pct, 2, lang)})",
                          number(r.count, 0, lang), change, color, arrow))
    return cards


def change_from(value: float, prev: str, lang: str, decimals: int = 2) -> tuple:
    """A card's (delta, colour, arrow): «+0,88 so với năm 2024», or «không đổi …» with neither
    colour nor arrow when the change rounds to zero, or nothing for a first year."""
    if pd.isna(value):
        return None, "normal", "auto"
    if round_half_up(abs(float(value)), decimals) == 0:
        return f"{t('unchanged', lang)} {prev}", "off", "off"
    return f"{signed(value, lang, decimals)} {prev}", "normal", "auto"


def signed(value: float, lang: str, decimals: int = 2) -> str:
    """+3,37 / -1,20 (points of index; ASCII minus, which st.metric reads as a fall); +1.234."""
    text = number(abs(value), decimals, lang)
    return ("+" if value >= 0 else "-") + text
