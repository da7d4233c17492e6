"""The indicators page's plain tables and sentences: the same table on screen and in exports."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cchc_metrics.i18n import band_labels, number, pct, t
from cchc_metrics.indicators import (
    RATE_BY_KEY,
    SERVICE_INDEX,
    block_value,
    indicator_name,
    indicator_table,
    period_label,
)
from cchc_metrics.views.cards import Card
from cchc_metrics.views.profile import block_words, in_prose
from cchc_metrics.views.selection import View

MOST_BELOW = 10  # units furthest from target listed


def _counts(values: pd.Series, lang: str) -> list[str]:
    return ["—" if pd.isna(v) else number(v, 0, lang) for v in values]


def _parts(indicator: str, lang: str) -> tuple[str, str]:
    """The headers of a rate's numerator and denominator (the service index: points, maximum)."""
    if indicator == SERVICE_INDEX:
        return t("col_points", lang), t("col_max", lang)
    rate = RATE_BY_KEY[indicator]
    names = rate.numerator_name.text(lang) if rate.numerator_name else \
        " + ".join(indicator_name(m, lang) for m in rate.numerators)
    return names, indicator_name(rate.denominator, lang)


def indicator_rows(rows: pd.DataFrame, targets: pd.DataFrame | None, view: View,
                   indicator: str, first: int, last: int) -> pd.DataFrame:
    """indicators.indicator_table for the view's year, level and block."""
    return indicator_table(rows, indicator, int(view.year), first, last, level=view.level,
                           block=view.block, bands=view.bands, targets=targets)


def indicator_ranking(table: pd.DataFrame, indicator: str, lang: str) -> pd.DataFrame:
    """The ranking as people read it: rank, unit, value, its counts, target status and gap.
    Counts are numbers (they sort) with their texts (1.296) in attrs["shown"]."""
    service = indicator == SERVICE_INDEX
    top, bottom = _parts(indicator, lang)
    out = pd.DataFrame({
        t("col_rank", lang): table["rank"].to_numpy(),
        t("col_unit", lang): table["unit"].to_numpy(),
        t("col_block", lang): table["block"].to_numpy(),
        t("col_ind_points" if service else "col_ind_rate", lang):
            table["value"].to_numpy(dtype=float),
    })
    if service:
        out[t("col_band", lang)] = band_labels(table["band"], lang).to_numpy()
    else:
        out[top] = table["numerator"].to_numpy(dtype=float)
        out[bottom] = table["denominator"].to_numpy(dtype=float)
        out.attrs["shown"] = {top: _counts(table["numerator"], lang),
                              bottom: _counts(table["denominator"], lang)}
    if table["target"].notna().any():
        out[t("col_target", lang)] = table["target"].to_numpy(dtype=float)
        out[t("col_target_met", lang)] = [
            "" if pd.isna(m) else t("target_met" if m else "target_missed", lang)
            for m in table["met"]]
        out[t("col_target_gap", lang)] = table["gap"].to_numpy(dtype=float)
    if (table["n_months"] > 1).any():
        out[t("col_months", lang)] = table["n_months"].astype(int).to_numpy()
    if out[t("col_block", lang)].nunique() <= 1:
        out = out.drop(columns=[t("col_block", lang)])
    return out.reset_index(drop=True)


def below_target(table: pd.DataFrame, indicator: str, lang: str) -> pd.DataFrame:
    """The units that miss their target, furthest first."""
    missed = table[table["met"].fillna(True).eq(False)].sort_values("gap", kind="stable")
    return indicator_ranking(missed.head(MOST_BELOW), indicator, lang)


