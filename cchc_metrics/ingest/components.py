"""Stage 5 of reading a sheet: points per unit and component, validated, and the stated values."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cchc_metrics.contract import (
    DEFAULT_BLOCKS,
    LEVELS,
    LOCATION_COLUMNS,
    MAX_BLOCK_CHARS,
    MAX_UNIT_CHARS,
    ROUNDING,
    SCORE_COLUMNS,
    SURVEY,
    TOTAL,
)
from cchc_metrics.fields import canonical_field, field_label
from cchc_metrics.ingest import headers as H
from cchc_metrics.ingest.problems import problem
from cchc_metrics.ingest.sheet import MAX_PROBLEMS, SheetContext, TableInfo, per_distinct
from cchc_metrics.names import fold, level_of_unit_name
from cchc_metrics.numbers import format_number, parse_numbers, round_half_up

CODE_WIDTH = {"commune": 5, "district": 3, "department": 0}


@dataclass
class Table:
    """A sheet's table in canonical form: its scores, what it states, its layout and size."""

    scores: pd.DataFrame
    stated: pd.DataFrame
    layout: str  # "wide" (a column group per field), "totals", "long" (a row per field), "index"
    n_units: int


def components(ctx: SheetContext, data: pd.DataFrame) -> Table:
    """Stage 5: canonical rows (one per unit × component) and the publisher's stated values."""
    hd = ctx.header
    units = data["_name"].to_numpy()
    long_names = np.flatnonzero(pd.Series(units, dtype=object).str.len().to_numpy() > MAX_UNIT_CHARS)
    for i in long_names[:MAX_PROBLEMS]:
        ctx.err("unit_name_too_long", f"Tên đơn vị dài quá {MAX_UNIT_CHARS} ký tự. Hãy sửa tên.",
                f"The unit's name is longer than {MAX_UNIT_CHARS} characters. Correct it.",
                row=int(data["_row"].iat[i]), column=hd.one(H.UNIT), value=units[i][:60] + "…")
    columns = {
        "year": data["_year"].to_numpy(),
        "level": data["_level"].to_numpy(),
        "block": blocks(ctx, data),
        "province": text_col(ctx, data, H.PROVINCE, ctx.title_province),
        "parent": text_col(ctx, data, H.PARENT),
        "unit": units,
        "unit_code": codes(ctx, data),
        "source": [f"{ctx.file_name} · {ctx.sheet.name} · dòng {r}" for r in data["_row"]],
        "sheet": np.full(len(data), ctx.sheet.name, dtype=object),
    }
    # Arrow text (pandas "str") from here on, as the store returns it: 10,000 names convert
    # once, and the duplicate check and unit_table factorize with Arrow instead of hashing
    # 80,000 Python strings each time
    base = pd.DataFrame({k: pd.Series(v, dtype="str" if k != "year" else None)
                         for k, v in columns.items()})
    base["row"] = data["_row"].to_numpy(dtype=np.int64)
    district_blocks = {b for b in set(data["_block"]) if level_of_unit_name(b) == "district"}
    commune_block_parent = ((base["level"] == "commune") & (base["parent"] == "")
                            & data["_block"].isin(district_blocks).to_numpy())
    base.loc[commune_block_parent, "parent"] = data["_block"].to_numpy()[commune_block_parent]
    if ctx.title_district:  # «… CÁC XÃ, THỊ TRẤN HUYỆN CẨM GIÀNG»: the communes' district
        titled = (base["level"] == "commune") & (base["parent"] == "")
        base.loc[titled, "parent"] = ctx.title_district
    n_units = int(base[["year", "block", "parent", "unit"]].drop_duplicates().shape[0])
    numeric = {c.index: numbers(ctx, data, c) for c in hd.columns
               if c.role in (H.MAX, H.SELF, H.POINTS, H.INDEX, H.RANK)}
    if hd.one(H.FIELD) is not None:
        layout = "long"
        parts = long_components(ctx, data, base, numeric)
    elif not component_groups(hd) and hd.one(H.INDEX) is not None:
        layout = "index"  # only the index is published: the total is it, out of 100
        parts = [index_component(ctx, data, base, numeric)]
    else:
        groups = component_groups(hd)
        layout = "wide" if any(k not in (TOTAL, SURVEY) for k in groups) else "totals"
        if layout == "totals":
            split_total_max(ctx, groups, numeric, data)
        parts = [component(ctx, data, base, numeric, comp, cols)
                 for comp, cols in groups.items()]
        parts.append(printed_total_part(ctx, base, numeric, [p for p in parts if p is not None]))
    parts = [p for p in parts if p is not None]
    scores = pd.concat(parts, ignore_index=True) if parts else empty_scores()
    scores = scores[SCORE_COLUMNS + LOCATION_COLUMNS]
    return Table(scores, stated(ctx, data, base, numeric), layout, n_units)


