"""Index, rank, bands and year-on-year change, computed exactly as provinces publish them."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pyarrow as pa

from cchc_metrics.model import SURVEY, TOTAL, UNIT_COLUMNS, Bands, parse_bands, unit_key
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


def band_of(index, bands: Bands) -> np.ndarray:
    """Band label of each index: the first band whose lower bound it reaches; None below all."""
    index = np.asarray(index, dtype=float)
    conditions = [index >= bound - 1e-9 for _, bound in bands]
    out = np.select(conditions, [label for label, _ in bands], default="")
    out = out.astype(object)
    out[(out == "") | np.isnan(index)] = None
    return out


def competition_rank(frame: pd.DataFrame, by: list[str], value: str) -> pd.Series:
    """Rank descending within groups; ties share the better rank (1, 2, 2, 4)."""
    return frame.groupby(by, sort=False)[value].rank(method="min", ascending=False)


def group_ids(frame: pd.DataFrame | dict, columns: list[str]) -> np.ndarray:
    """One integer per distinct combination of the columns (faster than a groupby on text)."""
    ids, size = np.zeros(len(frame[columns[0]]), dtype=np.int64), 1
    for codes, uniques in factorized([frame[c] for c in columns]):
        if size * (len(uniques) + 1) > 2**62:  # renumber densely before the product overflows
            ids, distinct = pd.factorize(ids)
            size = len(distinct)
        ids = ids * (len(uniques) + 1) + codes
        size *= len(uniques) + 1
    return pd.factorize(ids)[0]


def factorized(columns: list) -> list[tuple[np.ndarray, object]]:
    """factorize of each column; large Arrow ones on two threads (Arrow releases the GIL)."""
    arrow = [c for c in columns if arrow_text(c) is not None]
    if len(arrow) < 2 or len(columns[0]) < 200_000:  # object columns hold the GIL: no gain
        return [factorize(c) for c in columns]
    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(factorize, columns))


def factorize(values) -> tuple[np.ndarray, object]:
    """pd.factorize keeping missing values as a code; Arrow text is encoded by Arrow itself."""
    chunked = arrow_text(values)
    if chunked is not None:
        array = chunked.chunk(0) if chunked.num_chunks == 1 else chunked.combine_chunks()
        encoded = array.dictionary_encode(null_encoding="encode")
        return encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64), encoded.dictionary
    return pd.factorize(values, use_na_sentinel=False)


def arrow_text(values):
    """The Arrow array behind a pandas str column, else None."""
    chunked = getattr(getattr(values, "array", None), "_pa_array", None)
    if chunked is not None and (pa.types.is_string(chunked.type)
                                or pa.types.is_large_string(chunked.type)):
        return chunked
    return None


def keyed(values: pd.Series, fn=unit_key) -> np.ndarray:
    """fn of every value, computed once per distinct value."""
    codes, keys = distinct_keys(values, fn)
    return keys[codes]


def key_codes(values: pd.Series, fn=unit_key) -> np.ndarray:
    """One integer per distinct fn(value): keyed() for grouping, without building the keys."""
    codes, keys = distinct_keys(values, fn)
    return pd.factorize(keys)[0][codes]


def distinct_keys(values: pd.Series, fn) -> tuple[np.ndarray, np.ndarray]:
    """(each value's code, fn of each distinct value): fn runs once per distinct value."""
    codes, uniques = factorize(values)
    uniques = uniques.to_pylist() if isinstance(uniques, pa.Array) else list(uniques)
    return codes, np.array([fn(as_text(u)) for u in uniques], dtype=object)


def as_text(value) -> str:
    """A text cell as str; missing values as "" (pd.isna per value costs more than a name key)."""
    if isinstance(value, str):
        return value
    if value is None or value is pd.NA or value != value:  # value != value: NaN
        return ""
    return str(value)


def unit_table(scores: pd.DataFrame, bands: Bands | str | None = None) -> pd.DataFrame:
    """One row per year × block × unit: points, index, rank, band and change from last year.

    Parameters
    ----------
    scores : canonical scores (see DESIGN.md).
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
    block_id = group_ids(units, ["year", "block"])
    units["rank"] = pd.Series(units["index_pct"]).groupby(block_id).rank(
        method="min", ascending=False).astype("Int64")
    units["n_ranked"] = pd.array(np.bincount(block_id, weights=units["index_pct"].notna(),
                                             minlength=block_id.max() + 1)[block_id]
                                 .astype(np.int64), dtype="Int64")
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


def band_counts(units: pd.DataFrame, bands: Bands | str | None = None) -> pd.DataFrame:
    """Per year × block × band: count, share of units (%) and change in count from last year."""
    bands = parse_bands(bands)
    labels = [label for label, _ in bands]
    cols = ["year", "level", "block", "band", "count", "share_pct", "prev_count", "count_change"]
    if units.empty:
        return pd.DataFrame(columns=cols)
    blocks = units[["year", "level", "block"]].drop_duplicates()
    grid = blocks.merge(pd.DataFrame({"band": labels}), how="cross")
    counts = units.groupby(["year", "level", "block", "band"]).size().rename("count")
    out = grid.merge(counts.reset_index(), on=["year", "level", "block", "band"], how="left")
    out["count"] = out["count"].fillna(0).astype(int)
    totals = units.groupby(["year", "level", "block"]).size().rename("n").reset_index()
    out = out.merge(totals, on=["year", "level", "block"])
    out["share_pct"] = round_half_up(100 * out["count"] / out["n"], 2)
    prev = out[["year", "level", "block", "band", "count"]].copy()
    prev["year"] += 1
    out = out.merge(prev.rename(columns={"count": "prev_count"}),
                    on=["year", "level", "block", "band"], how="left")
    out["prev_count"] = out["prev_count"].astype("Int64")
    out["count_change"] = (out["count"] - out["prev_count"]).astype("Int64")
    order = {label: i for i, label in enumerate(labels)}
    out = out.sort_values(["year", "level", "block", "band"],
                          key=lambda s: s.map(order) if s.name == "band" else s, kind="stable")
    return out[cols].reset_index(drop=True)


def field_summary(scores: pd.DataFrame) -> pd.DataFrame:
    """Per year × block × field: mean points, mean % of maximum and points lost."""
    fields = scores[~scores["component"].isin([TOTAL])]
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
