"""Index, rank, bands and year-on-year change, computed exactly as provinces publish them."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cchc_metrics.bands import Bands, band_of, parse_bands
from cchc_metrics.contract import ROUNDING, SURVEY, TOTAL, UNIT_COLUMNS
from cchc_metrics.keys import factorize, group_ids, keyed
from cchc_metrics.numbers import round_half_up

# A unit appears once per year and ranking block; same-named communes differ by parent or code.
UNIT_KEYS = ["year", "block", "province", "parent", "unit", "unit_code"]


def index_pct(points, max_points):
    """Index (%) = 100 × points / applicable maximum, to 2 decimals (half up, as Excel's ROUND)."""
    points = np.asarray(points, dtype=float)
    max_points = np.asarray(max_points, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        raw = np.where(max_points > 0, 100.0 * points / max_points, np.nan)
    return round_half_up(raw, 2)


def rank(index, block_id) -> tuple[pd.Series, pd.Series]:
    """Rank within each block by the published index, descending; ties share the better rank.

    1, 2, 2, 4 — as provinces publish it ("đứng thứ 7/10"). Ranks are computed on the 2-decimal
    index, so 85.654 and 85.645 tie at 85.65. Returns (rank, units ranked in the block), both
    nullable integers; a unit without an index has no rank and is not counted.
    """
    index = pd.Series(np.asarray(index, dtype=float))
    block_id = np.asarray(block_id)
    ranks = index.groupby(block_id).rank(method="min", ascending=False).astype("Int64")
    counted = np.bincount(block_id, weights=index.notna().to_numpy(),
                          minlength=int(block_id.max()) + 1 if len(block_id) else 0)
    return ranks, pd.Series(pd.array(counted[block_id].astype(np.int64), dtype="Int64"))


def unit_table(scores: pd.DataFrame, bands: Bands | str | None = None) -> pd.DataFrame:
    """One row per year × block × unit: points, index, rank, band and change from last year.

    Parameters
    ----------
    scores : canonical scores (see docs/ARCHITECTURE.md).
    bands : a band scheme, a preset name or "Tốt:80,Khá:60,Kém:0"; default preset when None.
    """
    bands = parse_bands(bands)
    if scores.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in UNIT_COLUMNS})
    gid = group_ids(scores, UNIT_KEYS)
    n = int(gid.max()) + 1
    first = np.empty(n, dtype=np.int64)
    first[gid[::-1]] = np.arange(len(gid) - 1, -1, -1)  # the earliest row wins: written last
    units = scores.iloc[first][UNIT_KEYS + ["level"]].reset_index(drop=True)
    self_pts = scores["self_points"].to_numpy(dtype=float)
    has_self = np.bincount(gid, weights=~np.isnan(self_pts), minlength=n) > 0
    units["points"] = np.bincount(gid, weights=scores["points"].to_numpy(float), minlength=n
                                  ).round(6)
    units["max_points"] = np.bincount(gid, weights=scores["max_points"].to_numpy(float),
                                      minlength=n).round(6)
    units["self_points"] = np.where(has_self, np.bincount(gid, weights=np.nan_to_num(self_pts),
                                                          minlength=n).round(6), np.nan)
    units["unit_key"] = keyed(units["unit"])
    units["index_pct"] = index_pct(units["points"], units["max_points"])
    units["rank"], units["n_ranked"] = rank(units["index_pct"],
                                            group_ids(units, ["year", "block"]))
    units["band"] = band_of(units["index_pct"], bands)
    units = add_previous_year(units)
    units["year"] = units["year"].astype(int)
    return units[UNIT_COLUMNS].sort_values(["year", "level", "block", "rank", "unit"],
                                           kind="stable", ignore_index=True)


def match_keys(units: pd.DataFrame) -> np.ndarray:
    """Integer key matching a unit across years: level and name key, plus parent if ambiguous."""
    key = group_ids(units, ["level", "unit_key"])
    clash = pd.Series(key).duplicated(keep=False).to_numpy() & pd.DataFrame(
        {"y": units["year"].to_numpy(), "k": key}).duplicated(keep=False).to_numpy()
    if clash.any():
        ambiguous = np.isin(key, key[clash])
        parent = pd.Series(np.where(ambiguous, keyed(units["parent"]), ""))
        key = group_ids(pd.DataFrame({"k": key, "p": parent}), ["k", "p"])
    return key


def add_previous_year(units: pd.DataFrame) -> pd.DataFrame:
    """prev_index_pct, delta_pct, prev_rank and rank_change from year − 1 (code, else name)."""
    code = units["unit_code"].fillna("").astype(str)
    code_key = group_ids({"l": units["level"], "c": code}, ["l", "c"])
    code_key = np.where((code != "").to_numpy(dtype=bool), code_key, -1)
    cur = pd.DataFrame({"year": units["year"].to_numpy(), "_name": match_keys(units),
                        "_code": code_key, "_cid": np.arange(len(units))})
    prev = cur.assign(year=cur["year"] + 1).rename(columns={"_cid": "_pid"})
    # by official code where both years have one; then by name among the units still free
    with_code = prev[prev["_code"] >= 0].drop_duplicates(["year", "_code"])
    by_code = cur[cur["_code"] >= 0].merge(with_code[["year", "_code", "_pid"]],
                                           on=["year", "_code"])
    free_cur = cur[~np.isin(cur["_cid"], by_code["_cid"])]
    free_prev = prev[~np.isin(prev["_pid"], by_code["_pid"])].drop_duplicates(["year", "_name"])
    by_name = free_cur.merge(free_prev[["year", "_name", "_pid"]], on=["year", "_name"])
    pid = np.full(len(units), -1)
    for pairs in (by_code, by_name):
        pid[pairs["_cid"].to_numpy()] = pairs["_pid"].to_numpy()
    has = pid >= 0
    take = np.where(has, pid, 0)
    units["prev_index_pct"] = np.where(has, units["index_pct"].to_numpy()[take], np.nan)
    prev_rank = pd.array(units["rank"].to_numpy()[take], dtype="Int64")
    units["prev_rank"] = pd.Series(prev_rank).where(has)
    units["delta_pct"] = round_half_up(units["index_pct"] - units["prev_index_pct"], 2)
    # a rank only compares with last year's when the unit was ranked in the same block
    block = factorize(units["block"])[0]
    same_block = has & (block[take] == block)
    units["rank_change"] = (units["prev_rank"] - units["rank"]).astype("Int64").where(same_block)
    return units


