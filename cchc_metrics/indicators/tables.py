"""Indicators per unit and period: roll-ups of months, exact rates, ranks, bands and targets.

Rows are contract.INDICATOR_COLUMNS. A period's values are the rows stated for exactly that
period; a unit without them gets its months rolled up: counts summed, a stock (pending) taken
at the last month, a service index group averaged over the months it has.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cchc_metrics.bands import band_of, parse_bands
from cchc_metrics.contract import INDICATOR_COLUMNS, TARGET_COLUMNS
from cchc_metrics.indicators.measures import (
    GROUP_KEYS,
    MEASURES,
    RATE_BY_KEY,
    SERVICE_INDEX,
)
from cchc_metrics.keys import group_ids
from cchc_metrics.metrics import rank
from cchc_metrics.numbers import round_half_up

UNIT_ID = ["level", "block", "province", "parent", "unit", "unit_code"]
RANK_TARGETS = ("par_rank",)  # a rank goal is met at or above it (a smaller number)


def empty_rows() -> pd.DataFrame:
    """No indicator rows, with the contract's columns."""
    return pd.DataFrame({c: pd.Series(dtype=object) for c in INDICATOR_COLUMNS})


def prepared(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows with `uid`, one integer per unit (UNIT_ID), and `code`, the measure's number:
    computed once per data revision, so every period and indicator after it works on integers,
    not on text columns."""
    return rows.assign(uid=group_ids(rows[UNIT_ID].fillna(""), UNIT_ID),
                       code=pd.Categorical(rows["measure"], categories=list(MEASURES)).codes)


_KEYS = list(MEASURES)
_STOCK = np.array([MEASURES[k].stock for k in _KEYS])
_GROUP = np.isin(_KEYS, GROUP_KEYS)


def period_values(rows: pd.DataFrame, year: int, first: int, last: int) -> pd.DataFrame:
    """One row per unit with a column per measure (and `max_<group>` for service groups) and
    `n_months`, the months behind it (0 when the period was stated as such)."""
    if "uid" not in rows:
        rows = prepared(rows)
    idx = np.flatnonzero(rows["year"].to_numpy() == year)  # numbers only: no text copied yet
    a, b = rows["month_from"].to_numpy()[idx], rows["month_to"].to_numpy()[idx]
    uid, code = rows["uid"].to_numpy()[idx], rows["code"].to_numpy()[idx]
    exact = (a == first) & (b == last) & (code >= 0)
    months = (a == b) & (b >= first) & (b <= last) & (code >= 0) & (first != last)
    months &= ~np.isin(uid, uid[exact])  # units stated for the period keep their statement
    value = rows["value"].to_numpy(dtype=float)[idx]
    top = rows["max_value"].to_numpy(dtype=float)[idx]
    parts = []
    if exact.any():
        parts.append(pd.DataFrame({"uid": uid[exact], "code": code[exact], "value": value[exact],
                                   "top": top[exact], "n": 0 if first != last else 1}))
    if months.any():
        order = np.argsort(b[months], kind="stable")  # «last» is the latest month
        m = pd.DataFrame({"uid": uid[months][order], "code": code[months][order],
                          "value": value[months][order], "top": top[months][order]})
        g = m.groupby(["uid", "code"], sort=False)
        agg = pd.DataFrame({"sum": g["value"].sum(), "mean": g["value"].mean(),
                            "last": g["value"].last(), "top": g["top"].mean(),
                            "n": g.size()}).reset_index()
        c = agg["code"].to_numpy()
        agg["value"] = np.where(_GROUP[c], agg["mean"], np.where(_STOCK[c], agg["last"],
                                                                  agg["sum"]))
        parts.append(agg[["uid", "code", "value", "top", "n"]])
    if not parts:
        return pd.DataFrame(columns=[*UNIT_ID, "n_months"])
    long = pd.concat(parts, ignore_index=True)
    units, at = np.unique(long["uid"].to_numpy(), return_inverse=True)
    wide = np.full((len(units), len(_KEYS)), np.nan)
    tops = np.full((len(units), len(_KEYS)), np.nan)
    wide[at, long["code"].to_numpy()] = long["value"].to_numpy()
    tops[at, long["code"].to_numpy()] = long["top"].to_numpy()
    n_months = np.zeros(len(units), dtype=np.int64)
    np.maximum.at(n_months, at, long["n"].to_numpy(dtype=np.int64))
    first_row = pd.Series(idx).groupby(uid).first()  # a row of each unit, for its names
    ident = rows[UNIT_ID].iloc[first_row.loc[units].to_numpy()].fillna("").reset_index(drop=True)
    present = ~np.isnan(wide).all(axis=0)
    out = pd.concat([ident, pd.DataFrame(wide[:, present], columns=np.array(_KEYS)[present])],
                    axis=1)
    for i in np.flatnonzero(_GROUP & present):
        out[f"max_{_KEYS[i]}"] = tops[:, i]
    out["n_months"] = n_months
    return out


def indicator_table(rows: pd.DataFrame, indicator: str, year: int, first: int, last: int, *,
                    level: str, block: str | None = None, bands=None,
                    targets: pd.DataFrame | None = None) -> pd.DataFrame:
    """Units of a level (and block) for one indicator and period, best first.

    Columns: UNIT_ID, value (the service index's points, or a rate in % to 2 decimals),
    numerator and denominator (a rate's counts; the index's points and maximum), index_pct and
    band (the service index), rank and n_ranked within the block (metrics.rank), n_months,
    target, met and gap (value − target; a rank goal: target − rank).
    """
    wide = period_values(rows, year, first, last)
    wide = wide[wide["level"] == level]
    if block:
        wide = wide[wide["block"] == block]
    out = wide[[*UNIT_ID, "n_months"]].copy()
    if indicator == SERVICE_INDEX:
        groups = [g for g in GROUP_KEYS if g in wide]
        points = wide[groups].sum(axis=1, min_count=1) if groups else pd.Series(np.nan, wide.index)
        tops = wide[[f"max_{g}" for g in groups]].sum(axis=1, min_count=1) if groups else points
        out["numerator"], out["denominator"] = round_half_up(points, 2), tops
        out["value"] = round_half_up(points, 2)
        out["index_pct"] = round_half_up(100 * points / tops.where(tops > 0), 2)
        out["band"] = band_of(out["index_pct"], parse_bands(bands))
    else:
        rate = RATE_BY_KEY[indicator]
        num = sum(wide.get(c, 0) for c in rate.numerators)
        den = wide[rate.denominator] if rate.denominator in wide else pd.Series(np.nan, wide.index)
        out["numerator"], out["denominator"] = num, den
        out["value"] = round_half_up(100 * num / den.where(den > 0), rate.decimals)
    out = out[out["value"].notna()].reset_index(drop=True)
    block_id = group_ids(out, ["level", "block"]) if len(out) else np.zeros(0, dtype=np.int64)
    ranks, counted = rank(out["value"], block_id)
    out["rank"], out["n_ranked"] = ranks.to_numpy(), counted.to_numpy()
    out = with_targets(out, targets, indicator, year)
    return out.sort_values(["block", "rank", "unit"], kind="stable", ignore_index=True)


def with_targets(table: pd.DataFrame, targets: pd.DataFrame | None, measure: str,
                 year: int, column: str = "value") -> pd.DataFrame:
    """`target`, `met` and `gap` for each unit: its own registered target first, else its
    level's. A rank target (par_rank) is met at that rank or better."""
    table = table.copy()
    table["target"] = np.nan
    if targets is not None and not targets.empty:
        goals = targets[(targets["measure"] == measure) & (targets["year"] == year)]
        level_wide = goals[goals["unit"].fillna("") == ""].set_index("level")["value"]
        own = goals[goals["unit"].fillna("") != ""]
        own = dict(zip(zip(own["level"], own["unit"], strict=True), own["value"], strict=True))
        table["target"] = [own.get((lv, u), level_wide.get(lv, np.nan))
                           for lv, u in zip(table["level"], table["unit"], strict=True)]
    target = table["target"].astype(float)
    value = table[column].astype(float)
    gap = target - value if measure in RANK_TARGETS else value - target
    table["gap"] = round_half_up(gap, 2)
    table["met"] = pd.array(np.where(target.isna() | value.isna(), None, gap >= -1e-9),
                            dtype="boolean")
    return table


def block_value(table: pd.DataFrame, indicator: str) -> float:
    """The whole selection's value: Σ numerators ÷ Σ denominators for a rate (never a mean of
    the units' rates); the mean of the units' points for the service index."""
    if table.empty:
        return float("nan")
    if indicator == SERVICE_INDEX:
        return float(round_half_up(table["value"].mean(), 2))
    rate = RATE_BY_KEY[indicator]
    den = table["denominator"].sum()
    return float(round_half_up(100 * table["numerator"].sum() / den, rate.decimals)) \
        if den > 0 else float("nan")


def monthly_series(rows: pd.DataFrame, indicator: str, *, level: str,
                   block: str | None = None, units: list[str] | None = None,
                   targets: pd.DataFrame | None = None) -> pd.DataFrame:
    """Month by month: the selection's value (as block_value: Σ ÷ Σ for a rate, the mean of the
    units' points for the service index) and the chosen units' values, all months at once.
    Columns: year, month, series (the selection: ""; else the unit), value, target."""
    m = rows[(rows["month_from"] == rows["month_to"]) & (rows["level"] == level)]
    if block:
        m = m[m["block"] == block]
    keys = ["year", "month_to", "unit", "parent"]
    if indicator == SERVICE_INDEX:
        per = m[m["measure"].isin(GROUP_KEYS)].groupby(keys)["value"].sum()
        whole = per.groupby(level=[0, 1]).mean()
        decimals = 2
    else:
        rate = RATE_BY_KEY[indicator]
        den = m[m["measure"] == rate.denominator].groupby(keys)["value"].sum()
        den = den[den > 0]
        num = m[m["measure"].isin(rate.numerators)].groupby(keys)["value"].sum() \
            .reindex(den.index, fill_value=0)
        per = 100 * num / den
        whole = 100 * num.groupby(level=[0, 1]).sum() / den.groupby(level=[0, 1]).sum()
        decimals = rate.decimals
    out = pd.DataFrame({"year": whole.index.get_level_values(0).astype(int),
                        "month": whole.index.get_level_values(1).astype(int), "series": "",
                        "value": round_half_up(whole.to_numpy(), decimals)})
    if units:
        mine = per[per.index.get_level_values(2).isin(units)].reset_index()
        out = pd.concat([out, pd.DataFrame({
            "year": mine["year"].astype(int), "month": mine["month_to"].astype(int),
            "series": mine["unit"], "value": round_half_up(mine["value"].to_numpy(), decimals)})],
            ignore_index=True)
    goals = with_targets(out.assign(level=level, unit=out["series"]), targets, indicator, 0) \
        if targets is None or targets.empty else pd.concat([
            with_targets(part.assign(level=level, unit=part["series"]), targets, indicator, y)
            for y, part in out.groupby("year")])
    out["target"] = goals["target"].to_numpy(dtype=float) if len(goals) else np.nan
    return out.sort_values(["series", "year", "month"], ignore_index=True)


def empty_targets() -> pd.DataFrame:
    """No targets, with the contract's columns."""
    return pd.DataFrame({c: pd.Series(dtype=object) for c in TARGET_COLUMNS})
