"""Score spreadsheets as provinces publish them → canonical scores (see DESIGN.md, the contract)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cchc_metrics import headers as H
from cchc_metrics.checks import cross_check, duplicate_problems
from cchc_metrics.model import (
    DEFAULT_BLOCKS,
    LEVELS,
    MAX_BLOCK_CHARS,
    SCORE_COLUMNS,
    SURVEY,
    TOTAL,
    Bands,
    fold,
    level_of_text,
    level_of_unit_name,
    parse_bands,
)
from cchc_metrics.numbers import parse_numbers
from cchc_metrics.problems import Problem, ScoreFileError, column_letter, problem
from cchc_metrics.workbooks import Sheet, load_workbook

MAX_PROBLEMS = 200
_ROMAN = re.compile(r"^(?=[IVXLC])M*(C[MD]|D?C{0,3})(X[CL]|L?X{0,3})(I[XV]|V?I{0,3})$")
_ROMAN_PREFIX = re.compile(r"^\s*([IVXLC]+|[A-Z])\s*[.)/:–-]\s+(?P<rest>.+)$")
_AGGREGATE = re.compile(r"^(gia tri |diem |chi so )?(trung binh|binh quan|tong cong|tong so|"
                        r"cong\b|tong\b|ty le trung binh)")
_LEVEL_WORDS = {"department": ("so", "ban", "nganh", "department", "co quan"),
                "district": ("huyen", "district", "cap huyen"),
                "commune": ("xa", "phuong", "thi tran", "commune", "dac khu", "cap xa")}
CODE_WIDTH = {"commune": 5, "district": 3, "department": 0}


@dataclass
class TableInfo:
    """What the reader detected in one sheet, for the upload page's "what was found"."""

    sheet: str
    layout: str  # "wide" (a column group per field), "totals" or "long" (a row per field)
    header_rows: tuple[int, int]  # Excel row numbers of the header
    years: list[int]
    levels: list[str]
    blocks: list[str]
    n_units: int
    fields: list[str]
    unrecognised: list[str]  # headers of columns the reader did not use


@dataclass
class ReadResult:
    """Everything read from one file: scores, warnings, what was detected and the stated values."""

    scores: pd.DataFrame
    warnings: list[Problem]
    tables: list[TableInfo]
    stated: pd.DataFrame
    bands: Bands | None
    file_name: str
    kind: str
    sha256: str
    data: bytes = field(repr=False, default=b"")


def read_scores(source, year: int | None = None, level: str | None = None,
                sheet: str | None = None) -> pd.DataFrame:
    """The canonical scores of a file (raises ScoreFileError with located problems)."""
    return read_workbook(source, year=year, level=level, sheet=sheet).scores


def read_workbook(source, year: int | None = None, level: str | None = None,
                  sheet: str | None = None, bands: Bands | str | None = None,
                  name: str | None = None,
                  progress: Callable[[float, str], None] | None = None,
                  mapping: dict[str, str] | None = None) -> ReadResult:
    """Read a score file: scores, cross-check warnings and what was detected.

    `mapping` maps header texts the reader does not recognise to a role (see
    headers.MAPPABLE_ROLES), e.g. {"Điểm CC": "points:Cải cách thể chế"}.
    Nothing but ScoreFileError escapes, whatever the bytes.
    """
    try:
        return _read(source, year, level, sheet, bands, name, progress or (lambda *_: None),
                     mapping)
    except ScoreFileError:
        raise
    except (KeyboardInterrupt, SystemExit):
        raise
    except (MemoryError, RecursionError) as exc:
        raise ScoreFileError([problem("too_complex", "Tệp quá lớn hoặc quá phức tạp để đọc.",
                                      "The file is too large or complex to read.",
                                      value=type(exc).__name__)]) from None
    except BaseException as exc:  # a reader bug must still reach the user as a located message
        raise ScoreFileError([problem(
            "unreadable", "Không đọc được tệp này. Hãy lưu lại bằng Excel (.xlsx) theo mẫu và thử "
            "lại; nếu vẫn lỗi, gửi tệp cho quản trị viên.",
            "This file could not be read. Save it again from Excel (.xlsx) using the template and "
            "retry; if it still fails, send the file to the administrator.",
            value=f"{type(exc).__name__}: {exc}"[:200])]) from None