def block_summary(units: pd.DataFrame) -> pd.DataFrame:
    """Per year × block: units ranked, mean and median index, best and worst, change in mean."""
    if units.empty:
        return pd.DataFrame(columns=["year", "level", "block", "n_units", "mean_index_pct",
                                     "median_index_pct", "mean_points", "best_unit",
                                     "best_index_pct", "worst_unit", "worst_index_pct",
                                     "prev_mean_index_pct", "delta_mean_pct"])
    ordered = units.sort_values(["index_pct", "unit"], ascending=[False, True], kind="stable")
    g = ordered.groupby(["year", "level", "block"], sort=True)
    out = g.agg(n_units=("unit", "size"), mean_index_pct=("index_pct", "mean"),
                median_index_pct=("index_pct", "median"), mean_points=("points", "mean"),
                mean_max_points=("max_points", "mean"),
                best_unit=("unit", "first"), best_index_pct=("index_pct", "first"),
                worst_unit=("unit", "last"), worst_index_pct=("index_pct", "last")).reset_index()
    # mean of the units' exact indices (before rounding), as a spreadsheet AVERAGE of them would be
    exact = 100 * units["points"] / units["max_points"]
    mean_exact = exact.groupby([units["year"], units["level"], units["block"]]).mean()
    out["mean_index_pct"] = round_half_up(
        mean_exact.reindex(pd.MultiIndex.from_frame(out[["year", "level", "block"]])).to_numpy(), 2)
    out["median_index_pct"] = round_half_up(out["median_index_pct"], 2)
    prev = out[["year", "level", "block", "mean_index_pct"]].copy()
    prev["year"] += 1
    out = out.merge(prev.rename(columns={"mean_index_pct": "prev_mean_index_pct"}),
                    on=["year", "level", "block"], how="left")
    out["delta_mean_pct"] = round_half_up(out["mean_index_pct"] - out["prev_mean_index_pct"], 2)
    return out


def field_summary(scores: pd.DataFrame) -> pd.DataFrame:
    """Per year × block × field: mean points, mean % of maximum and points lost."""
    fields = scores[~scores["component"].isin([TOTAL, ROUNDING])]
    g = fields.groupby(["year", "level", "block", "component"], sort=False)
    out = g.agg(n_units=("unit", "nunique"), mean_points=("points", "mean"),
                mean_max_points=("max_points", "mean"), total_points=("points", "sum"),
                total_max_points=("max_points", "sum")).reset_index()
    with np.errstate(divide="ignore", invalid="ignore"):
        out["mean_pct"] = round_half_up(
            np.where(out["total_max_points"] > 0,
                     100 * out["total_points"] / out["total_max_points"], np.nan), 2)
    out["mean_points_lost"] = (out["mean_max_points"] - out["mean_points"]).round(6)
    out["points_lost"] = (out["total_max_points"] - out["total_points"]).round(6)
    return out.drop(columns=["total_points", "total_max_points"])


def unit_fields(scores: pd.DataFrame) -> pd.DataFrame:
    """Per unit × field: points, % of maximum, the block's mean % and the self-assessment gap."""
    scores = scores[scores["component"] != ROUNDING]  # a printed total's rounding is no field
    out = scores[UNIT_KEYS + ["level", "component", "max_points", "points", "self_points"]].copy()
    out["pct"] = index_pct(out["points"], out["max_points"])
    block_pct = field_summary(scores)[["year", "block", "component", "mean_pct"]]
    out = out.merge(block_pct.rename(columns={"mean_pct": "block_mean_pct"}),
                    on=["year", "block", "component"], how="left")
    out["vs_block_pct"] = round_half_up(out["pct"] - out["block_mean_pct"], 2)
    out["self_gap"] = (out["self_points"] - out["points"]).round(6)
    return out


def unit_strengths(scores: pd.DataFrame) -> pd.DataFrame:
    """Per unit: strongest and weakest field (by % of maximum) and the self-assessment gap."""
    fields = unit_fields(scores)
    fields = fields[~fields["component"].isin([TOTAL, SURVEY]) & (fields["max_points"] > 0)]
    keys = UNIT_KEYS
    if fields.empty:
        return pd.DataFrame(columns=keys + ["strongest_field", "strongest_pct", "weakest_field",
                                            "weakest_pct", "self_points", "points", "self_gap"])
    ordered = fields.sort_values(["pct", "component"], ascending=[False, True], kind="stable")
    g = ordered.groupby(keys, sort=False)
    out = g.agg(strongest_field=("component", "first"), strongest_pct=("pct", "first"),
                weakest_field=("component", "last"), weakest_pct=("pct", "last"),
                self_points=("self_points", lambda s: s.sum(min_count=1)),
                points=("points", "sum")).reset_index()
    out["self_gap"] = (out["self_points"] - out["points"]).round(6)
    return out
