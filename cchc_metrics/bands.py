"""Band schemes (xếp loại), the one home for them: presets, parsing, banding, counts, inference.

A scheme is data, chosen per dataset, never hard-coded: a list of (label, lower bound in %) from
best to worst, e.g. [("Tốt", 80), ("Khá", 60), ("Kém", 0)], a preset name, or the command line's
"Tốt:80,Khá:60,Kém:0".
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cchc_metrics.i18n import Msg, MsgError
from cchc_metrics.names import fold
from cchc_metrics.numbers import round_half_up

Bands = list[tuple[str, float]]

BAND_PRESETS: dict[str, Bands] = {
    "tot-kha-kem": [("Tốt", 80.0), ("Khá", 60.0), ("Kém", 0.0)],
    "xuat-sac-5": [("Xuất sắc", 90.0), ("Tốt", 80.0), ("Khá", 70.0),
                   ("Trung bình", 50.0), ("Yếu", 0.0)],
    "bo-noi-vu-abc": [("A", 90.0), ("B", 80.0), ("C", 70.0), ("D", 0.0)],
}
DEFAULT_BAND_PRESET = "tot-kha-kem"


class BandSchemeError(MsgError):
    """A band scheme that cannot be used, with what to write instead."""


def parse_bands(spec: str | Bands | None) -> Bands:
    """Turn a preset name, "Tốt:80,Khá:60,Kém:0" or a list into a checked band scheme.

    Raises BandSchemeError (a ValueError carrying a bilingual Msg) when it is malformed.
    """
    if spec is None:
        spec = DEFAULT_BAND_PRESET
    if isinstance(spec, str):
        name = spec.strip()
        if name in BAND_PRESETS:
            return list(BAND_PRESETS[name])
        pairs = []
        for part in filter(None, (p.strip() for p in name.split(","))):
            label, sep, bound = part.rpartition(":")
            try:
                pairs.append((label.strip(), float(bound.replace(" ", ""))))
            except ValueError:
                sep = ""
            if not sep or not label.strip():
                raise BandSchemeError(Msg(
                    f"Thang xếp loại không hợp lệ: «{part}». Viết dạng «Tốt:80,Khá:60,Kém:0» "
                    f"hoặc tên có sẵn ({', '.join(BAND_PRESETS)}).",
                    f"Invalid band scheme «{part}»: write «Good:80,Fair:60,Poor:0» or a preset "
                    f"name ({', '.join(BAND_PRESETS)})."))
        spec = pairs
    try:
        bands = [(str(label), float(bound)) for label, bound in spec]
    except (TypeError, ValueError):
        raise BandSchemeError(Msg(
            "Thang xếp loại phải là danh sách (nhãn, ngưỡng %), vd. [(«Tốt», 80), («Khá», 60)].",
            "A band scheme must be a list of (label, lower bound %), e.g. [(«Good», 80), "
            "(«Fair», 60)].")) from None
    bounds = [b for _, b in bands]
    if not bands or bounds != sorted(bounds, reverse=True) or len(set(bounds)) != len(bounds):
        raise BandSchemeError(Msg(
            "Thang xếp loại phải đi từ loại cao nhất đến thấp nhất với ngưỡng giảm dần.",
            "A band scheme must go from best to worst with strictly decreasing bounds."))
    return bands


def band_spec(bands: Bands) -> str:
    """Write a band scheme back in the "Tốt:80,Khá:60,Kém:0" form used by the command line."""
    return ",".join(f"{label}:{bound:g}" for label, bound in bands)


def band_of(index, bands: Bands) -> np.ndarray:
    """Band label of each index: the first band whose lower bound it reaches; None below all."""
    index = np.asarray(index, dtype=float)
    conditions = [index >= bound - 1e-9 for _, bound in bands]
    out = np.select(conditions, [label for label, _ in bands], default="")
    out = out.astype(object)
    out[(out == "") | np.isnan(index)] = None
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


def infer_bands(labels: set[str], index=None, stated=None) -> Bands | None:
    """The scheme a file's own «Xếp loại» column follows, from its labels and its units' indices.

    A preset whose labels include every stated one and that gives all but a slip or two of the
    units their stated band wins (its thresholds are the province's; the slips are warned
    about). Otherwise, when the stated bands do not overlap, the scheme is built from them: each band's lower bound is the roundest number (a multiple of
    10, 5, 1, 0.5 or 0.01) above the best index of the band below and at most its own worst
    index. None when neither works (the cross-check then names the rows that disagree).
    """
    folded = {fold(x) for x in labels if x}
    if not folded:
        return None
    candidates = [list(b) for b in BAND_PRESETS.values()
                  if folded <= {fold(label) for label, _ in b}]
    if index is None or stated is None:
        return candidates[0] if candidates else None
    index = np.asarray(index, dtype=float)
    stated = np.array([fold(x) if isinstance(x, str) else "" for x in stated], dtype=object)
    known = (stated != "") & ~np.isnan(index)
    index, stated = index[known], stated[known]

    def disagreements(bands: Bands) -> int:
        given = np.array([fold(x) if x else "" for x in band_of(index, bands)], dtype=object)
        return int((given != stated).sum())

    best = min(candidates, key=disagreements, default=None)
    # a slip or two in a column that otherwise follows a preset is the file's mistake (the
    # cross-check names those rows); more, and the file follows thresholds of its own
    if best is not None and disagreements(best) <= max(1, 0.05 * len(index)):
        return best
    return scheme_from(index, stated, labels) or best


def scheme_from(index: np.ndarray, stated: np.ndarray, labels: set[str]) -> Bands | None:
    """Bands whose bounds separate the stated ones, best first; None when they overlap."""
    spelled = {fold(x): x for x in labels}
    ranges = sorted(((index[stated == f].max(), index[stated == f].min(), f)
                     for f in set(stated)), reverse=True)
    bands: Bands = []
    for (_, low, name), (high_below, _, _) in zip(ranges, ranges[1:], strict=False):
        if high_below >= low:
            return None  # a worse band reaches past a better one: the statements disagree
        bands.append((spelled[name], roundest(high_below, low)))
    bands.append((spelled[ranges[-1][2]], 0.0))
    return bands


def roundest(above: float, at_most: float) -> float:
    """The roundest number in (above, at_most]: 80 between 77,6 and 81,2."""
    for step in (10, 5, 1, 0.5, 0.01):
        candidate = np.floor(at_most / step + 1e-9) * step
        if candidate > above + 1e-9:
            return float(round(candidate, 2))
    return float(at_most)
