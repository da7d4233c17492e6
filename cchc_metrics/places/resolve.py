"""A unit's official code from its name and context, or a warning with the candidates.

A code printed in the file always wins. Otherwise the name is looked up in the official list of
its time (before 1 July 2025: 63 provinces with districts; from then: 34 provinces) within its
province and district when the file gives them. One match is «exact»; several are «ambiguous»
with every candidate listed; none is «unknown». Never a silent guess: only «exact» (and
«file») carry a code. Departments have no code here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cchc_metrics.places import registry
from cchc_metrics.places.registry import name_key

# how a code was found; the ones that carry a code come first
HOW = ("file", "exact", "ambiguous", "unknown")
REFORM_YEAR = 2025  # results of 2025 on are of the units after 1 July 2025
MAX_CANDIDATES = 8


@dataclass(frozen=True)
class Resolution:
    """What is known of one unit's official identity."""

    code: str | None
    how: str | None  # one of HOW; None for a level without official codes (departments)
    candidates: tuple[str, ...] = ()  # «Xã An Bình, Huyện Văn Yên, Tỉnh Yên Bái (04390)»
    latitude: float | None = None
    longitude: float | None = None


def _within(rows: pd.DataFrame, column: str, name, *, strict: bool) -> pd.DataFrame:
    """The rows whose `column` is `name` (full name, or the name without its «Huyện», «Tỉnh» …);
    all of them when no name is given. A name that matches nothing leaves no rows when `strict`
    (a province not in the list: its units are not guessed elsewhere), else all of them (a
    district since merged away: its communes are still sought in the province)."""
    key = name_key(name)
    if not key:
        return rows
    short = rows[f"{column}_key"].str.split(" ", n=1).str[-1]
    hit = rows[(rows[f"{column}_key"] == key) | (short == key) |
               (short == key.split(" ", 1)[-1])]
    return hit if strict or not hit.empty else rows


def _label(row, columns) -> str:
    code = row.get("wardCode") or row.get("districtCode") or row.get("provinceCode")
    return ", ".join(str(row[c]) for c in columns if isinstance(row.get(c), str)) + f" ({code})"


def resolve(unit: str, *, level: str, year: int | None = None, province: str | None = None,
            parent: str | None = None, code: str | None = None) -> Resolution:
    """The official identity of one unit (see the module docstring)."""
    if isinstance(code, str) and code.strip():
        return Resolution(code.strip(), "file")
    if level not in ("commune", "district", "province"):
        return Resolution(None, None)
    before = year is not None and year < REFORM_YEAR
    if level == "commune":
        rows = registry.legacy() if before else registry.current()
        rows = _within(rows, "province", province, strict=True)
        if before and "district" in rows:
            rows = _within(rows, "district", parent, strict=False)
        hit = rows[rows["ward_key"] == name_key(unit)]
        columns, code_col, lat, lon = (["ward", "district", "province"] if before else
                                       ["ward", "province"]), "wardCode", "wardLat", "wardLon"
    elif level == "district":
        rows = _within(registry.legacy(), "province", province, strict=True)
        hit = rows[rows["district_key"] == name_key(unit)].drop_duplicates("districtCode")
        columns, code_col, lat, lon = ["district", "province"], "districtCode", "districtLat", \
            "districtLon"
    else:
        rows = registry.legacy() if before else registry.current()
        hit = rows[rows["province_key"] == name_key(unit)].drop_duplicates("provinceCode")
        columns, code_col, lat, lon = ["province"], "provinceCode", None, None
    if len(hit) == 1:
        row = hit.iloc[0]
        return Resolution(str(row[code_col]), "exact",
                          latitude=float(row[lat]) if lat and pd.notna(row[lat]) else None,
                          longitude=float(row[lon]) if lon and pd.notna(row[lon]) else None)
    if len(hit) > 1:
        return Resolution(None, "ambiguous", tuple(
            _label(r, columns) for r in hit.head(MAX_CANDIDATES).to_dict("records")))
    return Resolution(None, "unknown")


RESOLVE_KEYS = ["year", "level", "province", "parent", "unit", "unit_code"]


def resolve_units(scores: pd.DataFrame) -> pd.DataFrame:
    """Each distinct unit of canonical scores with its code, how it was found and the candidates."""
    units = scores[RESOLVE_KEYS].drop_duplicates().reset_index(drop=True)
    found = [resolve(r.unit, level=r.level, year=int(r.year), province=r.province,
                     parent=r.parent, code=r.unit_code) for r in units.itertuples(index=False)]
    return units.assign(code=[f.code for f in found], code_source=[f.how for f in found],
                        candidates=["; ".join(f.candidates) for f in found],
                        latitude=[f.latitude for f in found],
                        longitude=[f.longitude for f in found])


