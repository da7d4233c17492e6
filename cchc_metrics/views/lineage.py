"""What the profile says about a unit's mergers: its predecessors' years, or where it went."""

from __future__ import annotations

import pandas as pd

from cchc_metrics.i18n import number, pct, t
from cchc_metrics.places import area_methods, area_series, predecessors, successor
from cchc_metrics.views.profile import in_prose


def _date(value, lang: str) -> str:
    return value.strftime("%d/%m/%Y") if lang == "vi" else value.strftime("%d %b %Y")


def code_line(row: pd.Series, lang: str = "vi") -> str:
    """«Mã ĐVHC: 13708 (tìm thấy đúng một)» for a commune or district profile, so a person
    can check the unit's official identity; "" for a level without official codes."""
    from cchc_metrics.places import resolve

    found = resolve(row["unit"], level=row["level"], year=int(row["year"]),
                    province=row.get("province"), parent=row.get("parent"),
                    code=row.get("unit_code"))
    if found.how is None:
        return ""
    text = t("code_line", lang, code=found.code or "—", how=t(f"code_{found.how}", lang))
    if found.candidates:
        text += t("code_candidates", lang, names="; ".join(found.candidates))
    return text


def lineage_table(frame: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """A crosswalk as people read it: level in words, new and former unit, from when."""
    from cchc_metrics.i18n import level_label

    out = pd.DataFrame({
        t("level", lang): [level_label(v, lang) for v in frame["level"]],
        t("col_successor", lang): frame["successor"].to_numpy(),
        t("col_predecessor", lang): frame["predecessor"].to_numpy(),
        t("col_effective", lang): [_date(d, lang) for d in frame["effective"]],
    })
    if "population" in frame and frame["population"].notna().any():
        out[t("col_population", lang)] = [
            "—" if pd.isna(v) else number(v, 0, lang) for v in frame["population"]]
    return out


def unit_lineage(units: pd.DataFrame, lineage: pd.DataFrame, unit: str, level: str,
                 lang: str = "vi", method: str = "mean") -> dict | None:
    """The profile's lineage part, or None when the unit has none.

    A successor: the sentence («được thành lập năm 2025 trên cơ sở …; năm 2024 các đơn vị này
    đạt bình quân … %»), the area's series (its method said) and each predecessor's years with
    its index and rank in its old block; `methods` lists the ways the data allows to combine
    the area (a `method` it does not allow falls back to the mean). A predecessor: where it
    went and from when.
    """
    if lineage is None or lineage.empty:
        return None
    went = successor(lineage, level, unit)
    if went is not None:
        return {"merged_into": went[0],
                "sentence": t("lineage_merged_into", lang, unit=unit, into=went[0],
                              date=_date(went[1], lang))}
    olds = predecessors(lineage, level, unit)
    others = [p for p in olds["predecessor"] if p != unit]
    if not others:
        return None
    methods = area_methods(units, lineage, level, unit)
    method = method if method in methods else "mean"
    series = area_series(units, lineage, level, unit, method)
    first = min(olds["effective"])
    names = ", ".join(in_prose(p) if lang == "vi" else p for p in olds["predecessor"])
    text = t("lineage_formed", lang, unit=in_prose(unit) if lang == "vi" else unit,
             year=first.year, names=names)
    if not series.empty:
        last = series.iloc[-1]
        text += t(f"lineage_area_{method}", lang, year=int(last["year"]),
                  idx=pct(last["index_pct"], 2, lang))
        own = units[(units["level"] == level) & (units["unit"] == unit) &
                    (units["year"] == first.year)]
        if not own.empty:  # its first year, against the area's last: not a silent «mới»
            delta = float(own["index_pct"].iloc[0]) - float(last["index_pct"])
            text += t("lineage_first_year", lang, year=first.year,
                      idx=pct(own["index_pct"].iloc[0], 2, lang),
                      change=t("index_up" if delta >= 0 else "index_down", lang,
                               d=number(abs(delta), 2, lang)),
                      prev=int(last["year"]))
    rows = units[(units["level"] == level) & units["unit"].isin(olds["predecessor"]) &
                 (units["year"] < first.year)].sort_values(["year", "unit"])
    table = pd.DataFrame({
        t("col_year", lang): rows["year"].astype(int).to_numpy(),
        t("col_unit", lang): rows["unit"].to_numpy(),
        t("col_block", lang): rows["block"].to_numpy(),
        t("col_index", lang): rows["index_pct"].to_numpy(dtype=float),
        t("col_rank", lang): [f"{number(r, 0, lang)}/{number(n, 0, lang)}"
                              for r, n in zip(rows["rank"], rows["n_ranked"], strict=True)],
    })
    area = pd.DataFrame({
        t("col_year", lang): series["year"].to_numpy(),
        t(f"col_area_{method}", lang): series["index_pct"].to_numpy(dtype=float),
        t("col_n_units", lang): series["n_units"].to_numpy(),
    })
    note = t(f"area_method_{method}", lang)
    if "population" not in methods:
        note += " " + t("area_method_absent", lang)
    return {"sentence": text + ".", "area": area, "predecessors": table, "method": note,
            "methods": methods, "chosen": method}
