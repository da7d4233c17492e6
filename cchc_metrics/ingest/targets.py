"""A targets sheet («Chỉ tiêu | Cấp | Năm | Đơn vị | Giá trị»), read like any untrusted file, and
the one check of targets however they come (a sheet, or the page's editor)."""

from __future__ import annotations

import pandas as pd

from cchc_metrics.contract import LEVELS, MAX_UNIT_CHARS, TARGET_COLUMNS
from cchc_metrics.indicators.measures import INDICATORS, indicator_name
from cchc_metrics.ingest.headers import clean
from cchc_metrics.ingest.problems import ScoreFileError, column_letter, problem, refuse
from cchc_metrics.names import fold
from cchc_metrics.numbers import parse_number

PAR_TARGETS = {"par_index": ("Chỉ số CCHC đăng ký (%)", "Registered PAR index (%)"),
               "par_rank": ("Thứ hạng CCHC đăng ký", "Registered PAR rank")}
HEADERS = {"measure": ("chi tieu", "indicator"), "level": ("cap", "level"),
           "year": ("nam", "year"), "unit": ("don vi", "unit"),
           "value": ("gia tri", "muc chi tieu", "value", "target")}
LEVEL_WORDS = {"so, ban, nganh": "department", "so": "department", "cap huyen": "district",
               "huyen": "district", "cap xa": "commune", "xa": "commune", "xa, phuong": "commune"}


def target_names(lang: str = "vi") -> dict[str, str]:
    """Every target's key → its name: the indicators, then the registered PAR goals."""
    out = {k: indicator_name(k, lang) for k in INDICATORS}
    return out | {k: (vi if lang == "vi" else en) for k, (vi, en) in PAR_TARGETS.items()}


def _measure(text: str) -> str | None:
    folded = fold(text)
    for lang in ("vi", "en"):
        for key, name in target_names(lang).items():
            if folded in (fold(name), key):
                return key
    return None


def _level(text: str) -> str | None:
    folded = fold(text)
    if folded in LEVELS:
        return folded
    return LEVEL_WORDS.get(folded)


def check_targets(frame: pd.DataFrame, *, sheet: str = "", first_row: int = 2,
                  columns: dict | None = None) -> tuple[pd.DataFrame, list]:
    """Raw target rows (text or numbers in TARGET_COLUMNS) → (clean rows, located problems).
    A rate or index target lies in 0–100; a rank is a whole number from 1."""
    columns = columns or {c: i for i, c in enumerate(TARGET_COLUMNS)}
    rows, problems = [], []
    for i, r in enumerate(frame.itertuples(index=False), start=first_row):
        r = dict(zip(TARGET_COLUMNS, r, strict=True))
        if all(clean(v) == "" for v in r.values()):
            continue

        def bad(column, vi, en, r=r, i=i):
            problems.append(problem("target_" + column, vi, en, sheet=sheet, row=i,
                                    column=column_letter(columns[column]),
                                    value=clean(r[column])[:60]))

        measure = _measure(clean(r["measure"])) or (r["measure"] if r["measure"] in
                                                     target_names() else None)
        level = _level(clean(r["level"])) or (r["level"] if r["level"] in LEVELS else None)
        year = parse_number(r["year"])
        value = parse_number(r["value"])
        unit = clean(r["unit"])
        if measure is None:
            bad("measure", "Không rõ chỉ tiêu: hãy ghi tên một chỉ tiêu của trang «Chỉ số phục "
                "vụ», hoặc «Chỉ số CCHC đăng ký (%)», «Thứ hạng CCHC đăng ký».", "Unknown "
                "indicator: write the name of one on the «Service indicators» page, or a "
                "registered PAR goal.")
        if level is None:
            bad("level", "Không rõ cấp: ghi «Sở, ban, ngành», «Cấp huyện» hoặc «Cấp xã».",
                "Unknown level: write department, district or commune.")
        if year is None or year != year or not 2000 <= year <= 2100 or year != int(year):
            bad("year", "Năm phải là số, ví dụ 2025.", "The year must be a number, e.g. 2025.")
        if len(unit) > MAX_UNIT_CHARS:
            bad("unit", "Tên đơn vị dài quá.", "The unit's name is too long.")
        if measure == "par_rank":
            if value is None or value != value or value < 1 or value != int(value):
                bad("value", "Thứ hạng phải là số nguyên từ 1.", "A rank is a whole number "
                    "from 1.")
            elif not unit:
                bad("unit", "Thứ hạng đăng ký là của một đơn vị: hãy ghi tên đơn vị.",
                    "A registered rank is one unit's: write the unit.")
        elif value is None or value != value or not 0 <= value <= 100:
            bad("value", "Chỉ tiêu phải là số từ 0 đến 100.", "A target is a number from 0 to "
                "100.")
        if measure and level and year == year and year is not None and value is not None:
            rows.append((measure, level, int(year), unit, float(value)))
    out = pd.DataFrame(rows, columns=TARGET_COLUMNS)
    twice = out[out.duplicated(["measure", "level", "year", "unit"], keep=False)]
    for key in twice.drop_duplicates(["measure", "level", "year", "unit"]).itertuples():
        problems.append(problem("target_twice", "Chỉ tiêu này được ghi hai lần: hãy giữ một.",
                                "This target is written twice: keep one.", sheet=sheet,
                                value=f"{key.measure} · {key.level} · {key.year} · {key.unit}"))
    return out, problems


def read_targets(source, name: str | None = None) -> pd.DataFrame:
    """A targets sheet's rows (TARGET_COLUMNS), or ScoreFileError with each problem located."""
    from cchc_metrics.ingest.workbook import load_workbook

    book = load_workbook(source, name=name)
    sheet = book.sheets[0]
    for r, row in enumerate(sheet.rows[:20]):
        found = {}
        for c, cell in enumerate(row):
            for role, names in HEADERS.items():
                if fold(clean(cell)) in names and role not in found:
                    found[role] = c
        if {"measure", "level", "year", "value"} <= set(found):
            body = [[row[found[c]] if c in found and found[c] < len(row) else ""
                     for c in TARGET_COLUMNS] for row in sheet.rows[r + 1:]]
            columns = {c: found.get(c, len(row)) for c in TARGET_COLUMNS}
            frame, problems = check_targets(pd.DataFrame(body, columns=TARGET_COLUMNS),
                                            sheet=sheet.name, first_row=r + 2, columns=columns)
            if problems:
                raise ScoreFileError(problems)
            if frame.empty:
                raise refuse("targets_empty", "Bảng chỉ tiêu không có dòng nào.",
                             "The targets sheet has no rows.", sheet=sheet.name)
            return frame
    raise refuse("no_targets_header", "Không thấy dòng tiêu đề «Chỉ tiêu | Cấp | Năm | Đơn vị | "
                 "Giá trị».", "No header row «Chỉ tiêu | Cấp | Năm | Đơn vị | Giá trị» was "
                 "found.", sheet=sheet.name)
