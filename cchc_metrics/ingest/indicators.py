"""Service indicator tables, read like any untrusted file: monthly service index announcements
and one-stop statistics sheets («Mức độ | Tổng số | Đã giải quyết | Trước hạn | Đúng hạn | Trễ
hạn | Đang giải quyết»), any number of sheets, each a period.

Found without being told: a sheet whose header names three of the service index's groups is an
announcement; one that names three counts is statistics. The period comes from the call, else
the sheet's name, its title rows or the file's name. Rows by level of service («Mức độ 3»,
«Toàn trình») are summed per unit. Counts that do not add up and points above their maximum
are located errors; a rate or total the file states is checked against the counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cchc_metrics.contract import DEFAULT_BLOCKS, INDICATOR_COLUMNS, LEVELS, MAX_UNIT_CHARS
from cchc_metrics.indicators.measures import GROUP_KEYS, GROUP_MAX, RATE_BY_KEY
from cchc_metrics.indicators.periods import period_in
from cchc_metrics.ingest.headers import clean
from cchc_metrics.ingest.problems import ScoreFileError, column_letter, problem, refuse
from cchc_metrics.names import fold, level_of_unit_name
from cchc_metrics.numbers import format_number, parse_number, round_half_up

# folded header → what the column holds (a measure, or a role)
COUNT_HEADERS = {
    "tong so": "received", "tong so ho so": "received", "tiep nhan": "received",
    "ho so tiep nhan": "received", "so ho so tiep nhan": "received",
    "tong so ho so tiep nhan": "received",
    "da giai quyet": "resolved", "so ho so da giai quyet": "resolved",
    "truoc han": "early", "giai quyet truoc han": "early",
    "dung han": "on_time", "giai quyet dung han": "on_time",
    "tre han": "late", "qua han": "late", "giai quyet tre han": "late",
    "dang giai quyet": "pending", "chua giai quyet": "pending",
    "tiep nhan truc tuyen": "online_received", "truc tuyen": "online_received",
    "toan trinh": "online_full", "truc tuyen toan trinh": "online_full",
    "mot phan": "online_partial", "truc tuyen mot phan": "online_partial",
    "ho so duoc so hoa": "digitised_dossiers", "so hoa ho so": "digitised_dossiers",
    "ket qua duoc so hoa": "digitised_results", "so hoa ket qua": "digitised_results",
    "thanh toan truc tuyen": "online_payments",
    "van ban phat hanh": "documents", "tong so van ban": "documents",
    "van ban ky so": "signed_documents", "ky so": "signed_documents",
}
GROUP_HEADERS = {
    "cong khai, minh bach": "svc_public", "cong khai minh bach": "svc_public",
    "tien do, ket qua giai quyet": "svc_progress", "tien do ket qua giai quyet": "svc_progress",
    "cung cap dich vu truc tuyen": "svc_online", "dich vu truc tuyen": "svc_online",
    "dich vu cong truc tuyen": "svc_online",
    "muc do hai long": "svc_satisfaction", "hai long": "svc_satisfaction",
    "so hoa ho so": "svc_digitisation",
}
ROLE_HEADERS = {
    "don vi": "unit", "ten don vi": "unit", "co quan, don vi": "unit", "co quan": "unit",
    "don vi, dia phuong": "unit", "xa, phuong": "unit", "ten co quan, don vi": "unit",
    "ma dvhc": "unit_code", "ma don vi": "unit_code", "khoi": "block", "khoi xep hang": "block",
    "don vi cap huyen": "parent", "huyen": "parent", "thuoc huyen": "parent",
    "muc do": "service_level", "stt": "number",
    "tong diem": "stated_total", "tong": "stated_total", "ty le dung han": "stated_on_time",
    "ty le giai quyet dung han": "stated_on_time", "ty le (%)": "stated_on_time",
    "ty le truoc han, dung han": "stated_on_time", "xep hang": "stated_rank",
}
_POINTS = re.compile(r"\((?:toi da\s*)?(\d+(?:[.,]\d+)?)\s*diem\)")  # «(18 điểm)»
_SECTION = re.compile(r"^(?:[ivx]+|[a-z]|\d+)[.)]\s+|^khoi\b")  # «I. KHỐI PHƯỜNG», «Khối xã»


@dataclass
class IndicatorResult:
    """What a file held: rows (contract.INDICATOR_COLUMNS), warnings, kinds of sheets read."""

    rows: pd.DataFrame
    warnings: list = field(default_factory=list)
    kinds: tuple[str, ...] = ()


def _header(row: list, mapping: dict | None = None
            ) -> tuple[str, dict[int, str], dict[str, float]] | None:
    """(kind, column → measure or role, group → stated maximum) when the row is a header.
    `mapping` (a header as the file writes it → a measure) names columns the reader does not
    know (never one it knows); it never makes a row a header by itself."""
    groups, counts, roles, tops = {}, {}, {}, {}
    mapped = {}
    for c, cell in enumerate(row):
        text = fold(clean(cell))
        bare = _POINTS.sub("", text).strip(" :")
        known = bare in GROUP_HEADERS or bare in COUNT_HEADERS or bare in ROLE_HEADERS
        if not known and mapping and mapping.get(clean(cell)) in MAPPABLE:
            mapped[c] = mapping[clean(cell)]  # only a column the reader does not know
            continue
        if bare in GROUP_HEADERS and GROUP_HEADERS[bare] not in groups.values():
            groups[c] = GROUP_HEADERS[bare]
            if m := _POINTS.search(text):
                tops[GROUP_HEADERS[bare]] = float(m.group(1).replace(",", "."))
        if bare in COUNT_HEADERS and COUNT_HEADERS[bare] not in counts.values():
            counts[c] = COUNT_HEADERS[bare]
        if bare in ROLE_HEADERS and ROLE_HEADERS[bare] not in roles.values():
            roles[c] = ROLE_HEADERS[bare]
    if len(groups) >= 3 and "unit" in roles.values():
        return "service", {**roles, **groups, **mapped}, tops
    if len(counts) >= 3 and ("unit" in roles.values() or "service_level" in roles.values()):
        counts = {c: m for c, m in counts.items() if c not in roles}
        return "counts", {**roles, **counts, **mapped}, tops
    return None


def indicator_columns(source, name: str | None = None) -> pd.DataFrame:
    """The header cells of each indicator sheet and what the reader takes each for (`role`: a
    measure, a role such as the unit, or None when it does not know): what the upload page
    offers to map."""
    from cchc_metrics.ingest.workbook import load_workbook

    book = load_workbook(source, name=name)
    out = []
    for sheet in book.sheets:
        for row in sheet.rows[:30]:
            found = _header(row)
            if found is None:
                continue
            for c, cell in enumerate(row):
                if clean(cell):
                    out.append((sheet.name, column_letter(c), clean(cell), found[1].get(c)))
            break
    return pd.DataFrame(out, columns=["sheet", "column", "header", "role"])


def read_indicators(source, name: str | None = None, *, year: int | None = None,
                    month: int | None = None, level: str | None = None,
                    mapping: dict | None = None) -> IndicatorResult:
    """Every indicator sheet of a file, or ScoreFileError with each problem located. `year`
    and `month` state the period (a month) when the file does not; `mapping` names columns
    the reader does not know (header → measure)."""
    from cchc_metrics.ingest.workbook import load_workbook

    book = load_workbook(source, name=name)
    frames, problems, warnings, kinds = [], [], [], []
    for sheet in book.sheets:
        found = next(((r, h) for r, row in enumerate(sheet.rows[:30])
                      if (h := _header(row, mapping)) is not None), None)
        if found is None:
            continue
        at, (kind, columns, tops) = found
        title = " ".join(clean(c) for row in sheet.rows[:at] for c in row if clean(c))
        period = ((year, month, month) if year and month else
                  period_in(sheet.name) or period_in(title) or period_in(book.name or ""))
        if period is None:
            problems.append(problem(
                "indicator_period", "Không rõ kỳ báo cáo: hãy ghi «Tháng 3/2025» (hoặc «Quý I/2025», "
                "«6 tháng đầu năm 2025») trong tiêu đề hoặc tên trang tính.",
                "The period is not stated: write «Tháng 3/2025» (or «Quý I/2025», «6 tháng đầu "
                "năm 2025») in the title or the sheet's name.", sheet=sheet.name))
            continue
        kinds.append(kind)
        frame, bad, said = _rows(sheet, at, kind, columns, tops, period, level, book.name)
        frames.append(frame)
        problems += bad
        warnings += said
    if problems:
        raise ScoreFileError(problems)
    if not frames:
        raise refuse("no_indicator_header", "Không thấy bảng chỉ tiêu: cần dòng tiêu đề có cột đơn vị "
                     "và các cột số hồ sơ (Tổng số, Đã giải quyết, Đúng hạn…) hoặc các nhóm của "
                     "Chỉ số phục vụ (Công khai, minh bạch…).", "No indicator table: a header row "
                     "needs a unit column and dossier counts (Tổng số, Đã giải quyết, Đúng hạn…) or "
                     "the service index's groups (Công khai, minh bạch…).")
    rows = pd.concat(frames, ignore_index=True)
    if rows.empty:
        raise refuse("indicator_empty", "Bảng chỉ tiêu không có dòng đơn vị nào.",
                     "The indicator table has no unit rows.")
    return IndicatorResult(rows, warnings, tuple(dict.fromkeys(kinds)))


def _rows(sheet, at, kind, columns, tops, period, level, file_name):
    """One sheet's unit rows → (rows, problems, warnings)."""
    year, first, last = period
    by_role = {v: c for c, v in columns.items()}
    measures = {c: m for c, m in columns.items() if m in GROUP_KEYS or m in RATE_BY_KEY or
                m in _COUNT_KEYS}
    problems, warnings, out = [], [], []
    block = None
    start = at + 1
    # a row of maxima right under the header («Điểm tối đa | 18 | 20 …») states them
    if start < len(sheet.rows) and "toi da" in fold(" ".join(clean(c) for c in
                                                             sheet.rows[start][:4])):
        for c, m in measures.items():
            value = parse_number(sheet.rows[start][c]) if c < len(sheet.rows[start]) else None
            if m in GROUP_KEYS and value is not None and value == value:
                tops[m] = value
        start += 1
    current_unit = None
    for r, row in enumerate(sheet.rows[start:], start=start + 1):
        def cell(c, row=row):
            return row[c] if c is not None and c < len(row) else None

        unit = clean(cell(by_role.get("unit")))
        numbers = {m: parse_number(cell(c)) for c, m in measures.items()}
        if not unit and "service_level" in by_role and current_unit:
            unit = current_unit  # a further level of service of the unit above
        if not unit:
            continue
        if all(v is None for v in numbers.values()):
            if _SECTION.match(fold(unit)):  # «I. KHỐI PHƯỜNG»: the rows below are that block
                block = re.sub(r"^(?:[IVXivx]+|[a-zA-Z]|\d+)[.)]\s+", "", unit).strip()
                block = block[:1].upper() + block[1:].lower() if block.isupper() else block
            continue
        if fold(unit).startswith(("tong cong", "tong so", "cong", "toan tinh")):
            continue  # a total row: ours are computed
        if len(unit) > MAX_UNIT_CHARS:
            problems.append(problem("indicator_unit", "Tên đơn vị dài quá.", "The unit's name is "
                                    "too long.", sheet=sheet.name, row=r,
                                    column=column_letter(by_role["unit"]), value=unit[:60]))
            continue
        current_unit = unit
        for c, m in measures.items():
            v = numbers[m]
            if v is not None and (v != v or v < 0):
                problems.append(problem(
                    "indicator_number", "Ô này phải là một số không âm.",
                    "This cell must be a number, not negative.", sheet=sheet.name, row=r,
                    column=column_letter(c), value=clean(cell(c))))
            elif v is not None and m in GROUP_KEYS and v > tops.get(m, GROUP_MAX[m]) + 1e-9:
                problems.append(problem(
                    "indicator_over_max",
                    f"Điểm vượt điểm tối đa {_n(tops.get(m, GROUP_MAX[m]), 'vi')}.",
                    f"Points above the maximum {_n(tops.get(m, GROUP_MAX[m]), 'en')}.",
                    sheet=sheet.name, row=r, column=column_letter(c), value=clean(cell(c))))
        the_level = level or level_of_unit_name(unit) or "department"
        the_block = clean(cell(by_role.get("block"))) or block or DEFAULT_BLOCKS.get(the_level, "")
        code = clean(cell(by_role.get("unit_code")))
        parent = clean(cell(by_role.get("parent")))
        source = f"{file_name} · {sheet.name} · dòng {r}"
        for m, v in numbers.items():
            if v is not None and v == v and v >= 0 and m not in RATE_BY_KEY:
                out.append((year, first, last, the_level, the_block, "", parent, unit, code, m, v,
                            tops.get(m, GROUP_MAX[m]) if m in GROUP_KEYS else np.nan, source, r,
                            numbers))
        problems += _sums(numbers, sheet.name, r, by_role, columns)
        stated = {k: parse_number(cell(by_role.get(k))) for k in ("stated_total",
                                                                    "stated_on_time")}
        warnings += _stated(numbers, stated, sheet.name, r, by_role)
    frame = pd.DataFrame([o[:13] for o in out], columns=INDICATOR_COLUMNS)
    if "service_level" in by_role and not frame.empty:  # levels of service: one row a unit
        keys = [c for c in INDICATOR_COLUMNS if c not in ("value", "source")]
        frame = frame.groupby(keys, sort=False, dropna=False).agg(
            value=("value", "sum"), source=("source", "first")).reset_index()[INDICATOR_COLUMNS]
    if level and level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}")
    return frame, problems, warnings


