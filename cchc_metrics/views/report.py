"""The tables only reports print: a decision's appendix, the headline numbers, who moved most."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cchc_metrics.bands import band_counts
from cchc_metrics.contract import SURVEY, TOTAL
from cchc_metrics.i18n import band_label, band_labels, number, pct, t
from cchc_metrics.metrics import block_summary
from cchc_metrics.views.cards import signed
from cchc_metrics.views.selection import View, select


def appendix_table(units: pd.DataFrame, scores: pd.DataFrame, view: View) -> pd.DataFrame:
    """A block's ranking as a decision's appendix prints it: STT, unit, maximum, self-assessed,
    appraised (the fields), survey, total, index, rank, band — in rank order."""
    lang = view.lang
    rows = select(units, view).sort_values(["rank", "unit"], kind="stable")
    own = scores[(scores["year"] == view.year) & (scores["level"] == view.level)]
    keys = ["block", "unit"]
    survey = own[own["component"] == SURVEY].groupby(keys, sort=False)["points"].sum(min_count=1)
    fields = own[~own["component"].isin([SURVEY, TOTAL])].groupby(keys, sort=False)[
        "points"].sum(min_count=1)
    at = pd.MultiIndex.from_frame(rows[keys])
    return pd.DataFrame({
        t("col_stt", lang): np.arange(1, len(rows) + 1),
        t("col_unit", lang): rows["unit"].to_numpy(),
        t("col_max", lang): rows["max_points"].to_numpy(dtype=float),
        t("col_self", lang): rows["self_points"].to_numpy(dtype=float),
        t("col_appraised", lang): fields.reindex(at).to_numpy(dtype=float),
        t("col_survey", lang): survey.reindex(at).to_numpy(dtype=float),
        t("col_total", lang): rows["points"].to_numpy(dtype=float),
        t("col_index", lang): rows["index_pct"].to_numpy(dtype=float),
        t("col_rank", lang): rows["rank"].astype("Int64").to_numpy(),
        t("col_band", lang): band_labels(rows["band"], lang).to_numpy(),
    })


def ranked_block(units: pd.DataFrame, view: View) -> pd.DataFrame:
    """The view's block (or level: its blocks as one) in its year and the year before, units
    with an index only: what the headline numbers are of."""
    block = select(units, view.but(search="", parent=None, province=None), year=False)
    block = block[block["year"].isin([view.year, view.year - 1]) & block["index_pct"].notna()]
    return block if view.block else block.assign(block="")


def headline(units: pd.DataFrame, view: View) -> pd.Series | None:
    """The year's block_summary row (units, mean, median, best, worst, change in mean): the
    headline sentence says what the headline table shows."""
    summary = block_summary(ranked_block(units, view)).set_index("year")
    return summary.loc[view.year] if view.year in summary.index else None


def headline_table(units: pd.DataFrame, view: View) -> pd.DataFrame:
    """The block's year beside the year before: units ranked, mean, median, highest, lowest
    and each band's count and share (blank where the year before has no results)."""
    lang = view.lang
    block = ranked_block(units, view)
    summary = block_summary(block).set_index("year")
    counts = band_counts(block, view.bands).groupby(["year", "band"], sort=False)[
        "count"].sum().reset_index()
    counts["share_pct"] = 100 * counts["count"] / counts.groupby("year")["count"].transform("sum")
    years = [view.year, view.year - 1]

    def cell(year, fn):
        return fn(summary.loc[year]) if year in summary.index else ""

    def change(column, decimals, unit=""):
        if not all(y in summary.index for y in years):
            return ""
        # the difference of the numbers printed beside it (each already rounded)
        d = float(summary.loc[years[0], column]) - float(summary.loc[years[1], column])
        return signed(round(d, decimals), lang, decimals) + unit

    pp = " " + t("pp", lang)
    rows = [
        (t("units_ranked", lang), *[cell(y, lambda s: number(int(s["n_units"]), 0, lang))
                                    for y in years], change("n_units", 0)),
        (t("mean_index", lang), *[cell(y, lambda s: pct(s["mean_index_pct"], 2, lang))
                                  for y in years], change("mean_index_pct", 2, pp)),
        (t("median_index", lang), *[cell(y, lambda s: pct(s["median_index_pct"], 2, lang))
                                    for y in years], change("median_index_pct", 2, pp)),
        (t("best_unit", lang), *[cell(y, lambda s: f"{s['best_unit']} "
                                      f"({pct(s['best_index_pct'], 2, lang)})") for y in years],
         ""),
        (t("worst_unit", lang), *[cell(y, lambda s: f"{s['worst_unit']} "
                                       f"({pct(s['worst_index_pct'], 2, lang)})")
                                  for y in years], ""),
    ]
    for band in dict.fromkeys(counts["band"]):
        got = counts[counts["band"] == band].set_index("year")
        share = {y: round(float(got.loc[y, "share_pct"]), 2) for y in years if y in got.index}
        count = {y: int(got.loc[y, "count"]) for y in share}
        moved = (f"{signed(count[years[0]] - count[years[1]], lang, 0)} "
                 f"({signed(share[years[0]] - share[years[1]], lang, 2)}{pp})"
                 if len(share) == 2 else "")
        rows.append((f"{t('col_band', lang)} {band_label(band, lang)}", *[
            f"{number(count[y], 0, lang)} ({pct(share[y], 2, lang)})" if y in share else ""
            for y in years], moved))
    return pd.DataFrame(rows, columns=[t("col_measure", lang), str(years[0]), str(years[1]),
                                       t("col_change", lang)])


def movers(units: pd.DataFrame, view: View, most: int = 5) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The units that rose most and fell most in rank (rank change, then index change)."""
    rows = select(units, view)
    rows = rows[rows["rank_change"].notna()]
    change = rows["rank_change"].astype(float)
    up = rows[change > 0].assign(c=change).sort_values(["c", "delta_pct"], ascending=False,
                                                        kind="stable").head(most)
    down = rows[change < 0].assign(c=change).sort_values(["c", "delta_pct"], kind="stable"
                                                         ).head(most)
    return up.drop(columns="c"), down.drop(columns="c")


def movers_table(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Units that moved: unit, rank now and before, index now and its change."""
    return pd.DataFrame({
        t("col_unit", lang): rows["unit"].to_numpy(),
        t("col_rank", lang): rows["rank"].astype("Int64").to_numpy(),
        t("col_prev_rank", lang): rows["prev_rank"].astype("Int64").to_numpy(),
        t("col_index", lang): rows["index_pct"].to_numpy(dtype=float),
        t("col_delta", lang): rows["delta_pct"].to_numpy(dtype=float),
    })


def unit_history_table(history: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A unit's years: block, rank/n, index, its change and band (views.unit_history rows)."""
    return pd.DataFrame({
        t("col_year", lang): history["year"].astype(int).to_numpy(),
        t("col_block", lang): history["block"].to_numpy(),
        t("col_rank", lang): [f"{number(r, 0, lang)}/{number(n, 0, lang)}" for r, n in
                              zip(history["rank"], history["n_ranked"], strict=True)],
        t("col_index", lang): history["index_pct"].to_numpy(dtype=float),
        t("col_delta", lang): history["delta_pct"].to_numpy(dtype=float),
        t("col_band", lang): band_labels(history["band"], lang).to_numpy(),
    })
