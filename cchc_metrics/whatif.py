"""What a unit needs (points to the next band or k ranks up) and which rank moves are noise.

Both follow the one ranking rule (metrics.rank: the published 2-decimal index, ties share the
better rank) with the other units of the block unchanged.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from cchc_metrics.bands import Bands, parse_bands
from cchc_metrics.contract import ROUNDING, SURVEY, TOTAL
from cchc_metrics.metrics import index_pct

RANK_STEPS = (1, 3)  # the profile says what one and three places up take


def points_to_reach(points: float, max_points: float, target_pct: float) -> float | None:
    """The fewest extra points (to 0,01) that make the published index reach `target_pct`;
    0 when it already does, None when even the maximum does not."""
    if float(index_pct(points, max_points)) >= target_pct - 1e-9:
        return 0.0
    # the index rounds half up: target − 0,005 already publishes as the target
    need = max_points * (target_pct - 0.005) / 100 - points
    delta = math.ceil(round(need * 100, 6)) / 100
    while float(index_pct(points + delta, max_points)) < target_pct - 1e-9:
        delta = round(delta + 0.01, 2)
    return None if points + delta > max_points + 1e-9 else round(delta, 2)


def _others_desc(block: pd.DataFrame, unit: str) -> np.ndarray:
    """The other ranked units' published indices, best first."""
    others = block.loc[(block["unit"] != unit) & block["index_pct"].notna(), "index_pct"]
    return np.sort(others.to_numpy(dtype=float))[::-1]


def unit_plan(units: pd.DataFrame, scores: pd.DataFrame, row: pd.Series,
              bands: Bands | str | None = None, steps=RANK_STEPS) -> dict:
    """What `row`'s unit needs, others unchanged: `ranks` [(rank, n, points)] for each step up
    that exists (points None when the maximum is not enough), `band` (label, points) to the band
    above or None at the top, and `fields` [(field, points lost)] most lost first."""
    bands = parse_bands(bands)
    year, level, block_name, unit = int(row["year"]), row["level"], row["block"], row["unit"]
    block = units[(units["year"] == year) & (units["level"] == level) &
                  (units["block"] == block_name)]
    points, top = float(row["points"]), float(row["max_points"])
    others = _others_desc(block, unit)
    ranks = []
    for k in steps:
        goal = int(row["rank"]) - k
        if goal < 1:
            continue
        # the goal rank is held by reaching the index of the unit now at that place among others
        ranks.append((goal, int(row["n_ranked"]), points_to_reach(points, top, others[goal - 1])))
    band = None
    above = [(label, bound) for label, bound in bands if bound > float(row["index_pct"]) + 1e-9]
    if above:
        label, bound = above[-1]  # the nearest band above
        band = (label, points_to_reach(points, top, bound))
    mine = scores[(scores["year"] == year) & (scores["block"] == block_name) &
                  (scores["unit"] == unit) &
                  ~scores["component"].isin([TOTAL, ROUNDING])]
    lost = (mine["max_points"] - mine["points"]).groupby(mine["component"]).sum()
    lost = lost[lost > 0.005].sort_values(ascending=False, kind="stable")
    fields = [(c, float(v)) for c, v in lost.items()]
    return {"ranks": ranks, "band": band, "fields": fields,
            "survey_lost": float(lost.get(SURVEY, 0.0))}


def rank_noise(units: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """For each row of a unit table whose rank changed: `noise_gap`, the index change (in
    percentage points) that would have kept its place of last year with the others as they are,
    and `within_noise` (the gap is under `threshold`). Rows without a rank change get NaN and
    False. Aligned with `units`' index."""
    gap = np.full(len(units), np.nan)
    change = units["rank_change"].to_numpy(dtype=float, na_value=np.nan)
    moved = ~np.isnan(change) & (change != 0)
    if moved.any():
        from cchc_metrics.keys import group_ids

        index = units["index_pct"].to_numpy(dtype=float)
        prev = units["prev_rank"].to_numpy(dtype=float, na_value=np.nan)
        block = group_ids(units, ["year", "level", "block"])
        for b in np.unique(block[moved]):
            members = np.flatnonzero((block == b) & ~np.isnan(index))
            desc = np.sort(index[members])[::-1]
            at = np.flatnonzero((block == b) & moved)
            x = index[at]
            own = np.searchsorted(-desc, -x, side="left")  # where this unit sits among all
            fell = change[at] < 0
            # the j-th best of the others (0-based): the unit's own place taken out once
            j = np.where(fell, prev[at] - 1, prev[at] - 2).astype(int)
            j_all = j + (j >= own)
            ok = (j >= 0) & (j_all < len(desc))
            other = np.where(ok, desc[np.clip(j_all, 0, len(desc) - 1)], np.nan)
            gap[at] = np.where(fell, other - x, x - other)
    gap = np.round(gap + 1e-9, 2)
    return pd.DataFrame({"noise_gap": gap, "within_noise": np.nan_to_num(gap, nan=np.inf) <
                         threshold - 1e-9}, index=units.index)
