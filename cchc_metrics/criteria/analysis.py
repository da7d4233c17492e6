"""Which criteria units lose points on, per block and per unit; what compares across years.

Rows are contract.CRITERION_COLUMNS: a node per year × unit × criterion code path («2» a field,
«2.3» a criterion, «2.3.1» a sub-criterion). Points lost = maximum − appraised; a node not
applicable to a unit (no maximum) loses nothing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cchc_metrics.names import fold
from cchc_metrics.numbers import round_half_up

LOST = 0.005  # under a two-decimal rounding: nothing lost


def depth_of(codes: pd.Series) -> pd.Series:
    """1 for a field («2»), 2 for a criterion («2.3»), 3 for a sub-criterion («2.3.1»):
    counted once per distinct code (a country's rows repeat 80 codes)."""
    found, distinct = pd.factorize(codes)
    depth = np.array([str(c).count(".") + 1 for c in distinct] + [1], dtype=np.int64)
    return pd.Series(depth[found], index=codes.index)


def block_criteria(rows: pd.DataFrame, *, year: int, level: str, block: str | None = None,
                   depth: int = 2, field: str | None = None) -> pd.DataFrame:
    """Per criterion of a block's year (at `depth`, of one `field` or all): units scored, the
    share of them that lost points, the mean and total points lost, and the mean gap between
    self-assessed and appraised (positive: units over-rate themselves). Most units losing
    points first, then most points lost."""
    part = rows[(rows["year"] == year) & (rows["level"] == level)]
    if block:
        part = part[part["block"] == block]
    part = part[depth_of(part["criterion"]) == depth]
    if field:
        part = part[part["field"] == field]
    part = part[part["max_points"].notna() & part["points"].notna()]
    lost = part["max_points"] - part["points"]
    gap = part["self_points"] - part["points"]
    frame = part.assign(lost=lost, lost_any=lost > LOST, gap=gap)
    out = frame.groupby(["field", "criterion", "criterion_name"], sort=False).agg(
        n_units=("unit", "nunique"), n_lost=("lost_any", "sum"), mean_lost=("lost", "mean"),
        total_lost=("lost", "sum"), mean_gap=("gap", "mean"), max_points=("max_points", "max"))
    out = out.reset_index()
    out["share_lost"] = round_half_up(100 * out["n_lost"] / out["n_units"], 2)
    for column in ("mean_lost", "total_lost", "mean_gap"):
        out[column] = round_half_up(out[column].to_numpy(dtype=float), 2)
    return out.sort_values(["share_lost", "total_lost", "criterion"],
                           ascending=[False, False, True], kind="stable", ignore_index=True)


def unit_criteria(rows: pd.DataFrame, *, unit: str, year: int, level: str) -> pd.DataFrame:
    """A unit's tree for a year with the points lost at every node, each level ordered by the
    points it could recover (field, then its criteria, then their sub-criteria)."""
    mine = rows[(rows["unit"] == unit) & (rows["year"] == year) & (rows["level"] == level)]
    mine = mine.assign(depth=depth_of(mine["criterion"]),
                       lost=round_half_up((mine["max_points"] - mine["points"]).to_numpy(
                           dtype=float), 2),
                       gap=round_half_up((mine["self_points"] - mine["points"]).to_numpy(
                           dtype=float), 2))
    mine = mine.assign(parent=mine["criterion"].str.rsplit(".", n=1).str[0].where(
        mine["depth"] > 1, ""))
    children = {p: part.sort_values(["lost", "criterion"], ascending=[False, True],
                                    kind="stable") for p, part in mine.groupby("parent")}
    ordered = []

    def walk(parent: str) -> None:
        for _, row in children.get(parent, pd.DataFrame()).iterrows():
            ordered.append(row)
            walk(row["criterion"])

    walk("")
    return pd.DataFrame(ordered).reset_index(drop=True) if ordered else mine.iloc[0:0]


def comparable(rows: pd.DataFrame, year: int, other: int) -> pd.Series:
    """For each criterion code of `year`: whether `other` has the same code with the same name
    (folded: case, spaces and diacritics aside), so the two years can be compared there; the
    framework may have been renumbered or rewritten elsewhere."""
    names = rows.drop_duplicates(["year", "criterion"])
    this = names[names["year"] == year].set_index("criterion")["criterion_name"].map(fold)
    that = names[names["year"] == other].set_index("criterion")["criterion_name"].map(fold)
    return pd.Series({code: that.get(code) == name for code, name in this.items()},
                     dtype=bool)


def field_check(rows: pd.DataFrame, scores: pd.DataFrame) -> pd.DataFrame:
    """Field nodes whose points differ from the field points of the scores (same year, unit and
    field): year, unit, field, criteria (the tree's), scores (the published field's)."""
    fields = rows[depth_of(rows["criterion"]) == 1]
    both = fields.merge(scores[["year", "unit", "component", "points"]],
                        left_on=["year", "unit", "field"], right_on=["year", "unit", "component"],
                        suffixes=("_tree", "_field"))
    off = both[(both["points_tree"] - both["points_field"]).abs() > LOST]
    return pd.DataFrame({"year": off["year"], "unit": off["unit"], "field": off["field"],
                         "criteria": off["points_tree"], "scores": off["points_field"]}) \
        .reset_index(drop=True) if not off.empty else pd.DataFrame(
            columns=["year", "unit", "field", "criteria", "scores"])