def printed_total_part(ctx: SheetContext, base: pd.DataFrame, numeric: dict,
                       parts: list[pd.DataFrame]) -> pd.DataFrame | None:
    """A printed total is authoritative: the rounding its parts lost, as a `total` row.

    Parts rounded one by one can add up to 89,96 where the decision prints 89,95. Where they
    differ by no more than that rounding allows (half a hundredth a part), each unit gets a
    component `rounding` of maximum 0 holding the difference, so its index is the printed
    total's; no field view counts it. A larger difference is left to the cross-check's warning.
    """
    col = stated_col(ctx.header, H.POINTS)
    if col is None or not parts:
        return None
    scores = pd.concat(parts)
    by_row = scores.groupby(level=0)
    summed = by_row["points"].sum().reindex(base.index)
    n_parts = by_row.size().reindex(base.index)
    printed = pd.Series(numeric[col.index], index=base.index)
    gap = (printed - summed).round(9)
    lost = gap.notna() & (gap != 0) & (gap.abs() <= 0.005 * n_parts + 1e-9)
    if not lost.any():
        return None
    part = base.loc[lost].copy()
    part["component"] = ROUNDING
    part["max_points"] = 0.0
    part["points"] = gap[lost].to_numpy()
    part["self_points"] = np.nan
    return part


def blocks(ctx: SheetContext, data: pd.DataFrame) -> np.ndarray:
    """Each row's ranking block: its «Khối» cell, else its block row, else its level's default."""
    col = ctx.header.one(H.BLOCK)
    block = data["_block"].copy()
    if col is not None:
        from_col = data[col.index].map(H.clean)
        block = from_col.where(from_col != "", block)
    block = block.to_numpy(dtype=object, copy=True)
    unnamed = block == ""  # rows of no named block take their level's default
    if unnamed.any():
        block[unnamed] = data["_level"].to_numpy()[unnamed]
        block[unnamed] = [DEFAULT_BLOCKS.get(level, "") for level in block[unnamed]]
    for i in [i for i, b in enumerate(block) if len(b) > MAX_BLOCK_CHARS][:MAX_PROBLEMS]:
        ctx.err("block_too_long", f"Tên khối xếp hạng dài quá {MAX_BLOCK_CHARS} ký tự. Hãy "
                 "rút gọn tên khối (dòng La Mã hoặc cột «Khối»).", f"The ranking block's name "
                 f"is longer than {MAX_BLOCK_CHARS} characters. Shorten it (the Roman-numeral "
                 "row or the «Khối» column).", row=int(data["_row"].iat[i]), column=col,
                 value=block[i][:60] + "…")
    return block


def text_col(ctx: SheetContext, data: pd.DataFrame, role: str,
             default: str | None = None) -> np.ndarray:
    """A text column's cells; `default` (e.g. what the title names) where there is none."""
    col = ctx.header.one(role)
    if col is None:
        return np.full(len(data), default or "", dtype=object)
    text = per_distinct(data[col.index], H.clean)
    if default:
        text[text == ""] = default
    return text


def codes(ctx: SheetContext, data: pd.DataFrame) -> np.ndarray:
    """Official codes as text; numbers typed in Excel get their leading zeros back."""
    col = ctx.header.one(H.CODE)
    if col is None:
        return np.full(len(data), "", dtype=object)
    text = per_distinct(data[col.index], H.clean)
    width = data["_level"].map(CODE_WIDTH).fillna(0).to_numpy(dtype=int)
    digits = np.array([t.isascii() and t.isdigit() for t in text], dtype=bool)
    for w in set(width[digits & (width > 0)]):  # a level at a time: few distinct widths
        pad = digits & (width == w)
        text[pad] = [t.zfill(int(w)) for t in text[pad]]
    return text


def numbers(ctx: SheetContext, data: pd.DataFrame, col: H.Column) -> np.ndarray:
    """A score column as floats; text that is not a number is a located error."""
    values, bad = parse_numbers(data[col.index])
    ctx.bad_text[col.index] = bad
    for i in np.flatnonzero(bad)[:MAX_PROBLEMS]:
        ctx.err("not_a_number", "Ô này phải là số (vd. 51,75 hoặc 51.75). Hãy sửa giá trị.",
                 "This cell must be a number (e.g. 51.75). Correct the value.",
                 row=int(data["_row"].iat[i]), column=col, value=data[col.index].iat[i])
    return values


