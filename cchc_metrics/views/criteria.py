"""The criterion detail as pages show it: a block's criteria, a unit's tree, the heatmap data."""

from __future__ import annotations

import pandas as pd

from cchc_metrics.criteria import block_criteria, comparable, depth_of, unit_criteria
from cchc_metrics.fields import field_label
from cchc_metrics.i18n import number, t
from cchc_metrics.views.selection import View

INDENT = "\u2003"  # an em space per level: a sub-criterion reads under its criterion


def _of_block(rows: pd.DataFrame, view: View) -> pd.DataFrame:
    """The view's block when the criterion rows name it (a council's table of communes may
    give none, or the level's own): a block's analysis counts its own units only."""
    if view.block and (rows["block"] == view.block).any():
        return rows[rows["block"] == view.block]
    return rows


def _rows_of(rows: pd.DataFrame, view: View) -> pd.DataFrame:
    return _of_block(rows[(rows["year"] == view.year) & (rows["level"] == view.level)], view)


def has_criteria(rows: pd.DataFrame, view: View) -> bool:
    """Whether the view's year and level have any criterion detail."""
    return rows is not None and not _rows_of(rows, view).empty


def criteria_table(rows: pd.DataFrame, view: View, field: str | None = None,
                   depth: int = 2) -> pd.DataFrame:
    """The criteria most units lose points on (criteria.block_criteria), as people read it."""
    lang = view.lang
    rows = _of_block(rows, view)
    found = block_criteria(rows, year=int(view.year), level=view.level, depth=depth,
                           field=field)
    out = pd.DataFrame({
        t("col_criterion", lang): [f"{c} {n}" for c, n in zip(found["criterion"],
                                                              found["criterion_name"],
                                                              strict=True)],
        t("col_field", lang): [field_label(f, lang) for f in found["field"]],
        t("col_n_units_short", lang): found["n_units"].to_numpy(),
        t("col_share_lost", lang): found["share_lost"].to_numpy(dtype=float),
        t("col_mean_lost", lang): found["mean_lost"].to_numpy(dtype=float),
        t("col_total_lost", lang): found["total_lost"].to_numpy(dtype=float),
        t("col_self_gap", lang): found["mean_gap"].to_numpy(dtype=float),
        t("col_max", lang): found["max_points"].to_numpy(dtype=float),
    })
    year = int(view.year)
    before = block_criteria(rows, year=year - 1, level=view.level, depth=depth, field=field)
    if not before.empty:  # last year's share, only where the criterion is the same one
        same = comparable(rows[rows["level"] == view.level], year, year - 1)
        share = dict(zip(before["criterion"], before["share_lost"], strict=True))
        out.insert(4, t("col_prev_share", lang, year=year - 1), [
            share.get(c, float("nan")) if same.get(c, False) else float("nan")
            for c in found["criterion"]])
    return out


def unit_criteria_table(rows: pd.DataFrame, unit: str, year: int, level: str,
                        lang: str = "vi") -> pd.DataFrame:
    """A unit's tree, field → criterion → sub-criterion, most recoverable first at each level."""
    tree = unit_criteria(rows, unit=unit, year=year, level=level)
    if tree.empty:
        return pd.DataFrame()
    out = pd.DataFrame({
        t("col_criterion", lang): [INDENT * (d - 1) + f"{c} " +
                                   (field_label(n, lang) if d == 1 else n)
                                   for c, n, d in zip(tree["criterion"], tree["criterion_name"],
                                                      tree["depth"], strict=True)],
        t("col_max", lang): tree["max_points"].to_numpy(dtype=float),
        t("col_self", lang): tree["self_points"].to_numpy(dtype=float),
        t("col_points", lang): tree["points"].to_numpy(dtype=float),
        t("col_lost", lang): tree["lost"].to_numpy(dtype=float),
    })
    before = unit_criteria(rows, unit=unit, year=year - 1, level=level)
    if not before.empty:  # last year's points, only where the criterion is the same one
        same = comparable(rows[rows["level"] == level], year, year - 1)
        points = dict(zip(before["criterion"], before["points"], strict=True))
        out[t("col_prev_points", lang, year=year - 1)] = [
            points.get(c, float("nan")) if same.get(c, False) else float("nan")
            for c in tree["criterion"]]
    return out


def criteria_grid(rows: pd.DataFrame, view: View, field: str) -> pd.DataFrame:
    """Units × the criteria of a field for the heatmap: unit, criterion («2.3 …»), pct (points
    ÷ maximum), points, max_points."""
    part = _rows_of(rows, view)
    part = part[(part["field"] == field) & (depth_of(part["criterion"]) == 2) &
                part["max_points"].gt(0)]
    return pd.DataFrame({
        "unit": part["unit"].to_numpy(),
        "criterion": (part["criterion"] + " " + part["criterion_name"]).to_numpy(),
        "pct": (100 * part["points"] / part["max_points"]).to_numpy(dtype=float),
        "points": part["points"].to_numpy(dtype=float),
        "max_points": part["max_points"].to_numpy(dtype=float),
    })


