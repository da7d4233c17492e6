"""Checks across rows: duplicate units, and the publisher's totals, index, rank and band vs ours."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cchc_metrics.bands import Bands, infer_bands
from cchc_metrics.ingest.problems import Problem, problem
from cchc_metrics.keys import group_ids, key_codes
from cchc_metrics.metrics import UNIT_KEYS, unit_table
from cchc_metrics.names import fold
from cchc_metrics.numbers import format_number

TOLERANCE = 0.01 + 1e-9


def duplicate_problems(scores: pd.DataFrame) -> list[Problem]:
    """The same unit (or the same unit × field) twice in one year and block."""
    if scores.empty:
        return []
    # columns as they are: Arrow text is factorized by Arrow itself (metrics.factorize)
    keys = {"year": scores["year"], "block": scores["block"],
            "component": scores["component"], "unit": key_codes(scores["unit"])}
    dup = pd.Series(group_ids(keys, list(keys))).duplicated(keep=False).to_numpy()
    if not dup.any():  # more key columns only split groups: no repeated name, no duplicate
        return []
    scores = scores[dup]  # names that repeat: same-named communes may differ by code or parent
    keys = {"year": scores["year"], "block": scores["block"], "component": scores["component"],
            "unit": keys["unit"][dup], "code": scores["unit_code"],
            "parent": key_codes(scores["parent"]), "province": key_codes(scores["province"])}
    ids = group_ids(keys, list(keys))
    dup = pd.Series(ids).duplicated(keep=False).to_numpy()
    if not dup.any():
        return []
    out = []
    seen = set()
    for _, group in scores[dup].groupby(ids[dup], sort=False):
        year, block, unit = group["year"].iloc[0], group["block"].iloc[0], group["unit"].iloc[0]
        if (year, block, unit) in seen:
            continue
        seen.add((year, block, unit))
        located = "row" in group and group["row"].notna().all()  # the reader's scores always are
        rows = ", ".join(str(r) for r in group["row"]) if located else "?"
        sheet = str(group["sheet"].iloc[-1]) if located else None
        row = int(group["row"].iloc[-1]) if located else None
        out.append(problem(
            "duplicate_unit",
            f"Đơn vị «{unit}» xuất hiện hai lần trong năm {year}, khối «{block}» (các dòng {rows}). "
            "Hãy xóa dòng trùng hoặc sửa tên.",
            f"Unit «{unit}» appears twice in {year}, block «{block}» (rows {rows}). Delete the "
            "duplicate or correct the name.", sheet=sheet, row=row, value=unit))
    return out


def cross_check(scores: pd.DataFrame, stated: pd.DataFrame,
                bands: Bands | None) -> tuple[list[Problem], Bands | None]:
    """Warnings where the file's own totals, index, rank or band differ from ours."""
    stated_cols = ["stated_total", "stated_max", "stated_index", "stated_rank"]
    if stated.empty or (stated[stated_cols].isna().all().all()
                        and not (stated["stated_band"] != "").any()):
        return [], bands  # the file states nothing of its own to compare with
    labels = set(stated["stated_band"].dropna()) - {""}
    chosen = bands
    if chosen is None and labels:  # the file's own scheme, from its labels and indices
        pairs = stated[UNIT_KEYS + ["stated_band"]].join(
            unit_table(scores).set_index(UNIT_KEYS)["index_pct"], on=UNIT_KEYS)
        chosen = infer_bands(labels, pairs["index_pct"].to_numpy(float),
                             pairs["stated_band"].to_numpy(object))
    warnings: list[Problem] = []
    if labels and chosen is None:
        warnings.append(problem(
            "unknown_bands", f"Cột xếp loại dùng nhãn {sorted(labels)} không khớp thang có sẵn; "
            "xếp loại được tính theo thang mặc định. Hãy chọn thang xếp loại của tỉnh.",
            f"The band column uses labels {sorted(labels)} that match no preset; bands follow the "
            "default scheme. Choose the province's band scheme.", severity="warning"))
    units = unit_table(scores, bands=chosen)
    merged = stated.merge(units, on=UNIT_KEYS, how="inner", suffixes=("", "_u"))
    checks = [
        ("stated_total", "points", "total_mismatch", 2,
         "Tổng điểm ghi {s} nhưng cộng các thành phần được {o}.",
         "The stated total is {s} but the components add up to {o}."),
        ("stated_max", "max_points", "max_mismatch", 2,
         "Tổng điểm tối đa ghi {s} nhưng cộng các thành phần được {o}.",
         "The stated maximum is {s} but the components' maxima add up to {o}."),
        ("stated_index", "index_pct", "index_mismatch", 2,
         "Chỉ số ghi {s} % nhưng tính lại được {o} %.",
         "The stated index is {s} % but it computes to {o} %."),
    ]
    for s_col, o_col, code, dec, vi, en in checks:
        s, o = merged[s_col].to_numpy(float), merged[o_col].to_numpy(float)
        with np.errstate(invalid="ignore"):
            bad = ~np.isnan(s) & ~np.isnan(o) & (np.abs(s - o) > TOLERANCE)
        for i in np.flatnonzero(bad):
            r = merged.iloc[i]
            fmt = {"s": format_number(r[s_col], dec), "o": format_number(r[o_col], dec)}
            fmt_en = {"s": format_number(r[s_col], dec, "en"),
                      "o": format_number(r[o_col], dec, "en")}
            warnings.append(located(r, s_col, code, f"«{r['unit']}»: " + vi.format(**fmt),
                                    f"«{r['unit']}»: " + en.format(**fmt_en), r[s_col]))
    rank_bad = merged["stated_rank"].notna() & (merged["stated_rank"] != merged["rank"].astype(
        float))
    for _, r in merged[rank_bad].iterrows():
        warnings.append(located(
            r, "stated_rank", "rank_mismatch",
            f"«{r['unit']}»: xếp hạng ghi {r['stated_rank']:g} nhưng theo chỉ số thì đứng thứ "
            f"{r['rank']}/{r['n_ranked']}.",
            f"«{r['unit']}»: stated rank {r['stated_rank']:g} but by index it ranks "
            f"{r['rank']}/{r['n_ranked']}.", r["stated_rank"]))
    if chosen is not None:
        band_bad = (merged["stated_band"] != "") & (
            merged["stated_band"].map(fold) != merged["band"].fillna("").map(fold))
        for _, r in merged[band_bad].iterrows():
            warnings.append(located(
                r, "stated_band", "band_mismatch",
                f"«{r['unit']}»: xếp loại ghi «{r['stated_band']}» nhưng chỉ số "
                f"{format_number(r['index_pct'])} % thuộc loại «{r['band']}».",
                f"«{r['unit']}»: stated band «{r['stated_band']}» but index "
                f"{format_number(r['index_pct'], 2, 'en')} % falls in «{r['band']}».",
                r["stated_band"]))
    return warnings, chosen


def located(row, col: str, code: str, vi: str, en: str, value) -> Problem:
    """A warning at the stated value's cell."""
    return problem(code, vi, en, sheet=row["sheet"], row=int(row["row"]),
                   column=row[col + "_col"], value=value, severity="warning")