_COUNT_KEYS = set(COUNT_HEADERS.values())
MAPPABLE = _COUNT_KEYS | set(GROUP_KEYS)  # what a person may say an unknown column holds


def _n(value: float, lang: str) -> str:
    """A number in a message as the language writes it (1.296; 98,13)."""
    return format_number(value, 0 if float(value).is_integer() else 2, lang)


def _sums(numbers: dict, sheet: str, row: int, by_role: dict, columns: dict) -> list:
    """Counts that cannot be: early + on time + late above resolved, resolved above received."""
    def n(key):
        v = numbers.get(key)
        return 0.0 if v is None or v != v else v

    where = {m: c for c, m in columns.items()}
    found = []
    parts = n("early") + n("on_time") + n("late")
    if "resolved" in numbers and numbers["resolved"] is not None and parts > n("resolved") + 1e-9:
        found.append(problem(
            "indicator_sums", f"Trước hạn + đúng hạn + trễ hạn = {_n(parts, 'vi')} lớn hơn số đã "
            f"giải quyết {_n(n('resolved'), 'vi')}: hãy kiểm tra dòng này.", f"Early + on time + "
            f"late = {_n(parts, 'en')} is more than the {_n(n('resolved'), 'en')} resolved: check "
            "this row.",
            sheet=sheet, row=row, column=column_letter(where["resolved"]),
            value=_n(n('resolved'), 'vi')))
    if numbers.get("received") is not None and numbers.get("resolved") is not None and \
            n("resolved") > n("received") + 1e-9:
        found.append(problem(
            "indicator_sums", f"Số đã giải quyết {_n(n('resolved'), 'vi')} lớn hơn tổng số "
            f"{_n(n('received'), 'vi')}: hãy kiểm tra dòng này.", f"{_n(n('resolved'), 'en')} "
            f"resolved is more than the total {_n(n('received'), 'en')}: check this row.",
            sheet=sheet, row=row,
            column=column_letter(where["resolved"]), value=_n(n('resolved'), 'vi')))
    return found