def framework_note(rows: pd.DataFrame, view: View) -> str:
    """Whether this year's criteria compare with last year's: «35/35 tiêu chí giữ mã và tên
    so với năm 2024», or how many changed (those compare at field level only)."""
    year = int(view.year)
    if rows[(rows["year"] == year - 1) & (rows["level"] == view.level)].empty:
        return ""
    part = rows[rows["level"] == view.level]
    same = comparable(part, year, year - 1)
    same = same[[c.count(".") == 1 for c in same.index]]
    key = "criteria_same" if same.all() else "criteria_changed"
    return t(key, view.lang, same=number(int(same.sum()), 0, view.lang),
             n=number(len(same), 0, view.lang), prev=year - 1)


def weakest_criteria(rows: pd.DataFrame, unit: str, year: int, level: str, lang: str,
                     most: int = 3) -> str:
    """The unit's criteria with the most points lost, named for a plan: «1.2 Báo cáo CCHC (còn
    0,50 điểm)»; "" without criterion detail."""
    tree = unit_criteria(rows, unit=unit, year=year, level=level)
    tree = tree[(tree["depth"] == 2) & (tree["lost"] > 0.005)].sort_values(
        "lost", ascending=False, kind="stable").head(most)
    return "; ".join(t("plan_field", lang, field=f"{c} {n}", pts=number(v, 2, lang))
                     for c, n, v in zip(tree["criterion"], tree["criterion_name"], tree["lost"],
                                        strict=True))


def criteria_preview(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """What a criterion file holds, per year and level: units, criteria, sub-criteria."""
    from cchc_metrics.i18n import level_label

    depth = depth_of(rows["criterion"])
    out = []
    for (year, level), part in rows.assign(depth=depth).groupby(["year", "level"]):
        out.append((int(year), level_label(level, lang), number(part["unit"].nunique(), 0, lang),
                    number(part.loc[part["depth"] == 1, "criterion"].nunique(), 0, lang),
                    number(part.loc[part["depth"] == 2, "criterion"].nunique(), 0, lang),
                    number(part.loc[part["depth"] == 3, "criterion"].nunique(), 0, lang)))
    return pd.DataFrame(out, columns=[t("col_year", lang), t("level", lang),
                                      t("col_n_units_short", lang), t("col_n_fields", lang),
                                      t("col_n_criteria", lang), t("col_n_sub_criteria", lang)])


def batch_preview(read: list, lang: str) -> pd.DataFrame:
    """What each file of a batch holds (one form per unit): its units, year, criterion rows
    and the appraised points of its fields."""
    out = []
    for name, result in read:
        rows = result.rows
        top = rows[depth_of(rows["criterion"]) == 1]
        out.append((name, "; ".join(dict.fromkeys(rows["unit"])),
                    ", ".join(str(y) for y in sorted(set(rows["year"].astype(int)))),
                    number(len(rows), 0, lang), number(top["points"].sum(min_count=1), 2, lang)))
    return pd.DataFrame(out, columns=[t("col_file", lang), t("col_units", lang),
                                      t("col_year", lang), t("col_nodes", lang),
                                      t("col_points", lang)])


def field_warnings(rows: pd.DataFrame, scores: pd.DataFrame) -> list:
    """Each field whose criteria do not add up to the field points stored for the unit: a
    warning naming both numbers (criteria.field_check)."""
    from cchc_metrics.criteria import field_check
    from cchc_metrics.ingest.problems import problem
    from cchc_metrics.numbers import format_number

    said = []
    for r in field_check(rows, scores).itertuples(index=False):
        said.append(problem(
            "criteria_field", f"{r.unit}, {r.field} năm {r.year}: các tiêu chí cộng lại "
            f"{format_number(r.criteria, 2, 'vi')} điểm, khác điểm lĩnh vực đang lưu "
            f"{format_number(r.scores, 2, 'vi')}.", f"{r.unit}, {r.field} in {r.year}: the "
            f"criteria add up to {format_number(r.criteria, 2, 'en')}, not the stored field "
            f"points {format_number(r.scores, 2, 'en')}.", severity="warning",
            value=f"{r.unit} · {r.field}"))
    return said


def compare_criteria(rows: pd.DataFrame, view: View, units: list[str], field: str) -> pd.DataFrame:
    """The chosen units side by side per criterion of a field: a row per criterion (its
    maximum), a column per unit (its appraised points); units without detail are left out."""
    part = _rows_of(rows, view)
    part = part[(part["field"] == field) & part["unit"].isin(units) &
                (depth_of(part["criterion"]) >= 2)]
    if part.empty:
        return pd.DataFrame()
    order = list(dict.fromkeys(part.sort_values("criterion", key=lambda c: c.map(
        lambda x: tuple(int(p) for p in x.split("."))))["criterion"]))
    wide = part.pivot_table(index="criterion", columns="unit", values="points", aggfunc="first")
    names = part.drop_duplicates("criterion").set_index("criterion")
    depth = depth_of(pd.Series(order))
    out = pd.DataFrame({
        t("col_criterion", view.lang): [INDENT * (d - 2) + f"{c} {names.at[c, 'criterion_name']}"
                                        for c, d in zip(order, depth, strict=True)],
        t("col_max", view.lang): names.loc[order, "max_points"].to_numpy(dtype=float),
    })
    for unit in [u for u in units if u in wide.columns]:
        out[unit] = wide.loc[order, unit].to_numpy(dtype=float)
    missing = [u for u in units if u not in wide.columns]
    if missing:  # said under the table, not silently left out
        out.attrs["note"] = t("criteria_missing", view.lang, units=", ".join(missing))
    return out