def coordinates(units: pd.DataFrame) -> pd.DataFrame:
    """Where each commune and district of a unit table is (level, unit, latitude, longitude),
    from the official list of its year, for names that match exactly one unit in their
    province (and district, before the reform). Vectorised: the country's 10,000 communes in
    one join, not a lookup each."""
    out = []
    for before, table in ((True, registry.legacy()), (False, registry.current())):
        rows = units[(units["year"] < REFORM_YEAR) if before else (units["year"] >= REFORM_YEAR)]
        rows = rows[rows["level"] == "commune"][["unit", "province", "parent"]].drop_duplicates()
        if rows.empty:
            continue
        keyed = rows.assign(ward_key=rows["unit"].map(name_key),
                            province_key=rows["province"].map(name_key))
        hits = keyed.merge(table[["ward_key", "province_key", "wardLat", "wardLon"]],
                           on=["ward_key", "province_key"])
        once = hits.drop_duplicates(["unit", "province"], keep=False)  # ambiguous: not placed
        out.append(pd.DataFrame({"level": "commune", "unit": once["unit"],
                                 "latitude": once["wardLat"], "longitude": once["wardLon"]}))
    districts = units[units["level"] == "district"][["unit", "province"]].drop_duplicates()
    if not districts.empty:
        table = registry.legacy().drop_duplicates("districtCode")
        keyed = districts.assign(district_key=districts["unit"].map(name_key),
                                 province_key=districts["province"].map(name_key))
        hits = keyed.merge(table[["district_key", "province_key", "districtLat", "districtLon"]],
                           on=["district_key", "province_key"]).drop_duplicates(
            ["unit", "province"], keep=False)
        out.append(pd.DataFrame({"level": "district", "unit": hits["unit"],
                                 "latitude": hits["districtLat"], "longitude": hits["districtLon"]}))
    if not out:
        return pd.DataFrame(columns=["level", "unit", "latitude", "longitude"])
    return pd.concat(out, ignore_index=True).drop_duplicates(["level", "unit"], keep=False)


def code_sources(units: pd.DataFrame) -> pd.DataFrame:
    """resolve() for a whole unit table at once (communes and districts by one join each):
    columns level, unit, province, parent, year, code, code_source. A printed code wins;
    several matches leave no code («ambiguous»); departments get neither."""
    keys = ["year", "level", "province", "parent", "unit", "unit_code"]
    rows = units[keys].drop_duplicates().reset_index(drop=True)
    code = rows["unit_code"].where(rows["unit_code"].fillna("").astype(str).str.strip() != "")
    how = pd.Series(np.where(code.notna(), "file", None), index=rows.index, dtype=object)
    for level, before in (("commune", True), ("commune", False), ("district", True)):
        table = registry.legacy() if before else registry.current()
        mask = (rows["level"] == level) & code.isna() & (
            (rows["year"] < REFORM_YEAR) if before else (rows["year"] >= REFORM_YEAR))
        if level == "district":
            mask = (rows["level"] == level) & code.isna()
        if not mask.any():
            continue
        name_col, code_col = ("district", "districtCode") if level == "district" else \
            ("ward", "wardCode")
        with_district = level == "commune" and before
        listed = table[[f"{name_col}_key", "province_key", code_col] +
                       (["district_key"] if with_district else [])].drop_duplicates()
        # «Tỉnh Ninh Bình» or «Ninh Bình»; no province: sought in the whole country
        provinces = {k: k for k in listed["province_key"].unique()}
        provinces |= {k.split(" ", 1)[-1]: k for k in listed["province_key"].unique()}
        part = rows[mask].assign(_name=rows.loc[mask, "unit"].map(name_key),
                                 _province=rows.loc[mask, "province"].map(name_key))
        given = part["_province"] != ""
        part["_province"] = part["_province"].map(provinces).fillna("?")
        hits = pd.concat([
            part[given].reset_index().merge(listed, left_on=["_name", "_province"],
                                            right_on=[f"{name_col}_key", "province_key"]),
            part[~given].reset_index().merge(listed, left_on="_name",
                                             right_on=f"{name_col}_key")])
        if with_district and not hits.empty:  # its district, when given, narrows the hits
            parent = hits["parent"].map(name_key)
            short = hits["district_key"].str.split(" ", n=1).str[-1]
            hits["_in"] = (parent != "") & ((hits["district_key"] == parent) | (short == parent) |
                                            (short == parent.str.split(" ", n=1).str[-1]))
            narrowed = hits.groupby("index")["_in"].transform("any")
            hits = hits[~narrowed | hits["_in"]]
        counts = hits.groupby("index")[code_col].agg(["count", "first"])
        one = counts[counts["count"] == 1]
        code.loc[one.index] = one["first"].astype(str)
        how.loc[mask] = "unknown"
        how.loc[one.index] = "exact"
        how.loc[counts[counts["count"] > 1].index] = "ambiguous"
    return rows.assign(code=code, code_source=how)
