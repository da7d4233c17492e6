"""One unit: the picker's names, its history and the paragraph officials write about it."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cchc_metrics.contract import DEFAULT_BLOCKS, TOTAL
from cchc_metrics.fields import field_label
from cchc_metrics.i18n import band_label, number, pct, rank_change_text, t
from cchc_metrics.metrics import (
    UNIT_KEYS,
    unit_fields,
    unit_strengths,
)
from cchc_metrics.views.selection import View, folded, matches


def unit_choices(units: pd.DataFrame, view: View) -> list[str]:
    """Units of the view's level, block, province and district (any year) matching the search,
    for the unit picker: a district chosen in the sidebar narrows 10,000 communes to its own."""
    mask = np.ones(len(units), dtype=bool)
    for column in ("level", "block", "province", "parent"):
        if getattr(view, column):
            mask &= (units[column] == getattr(view, column)).to_numpy(dtype=bool, na_value=False)
    names = pd.Series(units["unit"][mask].unique())  # the column alone: no copy of whole rows
    if view.search:
        names = names[matches(names, view.search)]
    ranked = set(units["unit"][mask & (units["year"] == view.year).to_numpy()]) \
        if view.year else set()
    # units with results in the year first: the profile opens on one of them
    return sorted(names.dropna().tolist(), key=lambda n: (n not in ranked, folded(n)))


def last_years(units: pd.DataFrame, view: View, names: list[str]) -> dict[str, int]:
    """The last year of each unit that has no results in the view's year (merged away, or a
    district after 2024): the picker marks them."""
    rows = units[units["unit"].isin(names) & (units["level"] == view.level)] \
        if view.level else units[units["unit"].isin(names)]
    last = rows.groupby("unit")["year"].max()
    return {u: int(y) for u, y in last.items() if view.year and y < view.year}


PICKER_LIMIT = 1_000  # names; ten thousand cost a browser 0.7 s of CPU on every profile visit


def picker_names(names: list[str], keep: str | None, limit: int | None = None) -> list[str]:
    """At most `limit` (PICKER_LIMIT) of the sorted choices, always with `keep` (the unit a link
    or the person chose): no one scrolls 10,000 communes; the sidebar's search and district find
    the rest."""
    limit = PICKER_LIMIT if limit is None else limit
    if len(names) <= limit:
        return names
    head = names[:limit]
    if keep is not None and keep not in head and keep in names:
        head = sorted([*head[:limit - 1], keep], key=folded)
    return head


def unit_history(units: pd.DataFrame, unit: str, level: str | None) -> pd.DataFrame:
    """One unit's rows over the years, matched by its name key (so renamed spellings join)."""
    key = units.loc[units["unit"] == unit, "unit_key"]
    if key.empty:
        return units.iloc[0:0]
    sel = units[units["unit_key"] == key.iloc[0]]
    if level:
        sel = sel[sel["level"] == level]
    return sel.sort_values("year")


def in_prose(unit: str) -> str:
    """"Huyện Mỹ Lộc" → "huyện Mỹ Lộc" inside a sentence, as the seeds write it."""
    for prefix in ("Huyện ", "Xã ", "Phường ", "Thị trấn ", "Thị xã ", "Thành phố ", "Đặc khu "):
        if unit.startswith(prefix):
            return prefix.lower() + unit[len(prefix):]
    return unit


def profile_paragraph(units: pd.DataFrame, scores: pd.DataFrame, row: pd.Series,
                      lang: str = "vi", lineage: pd.DataFrame | None = None) -> str:
    """The sentence officials write: "Năm 2022, huyện Mỹ Lộc đứng thứ 7/10 … tăng 2 bậc …".

    A table that publishes only the index says only the index; a unit formed by a merger that
    year (`lineage`) is in its first year after the merger, not «new»."""
    year, level, block = int(row["year"]), row["level"], row["block"]
    words = block_words(level, block, lang)
    if pd.isna(row["index_pct"]):  # in the table, but no index: not ranked this year
        return t("profile_unranked", lang, year=year, words=words,
                 unit=in_prose(row["unit"]) if lang == "vi" else row["unit"])
    idx = pct(row["index_pct"], 2, lang)
    change = rank_sentence(row, lang)
    if pd.isna(row["prev_index_pct"]) and _formed_in(lineage, level, row["unit"], year):
        change = t("first_year_merged", lang)
    own = scores[(scores["year"] == year) & (scores["block"] == block) &
                 (scores["unit"] == row["unit"])]
    strengths = unit_strengths(own)
    index_only = not own.empty and set(own["component"]) == {TOTAL}
    text = t("profile_sentence_index" if index_only else "profile_sentence", lang, year=year,
             unit=in_prose(row["unit"]) if lang == "vi" else row["unit"],
             rank=number(row["rank"], 0, lang), n=number(row["n_ranked"], 0, lang), words=words,
             pts=f"{number(row['points'], 2, lang)}/{number(row['max_points'], 2, lang)}",
             idx=idx, change=change)
    if not strengths.empty:
        s = strengths.iloc[0]
        text += t("profile_fields", lang, best=field_label(s["strongest_field"], lang),
                  best_pct=pct(s["strongest_pct"], 1, lang),
                  worst=field_label(s["weakest_field"], lang),
                  worst_pct=pct(s["weakest_pct"], 1, lang))
    return text