def split_total_max(ctx: SheetContext, groups: dict, numeric: dict, data: pd.DataFrame) -> None:
    """In a totals table, decide whether "Điểm tối đa" includes the survey's maximum."""
    total, survey = groups.get(TOTAL, {}), groups.get(SURVEY, {})
    if H.MAX not in total or not survey:
        return
    m = numeric[total[H.MAX].index]
    s_max = max_of(ctx, survey, numeric, len(data))
    pts = total.get(H.POINTS)
    if pts is None or s_max is None:
        return
    declared = pts.header_max
    index_col = ctx.header.one(H.INDEX)
    includes = False
    if declared is not None:
        includes = bool(np.nanmedian(m) > declared + 1e-9)
    elif index_col is not None:
        p = numeric[pts.index] + np.nan_to_num(numeric[survey[H.POINTS].index])
        stated = numeric[index_col.index]
        stated = np.where(np.nanmax(stated) <= 1.0, stated * 100, stated)
        as_part = np.abs(100 * p / (m + s_max) - stated)
        as_all = np.abs(100 * p / m - stated)
        includes = bool(np.nansum(as_all < as_part) > np.nansum(as_part < as_all))
    else:
        includes = bool(np.nanmax(m + s_max) > 100 + 1e-9)
    if includes:
        numeric[total[H.MAX].index] = m - s_max


def max_of(ctx: SheetContext, cols: dict, numeric: dict, n: int) -> np.ndarray | None:
    """A component's maxima: its own column, else the "(65)" in a header."""
    if H.MAX in cols:
        return numeric[cols[H.MAX].index]
    for role in (H.POINTS, H.SELF):
        if role in cols and cols[role].header_max is not None:
            return np.full(n, cols[role].header_max)
    return None


def index_values(ctx: SheetContext, numeric: dict) -> np.ndarray:
    """The published index in %, whether typed 85,65 / "85,65%" or stored as 0.8565."""
    values = numeric[ctx.header.one(H.INDEX).index]
    if np.isfinite(values).any() and np.nanmax(values) <= 1.0:
        values = values * 100  # Excel percentage cells hold 0.8565
    return values


def index_component(ctx: SheetContext, data, base, numeric) -> pd.DataFrame | None:
    """An index-only table: each unit's component `total` is its index out of a maximum of 100.

    The index (%) = 100 × points / maximum is then the published one exactly; rank, band and
    year-on-year follow as for any table. The field views say no breakdown was published.
    """
    col = ctx.header.one(H.INDEX)
    index = index_values(ctx, numeric)
    return component(ctx, data, base, {**numeric, col.index: index}, TOTAL,
                     {H.POINTS: col}, maxima=np.full(len(data), 100.0))


def inferred_maxima(ctx: SheetContext, points: np.ndarray, numeric: dict,
                    column: H.Column) -> np.ndarray | None:
    """The maximum a table without one implies: points ÷ index, to the half point it supports.

    Used only when every unit gives the same maximum that way and it reproduces each published
    index; the file is then read, with a note saying so.
    """
    if ctx.header.one(H.INDEX) is None:
        return None
    index = index_values(ctx, numeric)
    with np.errstate(divide="ignore", invalid="ignore"):
        implied = np.where(index > 0, 100 * points / index, np.nan)
    implied = implied[np.isfinite(implied)]
    if not len(implied):
        return None
    maximum = float(np.round(np.median(implied) * 2) / 2)
    ok = np.isnan(index) | np.isnan(points) | (
        np.abs(round_half_up(100 * points / maximum, 2) - index) <= 0.01 + 1e-9)
    if maximum <= 0 or not ok.all():
        return None
    ctx.notes.append(problem(
        "max_inferred", f"Tệp không có cột điểm tối đa: điểm tối đa {format_number(maximum)} được "
        "suy ra từ điểm và chỉ số đã công bố của mọi đơn vị.",
        f"The file has no maximum column: a maximum of {format_number(maximum, 2, 'en')} is "
        "inferred from every unit's published points and index.", sheet=ctx.sheet.name,
        column=column.label, severity="note"))
    return np.full(len(points), maximum)


