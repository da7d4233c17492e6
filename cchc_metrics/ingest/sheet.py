"""One sheet, read in stages over a small context: find the table, its rows, levels and years.

reader.read_sheet runs the stages in order; each takes the SheetContext (what is known of the sheet
and its header, and the problems found so far) and the rows, and adds what it found. The last
stage (points per unit and component, the publisher's stated values) is components.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cchc_metrics.contract import LEVELS
from cchc_metrics.ingest import headers as H
from cchc_metrics.ingest.problems import Problem, problem
from cchc_metrics.ingest.workbook import Sheet
from cchc_metrics.names import fold, level_of_text, level_of_unit_name
from cchc_metrics.numbers import parse_number, parse_numbers

MAX_PROBLEMS = 200
_ROMAN = re.compile(r"^(?=[IVXLC])M*(C[MD]|D?C{0,3})(X[CL]|L?X{0,3})(I[XV]|V?I{0,3})$")
_ROMAN_PREFIX = re.compile(r"^\s*([IVXLC]+|[A-Z]|\d{1,2})\s*[.)/:–-]\s+(?P<rest>.+)$")
# Summary rows, wherever their word stands: «Trung bình chung», «Tổng cộng», «Cộng», «Giá trị
# trung bình», «Chỉ số CCHC bình quân của các sở, ban, ngành» (folded text)
_SUMMARY = re.compile(r"^(tong cong|tong so|tong|cong)\b|\b(trung binh|binh quan)\b")
_SUMMARY_HINT = re.compile(r"t[oôổ]ng|c[oôộ]ng|trung b|b[iì]nh qu", re.IGNORECASE)
_LEVEL_WORDS = {"ministry": ("bo", "ministry", "co quan ngang bo"),
                "province": ("tinh", "province", "thanh pho truc thuoc"),
                "department": ("so", "ban", "nganh", "department", "co quan"),
                "district": ("huyen", "district", "cap huyen"),
                "commune": ("xa", "phuong", "thi tran", "commune", "dac khu", "cap xa")}


@dataclass
class TableInfo:
    """What the reader detected in one sheet, for the upload page's "what was found"."""

    sheet: str
    layout: str  # "wide" (a column group per field), "totals", "long" (a row per field), "index"
    header_rows: tuple[int, int]  # Excel row numbers of the header
    years: list[int]
    levels: list[str]
    blocks: list[str]
    n_units: int
    fields: list[str]
    unrecognised: list[str]  # headers of columns the reader did not use
    parents: list[str] = field(default_factory=list)  # districts of the communes (column or title)
    provinces: list[str] = field(default_factory=list)



@dataclass
class SheetContext:
    """What the stages know of one sheet: the caller's hints, its header and title, problems."""

    sheet: Sheet
    file_name: str
    year_arg: int | None
    level_arg: str | None
    header: H.Header
    title: str
    sheet_year: int | None
    title_province: str | None = None  # «… TỈNH TÂY NINH NĂM 2023»
    title_district: str | None = None  # «… CÁC XÃ, THỊ TRẤN HUYỆN CẨM GIÀNG»
    errors: list[Problem] = field(default_factory=list)
    bad_text: dict[int, np.ndarray] = field(default_factory=dict)  # cells refused as not numbers
    notes: list[Problem] = field(default_factory=list)  # warnings that do not stop the file

    def err(self, code: str, vi: str, en: str, row: int | None = None,
            column: H.Column | None = None, value=None) -> None:
        """Record a located problem of this sheet."""
        self.errors.append(problem(code, vi, en, sheet=self.sheet.name, row=row,
                                   column=column.label if column else None, value=value))


@dataclass
class Parsed:
    """One sheet's outcome: what was found and its rows, or the problems that stop it."""

    info: TableInfo | None
    scores: pd.DataFrame | None
    stated: pd.DataFrame | None
    errors: list[Problem]
    notes: list[Problem] = field(default_factory=list)



def find_table(sheet: Sheet, file_name: str, year: int | None, level: str | None,
               mapping: dict[str, str] | None) -> SheetContext | None:
    """Stage 1: the header, the title above it and the year they (or the names) state."""
    rows = sheet.rows
    header = H.find_header(rows, sheet.merges, mapping=mapping)
    if header is None:
        return None
    width = len(header.columns)
    lines = [" ".join(H.row_texts(r, width)) for r in rows[:header.first_row]]
    title = " ".join(lines)
    header_text = " ".join(c.header for c in header.columns)
    sheet_year = year or H.year_in(title) or H.year_in(header_text) or \
        H.year_in(sheet.name) or H.year_in(file_name)
    named = [H.places_in(line) for line in lines]  # line by line: a name ends with its line
    province = next((p for p, _ in named if p), None)
    district = next((d for _, d in named if d), None)
    return SheetContext(sheet, file_name, year, level, header, title, sheet_year,
                        title_province=province, title_district=district)


