"""What the upload page shows: what was detected, the problems, what would change."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cchc_metrics.contract import ROUNDING, SURVEY, TOTAL
from cchc_metrics.fields import field_label
from cchc_metrics.i18n import number, t
from cchc_metrics.views.admin import TIME_ZONE


def detected_table(result, lang: str) -> pd.DataFrame:
    """What the reader found in each sheet: layout, year, level, blocks, places, units, fields and
    the band scheme the file's own «Xếp loại» column follows."""
    from cchc_metrics.bands import band_spec
    from cchc_metrics.i18n import level_label

    bands = band_spec(result.bands).replace(",", ", ") if result.bands else t("bands_default", lang)
    return pd.DataFrame([{
        t("col_sheet", lang): info.sheet,
        t("col_layout", lang): t(f"layout_{info.layout}", lang),
        t("col_header_rows", lang):
            f"{info.header_rows[0]}–{info.header_rows[1]}" if info.header_rows[0] !=
            info.header_rows[1] else str(info.header_rows[0]),
        t("year", lang): ", ".join(str(y) for y in info.years),
        t("level", lang): ", ".join(level_label(lv, lang) for lv in info.levels),
        t("block", lang): "; ".join(info.blocks),
        t("province", lang): "; ".join(info.provinces) or "—",
        t("parent", lang): shortened(info.parents, lang),
        t("col_n_ranked", lang): info.n_units,
        t("page_fields", lang): len([f for f in info.fields if f not in (TOTAL, SURVEY, ROUNDING)])
        or "—",
        t("bands", lang): bands,
    } for info in result.tables])


def shortened(names: list[str], lang: str, most: int = 3) -> str:
    """«Huyện A; Huyện B; Huyện C và 7 đơn vị khác»: a long list kept to one table cell."""
    if not names:
        return "—"
    head = "; ".join(names[:most])
    return head if len(names) <= most else head + t("and_more", lang, n=len(names) - most)


def problem_table(problems, lang: str) -> pd.DataFrame:
    """Errors and warnings with sheet, row and column, in the language shown."""
    return pd.DataFrame([{
        t("col_severity", lang): t(f"severity_{p.severity}", lang),
        t("col_sheet", lang): p.sheet or "",
        t("col_row", lang): "" if p.row is None else str(p.row),
        t("col_column", lang): p.column or "",
        t("col_value", lang): cell_text(p.value, lang),
        t("col_message", lang): p.msg.text(lang),
    } for p in problems])


def preview_units(new_scores: pd.DataFrame, active_scores: pd.DataFrame,
                  bands=None) -> pd.DataFrame:
    """The unit table of a file about to be imported, its rank changes counted from the active
    data of the year before (as they will be once it is stored), for its own years only."""
    from cchc_metrics.metrics import unit_table

    scope = new_scores[["year", "level"]].drop_duplicates()
    before = active_scores.merge(scope.assign(year=scope["year"] - 1), on=["year", "level"])
    before = before.merge(new_scores[["year", "level"]].drop_duplicates(),  # not the file's own
                          on=["year", "level"], how="left", indicator=True)
    before = before[before["_merge"] == "left_only"].drop(columns="_merge")
    both = pd.concat([before.reindex(columns=new_scores.columns), new_scores], ignore_index=True)
    units = unit_table(both, bands=bands)
    return units.merge(scope, on=["year", "level"]).reset_index(drop=True)


def code_check(scores: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, int]:
    """Each commune and district of a file with the official code its name resolves to, and
    how (places.code_sources); and how many need a person's look (several matches, or none)."""
    from cchc_metrics.places import code_sources

    found = code_sources(scores)
    found = found[found["code_source"].notna()]  # departments have no official code here
    look = int(found["code_source"].isin(["ambiguous", "unknown"]).sum())
    order = {"ambiguous": 0, "unknown": 1, "exact": 2, "file": 3}
    found = found.sort_values("code_source", key=lambda s: s.map(order), kind="stable")
    return pd.DataFrame({
        t("year", lang): found["year"].astype(int).to_numpy(),
        t("col_unit", lang): found["unit"].to_numpy(),
        t("parent", lang): found["parent"].fillna("").to_numpy(),
        t("col_code", lang): found["code"].fillna("—").to_numpy(),
        t("col_code_source", lang): [t(f"code_{v}", lang) for v in found["code_source"]],
    }), look


def cell_text(value, lang: str) -> str:
    """A value read from a file as the language writes it: 82,95 in Vietnamese, text as is."""
    from cchc_metrics.numbers import format_number

    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        return str(value)
    decimals = next((d for d in range(5) if abs(value - round(value, d)) < 1e-9), 4)
    return format_number(value, decimals, lang)