def _read(source, year, level, sheet, bands, name, progress, mapping) -> ReadResult:
    if level is not None and level not in LEVELS:
        raise ScoreFileError([problem("bad_level", f"Cấp «{level}» không hợp lệ; dùng một trong: "
                                      f"{', '.join(LEVELS)}.",
                                      f"Unknown level «{level}»; use one of {', '.join(LEVELS)}.")])
    bands = parse_bands(bands) if bands is not None else None
    try:
        for spec in (mapping or {}).values():
            H.parse_mapping(spec)
    except ValueError as exc:
        vi, _, en = str(exc).partition(" / ")
        raise ScoreFileError([problem("bad_mapping", vi, en)]) from None
    progress(0.05, "Đang mở tệp / Opening the file")
    book = load_workbook(source, name=name, sheet=sheet)
    parts, stated, infos, errors = [], [], [], []
    for i, sh in enumerate(book.sheets):
        progress(0.1 + 0.7 * i / max(len(book.sheets), 1), f"Trang tính / Sheet «{sh.name}»")
        parsed = SheetReader(sh, book.name, year, level, mapping).read()
        if parsed is None:
            continue
        errors += parsed.errors
        if parsed.info is not None:
            infos.append(parsed.info)
            parts.append(parsed.scores)
            stated.append(parsed.stated)
    if not infos and not errors:
        raise ScoreFileError([no_table_problem(book)])
    scores = pd.concat(parts, ignore_index=True) if parts else empty_scores()
    errors += duplicate_problems(scores)
    if not errors and scores.empty:
        errors.append(problem("no_units", "Không có đơn vị nào có điểm trong tệp.",
                              "No unit with scores was found in the file."))
    if errors:
        order = {sh.name: i for i, sh in enumerate(book.sheets)}
        errors.sort(key=lambda p: (order.get(p.sheet, -1), p.row or 0, p.column or ""))
        raise ScoreFileError(cap(errors))
    progress(0.85, "Đang đối chiếu / Cross-checking")
    stated_df = pd.concat(stated, ignore_index=True) if stated else pd.DataFrame()
    warnings, bands = cross_check(scores, stated_df, bands)
    progress(1.0, "Xong / Done")
    return ReadResult(scores=scores, warnings=book.notes + warnings, tables=infos,
                      stated=stated_df, bands=bands, file_name=book.name, kind=book.kind,
                      sha256=hashlib.sha256(book.data).hexdigest(), data=book.data)


def describe_columns(source, name: str | None = None, sheet: str | None = None,
                     mapping: dict[str, str] | None = None) -> pd.DataFrame:
    """Every header the reader finds, with the role it gave it (None: not recognised).

    Works even when the file would be refused, so a person can map the columns it missed.
    """
    empty = pd.DataFrame(columns=["sheet", "column", "header", "role", "component"])
    try:
        book = load_workbook(source, name=name, sheet=sheet)
    except ScoreFileError:
        return empty
    except Exception:  # the upload page calls this first; the read that follows reports  # noqa: BLE001
        return empty
    rows = []
    for sh in book.sheets:
        header = H.find_header(sh.rows, sh.merges, mapping=mapping) or H.loose_header(sh.rows)
        for c in header.columns if header else []:
            if c.header:
                rows.append({"sheet": sh.name, "column": column_letter(c.index),
                             "header": c.header, "role": c.role, "component": c.component})
    return pd.DataFrame(rows, columns=["sheet", "column", "header", "role", "component"])


def empty_scores() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in SCORE_COLUMNS})