def data_rows(ctx: SheetContext, rows: list[list], offset: int) -> pd.DataFrame | None:
    """Stage 2: unit rows with the block each falls in; block, average and footer rows set aside.

    Plain unit rows (a name and scores) are found column-wise; only the few other rows
    (block rows, notes, rows with problems) are looked at one by one, in order.
    """
    hd = ctx.header
    unit_i = hd.one(H.UNIT).index
    stt = hd.one(H.STT)
    score_idx = [c.index for c in hd.columns if c.role in (H.MAX, H.SELF, H.POINTS, H.INDEX)]
    keep_idx = [c.index for c in hd.columns if c.role is not None]
    width = max(keep_idx) + 1
    if not rows:
        return None
    if any(len(r) != width for r in rows):
        rows = [(list(r) + [""] * width)[:width] for r in rows]
    grid = pd.DataFrame(rows, dtype=object)
    cells = grid.to_numpy()
    n = len(grid)
    names = per_distinct(grid[unit_i], H.clean)
    nums = np.full(n, "", dtype=object)  # the STT cell matters only where the name is not
    if stt:
        nameless = np.flatnonzero(names == "")
        nums[nameless] = [H.clean(v) for v in grid[stt.index].to_numpy()[nameless]]
    has_scores = np.zeros(n, dtype=bool)
    todo = np.arange(n)
    for c in score_idx:  # numbers first, column by column on the rows still without one
        found = pd.notna(pd.to_numeric(cells[todo, c], errors="coerce"))
        has_scores[todo[found]] = True
        todo = todo[~found]
        if not len(todo):
            break
    for k in np.flatnonzero(~has_scores):
        has_scores[k] = any(filled(cells[k, c]) for c in score_idx)
    skip = summary_rows(np.where(names != "", names, nums))
    short = np.array([len(x) <= 4 for x in names], dtype=bool) & ((names != "") | (nums != ""))
    for k in np.flatnonzero(short):
        skip[k] = skip[k] or H.is_numbering_row([H.clean(cells[k, c]) for c in keep_idx])
    keep = (names != "") & has_scores & ~skip
    block = np.full(n, None, dtype=object)  # set on block rows, carried down to units
    block_level = np.full(n, None, dtype=object)
    for k in np.flatnonzero(~keep):
        name, row = names[k], offset + k + 1
        num = H.clean(cells[k, stt.index]) if stt and name else nums[k]
        if not name and not num:
            if has_scores[k] and any(number_in(cells[k, c]) for c in score_idx):
                ctx.err("no_unit_name", "Dòng có điểm nhưng không có tên đơn vị. Hãy điền tên "
                         "đơn vị hoặc xóa dòng.", "A row has scores but no unit name. Fill in "
                         "the unit name or delete the row.", row=row, column=hd.one(H.UNIT))
        elif not has_scores[k] and (block_name := block_of(num, name)):
            block[k], block_level[k] = block_name, level_of_text(block_name) or ""
        elif skip[k]:
            continue  # averages, totals and the (1) (2) (3) numbering row
        elif not has_scores[k]:
            if re.fullmatch(r"\d+\.?", num):
                ctx.err("missing_points", f"Đơn vị «{name}» không có điểm nào. Hãy điền điểm "
                         "hoặc xóa dòng.", f"Unit «{name}» has no scores. Fill them in or "
                         "delete the row.", row=row, value=name)
            # else: notes and signatures under the table
        else:
            ctx.err("no_unit_name", "Dòng có điểm nhưng không có tên đơn vị.",
                     "A row has scores but no unit name.", row=row,
                     column=hd.one(H.UNIT), value=num)
    if not keep.any():
        return None
    data = grid[keep].reset_index(drop=True)
    level = pd.Series(block_level).ffill().to_numpy()[keep]
    text = {"_block": pd.Series(block).ffill().fillna("").to_numpy()[keep],
            "_block_level": np.where(level == "", None, level),  # "": a block of no level
            "_name": names[keep]}
    for column, values in text.items():  # object, not Arrow: these are read row by row
        data[column] = pd.Series(values, dtype=object)
    data["_row"] = offset + np.flatnonzero(keep) + 1
    return data


def block_of(num: str, name: str) -> str | None:
    """The block a Roman-numeral or "Khối …" row starts, else None."""
    if num and (_ROMAN.match(num.strip(" .")) or re.fullmatch(r"[A-Z]\.?", num)):
        return H.field_name(name) if name else None
    text = name or num
    m = _ROMAN_PREFIX.match(text)
    if m:
        return " ".join(m.group("rest").split()).strip(" .:")
    if re.match(r"(khoi|nhom)\b", fold(text)) or (not num and level_of_text(text)):
        return " ".join(text.split()).strip(" .:")
    return None


