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


RESOLVE_KEYS = ["year", "level", "province", "parent", "unit", "unit_code"]
# the official list a level and era is sought in: (level, before the reform) → its columns
_LISTS = {("commune", True): ("ward", "wardCode", ["ward", "district", "province"],
                              ("wardLat", "wardLon")),
          ("commune", False): ("ward", "wardCode", ["ward", "province"], ("wardLat", "wardLon")),
          ("district", True): ("district", "districtCode", ["district", "province"],
                               ("districtLat", "districtLon"))}


def code_sources(units: pd.DataFrame, detail: bool = False) -> pd.DataFrame:
    """The one rule, for a whole unit table at once (one join per list): each distinct unit
    (RESOLVE_KEYS) with `code` and `code_source` (one of HOW; None for departments). With
    `detail`, also `candidates` («Xã An Bình, Huyện Nam Sách, Tỉnh Hải Dương (10630); …» when
    several match) and the exact match's `latitude` and `longitude`.

    A printed code wins. A name is sought in its province (full or short name; none given: the
    whole country) and, before the reform, in its district when the district is in the list
    (one merged away since: the whole province)."""
    rows = units[RESOLVE_KEYS].drop_duplicates().reset_index(drop=True)
    code = rows["unit_code"].where(rows["unit_code"].fillna("").astype(str).str.strip() != "")
    code = code.str.strip()
    how = pd.Series(np.where(code.notna(), "file", None), index=rows.index, dtype=object)
    candidates = pd.Series("", index=rows.index, dtype=object)
    lat = pd.Series(np.nan, index=rows.index)
    lon = pd.Series(np.nan, index=rows.index)
    for (level, before), (name_col, code_col, label, (lat_col, lon_col)) in _LISTS.items():
        table = registry.legacy() if before else registry.current()
        mask = (rows["level"] == level) & code.isna()
        if level == "commune":  # a district is always sought in the list before the reform
            mask &= (rows["year"] < REFORM_YEAR) if before else (rows["year"] >= REFORM_YEAR)
        if not mask.any():
            continue
        with_district = level == "commune" and before
        listed = table[[f"{name_col}_key", "province_key", code_col, lat_col, lon_col, *label] +
                       (["district_key"] if with_district else [])] \
            .drop_duplicates([f"{name_col}_key", "province_key", code_col]) \
            .rename(columns={c: f"_list_{c}" for c in label})  # not the unit's own columns
        label = [f"_list_{c}" for c in label]
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
        if with_district and not hits.empty:  # its district, when in the list, narrows the hits
            parent = hits["parent"].map(name_key)
            short = hits["district_key"].str.split(" ", n=1).str[-1]
            hits["_in"] = (parent != "") & ((hits["district_key"] == parent) | (short == parent) |
                                            (short == parent.str.split(" ", n=1).str[-1]))
            narrowed = hits.groupby("index")["_in"].transform("any")
            hits = hits[~narrowed | hits["_in"]]
        counts = hits.groupby("index")[code_col].agg(["count", "first"])
        one = counts.index[counts["count"] == 1]
        many = counts.index[counts["count"] > 1]
        how.loc[mask] = "unknown"
        how.loc[one] = "exact"
        how.loc[many] = "ambiguous"
        code.loc[one] = counts.loc[one, "first"].astype(str)
        if detail and not hits.empty:
            single = hits[hits["index"].isin(one)].set_index("index")
            lat.loc[single.index] = single[lat_col].astype(float)
            lon.loc[single.index] = single[lon_col].astype(float)
            several = hits[hits["index"].isin(many)]
            if several.empty:
                continue
            text = several[label].astype(str).agg(", ".join, axis=1) + \
                " (" + several[code_col].astype(str) + ")"
            candidates.loc[many] = text.groupby(several["index"].to_numpy()).agg(
                lambda s: "; ".join(s.head(MAX_CANDIDATES)))
    out = rows.assign(code=code, code_source=how)
    if detail:
        out = out.assign(candidates=candidates, latitude=lat, longitude=lon)
    return out


def resolve(unit: str, *, level: str, year: int | None = None, province: str | None = None,
            parent: str | None = None, code: str | None = None) -> Resolution:
    """The official identity of one unit (code_sources for a table of one)."""
    row = code_sources(pd.DataFrame([{
        "year": REFORM_YEAR if year is None else int(year), "level": level,
        "province": province if isinstance(province, str) else "",
        "parent": parent if isinstance(parent, str) else "",
        "unit": unit, "unit_code": code if isinstance(code, str) else ""}]), detail=True).iloc[0]
    return Resolution(None if pd.isna(row["code"]) else row["code"], row["code_source"],
                      tuple(row["candidates"].split("; ")) if row["candidates"] else (),
                      None if pd.isna(row["latitude"]) else float(row["latitude"]),
                      None if pd.isna(row["longitude"]) else float(row["longitude"]))


def resolve_units(scores: pd.DataFrame) -> pd.DataFrame:
    """Each distinct unit of canonical scores with its code, how it was found, the candidates
    and where it is."""
    return code_sources(scores, detail=True)


def coordinates(units: pd.DataFrame) -> pd.DataFrame:
    """Where each commune and district of a unit table is in each era (level, unit, before:
    results of before 1 July 2025, latitude, longitude): the official list of its time, for
    names that match exactly one unit. A name placed twice in one era (two namesakes in
    different provinces) is left out."""
    found = code_sources(units, detail=True)
    found = found[(found["code_source"] == "exact") & found["latitude"].notna()]
    out = found.assign(before=found["year"] < REFORM_YEAR)
    out = out.drop_duplicates(["level", "unit", "before", "code"])
    out = out.drop_duplicates(["level", "unit", "before"], keep=False)
    return out[["level", "unit", "before", "latitude", "longitude"]].reset_index(drop=True)