def cap(problems: list[Problem]) -> list[Problem]:
    """At most MAX_PROBLEMS problems, and a line saying how many more there were."""
    if len(problems) <= MAX_PROBLEMS:
        return problems
    more = len(problems) - MAX_PROBLEMS
    return problems[:MAX_PROBLEMS] + [problem(
        "more", f"… và {more} lỗi khác cùng loại. Hãy sửa các lỗi trên rồi tải lên lại.",
        f"… and {more} more problems. Fix the ones above and upload again.")]


def no_table_problem(book) -> Problem:
    """Why nothing was found: empty file, or no header we recognise."""
    if all(not any(str(v).strip() for row in sh.rows for v in row) for sh in book.sheets):
        return problem("empty", "Tệp không có dữ liệu (mọi trang tính đều trống).",
                       "The file has no data (every sheet is empty).")
    names = ", ".join(f"«{s.name}»" for s in book.sheets)
    return problem(
        "no_header",
        f"Không tìm thấy dòng tiêu đề bảng điểm trong trang tính {names}. Bảng cần có cột tên đơn "
        "vị (vd. «Tên đơn vị», «Tên cơ quan») và cột điểm (vd. «Điểm tối đa», «Điểm thẩm định»). "
        "Hãy dùng mẫu nhập điểm tải từ trang Tải dữ liệu lên.",
        f"No score table header found in sheet(s) {names}. The table needs a unit-name column "
        "(e.g. «Tên đơn vị») and score columns (e.g. «Điểm tối đa», «Điểm thẩm định»). Use the "
        "upload template.")


@dataclass
class Parsed:
    info: TableInfo | None
    scores: pd.DataFrame | None
    stated: pd.DataFrame | None
    errors: list[Problem]


