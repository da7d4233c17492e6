"""Who was formed from whom: predecessors, successors through chained rounds, the area's series.

A lineage frame has contract.LINEAGE_COLUMNS: level, successor, predecessor, effective (a
date), source, population (the predecessor's, may be NaN). A unit that keeps its name through a merger (Sở Nội vụ absorbing Sở Lao động -
Thương binh và Xã hội) is its own predecessor. Rounds chain: a 2022 commune merged in January
2025 and again in July 2025 leads to its July successor.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cchc_metrics.contract import LINEAGE_COLUMNS
from cchc_metrics.places.registry import name_key

# How an area's former units are combined: the plain mean of their indices; Σ points ÷ Σ maxima;
# weighted by each one's population (when the crosswalk gives it); weighted by the number of
# communes each former district had that year (when the data has them).
METHODS = ("mean", "pooled", "population", "units")


def _rows(lineage: pd.DataFrame, level: str) -> pd.DataFrame:
    rows = lineage[lineage["level"] == level]
    return rows.assign(_new=rows["successor"].map(name_key), _old=rows["predecessor"].map(name_key))


def predecessors(lineage: pd.DataFrame, level: str, unit: str) -> pd.DataFrame:
    """The units `unit` was formed from, with the date (empty when it was formed from none)."""
    rows = _rows(lineage, level)
    return rows[rows["_new"] == name_key(unit)][["predecessor", "effective", "source"]] \
        .reset_index(drop=True)


def successor(lineage: pd.DataFrame, level: str, unit: str):
    """(the unit it finally became, the date of its last merger), following chained rounds;
    None when it was merged into nothing (or only continues under its own name)."""
    rows = _rows(lineage, level).sort_values("effective", kind="stable")
    key, name, when, seen = name_key(unit), None, None, set()
    while key not in seen:
        seen.add(key)
        nxt = rows[(rows["_old"] == key) & (rows["_new"] != key)]
        if when is not None:
            nxt = nxt[nxt["effective"] >= when]
        if nxt.empty:
            break
        row = nxt.iloc[0]
        name, when, key = row["successor"], row["effective"], row["_new"]
    return None if name is None else (name, when)


def origins(lineage: pd.DataFrame, level: str, unit: str) -> list[str]:
    """Every unit, through all rounds, whose area is now `unit`'s (itself not included)."""
    rows = _rows(lineage, level)
    found, todo = [], [name_key(unit)]
    names = dict(zip(rows["_old"], rows["predecessor"], strict=False))
    while todo:
        key = todo.pop()
        for old in rows.loc[(rows["_new"] == key) & (rows["_old"] != key), "_old"]:
            if old not in found:
                found.append(old)
                todo.append(old)
    return [names[k] for k in found]


def _weights(units: pd.DataFrame, lineage: pd.DataFrame, level: str, unit: str,
             rows: pd.DataFrame, method: str) -> pd.Series | None:
    """Each row's weight under `method` (aligned with `rows`); None when the data lacks it for
    some row (the method is then not offered)."""
    if method == "population":
        olds = _rows(lineage, level)
        olds = olds[olds["_new"].isin({name_key(unit)} | {name_key(n) for n in
                                                          origins(lineage, level, unit)})]
        people = dict(zip(olds["_old"], olds["population"], strict=False)) \
            if "population" in olds else {}
        found = rows["unit"].map(name_key).map(people)
    elif method == "units":
        if level != "district":
            return None
        communes = units[units["level"] == "commune"].groupby(["year", "parent"]).size()
        found = pd.Series([communes.get((y, u), np.nan) for y, u in
                           zip(rows["year"], rows["unit"], strict=True)], index=rows.index)
    else:
        return pd.Series(1.0, index=rows.index)
    found = pd.to_numeric(found, errors="coerce")
    return None if found.isna().any() or not (found > 0).all() else found


def _area_rows(units: pd.DataFrame, lineage: pd.DataFrame, level: str, unit: str):
    """The former units' rows of the unit table, years before the first merger took effect."""
    olds = predecessors(lineage, level, unit)
    if olds.empty:
        return None
    first = min(olds["effective"]).year
    keys = {name_key(n) for n in origins(lineage, level, unit)} | {name_key(unit)}
    # a year's results are of the units of that year: before the merger, its predecessors'
    rows = units[(units["level"] == level) & (units["year"] < first)]
    return rows[rows["unit"].map(name_key).isin(keys) & rows["index_pct"].notna()]


def area_methods(units: pd.DataFrame, lineage: pd.DataFrame, level: str, unit: str) -> list:
    """The METHODS the data allows for this successor's area (mean and pooled always)."""
    rows = _area_rows(units, lineage, level, unit)
    if rows is None or rows.empty:
        return list(METHODS[:2])
    return [m for m in METHODS if _weights(units, lineage, level, unit, rows, m) is not None]