def indicator_cards(table: pd.DataFrame, indicator: str, view: View) -> list[Card]:
    """The selection's value (Σ ÷ Σ), units meeting the target, best and worst."""
    lang = view.lang
    if table.empty:
        return []
    service = indicator == SERVICE_INDEX
    whole = block_value(table, indicator)
    value = number(whole, 2, lang) if service else pct(whole, 2, lang)
    help_text = t("ind_whole_help_service" if service else "ind_whole_help", lang)
    cards = [Card(t("ind_whole", lang), value, help=help_text)]
    if table["met"].notna().any():
        met = int(table["met"].fillna(False).sum())
        counted = int(table["met"].notna().sum())
        cards.append(Card(t("ind_met", lang), f"{number(met, 0, lang)}/{number(counted, 0, lang)}",
                          help=t("ind_met_help", lang)))
    best = table.sort_values("value", ascending=False, kind="stable").iloc[0]
    worst = table.sort_values("value", kind="stable").iloc[0]
    for key, row in (("best_unit", best), ("worst_unit", worst)):
        shown = number(row["value"], 2, lang) if service else pct(row["value"], 2, lang)
        cards.append(Card(t(key, lang), row["unit"], shown, delta_color="off",
                          delta_arrow="off", help=row["unit"]))
    return cards


def indicator_sentence(table: pd.DataFrame, indicator: str, view: View, first: int,
                       last: int) -> str:
    """The seeds' sentence: «Tháng 11/2025, các sở, ban, ngành tiếp nhận … giải quyết đúng hạn
    … hồ sơ, đạt tỷ lệ 99,92 %; 18/20 đơn vị đạt chỉ tiêu 98 %.»"""
    lang = view.lang
    if table.empty:
        return ""
    when = period_label(int(view.year), first, last, lang)
    words = block_words(view.level, view.block, lang) if view.block else \
        t(f"level_units_{view.level}", lang)
    whole = block_value(table, indicator)
    if indicator == SERVICE_INDEX:
        text = t("ind_sentence_service", lang, when=when, units=words,
                 pts=number(whole, 2, lang), n=number(len(table), 0, lang))
    else:
        text = t("ind_sentence_rate", lang, when=when, units=words,
                 what=indicator_name(indicator, lang).lower(),
                 num=number(table["numerator"].sum(), 0, lang),
                 den=number(table["denominator"].sum(), 0, lang),
                 den_name=indicator_name(RATE_BY_KEY[indicator].denominator, lang).lower(),
                 rate=pct(whole, 2, lang))
    if table["met"].notna().any():
        goal = table["target"].dropna()
        goal_text = (number(goal.iloc[0], 2, lang) if indicator == SERVICE_INDEX else
                     pct(goal.iloc[0], 2, lang)) if goal.nunique() == 1 else t("ind_own", lang)
        text += t("ind_sentence_met", lang, met=number(int(table["met"].fillna(False).sum()), 0,
                                                        lang),
                  n=number(int(table["met"].notna().sum()), 0, lang), goal=goal_text)
    return text + "."


def unit_indicators(rows: pd.DataFrame, targets: pd.DataFrame | None, unit: str, level: str,
                    lang: str = "vi") -> str:
    """The profile's line on a unit's latest month: «Tháng 12/2025: tiếp nhận 1.296 hồ sơ, giải
    quyết trước hạn, đúng hạn 1.295 hồ sơ (99,92 %, chỉ tiêu 98 %: đạt); Chỉ số phục vụ 87,50
    điểm, hạng 3/20.» "" when the unit has none."""
    mine = rows[(rows["unit"] == unit) & (rows["level"] == level) &
                (rows["month_from"] == rows["month_to"])]
    if mine.empty:
        return ""
    year, month = mine[["year", "month_to"]].drop_duplicates().sort_values(
        ["year", "month_to"]).iloc[-1]
    parts = []
    rate = indicator_table(rows, "on_time_rate", int(year), int(month), int(month), level=level,
                           targets=targets)
    own = rate[rate["unit"] == unit]
    if not own.empty:
        r = own.iloc[0]
        text = t("ind_unit_rate", lang, num=number(r["numerator"], 0, lang),
                 den=number(r["denominator"], 0, lang), rate=pct(r["value"], 2, lang))
        if not pd.isna(r["met"]):
            text += t("ind_unit_target", lang, goal=pct(r["target"], 2, lang),
                      status=t("target_met" if r["met"] else "target_missed", lang).lower())
        parts.append(text)
    service = indicator_table(rows, SERVICE_INDEX, int(year), int(month), int(month),
                              level=level, targets=targets)
    own = service[service["unit"] == unit]
    if not own.empty:
        r = own.iloc[0]
        parts.append(t("ind_unit_service", lang, pts=number(r["value"], 2, lang),
                       rank=number(r["rank"], 0, lang), n=number(r["n_ranked"], 0, lang)))
    if not parts:
        return ""
    return f"{period_label(int(year), int(month), int(month), lang)}: " + "; ".join(parts) + "."