def component(ctx: SheetContext, data, base, numeric, comp: str, cols: dict,
              maxima: np.ndarray | None = None) -> pd.DataFrame | None:
    """Canonical rows of one component (a field, the survey or the total)."""
    n = len(data)
    if H.POINTS not in cols:
        if cols.get(H.MAX) or cols.get(H.SELF):
            any_col = cols.get(H.MAX) or cols.get(H.SELF)
            ctx.err("missing_points_column", f"Không thấy cột điểm thẩm định của «{comp}».",
                     f"No appraised-points column for «{comp}».", column=any_col)
        return None
    if maxima is None:
        maxima = max_of(ctx, cols, numeric, n)
    if maxima is None and comp == TOTAL:
        maxima = inferred_maxima(ctx, numeric[cols[H.POINTS].index], numeric, cols[H.POINTS])
    if maxima is None:
        ctx.err("missing_max", f"Thiếu điểm tối đa của «{field_label(comp)}»: không có cột "
                 "«Điểm tối đa» và tiêu đề không ghi (vd. «Điểm thẩm định (65)»). Hãy thêm "
                 "cột điểm tối đa.", f"Missing maximum for «{field_label(comp)}»: no «Điểm tối "
                 "đa» column and no maximum in the header (e.g. «(65)»). Add a maximum column.",
                 column=cols[H.POINTS])
        return None
    points = numeric[cols[H.POINTS].index]
    selfp = numeric[cols[H.SELF].index] if H.SELF in cols else np.full(n, np.nan)
    keep = validate(ctx, data, comp, cols, maxima, points, selfp)
    part = base.loc[keep].copy()
    part["component"] = comp
    part["max_points"] = maxima[keep]
    part["points"] = points[keep]
    part["self_points"] = selfp[keep]
    return part


def validate(ctx: SheetContext, data, comp, cols, maxima, points, selfp) -> np.ndarray:
    """Row mask of usable values; located errors for missing, negative or excessive points."""
    rows = data["_row"].to_numpy()
    names = data[ctx.header.one(H.UNIT).index].to_numpy()
    typed = np.zeros(len(points), dtype=bool)
    for role in (H.MAX, H.POINTS):
        if role in cols:
            typed |= ctx.bad_text.get(cols[role].index, typed)
    na_pts, na_max = np.isnan(points) & ~typed, np.isnan(maxima) & ~typed
    not_applicable = na_pts & (na_max | (np.nan_to_num(maxima) == 0))
    checks = [
        (~na_pts & na_max, "missing_max", cols.get(H.MAX) or cols[H.POINTS], maxima,
         "Thiếu điểm tối đa của «{c}» cho «{u}». Hãy điền điểm tối đa.",
         "Missing maximum of «{c}» for «{u}». Fill in the maximum."),
        (na_pts & ~not_applicable, "missing_points", cols[H.POINTS], points,
         "Thiếu điểm của «{c}» cho «{u}» (điểm tối đa {m}). Hãy điền điểm, hoặc điểm tối đa 0 "
         "nếu tiêu chí không áp dụng.",
         "Missing points of «{c}» for «{u}» (maximum {m}). Fill them in, or set the maximum "
         "to 0 if the criterion does not apply."),
        (maxima < 0, "negative", cols.get(H.MAX) or cols[H.POINTS], maxima,
         "Điểm tối đa không được âm.", "The maximum cannot be negative."),
        (points < 0, "negative", cols[H.POINTS], points,
         "Điểm không được âm («{c}», «{u}»).", "Points cannot be negative («{c}», «{u}»)."),
        (selfp < 0, "negative", cols.get(H.SELF), selfp,
         "Điểm tự đánh giá không được âm.", "Self-assessed points cannot be negative."),
        (points > maxima + 1e-9, "above_max", cols[H.POINTS], points,
         "Điểm {v} của «{c}» vượt điểm tối đa {m} («{u}»). Hãy kiểm tra lại.",
         "Points {v} for «{c}» exceed the maximum {m} («{u}»). Check the value."),
        (selfp > maxima + 1e-9, "above_max", cols.get(H.SELF), selfp,
         "Điểm tự đánh giá {v} của «{c}» vượt điểm tối đa {m} («{u}»).",
         "Self-assessed points {v} for «{c}» exceed the maximum {m} («{u}»)."),
    ]
    bad = np.zeros(len(points), dtype=bool)
    with np.errstate(invalid="ignore"):
        for mask, code, col, values, vi, en in checks:
            mask = np.asarray(mask, dtype=bool)
            bad |= mask
            for i in np.flatnonzero(mask)[:MAX_PROBLEMS]:
                fmt = {"c": field_label(comp), "u": H.clean(names[i]), "m": f"{maxima[i]:g}",
                       "v": f"{values[i]:g}"}
                ctx.err(code, vi.format(**fmt), en.format(**fmt), row=int(rows[i]),
                         column=col, value=None if np.isnan(values[i]) else f"{values[i]:g}")
    return ~bad & ~not_applicable


