"""The ranking table, the same on screen, in exports and in documents."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cchc_metrics.i18n import band_labels, number, rank_change_texts, t
from cchc_metrics.keys import group_ids
from cchc_metrics.views.selection import HISTORY_KEYS, View, select


def history_column(units: pd.DataFrame, rows: pd.DataFrame) -> pd.Series:
    """Each row's index in earlier years up to its year (for the sparkline column).

    A unit is the same unit across years when level, province, parent and name agree. Fully
    vectorised: the unit table is sorted once by (unit, year), each row's history is a run of it,
    and the runs become one Arrow list column (no Python list per row: 10,000 rows of history
    stay one buffer, which is also what the browser receives).
    """
    import pyarrow as pa

    if "unit_series" in units and "unit_series" in rows:  # see prepared()
        unit_gid = units["unit_series"].to_numpy(dtype=np.int64)
        row_gid = rows["unit_series"].to_numpy(dtype=np.int64)
    else:
        both = pd.concat([units[HISTORY_KEYS], rows[HISTORY_KEYS]], ignore_index=True)
        gid = group_ids(both, HISTORY_KEYS).astype(np.int64)
        unit_gid, row_gid = gid[:len(units)], gid[len(units):]
    unit_year = units["year"].to_numpy(dtype=np.int64)
    row_year = rows["year"].to_numpy(dtype=np.int64)
    order = np.lexsort((unit_year, unit_gid))  # stable: a unit twice in a year keeps its order
    span = int(max(unit_year.max(initial=0), row_year.max(initial=0))) + 1
    position = unit_gid[order] * span + unit_year[order]
    start = np.searchsorted(position, row_gid * span, side="left")
    end = np.searchsorted(position, row_gid * span + row_year, side="right")
    length = end - start
    offsets = np.concatenate([[0], np.cumsum(length)]).astype(np.int32)
    # positions start[i], start[i] + 1, … end[i] - 1 of every row, back to back
    take = np.arange(offsets[-1]) - np.repeat(offsets[:-1] - start, length)
    values = units["index_pct"].to_numpy(dtype=float)[order][take]
    lists = pa.ListArray.from_arrays(pa.array(offsets), pa.array(values, type=pa.float64()))
    return pd.Series(pd.arrays.ArrowExtensionArray(lists), index=rows.index)


def history_lists(units: pd.DataFrame, rows: pd.DataFrame) -> list[list[float]]:
    """history_column as plain lists."""
    return history_column(units, rows).tolist() if not rows.empty else []


def _noise_notes(rows: pd.DataFrame, noise_pct: float | None, lang: str
                 ) -> tuple[list[str], float]:
    """Each row's reason when its rank change is within noise (whatif.rank_noise), else "";
    and the threshold used."""
    from cchc_metrics import settings
    from cchc_metrics.whatif import rank_noise

    threshold = settings.get("rank_noise_pct") if noise_pct is None else noise_pct
    if not threshold or rows.empty:
        return [""] * len(rows), threshold
    found = rank_noise(rows, threshold)
    return [t("noise_fell" if c < 0 else "noise_rose", lang, gap=number(g, 2, lang),
              prev=number(p, 0, lang)) if w else ""
            for w, g, c, p in zip(found["within_noise"], found["noise_gap"],
                                  rows["rank_change"].fillna(0), rows["prev_rank"].fillna(0),
                                  strict=True)], threshold


def ranking_table(units: pd.DataFrame, view: View, *, history: bool = True,
                  numeric_changes: bool = False, lineage: pd.DataFrame | None = None,
                  codes: pd.DataFrame | None = None,
                  noise_pct: float | None = None, note_column: bool = True) -> pd.DataFrame:
    """The ranking table on screen and in exports: localized headers, rank order.

    Rank, unit, index and band come first (what a phone shows without scrolling sideways); the
    year and block are columns only when the table spans several (the title says them otherwise).
    The rank change is the screen's arrows, or with `numeric_changes` (files) a whole number,
    positive when the unit moved up, empty without a rank the year before in the same block.
    A rank change that an index gap under `noise_pct` (default: the rank_noise_pct setting; 0:
    none) would have undone is marked «≈» and explained in a note column (files), or without
    `note_column` in one sentence under the table (attrs["noise_note"]: the screen, where a
    column of sentences would not fit beside the ranking).
    """
    lang = view.lang
    rows = select(units, view).sort_values(["year", "block", "rank", "unit"], kind="stable")
    texts = rank_change_texts(rows["rank_change"], rows["prev_rank"], lang).tolist()
    if lineage is not None and not lineage.empty:  # formed by a merger: not simply «mới»
        formed = set(zip(lineage["level"], lineage["successor"], strict=True)) - set(
            zip(lineage["level"], lineage["predecessor"], strict=True))
        texts = [t("rank_merged", lang) if pd.isna(c) and (lv, u) in formed else x for x, c, lv, u
                 in zip(texts, rows["rank_change"], rows["level"], rows["unit"], strict=True)]
    notes, threshold = _noise_notes(rows, noise_pct, lang)
    texts = [f"{x} ≈" if note else x for x, note in zip(texts, notes, strict=True)]

    limit = number(threshold, 2, lang) if threshold else ""
    changes = rows["rank_change"].astype("Int64") if numeric_changes else texts
    table = pd.DataFrame({
        t("col_year", lang): rows["year"].astype(int),
        t("col_block", lang): rows["block"],
        t("col_rank", lang): rows["rank"],
        t("col_unit", lang): rows["unit"],
        t("col_index", lang): rows["index_pct"],
        t("col_band", lang): band_labels(rows["band"], lang),
        t("col_rank_change", lang): changes,
        t("col_delta", lang): rows["delta_pct"],
        t("col_parent", lang): rows["parent"].fillna(""),
        t("col_points", lang): rows["points"],
        t("col_max", lang): rows["max_points"],
    })
    if any(notes) and note_column:  # after the rank change, where the eye goes next
        table.insert(table.columns.get_loc(t("col_rank_change", lang)) + 1,
                     t("col_rank_note", lang),
                     [t("noise_note", lang, why=n, limit=limit) if n else "" for n in notes])
    for key in ("col_year", "col_block", "col_parent"):  # one value on every row says nothing
        if table[t(key, lang)].nunique() <= 1:
            table = table.drop(columns=[t(key, lang)])
    if codes is not None:  # places.code_sources: each unit's official code and how found
        keys = ["year", "level", "province", "parent", "unit"]
        found = rows[keys].merge(codes.drop_duplicates(keys), on=keys, how="left")
        at = table.columns.get_loc(t("col_unit", lang)) + 1
        table.insert(at, t("col_code", lang), found["code"].fillna("").to_numpy())
        table.insert(at + 1, t("col_code_source", lang), [
            t(f"code_{h}", lang) if isinstance(h, str) else "" for h in found["code_source"]])
    if history:
        table[t("col_history", lang)] = history_column(units, rows)
    table = table.reset_index(drop=True)
    if any(notes) and not note_column:
        table.attrs["noise_note"] = t("noise_caption", lang, limit=limit, items="; ".join(
            f"{u} ({n})" for u, n in zip(rows["unit"], notes, strict=True) if n))
    if numeric_changes:  # how the screen writes the numbers: ▲ 3, «mới» (screen_table)
        table.attrs["shown"] = {t("col_rank_change", lang): texts}
    return table