def par_targets(targets: pd.DataFrame | None, units: pd.DataFrame, row: pd.Series,
                lang: str = "vi") -> str:
    """A unit's registered PAR goals from `row`'s year on, and, where that year has results,
    whether they were met: «Chỉ tiêu đăng ký năm 2025 của sở Tư pháp: hạng 5 (đạt hạng 4: đạt),
    chỉ số 88,00 % (đạt 86,10 %: chưa đạt).» "" without any."""
    if targets is None or targets.empty:
        return ""
    goals = targets[(targets["unit"] == row["unit"]) & (targets["level"] == row["level"]) &
                    targets["measure"].isin(["par_rank", "par_index"]) &
                    (targets["year"] >= int(row["year"]))]
    if goals.empty:
        return ""
    year = int(goals["year"].min())
    result = units[(units["unit"] == row["unit"]) & (units["level"] == row["level"]) &
                   (units["year"] == year)]
    said = []
    for measure, value in zip(goals.loc[goals["year"] == year, "measure"],
                              goals.loc[goals["year"] == year, "value"], strict=True):
        rank_goal = measure == "par_rank"
        text = t("par_goal_rank" if rank_goal else "par_goal_index", lang,
                 goal=number(value, 0, lang) if rank_goal else pct(value, 2, lang))
        if not result.empty:
            got = result.iloc[0]["rank" if rank_goal else "index_pct"]
            met = got <= value if rank_goal else got >= value - 1e-9
            text += t("par_goal_result", lang,
                      got=t("par_got_rank", lang, rank=number(got, 0, lang)) if rank_goal
                      else pct(got, 2, lang),
                      status=t("target_met" if met else "target_missed", lang).lower())
        said.append(text)
    return t("par_goals", lang, year=year, goals=", ".join(said),
             unit=in_prose(row["unit"]) if lang == "vi" else row["unit"]) + "."


def trend_series(series: pd.DataFrame, lang: str) -> pd.DataFrame:
    """monthly_series with the block's line named."""
    return series.assign(series=np.where(series["series"] == "", t("ind_whole", lang),
                                         series["series"]))


def indicator_months(rows: pd.DataFrame) -> pd.DataFrame:
    """What the indicator data covers: the distinct year × level × month of its monthly rows."""
    months = rows[rows["month_from"] == rows["month_to"]]
    return months[["year", "level", "month_to"]].drop_duplicates().rename(
        columns={"month_to": "month"}).sort_values(["year", "level", "month"], ignore_index=True)


def latest_month(months: pd.DataFrame, year: int | None, level: str | None) -> int | None:
    """The last month with data for the year and level (None when it has none)."""
    have = months[(months["year"] == year) & (months["level"] == level)]
    return int(have["month"].max()) if not have.empty else None


def indicator_choices(lang: str) -> dict[str, str]:
    """Indicator key → its name, in the page's order (the service index first)."""
    from cchc_metrics.indicators import INDICATORS

    return {k: indicator_name(k, lang) for k in INDICATORS}


def monthly_trend(rows: pd.DataFrame, targets: pd.DataFrame | None, view: View,
                  indicator: str, units: list[str] | None = None,
                  lineage: pd.DataFrame | None = None) -> pd.DataFrame:
    """indicators.monthly_series for the view's level and block, every month of the data; a
    chosen unit formed by a merger is followed back through its former units, combined (Σ ÷ Σ
    for a rate, their mean for the service index) in the months before the merger, in a
    series of its own (`former` True)."""
    from cchc_metrics.indicators import monthly_series
    from cchc_metrics.places import predecessors

    out = monthly_series(rows, indicator, level=view.level, block=view.block, units=units,
                         targets=targets).assign(former=False)
    if lineage is None or lineage.empty:
        return out
    for unit in units or []:
        olds = predecessors(lineage, view.level, unit)
        others = [p for p in olds["predecessor"] if p != unit]
        if not others:
            continue
        start = min(olds["effective"])
        part = rows[(rows["level"] == view.level) & rows["unit"].isin(olds["predecessor"])]
        area = monthly_series(part, indicator, level=view.level)
        area = area[(area["series"] == "") &
                    (area["year"] * 12 + area["month"] < start.year * 12 + start.month)]
        if not area.empty:
            out = pd.concat([out, area.assign(series=t("ind_area_of", view.lang, unit=unit),
                                              target=np.nan, former=True)], ignore_index=True)
    return out