def compare_with_active(new_units: pd.DataFrame, active_units: pd.DataFrame,
                        lang: str) -> pd.DataFrame:
    """Units added, removed and changed against the active data of the same years and blocks.

    Largest changes first; unchanged units are left out.
    """
    keys = ["year", "block", "unit_key"]
    scope = new_units[["year", "block"]].drop_duplicates()
    old = active_units.merge(scope, on=["year", "block"])
    both = new_units[keys + ["unit", "index_pct", "rank"]].merge(
        old[keys + ["unit", "index_pct", "rank"]], on=keys, how="outer",
        suffixes=("_new", "_old"), indicator=True)
    status = {"left_only": t("diff_added", lang), "right_only": t("diff_removed", lang),
              "both": t("diff_changed", lang)}
    both["change"] = both["index_pct_new"] - both["index_pct_old"]
    changed = (both["_merge"] != "both") | (both["change"].abs() > 1e-9) | (
        both["rank_new"].astype("Float64") != both["rank_old"].astype("Float64")).fillna(True)
    both = both[changed].copy()
    both["order"] = both["change"].abs().fillna(np.inf)
    both = both.sort_values(["order", "year"], ascending=[False, True])
    return pd.DataFrame({
        t("col_year", lang): both["year"].astype(int).to_numpy(),
        t("col_block", lang): both["block"].to_numpy(),
        t("col_unit", lang): both["unit_new"].fillna(both["unit_old"]).to_numpy(),
        t("col_status", lang): [status[str(m)] for m in both["_merge"]],
        t("col_active_index", lang): both["index_pct_old"].to_numpy(dtype=float),
        t("col_new_index", lang): both["index_pct_new"].to_numpy(dtype=float),
        t("col_delta", lang): both["change"].round(2).to_numpy(dtype=float),
        t("col_active_rank", lang): both["rank_old"].astype("Int64").to_numpy(),
        t("col_new_rank", lang): both["rank_new"].astype("Int64").to_numpy(),
    })





def mapping_choices(lang: str) -> dict[str, str]:
    """What an unrecognised column can be mapped to: code → label."""
    from cchc_metrics.fields import FIELD_NAMES
    from cchc_metrics.ingest.headers import MAPPABLE_ROLES

    out = {role: t(f"role_col_{role}", lang) for role in MAPPABLE_ROLES}
    for field in [*FIELD_NAMES, SURVEY]:
        for role in ("max", "self", "points"):
            out[f"{role}:{field}"] = f"{field_label(field, lang)} — {t(f'role_col_{role}', lang)}"
    return out


def header_signature(columns: pd.DataFrame) -> str:
    """Identifies "a file with the same headers", to remember its column mapping."""
    import hashlib

    text = "\n".join(sorted(set(columns["header"].astype(str))))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def earlier_import(datasets: pd.DataFrame, sha256: str) -> tuple[int, str] | None:
    """(dataset id, status) when these exact bytes were imported before."""
    hit = datasets[datasets["sha256"] == sha256]
    if hit.empty:
        return None
    return int(hit["dataset_id"].iloc[0]), str(hit["status"].iloc[0])


def history_table(datasets: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Every stored version, newest first: when, who, file, note, years, blocks and status."""
    return pd.DataFrame({
        "#": datasets["dataset_id"],
        t("col_version_status", lang): datasets["status"].map(lambda x: t(f"status_{x}", lang)),
        t("col_audit_ts", lang): datasets["created_at"].dt.tz_convert(TIME_ZONE).dt.strftime(
            t("time_format", lang)),
        t("year", lang): datasets["years"],
        t("block", lang): [shortened(str(b).split("; ") if b else [], lang)
                           for b in datasets["blocks"]],
        t("col_file", lang): datasets["file_name"],
        t("col_imported_by", lang): datasets["created_by"],
        t("col_note", lang): datasets["note"].fillna(""),
    }).iloc[::-1].reset_index(drop=True)


def set_table(sets: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Imported sets (indicators, targets), newest first: status, when, file, who, note, rows."""
    from cchc_metrics.views.admin import local_time

    sets = sets.iloc[::-1]
    return pd.DataFrame({
        "#": sets["set_id"].to_numpy(),
        t("col_version_status", lang): [t("status_active" if a else "status_withdrawn", lang)
                                        for a in sets["active"]],
        t("col_audit_ts", lang): [local_time(v, lang) for v in sets["created_at"]],
        t("col_file", lang): sets["file_name"].to_numpy(),
        t("col_imported_by", lang): sets["created_by"].to_numpy(),
        t("col_note", lang): sets["note"].fillna("").to_numpy(),
        t("col_rows", lang): [number(n, 0, lang) for n in sets["n_rows"]],
    })