def plan_sentence(units: pd.DataFrame, scores: pd.DataFrame, row: pd.Series, bands,
                  lang: str = "vi", criteria: pd.DataFrame | None = None) -> str:
    """What the unit needs, as a plan says it: «Cần thêm 1,35 điểm để lên hạng 5/10; … Lĩnh vực
    còn nhiều điểm chưa đạt: …» (whatif.unit_plan; others unchanged), and with criterion
    detail (`criteria`) the criteria with most points lost."""
    from cchc_metrics.whatif import unit_plan

    if pd.isna(row["rank"]):  # no index this year: nothing to move up from
        return t("plan_unranked", lang)
    plan = unit_plan(units, scores, row, bands)
    parts = []
    for goal, n, need in plan["ranks"]:
        where = f"{number(goal, 0, lang)}/{number(n, 0, lang)}"
        parts.append(t("plan_rank", lang, pts=number(need, 2, lang), rank=where)
                     if need is not None else t("plan_rank_out", lang, rank=where))
    if plan["band"] is not None and plan["band"][1] is not None:
        label, need = plan["band"]
        parts.append(t("plan_band", lang, pts=number(need, 2, lang),
                       band=band_label(label, lang)))
    if not parts:
        parts.append(t("plan_top", lang))
    text = t("plan_intro", lang, what="; ".join(parts))
    if plan["fields"]:
        text += t("plan_fields", lang, fields="; ".join(
            t("plan_field", lang, field=field_label(f, lang), pts=number(v, 2, lang))
            for f, v in plan["fields"][:3]))
    if criteria is not None and not criteria.empty:
        from cchc_metrics.views.criteria import weakest_criteria

        if named := weakest_criteria(criteria, row["unit"], int(row["year"]), row["level"],
                                     lang):
            text += t("plan_criteria", lang, criteria=named)
    return text + "."


def _formed_in(lineage: pd.DataFrame | None, level: str, unit: str, year: int) -> bool:
    """Whether `unit` was formed from other units by a merger that took effect in `year`."""
    if lineage is None or lineage.empty:
        return False
    from cchc_metrics.places import predecessors

    olds = predecessors(lineage, level, unit)
    olds = olds[olds["predecessor"] != unit]
    return not olds.empty and min(olds["effective"]).year == year


def block_words(level: str, block: str, lang: str) -> str:
    """Who a unit is ranked among, as a report says it: «phường», «xã, thị trấn của huyện Mỹ Lộc».

    The level's default block is its units («sở, ban, ngành»); «Khối phường» is its wards; a
    block named for a district is that district's communes; any other block is named as such.
    """
    if block == DEFAULT_BLOCKS.get(level):
        return t(f"level_units_{level}", lang)
    if block[:5].casefold() == "khối " and lang == "vi":
        return block[5:]
    if level == "commune" and in_prose(block) != block:  # «Huyện Mỹ Lộc», «Thị xã …»
        return t("units_of_district", lang, units=t("level_units_commune", lang),
                 district=in_prose(block) if lang == "vi" else block)
    return t("units_of_block", lang, block=block)


def rank_sentence(row: pd.Series, lang: str) -> str:
    """", tăng 2 bậc so với năm 2021; chỉ số tăng 3,37 điểm phần trăm" (empty for a new unit)."""
    if pd.isna(row["prev_index_pct"]):
        return t("first_year", lang)
    delta = row["delta_pct"]
    parts = []
    if not pd.isna(row["rank_change"]):
        parts.append(rank_change_text(row["rank_change"], row["prev_rank"], lang, style="words"))
    parts.append(t("index_up" if delta >= 0 else "index_down", lang,
                   d=number(abs(delta), 2, lang)))
    return ", " + ", ".join(parts) + t("since_year", lang, year=int(row["year"]) - 1)


def district_communes(units: pd.DataFrame, district: str, year: int) -> dict | None:
    """A district's communes that year: mean index, highest and lowest (seed 003)."""
    from cchc_metrics.names import unit_key

    key = unit_key(district)
    sel = units[(units["level"] == "commune") & (units["year"] == year) &
                (units["parent"].fillna("").map(unit_key) == key)]
    if sel.empty:
        return None
    ordered = sel.sort_values("index_pct", ascending=False)
    exact = 100 * sel["points"] / sel["max_points"]
    return {"n": len(sel), "mean_index_pct": float(np.round(exact.mean() + 1e-9, 2)),
            "best": ordered.iloc[0], "worst": ordered.iloc[-1], "rows": ordered}


def unit_field_table(scores: pd.DataFrame, row: pd.Series, lang: str, *,
                     fields: pd.DataFrame | None = None) -> pd.DataFrame:
    """One unit-year per field: points, maximum, % of maximum, block mean and self-assessment.

    `fields`: unit_fields of the row's year and block when already at hand (then `scores` is
    not read).
    """
    if fields is None:
        fields = unit_fields(scores[(scores["year"] == row["year"]) &
                                    (scores["block"] == row["block"])])
    keys = {k: row[k] for k in UNIT_KEYS}
    mine = fields
    for k, v in keys.items():
        mine = mine[mine[k].fillna("") == (v if not pd.isna(v) else "")]
    mine = mine[mine["component"] != TOTAL]
    return pd.DataFrame({
        t("col_field", lang): [field_label(c, lang) for c in mine["component"]],
        t("col_points", lang): mine["points"].to_numpy(),
        t("col_max", lang): mine["max_points"].to_numpy(),
        t("col_pct", lang): mine["pct"].to_numpy(),
        t("col_block_pct", lang): mine["block_mean_pct"].to_numpy(),
        t("col_self", lang): mine["self_points"].to_numpy(dtype=float),
    }), mine
