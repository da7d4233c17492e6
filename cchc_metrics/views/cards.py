"""The overview's headline numbers, each with its change from the year before."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cchc_metrics.bands import band_counts
from cchc_metrics.i18n import band_label, number, pct, t
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
    help: str | None = None  # the card's tooltip


class Cards(list):
    """The overview's cards, and a note the page shows under them ("" when there is none)."""

    note: str = ""


def overview_cards(units: pd.DataFrame, view: View) -> Cards:
    """Units ranked, mean index and its change, best and worst unit, one card per band.

    When the number of units ranked changed from the year before (departments merged), a band's
    count cannot be compared: its card gives the change in its share (percentage points), and
    `note` says why.
    """
    lang = view.lang
    cards = Cards()
    block_units = select(units, view.but(search="", parent=None, province=None), year=False)
    if block_units.empty or view.year is None:
        return cards
    # the cards compare with the year before only: no need to summarise every other year
    block_units = block_units.loc[block_units["year"].isin([view.year, view.year - 1]),
                                  ["year", "level", "block", "unit", "index_pct", "points",
                                   "max_points", "band"]]
    summary = block_summary(block_units).set_index("year")
    if view.year not in summary.index:
        return cards
    s = summary.loc[view.year]
    prev = t("vs_prev", lang, year=view.year - 1)
    # the highest and lowest units change every year: a bare value, never an arrow
    cards += [
        Card(t("units_ranked", lang), number(int(s["n_units"]), 0, lang)),  # 10.035
        Card(t("mean_index", lang), pct(s["mean_index_pct"], 2, lang),
             *change_from(s["delta_mean_pct"], prev, lang)),
        # a long name is cut on a narrow card: the tooltip holds it whole
        Card(f"{t('best_unit', lang)}: {s['best_unit']}", pct(s["best_index_pct"], 2, lang),
             None, "off", "off", help=str(s["best_unit"])),
        Card(f"{t('worst_unit', lang)}: {s['worst_unit']}", pct(s["worst_index_pct"], 2, lang),
             None, "off", "off", help=str(s["worst_unit"])),
    ]
    before = int(summary.loc[view.year - 1, "n_units"]) if view.year - 1 in summary.index else None
    by_share = before is not None and before != int(s["n_units"])
    if by_share:  # say it on the count's card too, in grey: fewer units is no bad news
        cards[0].delta, cards[0].delta_color = change_from(s["n_units"] - before, prev, lang,
                                                           0)[0], "off"
        cards.note = t("units_fewer" if before > s["n_units"] else "units_more", lang,
                       before=number(before, 0, lang), now=number(int(s["n_units"]), 0, lang),
                       prev=view.year - 1, year=view.year)
    counts = band_counts(block_units, view.bands)
    year_counts = counts[counts["year"] == view.year]
    prev_share = counts[counts["year"] == view.year - 1].set_index("band")["share_pct"]
    for i, r in enumerate(year_counts.itertuples()):
        was, tip = prev_share.get(r.band, float("nan")), None
        if by_share:  # «+15,0 điểm phần trăm» (a card is narrow); the years are in the tooltip
            change, color, arrow = change_from(r.share_pct - was, prev, lang, 1,
                                               words="share_change")
            tip = t("share_help", lang, band=band_label(r.band, lang), before=pct(was, 2, lang), prev=view.year - 1,
                    now=pct(r.share_pct, 2, lang), year=view.year)
        else:
            change, color, arrow = change_from(r.count_change, prev, lang, 0)
        # more units in the best band is good news, more in the worst band is bad news
        if color == "normal":
            color = "normal" if i == 0 else "inverse" if i == len(year_counts) - 1 else "off"
        cards.append(Card(f"{t('col_band', lang)} {band_label(r.band, lang)} "
                          f"({pct(r.share_pct, 2, lang)})",
                          number(r.count, 0, lang), change, color, arrow, tip))
    return cards


def change_from(value: float, prev: str, lang: str, decimals: int = 2,
                words: str | None = None) -> tuple:
    """A card's (delta, colour, arrow): «+0,88 so với năm 2024», or «không đổi …» with neither
    colour nor arrow when the change rounds to zero, or nothing for a first year.

    `words`: a catalog key writing the change {d} (and `prev` if it names it): «+13,3 điểm
    phần trăm».
    """
    if pd.isna(value):
        return None, "normal", "auto"
    if round_half_up(abs(float(value)), decimals) == 0:
        return f"{t('unchanged', lang)} {prev}", "off", "off"
    change = signed(value, lang, decimals)
    text = t(words, lang, d=change, prev=prev) if words else f"{change} {prev}"
    return text, "normal", "auto"


def signed(value: float, lang: str, decimals: int = 2) -> str:
    """+3,37 / -1,20 (points of index; ASCII minus, which st.metric reads as a fall); +1.234."""
    text = number(abs(value), decimals, lang)
    return ("+" if value >= 0 else "-") + text