class SheetReader:
    """Reads one sheet: header, block rows, data rows, then components per unit."""

    def __init__(self, sheet: Sheet, file_name: str, year: int | None, level: str | None,
                 mapping: dict[str, str] | None = None):
        self.sheet, self.file_name, self.mapping = sheet, file_name, mapping
        self.year_arg, self.level_arg = year, level
        self.errors: list[Problem] = []
        self.bad_text: dict[int, np.ndarray] = {}  # cells already refused as not numbers

    def err(self, code: str, vi: str, en: str, row: int | None = None,
            column: H.Column | None = None, value=None) -> None:
        self.errors.append(problem(code, vi, en, sheet=self.sheet.name, row=row,
                                   column=column.label if column else None, value=value))

    def read(self) -> Parsed | None:
        rows = self.sheet.rows
        header = H.find_header(rows, self.sheet.merges, mapping=self.mapping)
        if header is None:
            return None
        self.header = header
        width = len(header.columns)
        self.title = " ".join(" ".join(H.row_texts(r, width)) for r in rows[:header.first_row])
        header_text = " ".join(c.header for c in header.columns)
        self.sheet_year = self.year_arg or H.year_in(self.title) or H.year_in(header_text) or \
            H.year_in(self.sheet.name) or H.year_in(self.file_name)
        data = self.data_rows(rows[header.last_row + 1:], header.last_row + 1)
        if data is None or data.empty:
            return Parsed(None, None, None, self.errors)
        self.assign_levels(data)
        self.assign_years(data)
        if self.errors:
            return Parsed(None, None, None, self.errors)
        scores, stated = self.components(data)
        if self.errors:
            return Parsed(None, None, None, self.errors)
        info = self.table_info(scores)
        return Parsed(info, scores, stated, [])

    # ---- rows -------------------------------------------------------------------------------
    def data_rows(self, rows: list[list], offset: int) -> pd.DataFrame | None:
        """Unit rows with the block each falls in; block, average and footer rows set aside.

        Plain unit rows (a name and scores) are found column-wise; only the few other rows
        (block rows, notes, rows with problems) are looked at one by one, in order.
        """
        hd = self.header
        unit_i = hd.one(H.UNIT).index
        stt = hd.one(H.STT)
        score_idx = [c.index for c in hd.columns if c.role in (H.MAX, H.SELF, H.POINTS)]
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
        aggregate = per_distinct(pd.Series(np.where(names != "", names, nums), dtype=object),
                                 lambda label: bool(_AGGREGATE.match(fold(label))))
        skip = aggregate.astype(bool)
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
                if has_scores[k]:
                    self.err("no_unit_name", "Dòng có điểm nhưng không có tên đơn vị. Hãy điền tên "
                             "đơn vị hoặc xóa dòng.", "A row has scores but no unit name. Fill in "
                             "the unit name or delete the row.", row=row, column=hd.one(H.UNIT))
            elif not has_scores[k] and (block_name := self.block_of(num, name)):
                block[k], block_level[k] = block_name, level_of_text(block_name) or ""
            elif skip[k]:
                continue  # averages, totals and the (1) (2) (3) numbering row
            elif not has_scores[k]:
                if re.fullmatch(r"\d+\.?", num):
                    self.err("missing_points", f"Đơn vị «{name}» không có điểm nào. Hãy điền điểm "
                             "hoặc xóa dòng.", f"Unit «{name}» has no scores. Fill them in or "
                             "delete the row.", row=row, value=name)
                # else: notes and signatures under the table
            else:
                self.err("no_unit_name", "Dòng có điểm nhưng không có tên đơn vị.",
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

    @staticmethod
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

    # ---- year and level ---------------------------------------------------------------------
    def assign_levels(self, data: pd.DataFrame) -> None:
        """Level of each row: argument, Cấp column, block row, title/header/sheet, unit names."""
        hd = self.header
        if self.level_arg:
            data["_level"] = self.level_arg
            return
        level = pd.Series([None] * len(data), index=data.index, dtype=object)
        col = hd.one(H.LEVEL)
        if col is not None:
            level = data[col.index].map(level_of_cell)
        level = level.fillna(data["_block_level"])
        sheet_level = (level_of_text(self.title) or level_of_text(hd.one(H.UNIT).header)
                       or level_of_text(self.sheet.name) or majority_level(data[hd.one(H.UNIT)
                                                                                    .index]))
        if sheet_level:
            level = level.fillna(sheet_level)
        else:
            level = level.fillna(data[hd.one(H.UNIT).index].map(
                lambda v: level_of_unit_name(H.clean(v))))
        missing = level.isna()
        if missing.any():
            first = data.loc[missing, "_row"].iloc[0]
            self.err("no_level", f"Không xác định được cấp đơn vị ({int(missing.sum())} dòng). Hãy "
                     "chọn cấp khi tải lên (sở, ban, ngành / UBND cấp huyện / UBND cấp xã), hoặc "
                     "dùng --level department|district|commune.",
                     f"Cannot tell the unit level ({int(missing.sum())} rows). Choose it when "
                     "uploading, or pass --level department|district|commune.", row=int(first))
        data["_level"] = level

    def assign_years(self, data: pd.DataFrame) -> None:
        """Year of each row: argument, Năm column, else the sheet's year."""
        if self.year_arg:
            data["_year"] = int(self.year_arg)
            return
        col = self.header.one(H.YEAR)
        year = pd.Series([self.sheet_year] * len(data), index=data.index, dtype=object)
        if col is not None:
            values, bad = parse_numbers(data[col.index])
            ok = ~np.isnan(values) & (values >= 1990) & (values <= 2100)
            for i in np.flatnonzero(~ok & (bad | ~np.isnan(values))):
                self.err("bad_year", "Năm không hợp lệ.", "Invalid year.",
                         row=int(data["_row"].iat[i]), column=col, value=data[col.index].iat[i])
            year = year.where(~ok, pd.Series(values, index=data.index).round())
        if year.isna().any():
            self.err("no_year", "Không xác định được năm đánh giá: tiêu đề, tên trang tính và tên "
                     "tệp đều không ghi năm. Hãy chọn năm khi tải lên hoặc dùng --year 2023.",
                     "Cannot tell the assessment year: neither title, sheet name nor file name "
                     "gives one. Choose it when uploading, or pass --year 2023.",
                     row=int(data.loc[year.isna(), "_row"].iloc[0]))
            return
        data["_year"] = year.astype(int)

    # ---- components ------------------------------------------------------------------------
    def components(self, data: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Canonical rows (one per unit × component) and the publisher's stated values."""
        hd = self.header
        units = data["_name"].to_numpy()
        columns = {
            "year": data["_year"].to_numpy(),
            "level": data["_level"].to_numpy(),
            "block": self.blocks(data),
            "province": self.text_col(data, H.PROVINCE),
            "parent": self.text_col(data, H.PARENT),
            "unit": units,
            "unit_code": self.codes(data),
            "source": [f"{self.file_name} · {self.sheet.name} · dòng {r}" for r in data["_row"]],
        }
        # Arrow text (pandas "str") from here on, as the store returns it: 10,000 names convert
        # once, and the duplicate check and unit_table factorize with Arrow instead of hashing
        # 80,000 Python strings each time
        base = pd.DataFrame({k: pd.Series(v, dtype="str" if k != "year" else None)
                             for k, v in columns.items()})
        district_blocks = {b for b in set(data["_block"]) if level_of_unit_name(b) == "district"}
        commune_block_parent = ((base["level"] == "commune") & (base["parent"] == "")
                                & data["_block"].isin(district_blocks).to_numpy())
        base.loc[commune_block_parent, "parent"] = data["_block"].to_numpy()[commune_block_parent]
        self.n_units = int(base[["year", "block", "parent", "unit"]].drop_duplicates().shape[0])
        numeric = {c.index: self.numbers(data, c) for c in hd.columns
                   if c.role in (H.MAX, H.SELF, H.POINTS, H.INDEX, H.RANK)}
        if hd.one(H.FIELD) is not None:
            self.layout = "long"
            parts = self.long_components(data, base, numeric)
        else:
            groups = component_groups(hd)
            self.layout = "wide" if any(k not in (TOTAL, SURVEY) for k in groups) else "totals"
            if self.layout == "totals":
                self.split_total_max(groups, numeric, data)
            parts = [self.component(data, base, numeric, comp, cols)
                     for comp, cols in groups.items()]
        parts = [p for p in parts if p is not None]
        scores = pd.concat(parts, ignore_index=True) if parts else empty_scores()
        scores = scores[SCORE_COLUMNS]
        return scores, self.stated(data, base, numeric)

    def blocks(self, data: pd.DataFrame) -> np.ndarray:
        col = self.header.one(H.BLOCK)
        block = data["_block"].copy()
        if col is not None:
            from_col = data[col.index].map(H.clean)
            block = from_col.where(from_col != "", block)
        default = data["_level"].map(DEFAULT_BLOCKS)
        block = block.where(block != "", default).to_numpy()
        for i in [i for i, b in enumerate(block) if len(b) > MAX_BLOCK_CHARS][:MAX_PROBLEMS]:
            self.err("block_too_long", f"Tên khối xếp hạng dài quá {MAX_BLOCK_CHARS} ký tự. Hãy "
                     "rút gọn tên khối (dòng La Mã hoặc cột «Khối»).", f"The ranking block's name "
                     f"is longer than {MAX_BLOCK_CHARS} characters. Shorten it (the Roman-numeral "
                     "row or the «Khối» column).", row=int(data["_row"].iat[i]), column=col,
                     value=block[i][:60] + "…")
        return block

    def text_col(self, data: pd.DataFrame, role: str) -> np.ndarray:
        col = self.header.one(role)
        if col is None:
            return np.full(len(data), "", dtype=object)
        return per_distinct(data[col.index], H.clean)

    def codes(self, data: pd.DataFrame) -> np.ndarray:
        """Official codes as text; numbers typed in Excel get their leading zeros back."""
        col = self.header.one(H.CODE)
        if col is None:
            return np.full(len(data), "", dtype=object)
        text = per_distinct(data[col.index], H.clean)
        width = data["_level"].map(CODE_WIDTH).fillna(0).to_numpy(dtype=int)
        digits = np.array([t.isascii() and t.isdigit() for t in text], dtype=bool)
        for w in set(width[digits & (width > 0)]):  # a level at a time: few distinct widths
            pad = digits & (width == w)
            text[pad] = [t.zfill(int(w)) for t in text[pad]]
        return text

    def numbers(self, data: pd.DataFrame, col: H.Column) -> np.ndarray:
        """A score column as floats; text that is not a number is a located error."""
        values, bad = parse_numbers(data[col.index])
        self.bad_text[col.index] = bad
        for i in np.flatnonzero(bad)[:MAX_PROBLEMS]:
            self.err("not_a_number", "Ô này phải là số (vd. 51,75 hoặc 51.75). Hãy sửa giá trị.",
                     "This cell must be a number (e.g. 51.75). Correct the value.",
                     row=int(data["_row"].iat[i]), column=col, value=data[col.index].iat[i])
        return values

    def split_total_max(self, groups: dict, numeric: dict, data: pd.DataFrame) -> None:
        """In a totals table, decide whether "Điểm tối đa" includes the survey's maximum."""
        total, survey = groups.get(TOTAL, {}), groups.get(SURVEY, {})
        if H.MAX not in total or not survey:
            return
        m = numeric[total[H.MAX].index]
        s_max = self.max_of(survey, numeric, len(data))
        pts = total.get(H.POINTS)
        if pts is None or s_max is None:
            return
        declared = pts.header_max
        index_col = self.header.one(H.INDEX)
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

    def max_of(self, cols: dict, numeric: dict, n: int) -> np.ndarray | None:
        """A component's maxima: its own column, else the "(65)" in a header."""
        if H.MAX in cols:
            return numeric[cols[H.MAX].index]
        for role in (H.POINTS, H.SELF):
            if role in cols and cols[role].header_max is not None:
                return np.full(n, cols[role].header_max)
        return None

    def component(self, data, base, numeric, comp: str, cols: dict) -> pd.DataFrame | None:
        """Canonical rows of one component (a field, the survey or the total)."""
        n = len(data)
        if H.POINTS not in cols:
            if cols.get(H.MAX) or cols.get(H.SELF):
                any_col = cols.get(H.MAX) or cols.get(H.SELF)
                self.err("missing_points_column", f"Không thấy cột điểm thẩm định của «{comp}».",
                         f"No appraised-points column for «{comp}».", column=any_col)
            return None
        maxima = self.max_of(cols, numeric, n)
        if maxima is None:
            self.err("missing_max", f"Thiếu điểm tối đa của «{label_of(comp)}»: không có cột "
                     "«Điểm tối đa» và tiêu đề không ghi (vd. «Điểm thẩm định (65)»). Hãy thêm "
                     "cột điểm tối đa.", f"Missing maximum for «{label_of(comp)}»: no «Điểm tối "
                     "đa» column and no maximum in the header (e.g. «(65)»). Add a maximum column.",
                     column=cols[H.POINTS])
            return None
        points = numeric[cols[H.POINTS].index]
        selfp = numeric[cols[H.SELF].index] if H.SELF in cols else np.full(n, np.nan)
        keep = self.validate(data, comp, cols, maxima, points, selfp)
        part = base.loc[keep].copy()
        part["component"] = comp
        part["max_points"] = maxima[keep]
        part["points"] = points[keep]
        part["self_points"] = selfp[keep]
        return part

    def validate(self, data, comp, cols, maxima, points, selfp) -> np.ndarray:
        """Row mask of usable values; located errors for missing, negative or excessive points."""
        rows = data["_row"].to_numpy()
        names = data[self.header.one(H.UNIT).index].to_numpy()
        typed = np.zeros(len(points), dtype=bool)
        for role in (H.MAX, H.POINTS):
            if role in cols:
                typed |= self.bad_text.get(cols[role].index, typed)
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
                    fmt = {"c": label_of(comp), "u": H.clean(names[i]), "m": f"{maxima[i]:g}",
                           "v": f"{values[i]:g}"}
                    self.err(code, vi.format(**fmt), en.format(**fmt), row=int(rows[i]),
                             column=col, value=None if np.isnan(values[i]) else f"{values[i]:g}")
        return ~bad & ~not_applicable

    def long_components(self, data, base, numeric) -> list[pd.DataFrame]:
        """The long layout: the Lĩnh vực column names each row's component."""
        hd = self.header
        fcol = hd.one(H.FIELD)
        comps = data[fcol.index].map(component_of_cell).to_numpy()
        cols = {role: hd.one(role) for role in (H.MAX, H.SELF, H.POINTS)
                if hd.one(role) is not None and hd.one(role).component is None}
        for i in np.flatnonzero(comps == ""):
            self.err("no_field", "Dòng thiếu tên lĩnh vực.", "The row has no field name.",
                     row=int(data["_row"].iat[i]), column=fcol)
        part = self.component(data, base, numeric, TOTAL, cols)
        if part is None:
            return []
        part["component"] = comps[part.index.to_numpy()] if len(part) else []
        return [part]

    def stated(self, data, base, numeric) -> pd.DataFrame:
        """What the publisher wrote for totals, index, rank and band, for cross-checking."""
        hd = self.header
        out = base[["year", "level", "block", "province", "parent", "unit", "unit_code",
                    "source"]].copy()
        out["sheet"], out["row"] = self.sheet.name, data["_row"].to_numpy()
        for name, col in (("stated_total", stated_col(hd, H.POINTS)),
                          ("stated_max", stated_col(hd, H.MAX)),
                          ("stated_index", hd.one(H.INDEX)), ("stated_rank", hd.one(H.RANK))):
            out[name] = numeric[col.index] if col is not None else np.nan
            out[name + "_col"] = col.label if col is not None else None
        band = hd.one(H.BAND)
        out["stated_band"] = data[band.index].map(H.clean).to_numpy() if band else ""
        out["stated_band_col"] = band.label if band else None
        if out["stated_index"].notna().any() and out["stated_index"].max() <= 1.0:
            out["stated_index"] = out["stated_index"] * 100  # Excel percentage cells hold 0.8565
        return out

    def table_info(self, scores: pd.DataFrame) -> TableInfo:
        hd = self.header
        used = {H.UNIT, H.STT}
        return TableInfo(
            sheet=self.sheet.name, layout=self.layout,
            header_rows=(hd.first_row + 1, hd.last_row + 1),
            years=sorted(int(y) for y in scores["year"].unique()),
            levels=[lv for lv in LEVELS if lv in set(scores["level"].unique())],
            blocks=[str(b) for b in pd.unique(scores["block"])],
            n_units=self.n_units,
            fields=[str(c) for c in pd.unique(scores["component"])],
            unrecognised=[c.header for c in hd.unrecognised if c.role not in used],
        )


def per_distinct(values: pd.Series, fn) -> np.ndarray:
    """fn applied once per distinct value (names and codes repeat across fields and rows)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return np.array([fn(u) for u in uniques], dtype=object)[codes] if len(values) else \
        np.array([], dtype=object)


def filled(value) -> bool:
    """A cell that holds something (calamine gives "" for empty cells)."""
    if value is None or value == "":
        return False
    return not (type(value) is str and not value.strip())


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


def label_of(comp: str) -> str:
    return {TOTAL: "Tổng điểm", SURVEY: "Điều tra xã hội học"}.get(comp, comp)


def component_of_cell(value) -> str:
    """A long-layout Lĩnh vực cell as a component name (canonical when recognised)."""
    from cchc_metrics.model import canonical_field

    text = H.clean(value)
    if not text:
        return ""
    if fold(text) in ("tong", "tong diem", "total"):
        return TOTAL
    return canonical_field(text) or H.field_name(text)


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