def long_components(ctx: SheetContext, data, base, numeric) -> list[pd.DataFrame]:
    """The long layout: the Lĩnh vực column names each row's component."""
    hd = ctx.header
    fcol = hd.one(H.FIELD)
    comps = data[fcol.index].map(component_of_cell).to_numpy()
    cols = {role: hd.one(role) for role in (H.MAX, H.SELF, H.POINTS)
            if hd.one(role) is not None and hd.one(role).component is None}
    for i in np.flatnonzero(comps == ""):
        ctx.err("no_field", "Dòng thiếu tên lĩnh vực.", "The row has no field name.",
                 row=int(data["_row"].iat[i]), column=fcol)
    part = component(ctx, data, base, numeric, TOTAL, cols)
    if part is None:
        return []
    part["component"] = comps[part.index.to_numpy()] if len(part) else []
    return [part]


def stated(ctx: SheetContext, data, base, numeric) -> pd.DataFrame:
    """What the publisher wrote for totals, index, rank and band, for cross-checking."""
    hd = ctx.header
    out = base[["year", "level", "block", "province", "parent", "unit", "unit_code",
                "source"]].copy()
    out["sheet"], out["row"] = ctx.sheet.name, data["_row"].to_numpy()
    for name, col in (("stated_total", stated_col(hd, H.POINTS)),
                      ("stated_max", stated_col(hd, H.MAX)),
                      ("stated_index", hd.one(H.INDEX)), ("stated_rank", hd.one(H.RANK))):
        out[name] = numeric[col.index] if col is not None else np.nan
        out[name + "_col"] = col.label if col is not None else None
    band = hd.one(H.BAND)
    out["stated_band"] = data[band.index].map(H.clean).to_numpy() if band else ""
    out["stated_band_col"] = band.label if band else None
    if hd.one(H.INDEX) is not None:
        out["stated_index"] = index_values(ctx, numeric)
    return out


def table_info(ctx: SheetContext, table: Table) -> TableInfo:
    """What the upload page says was found in the sheet."""
    scores = table.scores
    hd = ctx.header
    used = {H.UNIT, H.STT}
    return TableInfo(
        sheet=ctx.sheet.name, layout=table.layout,
        header_rows=(hd.first_row + 1, hd.last_row + 1),
        years=sorted(int(y) for y in scores["year"].unique()),
        levels=[lv for lv in LEVELS if lv in set(scores["level"].unique())],
        blocks=[str(b) for b in pd.unique(scores["block"])],
        n_units=table.n_units,
        fields=[str(c) for c in pd.unique(scores["component"])],
        unrecognised=[c.header for c in hd.unrecognised if c.role not in used],
        parents=sorted(p for p in set(scores["parent"]) if p),
        provinces=sorted(p for p in set(scores["province"]) if p),
    )


def component_groups(hd: H.Header) -> dict[str, dict[str, H.Column]]:
    """Score columns grouped by component: {field: {max: col, self: col, points: col}}."""
    groups: dict[str, dict[str, H.Column]] = {}
    for c in hd.columns:
        if c.role in (H.MAX, H.SELF, H.POINTS) and c.component != H.STATED_TOTAL:
            comp = c.component or TOTAL
            groups.setdefault(comp, {}).setdefault(c.role, c)
    # a plain "Điểm tối đa" with no plain points column belongs to nothing
    return {k: v for k, v in groups.items() if H.POINTS in v or k != TOTAL or len(groups) == 1}


def stated_col(hd: H.Header, role: str) -> H.Column | None:
    cols = [c for c in hd.columns if c.role == role and c.component == H.STATED_TOTAL]
    return cols[0] if cols else None


def component_of_cell(value) -> str:
    """A long-layout Lĩnh vực cell as a component name (canonical when recognised)."""
    text = H.clean(value)
    if not text:
        return ""
    if fold(text) in ("tong", "tong diem", "total"):
        return TOTAL
    return canonical_field(text) or H.field_name(text)


def empty_scores() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in SCORE_COLUMNS + LOCATION_COLUMNS})
