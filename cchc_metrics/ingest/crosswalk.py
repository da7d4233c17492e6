"""A merger crosswalk sheet («Đơn vị mới | Đơn vị cũ | Từ ngày»), read like any untrusted file.

One row per predecessor: the unit formed, one unit it was formed from, and the date it took
effect; optionally «Cấp» and the former unit's «Dân số» (then an area's combined series can be
weighted by population). Read through the same container checks as score files; every problem
is located.
"""

from __future__ import annotations

import re
from datetime import date, datetime

import pandas as pd

from cchc_metrics.contract import LEVELS, LINEAGE_COLUMNS, MAX_UNIT_CHARS
from cchc_metrics.ingest.headers import clean
from cchc_metrics.ingest.problems import ScoreFileError, column_letter, problem, refuse
from cchc_metrics.names import fold, level_of_unit_name
from cchc_metrics.numbers import parse_number

CROSSWALK_COLUMNS = LINEAGE_COLUMNS
HEADERS = {"successor": ("don vi moi", "new unit", "successor"),
           "predecessor": ("don vi cu", "old unit", "predecessor"),
           "effective": ("tu ngay", "ngay hieu luc", "effective", "from"),
           "level": ("cap", "level"),
           "population": ("dan so", "dan so (nguoi)", "so dan", "population")}
_THOUSANDS = re.compile(r"^\d{1,3}([.,]\d{3})+$")  # «12.345» people: a thousands separator


def _population(value) -> float | None:
    """A head count as typed («12.345», «12 345», 12345); None when empty, NaN when not one."""
    if isinstance(value, str) and _THOUSANDS.match(value.strip().replace(" ", ".")):
        value = re.sub(r"[.,]", "", value.strip().replace(" ", ""))
    number = parse_number(value)
    return number if number is None or number >= 0 else float("nan")


def _date(value) -> date | None:
    """A cell as a date: an Excel date, «01/7/2025», «2025-07-01»; None when it is not one."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = clean(value)
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def read_crosswalk(source, name: str | None = None) -> pd.DataFrame:
    """The crosswalk's rows (CROSSWALK_COLUMNS), or ScoreFileError with each problem located."""
    from cchc_metrics.ingest.workbook import load_workbook

    book = load_workbook(source, name=name)
    sheet = book.sheets[0]
    where = None
    for r, row in enumerate(sheet.rows[:20]):
        found = {}
        for c, cell in enumerate(row):
            text = fold(clean(cell))
            for role, names in HEADERS.items():
                if text in names and role not in found:
                    found[role] = c
        if {"successor", "predecessor", "effective"} <= set(found):
            where = (r, found)
            break
    if where is None:
        raise refuse("no_header", "Không thấy dòng tiêu đề «Đơn vị mới | Đơn vị cũ | Từ ngày».",
                     "No header row «Đơn vị mới | Đơn vị cũ | Từ ngày» was found.",
                     sheet=sheet.name)
    header_row, cols = where
    rows, problems = [], []
    for r, row in enumerate(sheet.rows[header_row + 1:], start=header_row + 2):
        def cell(role, row=row):
            at = cols.get(role, len(row))
            return row[at] if at < len(row) else ""

        new, old = clean(cell("successor")), clean(cell("predecessor"))
        if not new and not old:
            continue  # a blank line
        for role, text in (("successor", new), ("predecessor", old)):
            if not text or len(text) > MAX_UNIT_CHARS:
                problems.append(problem(
                    "crosswalk_name", "Thiếu tên đơn vị, hoặc tên dài quá: hãy ghi tên đơn vị.",
                    "A unit's name is missing or too long: write the unit's name.",
                    sheet=sheet.name, row=r, column=column_letter(cols[role]), value=text[:60]))
        when = _date(cell("effective"))
        if when is None:
            problems.append(problem(
                "crosswalk_date", "Ngày không đọc được: hãy ghi dạng 01/7/2025.",
                "The date cannot be read: write it as 01/7/2025.", sheet=sheet.name, row=r,
                column=column_letter(cols["effective"]), value=clean(cell("effective"))))
        level = _level(clean(cell("level")) if "level" in cols else "", new)
        people = _population(cell("population")) if "population" in cols else None
        if people is not None and people != people:  # NaN: written, but not a head count
            problems.append(problem(
                "crosswalk_population", "Dân số không đọc được: hãy ghi số người, ví dụ 12.345.",
                "The population cannot be read: write a number of people, e.g. 12,345.",
                sheet=sheet.name, row=r, column=column_letter(cols["population"]),
                value=clean(cell("population"))))
        rows.append((level, new, old, when, f"crosswalk:{book.name}",
                     float("nan") if people is None else people))
    frame = pd.DataFrame(rows, columns=CROSSWALK_COLUMNS)
    twice = frame[frame.duplicated(["level", "predecessor", "effective"], keep=False) &
                  ~frame.duplicated(["level", "successor", "predecessor", "effective"],
                                    keep=False)]
    for old in twice["predecessor"].unique():
        problems.append(problem(
            "crosswalk_twice", f"«{old}» được ghi vào hai đơn vị mới cùng một ngày: hãy giữ một.",
            f"«{old}» is listed under two new units on the same date: keep one.",
            sheet=sheet.name, value=old))
    if problems:
        raise ScoreFileError(problems)
    if frame.empty:
        raise refuse("crosswalk_empty", "Bảng đối chiếu không có dòng nào.",
                     "The crosswalk has no rows.", sheet=sheet.name)
    return frame.drop_duplicates(["level", "successor", "predecessor", "effective"],
                                 ignore_index=True)


def _level(text: str, successor: str) -> str:
    """The level a row names («cấp xã», «department» …), else the one its new name implies."""
    folded = fold(text)
    for level in LEVELS:
        if folded in (level, fold(level)):
            return level
    if folded in ("xa", "cap xa", "phuong"):
        return "commune"
    if folded in ("so", "so, ban, nganh", "so ban nganh"):
        return "department"
    return level_of_unit_name(successor) or "department"