def area_series(units: pd.DataFrame, lineage: pd.DataFrame, level: str, unit: str,
                method: str = "mean") -> pd.DataFrame:
    """The successor's area before it existed: per year, its predecessors' combined index.

    `units` is metrics.unit_table. For each year before the unit's first merger took effect,
    the predecessors' rows at the level (their own names, the successor's too when it kept its
    name) are combined by `method` (METHODS): «mean», the plain mean of their indices;
    «pooled», Σ points ÷ Σ maxima × 100; «population» and «units», the indices weighted by each
    former unit's population or number of communes. A method the data cannot carry (no
    population in the crosswalk) raises ValueError: area_methods says which can. Columns: year,
    index_pct, n_units, units (their names), method.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}")
    rows = _area_rows(units, lineage, level, unit)
    if rows is None:
        return pd.DataFrame(columns=["year", "index_pct", "n_units", "units", "method"])
    weights = _weights(units, lineage, level, unit, rows, method)
    if weights is None:
        raise ValueError(f"the data has no {method} for the units {unit} was formed from")
    out = []
    for year, part in rows.groupby("year", sort=True):
        if method == "pooled":
            value = 100 * part["points"].sum() / part["max_points"].sum()
        else:
            w = weights.loc[part.index]
            value = float((part["index_pct"] * w).sum() / w.sum())
        out.append((int(year), float(np.round(value + 1e-9, 2)), len(part),
                    "; ".join(sorted(part["unit"])), method))
    return pd.DataFrame(out, columns=["year", "index_pct", "n_units", "units", "method"])


REFORM_DATE = "2025-07-01"  # communes and wards of the 34 provinces from this day


def package_lineage(units: pd.DataFrame) -> pd.DataFrame:
    """Each commune of the unit table before 2025 → the commune or ward of 1 July 2025 the
    package converts it into (lineage rows, source «package»). Communes the package cannot
    place (fictional names, or merged in an earlier round: those come from a crosswalk) are
    left out."""
    from datetime import date

    from vietnamadminunits import convert_address

    rows = units[(units["level"] == "commune") & (units["year"] < int(REFORM_DATE[:4]))]
    rows = rows[["unit", "parent", "province"]].drop_duplicates()
    found = []
    when = date.fromisoformat(REFORM_DATE)
    for unit, parent, province in rows.itertuples(index=False):
        address = ", ".join(str(x) for x in (unit, parent, province) if isinstance(x, str) and x)
        try:
            new = convert_address(address)
        except Exception:  # noqa: BLE001 — an address the package cannot read: not placed
            continue
        if getattr(new, "ward", None):
            found.append(("commune", new.ward, unit, when, "package", np.nan))
    return pd.DataFrame(found, columns=LINEAGE_COLUMNS)


# The department mergers most provinces made in March 2025 (Nghị quyết 176/2025/QH15 and the
# Government's plan): new department ← the departments it was formed from. Offered as a preset
# that an official confirms; a province's own crosswalk always takes precedence.
COMMON_2025_DEPARTMENT_MERGERS: dict[str, tuple[str, ...]] = {
    "Sở Nội vụ": ("Sở Nội vụ", "Sở Lao động - Thương binh và Xã hội"),
    "Sở Tài chính": ("Sở Tài chính", "Sở Kế hoạch và Đầu tư"),
    "Sở Xây dựng": ("Sở Xây dựng", "Sở Giao thông vận tải"),
    "Sở Nông nghiệp và Môi trường": ("Sở Nông nghiệp và Phát triển nông thôn",
                                     "Sở Tài nguyên và Môi trường"),
    "Sở Khoa học và Công nghệ": ("Sở Khoa học và Công nghệ", "Sở Thông tin và Truyền thông"),
    "Sở Dân tộc và Tôn giáo": ("Ban Dân tộc",),
}
DEPARTMENT_MERGER_DATE = "2025-03-01"


def department_preset(units: pd.DataFrame) -> pd.DataFrame:
    """The common 2025 department mergers that fit the data: the new department has results
    from 2025 and each former one before it (lineage rows, source «preset»)."""
    from datetime import date

    when = date.fromisoformat(DEPARTMENT_MERGER_DATE)
    rows = units[units["level"] == "department"]
    after = set(rows.loc[rows["year"] >= when.year, "unit"].map(name_key))
    before = set(rows.loc[rows["year"] < when.year, "unit"].map(name_key))
    found = [("department", new, old, when, "preset", np.nan)
             for new, olds in COMMON_2025_DEPARTMENT_MERGERS.items() if name_key(new) in after
             for old in olds if name_key(old) in before]
    return pd.DataFrame(found, columns=LINEAGE_COLUMNS)


def lineage_codes(lineage: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """The lineage with each side's official code (successor_code, predecessor_code), resolved
    in the official list of its time with the province, district and printed code the unit
    table gives the unit (resolve.code_sources: never a guess)."""
    from cchc_metrics.places.resolve import code_sources

    if lineage.empty:
        return lineage.assign(successor_code=pd.Series(dtype=object),
                              predecessor_code=pd.Series(dtype=object))
    known = units[["year", "level", "province", "parent", "unit", "unit_code"]]
    sides = []
    for side, shift, after in (("successor", 0, True), ("predecessor", 1, False)):
        wanted = lineage[["level", side, "effective"]].rename(columns={side: "unit"})
        wanted = wanted.assign(year=[d.year - shift for d in wanted["effective"]])
        seen = known.merge(wanted[["level", "unit"]].drop_duplicates(), on=["level", "unit"])
        seen = seen[(seen["year"] >= min(wanted["year"])) if after else
                    (seen["year"] <= max(wanted["year"]))]
        latest = seen.sort_values("year").drop_duplicates(["level", "unit"], keep="last" if not
                                                          after else "first")
        found = code_sources(latest)[["level", "unit", "code"]].rename(
            columns={"unit": side, "code": f"{side}_code"})
        sides.append(found)
    out = lineage.merge(sides[0], on=["level", "successor"], how="left")
    return out.merge(sides[1], on=["level", "predecessor"], how="left")