def _stated(numbers: dict, stated: dict, sheet: str, row: int, by_role: dict) -> list:
    """A total or rate the file states that our sum or rate does not round to."""
    said = []
    total = stated.get("stated_total")
    groups = [numbers[g] for g in GROUP_KEYS if numbers.get(g) is not None]
    if total is not None and total == total and groups:
        ours = float(round_half_up(sum(groups), 2))
        if abs(ours - total) > 0.011:
            said.append(problem(
                "indicator_total", f"Tổng điểm ghi trong tệp {_n(total, 'vi')} khác tổng các nhóm "
                f"{_n(ours, 'vi')}.", f"The file's total {_n(total, 'en')} differs from the "
                f"groups' sum {_n(ours, 'en')}.", severity="warning",
                sheet=sheet, row=row, column=column_letter(by_role["stated_total"]),
                value=_n(total, "vi")))
    rate = stated.get("stated_on_time")
    done = numbers.get("resolved")
    if rate is not None and rate == rate and done:
        on = (numbers.get("early") or 0) + (numbers.get("on_time") or 0)
        decimals = len(str(rate).split(".")[1]) if "." in str(rate) else 0
        places = min(decimals, 2)
        ours = float(round_half_up(100 * on / done, places))

        def shown(value, lang):  # as the file writes it
            return format_number(value, places, lang)

        if abs(ours - rate) > 10 ** -min(decimals, 2) / 2 + 1e-9:
            said.append(problem(
                "indicator_rate", f"Tỷ lệ đúng hạn ghi trong tệp {shown(rate, 'vi')} % khác tỷ lệ "
                f"tính từ số hồ sơ {shown(ours, 'vi')} %.", f"The file's on-time rate "
                f"{shown(rate, 'en')} % differs from the counts' {shown(ours, 'en')} %.",
                severity="warning", sheet=sheet, row=row,
                column=column_letter(by_role["stated_on_time"]), value=shown(rate, "vi")))
    return said
