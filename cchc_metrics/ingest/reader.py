"""Score files as provinces publish them → canonical scores: the reader's entry and its stages."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from cchc_metrics import settings
from cchc_metrics.bands import Bands, parse_bands
from cchc_metrics.contract import LEVELS, MAX_BLOCK_CHARS
from cchc_metrics.i18n import Msg, MsgError, msg, t
from cchc_metrics.ingest import headers as H
from cchc_metrics.ingest.checks import cross_check, duplicate_problems
from cchc_metrics.ingest.components import components, empty_scores, table_info
from cchc_metrics.ingest.problems import Problem, ScoreFileError, column_letter, problem
from cchc_metrics.ingest.sheet import (
    MAX_PROBLEMS,
    Parsed,
    TableInfo,
    assign_levels,
    assign_years,
    data_rows,
    filled,
    find_table,
)
from cchc_metrics.ingest.workbook import Sheet, load_workbook
from cchc_metrics.names import fold
from cchc_metrics.settings import SettingError


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

    @property
    def notes(self) -> list[Problem]:
        """What the reader did that a person should know (a maximum inferred, a sheet passed)."""
        return [p for p in self.warnings if p.severity == "note"]

    @property
    def to_confirm(self) -> list[Problem]:
        """The file's own figures that differ from ours: an import needs a person's yes."""
        return [p for p in self.warnings if p.severity != "note"]


def read_scores(source, year: int | None = None, level: str | None = None,
                sheet: str | None = None) -> pd.DataFrame:
    """The canonical scores of a file (raises ScoreFileError with located problems)."""
    return read_workbook(source, year=year, level=level, sheet=sheet).scores


def read_workbook(source, year: int | None = None, level: str | None = None,
                  sheet: str | None = None, bands: Bands | str | None = None,
                  name: str | None = None,
                  progress: Callable[[float, Msg], None] | None = None,
                  mapping: dict[str, str] | None = None, block: str | None = None) -> ReadResult:
    """Read a score file: scores, cross-check warnings and what was detected.

    `mapping` maps header texts the reader does not recognise to a role (see
    headers.MAPPABLE_ROLES), e.g. {"Điểm CC": "points:Cải cách thể chế"}. `block` puts every
    unit in one ranking block (a person's correction); it is checked as a block in the file is.
    Nothing but ScoreFileError escapes, whatever the bytes (and SettingError when the server's
    own settings are wrong: that is not the file's fault).
    """
    try:
        return _read(source, year, level, sheet, bands, name, progress or (lambda *_: None),
                     mapping, block)
    except (ScoreFileError, SettingError):  # a misconfigured server is not the file's fault
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


def _read(source, year, level, sheet, bands, name, progress, mapping, block) -> ReadResult:
    settings.validate()  # the limits below are read deep inside; a bad one is refused here
    block = checked_block(block)
    if level is not None and level not in LEVELS:
        raise ScoreFileError([problem("bad_level", f"Cấp «{level}» không hợp lệ; dùng một trong: "
                                      f"{', '.join(LEVELS)}.",
                                      f"Unknown level «{level}»; use one of {', '.join(LEVELS)}.")])
    bands = parse_bands(bands) if bands is not None else None
    try:
        for spec in (mapping or {}).values():
            H.parse_mapping(spec)
    except MsgError as exc:
        raise ScoreFileError([Problem("bad_mapping", exc.msg)]) from None
    progress(0.05, msg("reading_open"))
    book = load_workbook(source, name=name, sheet=sheet)
    parts, stated, infos, errors, notes, skipped = [], [], [], [], [], []
    for i, sh in enumerate(book.sheets):
        progress(0.1 + 0.7 * i / max(len(book.sheets), 1), msg("reading_sheet", sheet=sh.name))
        parsed = read_sheet(sh, book.name, year, level, mapping)
        if parsed is None:
            if not fold(sh.name).startswith(INSTRUCTION_SHEETS) and any(
                    filled(v) for row in sh.rows for v in row):
                skipped.append(sh.name)
            continue
        errors += parsed.errors
        notes += parsed.notes
        if parsed.info is not None:
            infos.append(parsed.info)
            parts.append(parsed.scores)
            stated.append(parsed.stated)
    if not infos and not errors:
        raise ScoreFileError([no_table_problem(book)])
    scores = pd.concat(parts, ignore_index=True) if parts else empty_scores()
    if block:
        scores["block"] = pd.Series(block, index=scores.index, dtype="str")
    errors += duplicate_problems(scores)
    if not errors and scores.empty:
        errors.append(problem("no_units", "Không có đơn vị nào có điểm trong tệp.",
                              "No unit with scores was found in the file."))
    if errors:
        order = {sh.name: i for i, sh in enumerate(book.sheets)}
        errors.sort(key=lambda p: (order.get(p.sheet, -1), p.row or 0, p.column or ""))
        raise ScoreFileError(cap(errors))
    progress(0.85, msg("reading_checks"))
    stated_df = pd.concat(stated, ignore_index=True) if stated else pd.DataFrame()
    warnings, bands = cross_check(scores, stated_df, bands)
    progress(1.0, msg("reading_done"))
    notes += [skipped_sheet(name) for name in skipped]  # nothing dropped in silence
    return ReadResult(scores=scores, warnings=book.notes + notes + warnings, tables=infos,
                      stated=stated_df, bands=bands, file_name=book.name, kind=book.kind,
                      sha256=hashlib.sha256(book.data).hexdigest(), data=book.data)


def read_sheet(sheet: Sheet, file_name: str, year: int | None = None, level: str | None = None,
               mapping: dict[str, str] | None = None) -> Parsed | None:
    """One sheet through the stages: table, rows, levels, years, components; None: no table."""
    ctx = find_table(sheet, file_name, year, level, mapping)
    if ctx is None:
        return None
    header = ctx.header
    data = data_rows(ctx, sheet.rows[header.last_row + 1:], header.last_row + 1)
    if data is None or data.empty:
        return Parsed(None, None, None, ctx.errors)
    assign_levels(ctx, data)
    assign_years(ctx, data)
    if ctx.errors:
        return Parsed(None, None, None, ctx.errors)
    table = components(ctx, data)
    if ctx.errors:
        return Parsed(None, None, None, ctx.errors)
    return Parsed(table_info(ctx, table), table.scores, table.stated, [], ctx.notes)


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


def cap(problems: list[Problem]) -> list[Problem]:
    """At most MAX_PROBLEMS problems, and a line saying how many more there were."""
    if len(problems) <= MAX_PROBLEMS:
        return problems
    more = len(problems) - MAX_PROBLEMS
    return problems[:MAX_PROBLEMS] + [problem(
        "more", f"… và {more} lỗi khác cùng loại. Hãy sửa các lỗi trên rồi tải lên lại.",
        f"… and {more} more problems. Fix the ones above and upload again.")]


INSTRUCTION_SHEETS = ("huong dan", "ghi chu", "instructions", "readme")  # not tables, by name


def checked_block(block: str | None) -> str | None:
    """A block typed by a person, held to what a block read from a file is held to."""
    if block is None:
        return None
    text = H.clean(block)
    if len(text) > MAX_BLOCK_CHARS:
        raise ScoreFileError([problem(
            "block_too_long", f"Tên khối xếp hạng nhập vào dài quá {MAX_BLOCK_CHARS} ký tự. Hãy "
            "rút gọn.", f"The ranking block typed in is longer than {MAX_BLOCK_CHARS} characters. "
            "Shorten it.", column=t("block_override", "vi"), value=text[:60] + "…")])
    return text or None


def skipped_sheet(name: str) -> Problem:
    """The note for a sheet with content but no score table: read past, and said so."""
    return problem("sheet_skipped",
                   "Trang tính này có nội dung nhưng không có bảng điểm nhận ra được (cột tên đơn "
                   "vị và cột điểm hoặc chỉ số), nên không được đọc. Nếu đây là bảng kết quả, hãy "
                   "gán cột ở bước «Cột trong tệp».",
                   "This sheet has content but no score table the reader recognises (a unit-name "
                   "column and score or index columns), so it was not read. If it is a results "
                   "table, map its columns in «Columns in the file».", sheet=name,
                   severity="note")


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