OVERVIEW_INDICATORS = (SERVICE_INDEX, "on_time_rate", "online_rate", "digitised_rate")


def overview_indicators(rows: pd.DataFrame, targets: pd.DataFrame | None,
                        view: View) -> tuple[str, list[Card]]:
    """The overview's line of indicators beside the index: the block's latest month (its
    label) and one card per headline indicator with the units meeting its target."""
    months = indicator_months(rows)
    month = latest_month(months, view.year, view.level)
    if month is None:
        return "", []
    cards = []
    for indicator in OVERVIEW_INDICATORS:
        table = indicator_rows(rows, targets, view, indicator, month, month)
        if table.empty:
            continue
        whole = block_value(table, indicator)
        value = number(whole, 2, view.lang) if indicator == SERVICE_INDEX else \
            pct(whole, 2, view.lang)
        met = None
        if table["met"].notna().any():
            met = t("ind_met_short", view.lang,
                    met=number(int(table["met"].fillna(False).sum()), 0, view.lang),
                    n=number(int(table["met"].notna().sum()), 0, view.lang))
        cards.append(Card(indicator_name(indicator, view.lang), value, met, delta_color="off",
                          delta_arrow="off"))
    return period_label(int(view.year), month, month, view.lang), cards


def indicator_preview(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """What an indicator file holds, per period and level: units, what was read, rows."""
    from cchc_metrics.i18n import level_label

    out = []
    for (year, first, last, level), part in rows.groupby(
            ["year", "month_from", "month_to", "level"], sort=True):
        kinds = [t("ind_kind_service", lang)] if part["measure"].str.startswith("svc_").any() \
            else []
        if (~part["measure"].str.startswith("svc_")).any():
            kinds.append(t("ind_kind_counts", lang))
        out.append((period_label(int(year), int(first), int(last), lang),
                    level_label(level, lang), number(part["unit"].nunique(), 0, lang),
                    ", ".join(kinds), number(len(part), 0, lang)))
    return pd.DataFrame(out, columns=[t("ind_period", lang), t("level", lang),
                                      t("col_n_units_short", lang), t("ind_what", lang),
                                      t("col_rows", lang)])


def targets_table(targets: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The province's targets as people read (and edit) them: names, levels in words."""
    from cchc_metrics.i18n import level_label
    from cchc_metrics.ingest.targets import target_names

    names = target_names(lang)
    return pd.DataFrame({
        t("col_target_what", lang): [names.get(m, m) for m in targets["measure"]],
        t("level", lang): [level_label(v, lang) for v in targets["level"]],
        t("col_year", lang): targets["year"].astype(int).to_numpy(),
        t("col_unit", lang): targets["unit"].fillna("").to_numpy(),
        t("col_target", lang): targets["value"].astype(float).to_numpy(),
    })


def targets_from_table(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """targets_table back to TARGET_COLUMNS (names and level words as keys), for the check."""
    from cchc_metrics.contract import LEVELS, TARGET_COLUMNS
    from cchc_metrics.i18n import level_label
    from cchc_metrics.ingest.targets import target_names

    by_name = {v: k for k, v in target_names(lang).items()}
    by_level = {level_label(v, lang): v for v in LEVELS}
    frame = table.copy()
    frame.columns = TARGET_COLUMNS
    frame["measure"] = [by_name.get(v, v) for v in frame["measure"]]
    frame["level"] = [by_level.get(v, v) for v in frame["level"]]
    return frame