def assign_levels(ctx: SheetContext, data: pd.DataFrame) -> None:
    """Stage 3: the level of each row (column _level): argument, Cấp column, block row, title/header/sheet, unit names."""
    hd = ctx.header
    if ctx.level_arg:
        data["_level"] = ctx.level_arg
        return
    level = pd.Series([None] * len(data), index=data.index, dtype=object)
    col = hd.one(H.LEVEL)
    if col is not None:
        level = data[col.index].map(level_of_cell)
    level = level.fillna(data["_block_level"])
    sheet_level = (level_of_text(ctx.title) or level_of_text(hd.one(H.UNIT).header)
                   or level_of_text(ctx.sheet.name) or majority_level(data[hd.one(H.UNIT)
                                                                                .index]))
    if sheet_level:
        level = level.fillna(sheet_level)
    else:
        level = level.fillna(data[hd.one(H.UNIT).index].map(
            lambda v: level_of_unit_name(H.clean(v))))
    missing = level.isna()
    if missing.any():
        first = data.loc[missing, "_row"].iloc[0]
        ctx.err("no_level", f"Không xác định được cấp đơn vị ({int(missing.sum())} dòng). Hãy "
                 "chọn cấp khi tải lên (sở, ban, ngành / UBND cấp huyện / UBND cấp xã), hoặc "
                 "dùng --level department|district|commune.",
                 f"Cannot tell the unit level ({int(missing.sum())} rows). Choose it when "
                 "uploading, or pass --level department|district|commune.", row=int(first))
    data["_level"] = level


def assign_years(ctx: SheetContext, data: pd.DataFrame) -> None:
    """Stage 4: the year of each row (column _year): argument, Năm column, else the sheet's year."""
    if ctx.year_arg:
        data["_year"] = int(ctx.year_arg)
        return
    col = ctx.header.one(H.YEAR)
    year = pd.Series([ctx.sheet_year] * len(data), index=data.index, dtype=object)
    if col is not None:
        values, bad = parse_numbers(data[col.index])
        ok = ~np.isnan(values) & (values >= 1990) & (values <= 2100)
        for i in np.flatnonzero(~ok & (bad | ~np.isnan(values))):
            ctx.err("bad_year", "Năm không hợp lệ.", "Invalid year.",
                     row=int(data["_row"].iat[i]), column=col, value=data[col.index].iat[i])
        year = year.where(~ok, pd.Series(values, index=data.index).round())
    if year.isna().any():
        ctx.err("no_year", "Không xác định được năm đánh giá: tiêu đề, tên trang tính và tên "
                 "tệp đều không ghi năm. Hãy chọn năm khi tải lên hoặc dùng --year 2023.",
                 "Cannot tell the assessment year: neither title, sheet name nor file name "
                 "gives one. Choose it when uploading, or pass --year 2023.",
                 row=int(data.loc[year.isna(), "_row"].iloc[0]))
        return
    data["_year"] = year.astype(int)


def summary_rows(labels: np.ndarray) -> np.ndarray:
    """Which labels name an average or total row rather than a unit.

    A unit's own name («Công an tỉnh», «Xã Bình Quân») is never one. Only labels holding a hint
    of the words are folded and read whole: 10,000 commune names are sorted out at once.
    """
    series = pd.Series(labels, dtype=object)
    maybe = np.flatnonzero(series.str.contains(_SUMMARY_HINT, na=False).to_numpy(dtype=bool))
    found = np.zeros(len(labels), dtype=bool)
    found[maybe] = per_distinct(pd.Series(labels[maybe], dtype=object), is_summary).astype(bool)
    return found


def is_summary(label: str) -> bool:
    """«Trung bình chung» yes, «Công an tỉnh» no."""
    text = fold(label)
    return bool(_SUMMARY.search(text)) and level_of_unit_name(label) is None


def per_distinct(values: pd.Series, fn) -> np.ndarray:
    """fn applied once per distinct value (names and codes repeat across fields and rows)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return np.array([fn(u) for u in uniques], dtype=object)[codes] if len(values) else \
        np.array([], dtype=object)


def number_in(value) -> bool:
    """A cell that holds a number (a signature or a note under a score column does not)."""
    number = parse_number(value)
    return number is not None and number == number


def filled(value) -> bool:
    """A cell that holds something (calamine gives "" for empty cells)."""
    if value is None or value == "":
        return False
    return not (type(value) is str and not value.strip())


def level_of_cell(value) -> str | None:
    """A Cấp cell ("Sở, ban, ngành", "UBND cấp xã", "commune") as a level."""
    text = fold(H.clean(value))
    if not text:
        return None
    if text in LEVELS:
        return text
    guess = level_of_text(text)
    if guess:
        return guess
    for level, words in _LEVEL_WORDS.items():
        if any(re.search(rf"\b{w}\b", text) for w in words):
            return level
    return None


def majority_level(names: pd.Series) -> str | None:
    """The level most unit names say (≥ 60 % agreeing), e.g. all "Sở …" → department."""
    guesses = names.map(lambda v: level_of_unit_name(H.clean(v))).dropna()
    if guesses.empty:
        return None
    counts = guesses.value_counts()
    return counts.index[0] if counts.iloc[0] >= 0.6 * len(names) else None
