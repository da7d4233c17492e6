"""Criterion detail (issue 24), read like any untrusted file, in the layouts it comes in:

* transposed — criteria down the rows, units across the columns, a «Tự ĐG | Thẩm định» pair
  under each unit's name, the maximum in its own column, fields numbered I, II … or 1, 2 …;
* long — a row per unit × criterion with a code column («Đơn vị | Mã tiêu chí | Tiêu chí |
  Điểm tối đa | Tự đánh giá | Thẩm định»), the form scoring systems export (vectorised: a
  country's communes in seconds).

Found without being told: a header row with two or more «Tự ĐG» and «Thẩm định» cells is
transposed; one with a unit, a criterion code and appraised points is long. Each row becomes a
node of the tree with a code path («2», «2.3», «2.3.1»); a parent whose points are not the sum
of its children's is a located warning with both numbers.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

from cchc_metrics.contract import CRITERION_COLUMNS, DEFAULT_BLOCKS
from cchc_metrics.fields import canonical_field
from cchc_metrics.ingest.headers import clean
from cchc_metrics.ingest.problems import ScoreFileError, column_letter, problem, refuse
from cchc_metrics.names import fold, level_of_unit_name
from cchc_metrics.numbers import format_number, parse_number

SELF = ("tu dg", "tu danh gia", "tu cham", "diem tu danh gia", "tu cham diem")
APPRAISED = ("tham dinh", "diem tham dinh", "ket qua tham dinh", "hoi dong tham dinh")
CODE = ("stt", "tt", "ma", "ma tieu chi", "so tt")
NAME = ("tieu chi", "noi dung", "linh vuc, tieu chi", "linh vuc, tieu chi, tieu chi thanh phan",
        "ten tieu chi", "linh vuc/tieu chi", "noi dung tieu chi")
MAXIMUM = ("diem toi da", "toi da", "diem chuan", "thang diem")
ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9,
         "x": 10, "xi": 11, "xii": 12}
_CODE = re.compile(r"^\d+(?:\.\d+)*\.?$")
_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")


@dataclass
class CriteriaResult:
    """What a file held: rows (contract.CRITERION_COLUMNS) and warnings."""

    rows: pd.DataFrame
    warnings: list = field(default_factory=list)


def _role(text: str, names: tuple[str, ...]) -> bool:
    return text in names or any(text.startswith(n + " ") for n in names)


_OWNER = re.compile(r"(?:đơn vị|cơ quan|tên đơn vị|tên cơ quan)\s*[:：]\s*(.+)$", re.I)


def _owner(rows: list[list], before: int) -> str:
    """The unit a self-assessment form is of, from a title line «Đơn vị: Sở Tư pháp»."""
    for row in rows[:before]:
        for cell in row:
            if m := _OWNER.search(clean(cell)):
                return m.group(1).strip()
    return ""


def _header(rows: list[list]) -> tuple[int, dict] | None:
    """(row of the «Tự ĐG | Thẩm định» pairs, columns) of a transposed sheet — or of one unit's
    self-assessment form, one pair and its name in the title — or None."""
    for r, row in enumerate(rows[:30]):
        folded = [fold(clean(c)) for c in row]
        selfs = [c for c, t in enumerate(folded) if _role(t, SELF)]
        apps = [c for c, t in enumerate(folded) if _role(t, APPRAISED)]
        if not selfs or not apps:
            continue
        above = rows[r - 1] if r else []
        units = []
        for c in selfs:  # the unit's name sits over its pair (merged: in the first cell)
            app = next((a for a in apps if a > c), None)
            name = clean(above[c]) if c < len(above) else ""
            if app is not None and name and not _role(fold(name), SELF + APPRAISED + MAXIMUM):
                units.append((name, c, app))
        if len(selfs) == 1 and not units and (owner := _owner(rows, r)):
            app = next((a for a in apps if a > selfs[0]), None)
            units = [(owner, selfs[0], app)] if app is not None else []
        cols = {}
        for source in (above, row):
            for c, cell in enumerate(source):
                t = fold(clean(cell))
                for role, names in (("code", CODE), ("name", NAME), ("max", MAXIMUM)):
                    if role not in cols and (t in names or (role == "name" and "tieu chi" in t)):
                        cols[role] = c
        if units and "name" in cols:
            return r, {"units": units, **cols}
    return None


FAST_CSV_LINES = 50_000  # a long CSV past this is parsed column-wise (pyarrow), not line by line


def _fast_long_csv(source, name, year, level) -> CriteriaResult | None:
    """A large CSV in the long layout, parsed by pyarrow's columnar reader: the same checks
    (size and kind first, the row limit, every cell) in a fraction of the time. None when the
    file is not such a CSV; the general path then reads it (and says what is wrong)."""
    import codecs
    import csv
    import io

    from cchc_metrics import settings
    from cchc_metrics.ingest.containers import read_source, sniff
    from cchc_metrics.ingest.csv_text import decode_text, guess_delimiter
    from cchc_metrics.ingest.workbook import Workbook

    if isinstance(source, Workbook):
        if source.kind != "csv" or sum(len(s.rows) for s in source.sheets) <= FAST_CSV_LINES:
            return None
        source, name = source.data, source.name  # a large CSV: parsed column-wise all the same
    data, name = read_source(source, name)
    if sniff(data, name) in ("zip", "xls"):
        return None
    if data.startswith(codecs.BOM_UTF8) or not data.startswith(
            (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and data[1:2] != b"\x00":
        raw, cleaner = data.removeprefix(codecs.BOM_UTF8), _clean_nfc  # UTF-8 checked by pyarrow
        head = decode_text(raw[:200_000].rsplit(b"\n", 1)[0]).splitlines()[:30]
    else:  # UTF-16: decoded (and composed) as a whole first
        text = decode_text(data)
        raw, cleaner, head = text.encode("utf-8"), clean, text[:200_000].splitlines()[:30]
    lines = raw.count(b"\n")
    if not FAST_CSV_LINES < lines <= settings.get("max_rows"):
        return None
    delimiter = guess_delimiter(head)
    found = _long_header(list(csv.reader(head, delimiter=delimiter)))
    if found is None:
        return None
    at, cols = found
    try:
        import pyarrow.csv as pcsv

        table = pcsv.read_csv(
            io.BytesIO(raw),
            read_options=pcsv.ReadOptions(skip_rows=at + 1, autogenerate_column_names=True),
            # a blank line keeps its number (the general path then reads the file: located
            # rows stay right); only an empty cell is empty — «N/A» is text to refuse
            parse_options=pcsv.ParseOptions(delimiter=delimiter, ignore_empty_lines=False),
            convert_options=pcsv.ConvertOptions(null_values=[""], column_types={
                f"f{c}": pa.string() for role, c in cols.items()
                if role not in ("max", "self", "points", "year")}))
    except Exception:  # noqa: BLE001 — anything pyarrow cannot parse (Windows-1258 too): the
        return None     # general path reads it or says why
    import pyarrow.compute as pc

    for c in (c for role, c in cols.items() if role in ("max", "self", "points")):
        column = table.column(c)
        if pa.types.is_floating(column.type) and pc.any(pc.is_nan(column)).as_py():
            return None  # «nan» typed in a cell: pyarrow reads it as a number, we refuse it
    body = table.to_pandas(types_mapper=lambda t: None)
    body.columns = range(body.shape[1])
    sheet_name = re.sub(r"\.\w+$", "", name) or "CSV"
    stated = year or next((int(m.group(1)) for text_ in (sheet_name, " ".join(head[:at]), name)
                           if (m := _YEAR.search(text_))), None) or (0 if "year" in cols else None)
    if stated is None:
        return None
    frame, problems, warnings = _long_body(body, sheet_name, at, cols, stated, level, name,
                                           cleaner=cleaner)
    if problems:
        raise ScoreFileError(problems)
    return CriteriaResult(frame, warnings)


def _clean_nfc(value) -> str:
    """clean() in composed form: the fast path reads UTF-8 as is, without composing it whole."""
    return unicodedata.normalize("NFC", clean(value))


def read_criteria(source, name: str | None = None, *, year: int | None = None,
                  level: str | None = None) -> CriteriaResult:
    """Every criterion sheet of a file (transposed, wide, long or one unit's form), or
    ScoreFileError with each problem located."""
    from cchc_metrics.ingest.workbook import load_workbook

    fast = _fast_long_csv(source, name, year, level)
    if fast is not None:
        return fast
    book = load_workbook(source, name=name)
    frames, problems, warnings = [], [], []
    for sheet in book.sheets:
        found = _header(sheet.rows)
        wide = None if found else _wide_header(sheet.rows)
        long = None if found or wide else _long_header(sheet.rows)
        if found is None and wide is None and long is None:
            continue
        at, cols = found or wide or long
        title = " ".join(clean(c) for row in sheet.rows[:at] for c in row if clean(c))
        stated = year or next((int(m.group(1)) for text in (sheet.name, title, book.name or "")
                               if (m := _YEAR.search(str(text)))), None)
        if stated is None and "year" in cols:
            stated = 0  # each row says its year
        if stated is None:
            problems.append(problem("criteria_year", "Không rõ năm đánh giá: hãy ghi «năm 2025» "
                                    "trong tiêu đề hoặc tên trang tính.", "The year is not "
                                    "stated: write «năm 2025» in the title or the sheet's name.",
                                    sheet=sheet.name))
            continue
        read = _rows if found else _wide_rows if wide else _long_rows
        frame, bad, said = read(sheet, at, cols, stated, level, book.name)
        frames.append(frame)
        problems += bad
        warnings += said
    if problems:
        raise ScoreFileError(problems)
    if not frames:
        raise refuse("no_criteria_header", "Không thấy bảng tiêu chí: cần dòng tiêu đề có các cặp "
                     "«Tự ĐG | Thẩm định» dưới tên từng đơn vị.", "No criterion table: a header "
                     "row needs a «Tự ĐG | Thẩm định» pair under each unit's name.")
    return CriteriaResult(pd.concat(frames, ignore_index=True), warnings)


def read_criteria_files(files: list[tuple[str, bytes]], *, year: int | None = None,
                        level: str | None = None) -> list[tuple[str, CriteriaResult]]:
    """Several files read together — one self-assessment form per unit — as (name, result) per
    file; or ScoreFileError with every file's problems, each located in its file, and a unit
    whose year two files both give (which form is right is a person's call)."""
    from dataclasses import replace

    read, problems, owner = [], [], {}
    for name, data in files:
        try:
            result = read_criteria(data, name=name, year=year, level=level)
        except ScoreFileError as exc:
            problems += [replace(p, sheet=f"{name} · {p.sheet}" if p.sheet else name)
                         for p in exc.problems]
            continue
        for unit, y, lv in result.rows[["unit", "year", "level"]].drop_duplicates().itertuples(
                index=False):
            if (unit, y, lv) in owner:
                problems.append(problem(
                    "criteria_twice", f"{unit} năm {y} có trong cả hai tệp «{owner[unit, y, lv]}» "
                    f"và «{name}»: hãy bỏ tệp không đúng rồi tải lại.", f"{unit} ({y}) is in both "
                    f"«{owner[unit, y, lv]}» and «{name}»: leave out the wrong file and upload "
                    "again.", sheet=name, value=unit))
            owner.setdefault((unit, y, lv), name)
        result.warnings = [replace(p, sheet=f"{name} · {p.sheet}" if p.sheet else name)
                           for p in result.warnings]
        read.append((name, result))
    if problems:
        raise ScoreFileError(problems)
    return read


def _path(code: str, name: str, roman: bool, current: int | None) -> tuple[str, int] | None:
    """(code path, field number) of a row: «II» → («2», 2); under it «3.1» → («2.3.1», 2) when
    fields are numbered in Roman, else «2.3.1» as written."""
    text = fold(code).strip().rstrip(".")
    if text in ROMAN:
        return str(ROMAN[text]), ROMAN[text]
    if not _CODE.match(text):
        return None
    if roman:
        return (f"{current}.{text}", current) if current else None
    return text, int(text.split(".")[0])


def _rows(sheet, at, cols, year, level, file_name):
    """One sheet's nodes → (rows, problems, warnings)."""
    body = sheet.rows[at + 1:]
    roman = any(fold(clean(r[cols["code"]])).rstrip(".") in ROMAN for r in body
                if "code" in cols and cols["code"] < len(r))
    out, problems, warnings = [], [], []
    current, field_name, where = None, None, {}
    for r, row in enumerate(body, start=at + 2):
        def cell(c, row=row):
            return row[c] if c is not None and c < len(row) else None

        code = clean(cell(cols.get("code")))
        title = clean(cell(cols["name"]))
        found = _path(code, title, roman, current)
        if found is None:
            continue  # a note, a total, a blank line
        path, number = found
        if path.count(".") == 0:
            current, field_name = number, canonical_field(title) or title
        top = parse_number(cell(cols.get("max")))
        for unit, c_self, c_app in cols["units"]:
            own, got = parse_number(cell(c_self)), parse_number(cell(c_app))
            for c, v in ((c_self, own), (c_app, got)):
                if v is not None and (v != v or v < 0):
                    problems.append(problem(
                        "criteria_number", "Ô này phải là một số không âm (để trống nếu tiêu chí "
                        "không áp dụng).", "This cell must be a number, not negative (empty when "
                        "the criterion does not apply).", sheet=sheet.name, row=r,
                        column=column_letter(c), value=clean(cell(c))))
            if got is None and own is None:
                continue  # not applicable to this unit
            if top is not None and got is not None and got == got and got > top + 1e-9:
                problems.append(problem(
                    "criteria_over_max", f"Điểm thẩm định {_n(got, 'vi')} vượt điểm tối đa "
                    f"{_n(top, 'vi')}.", f"The appraised {_n(got, 'en')} is above the maximum "
                    f"{_n(top, 'en')}.", sheet=sheet.name, row=r, column=column_letter(c_app),
                    value=clean(cell(c_app))))
            the_level = level or level_of_unit_name(unit) or "department"
            out.append((year, the_level, DEFAULT_BLOCKS.get(the_level, ""), "", "", unit, "",
                        field_name, path, title, np.nan if top is None else top,
                        np.nan if own is None else own, np.nan if got is None else got,
                        f"{file_name} · {sheet.name} · dòng {r}"))
            where[(unit, path)] = (r, c_app)
    frame = pd.DataFrame(out, columns=CRITERION_COLUMNS)
    warnings += sum_checks(frame, sheet.name, where)
    return frame, problems, warnings


def _wide_header(rows: list[list]) -> tuple[int, dict] | None:
    """(row of the «Tối đa | Tự ĐG | Thẩm định» cells, columns) of a wide sheet — a column group
    per criterion, its code (and name) over the group — or None."""
    for r, row in enumerate(rows[1:30], start=1):
        folded = [fold(clean(c)) for c in row]
        apps = [c for c, t in enumerate(folded) if _role(t, APPRAISED)]
        if len(apps) < 2:
            continue
        above, groups, current = rows[r - 1], [], None
        for c in range(len(row)):
            head = clean(above[c]) if c < len(above) else ""
            if head:
                m = re.match(r"^([IVXivx]+|\d+(?:\.\d+)*)\.?\s*(.*)$", head)
                current = (m.group(1), m.group(2)) if m else None
            if current is None:
                continue
            if _role(folded[c], APPRAISED):
                groups.append((*current, "points", c))
            elif _role(folded[c], SELF):
                groups.append((*current, "self", c))
            elif _role(folded[c], MAXIMUM):
                groups.append((*current, "max", c))
        unit = next((c for c, t in enumerate([fold(clean(x)) for x in above] + folded)
                     if t in LONG["unit"]), None)
        if unit is not None and len({g[0] for g in groups}) >= 2:
            return r, {"groups": groups, "unit": unit % max(len(above), 1)
                       if unit < len(above) else unit - len(above)}
    return None


def _wide_rows(sheet, at, cols, year, level, file_name):
    """A wide sheet → the long layout's rows (a line per unit × criterion), then read as long."""
    # the column groups in order (under Roman fields the criteria's own numbers repeat from
    # field to field: «1. Kế hoạch» under I and «1. Xây dựng văn bản» under II are two groups)
    groups: list[tuple[str, str, dict]] = []
    for code, name, role, c in cols["groups"]:
        if not groups or groups[-1][:2] != (code, name) or role in groups[-1][2]:
            groups.append((code, name, {}))
        groups[-1][2][role] = c
    roman = any(fold(code) in ROMAN for code, _, _ in groups)
    current, paths = None, []
    for code, name, _ in groups:  # fields numbered in Roman prefix the codes after them
        found = _path(code, name, roman, current)
        paths.append(found[0] if found else None)
        if found and found[0].count(".") == 0:
            current = found[1]
    lines, rows_at, columns = [], [], {"max": [], "self": [], "points": []}
    for r, row in enumerate(sheet.rows[at + 1:], start=at + 2):
        unit = clean(row[cols["unit"]]) if cols["unit"] < len(row) else ""
        if not unit:
            continue
        for (_, name, where), path in zip(groups, paths, strict=True):
            if path is None:
                continue
            at_col = {role: where.get(role, -1) for role in columns}
            lines.append([unit, path, name, *[
                row[c] if 0 <= c < len(row) else None for c in at_col.values()]])
            rows_at.append(r)
            for role, c in at_col.items():
                columns[role].append(max(c, 0))
    flat = type(sheet)(sheet.name, [["Đơn vị"], *lines])
    return _long_rows(flat, 0, {"unit": 0, "code": 1, "name": 2, "max": 3, "self": 4,
                                "points": 5}, year, level, file_name,
                      located=(np.array(rows_at, dtype=int),
                               {k: np.array(v, dtype=int) for k, v in columns.items()}))


LONG = {"unit": ("don vi", "ten don vi", "co quan, don vi", "xa, phuong"),
        "code": ("ma tieu chi", "ma", "stt tieu chi", "ma so"),
        "name": ("tieu chi", "ten tieu chi", "noi dung"),
        "max": MAXIMUM, "self": SELF, "points": APPRAISED + ("diem dat", "diem"),
        "year": ("nam",), "parent": ("don vi cap huyen", "huyen"), "unit_code": ("ma dvhc",),
        "block": ("khoi", "khoi xep hang")}


def _long_header(rows: list[list]) -> tuple[int, dict] | None:
    """(header row, role → column) of a long criterion sheet, or None."""
    for r, row in enumerate(rows[:30]):
        cols = {}
        for c, cell in enumerate(row):
            text = fold(clean(cell))
            for role, names in LONG.items():
                if role not in cols and text in names:
                    cols[role] = c
                    break
        if {"unit", "code", "points"} <= set(cols):
            return r, cols
    return None


def _long_rows(sheet, at, cols, year, level, file_name, located=None):
    """A long sheet's rows → (rows, problems, warnings), column by column. `located` (row
    numbers, role → column numbers, a value per line) says where each line's cells really are
    when the lines were laid out from another layout (wide)."""
    body = pd.DataFrame(sheet.rows[at + 1:], dtype=object)  # no text conversion per column
    return _long_body(body, sheet.name, at, cols, year, level, file_name, located)


@dataclass
class _Coded:
    """A column as its distinct values and each row's index into them: a country's file repeats
    its names a million times, so every rule runs once per distinct value and text is built
    only for the rows kept (as Arrow text: no million Python strings)."""

    codes: np.ndarray
    values: list

    @classmethod
    def of(cls, series: pd.Series, fn=clean) -> _Coded:
        codes, uniques = pd.factorize(series)
        codes = np.where(codes < 0, len(uniques), codes)  # an empty cell: the last value
        return cls(codes, [fn(v) for v in uniques] + [fn(None)])

    @classmethod
    def constant(cls, n: int, value) -> _Coded:
        return cls(np.zeros(n, dtype=np.intp), [value])

    def map(self, fn) -> _Coded:
        return _Coded(self.codes, [fn(v) for v in self.values])

    def pairs(self, other: _Coded, fn) -> _Coded:
        """fn(mine, other's) once per distinct pair of the two columns."""
        key = self.codes * len(other.values) + other.codes
        seen, codes = np.unique(key, return_inverse=True)
        return _Coded(codes.ravel(), [fn(self.values[x // len(other.values)],
                                         other.values[x % len(other.values)]) for x in seen])

    def array(self, dtype=object) -> np.ndarray:
        return np.asarray(self.values, dtype=dtype)[self.codes]

    def text(self, keep: np.ndarray) -> pd.Series:
        return pa.array(self.values, pa.string()).take(self.codes[keep]).to_pandas()


def _long_body(body, sheet_name, at, cols, year, level, file_name, located=None, cleaner=clean):
    """_long_rows on the body as a frame whose columns are the sheet's column numbers."""
    from cchc_metrics.fields import FIELD_NAMES
    from cchc_metrics.numbers import parse_numbers

    n = len(body)
    for c in range(body.shape[1], max(cols.values()) + 1):
        body[c] = None  # a column the short rows never reach
    rownum = located[0] if located else np.arange(at + 2, at + 2 + n)

    def column_of(role: str, i: int) -> str:
        return column_letter(int(located[1][role][i]) if located else cols[role])

    def text(role) -> _Coded:
        return _Coded.of(body[cols[role]], cleaner) if role in cols else _Coded.constant(n, "")

    code = text("code").map(lambda c: str(ROMAN[fold(c).rstrip(".")])
                            if fold(c).rstrip(".") in ROMAN else c.rstrip("."))
    unit = text("unit")
    keep = unit.map(bool).array(bool) & code.map(lambda c: bool(_CODE.match(c))).array(bool)
    problems = []
    values = {}
    for role in ("max", "self", "points"):
        if role not in cols:
            values[role] = np.full(n, np.nan)
            continue
        got, bad = parse_numbers(body[cols[role]].to_numpy())
        for i in np.flatnonzero(bad & keep)[:50]:
            problems.append(problem(
                "criteria_number", "Ô này phải là một số không âm (để trống nếu tiêu chí không "
                "áp dụng).", "This cell must be a number, not negative (empty when the "
                "criterion does not apply).", sheet=sheet_name, row=int(rownum[i]),
                column=column_of(role, i), value=clean(body.iat[i, cols[role]])))
        values[role] = got
    over = keep & (values["points"] > values["max"] + 1e-9)
    for i in np.flatnonzero(over)[:50]:
        problems.append(problem(
            "criteria_over_max", f"Điểm thẩm định {_n(values['points'][i], 'vi')} vượt điểm tối "
            f"đa {_n(values['max'][i], 'vi')}.", f"The appraised {_n(values['points'][i], 'en')} "
            f"is above the maximum {_n(values['max'][i], 'en')}.", sheet=sheet_name,
            row=int(rownum[i]), column=column_of("points", i),
            value=_n(values["points"][i], "vi")))
    k = keep
    year_of = _Coded.of(body[cols["year"]], lambda v: _year(v, year)) if "year" in cols \
        else _Coded.constant(n, year)
    years = year_of.array(int)
    names = text("name")
    # a field's name from its own row («2 | Cải cách thể chế») of that year (frameworks
    # rename fields), in the file's order; else the standard list's
    tops = k & np.array(["." not in c for c in code.values])[code.codes]
    fields_named = {}
    keys = (year_of.codes[tops] * len(code.values) + code.codes[tops]) * len(names.values) + \
        names.codes[tops]
    for key in pd.unique(keys):
        rest, b = divmod(int(key), len(names.values))
        y, a = divmod(rest, len(code.values))
        fields_named[(year_of.values[y], code.values[a])] = canonical_field(names.values[b]) or \
            names.values[b]

    def field_name(y: int, c: str) -> str:
        top = c.split(".", 1)[0]
        return fields_named.get((y, top)) or (
            FIELD_NAMES[int(top) - 1] if top.isdigit() and 0 < int(top) <= len(FIELD_NAMES)
            else "")

    field_of = year_of.pairs(code, field_name)
    levels = unit.map(lambda u: level_of_unit_name(u) or "department") if not level \
        else _Coded.constant(n, level)
    blocks = text("block").pairs(levels, lambda b, lv: b or DEFAULT_BLOCKS.get(lv, ""))
    frame = pd.DataFrame({
        "year": years[k], "level": levels.text(k), "block": blocks.text(k),
        "province": "", "parent": text("parent").text(k), "unit": unit.text(k),
        "unit_code": text("unit_code").text(k), "field": field_of.text(k),
        "criterion": code.text(k), "criterion_name": names.text(k),
        "max_points": values["max"][k], "self_points": values["self"][k],
        "points": values["points"][k], "source": f"{file_name} · {sheet_name}"})
    where = {"_row": rownum[k], "_col": (located[1]["points"][k] if located else
                                         np.full(int(k.sum()), cols["points"]))}
    return frame, problems, sum_checks(frame, sheet_name, where)


def _year(cell, default: int) -> int:
    """A row's «Năm» cell as a year (2025, «2025», 2025.0); the sheet's year when empty."""
    number = parse_number(cell)
    return int(number) if number is not None and not np.isnan(number) else default


def _n(value: float, lang: str) -> str:
    return format_number(value, 2, lang)


def _where(frame, where, unit, year, code):
    """The cell of a node: a (unit, code) → (row, column) map (transposed), or row numbers
    aligned with the frame and the points' column (long)."""
    if not where:
        return None, None
    if "_row" in where:
        at = np.flatnonzero((frame["unit"].to_numpy() == unit) &
                            (frame["year"].to_numpy() == year) &
                            (frame["criterion"].to_numpy() == code))
        return (int(where["_row"][at[0]]), int(where["_col"][at[0]])) if len(at) else \
            (None, None)
    return where.get((unit, code), (None, None))


def sum_checks(frame: pd.DataFrame, sheet: str = "", where: dict | None = None) -> list:
    """A parent (field or criterion) whose appraised points are not the sum of its children's:
    a warning at the parent's cell with both numbers (one join, not a lookup per parent)."""
    if frame.empty:
        return []
    code = frame["criterion"]
    parent = code.map({c: c.rsplit(".", 1)[0] if "." in c else None for c in pd.unique(code)})
    kids = frame.assign(parent=parent).dropna(subset=["parent"])
    sums = kids.groupby(["year", "unit", "parent"], sort=False)["points"].sum(min_count=1) \
        .rename("total").reset_index()
    both = sums.merge(frame[["year", "unit", "criterion", "points"]],
                      left_on=["year", "unit", "parent"],
                      right_on=["year", "unit", "criterion"])
    off = both[both["points"].notna() & both["total"].notna() &
               ((both["points"] - both["total"]).abs() > 0.005)]
    said = []
    for year, unit, code, mine, total in off[["year", "unit", "parent", "points",
                                              "total"]].itertuples(index=False):
        row, col = _where(frame, where, unit, year, code)
        said.append(problem(
            "criteria_sum", f"{unit}, tiêu chí {code}: điểm {_n(mine, 'vi')} khác tổng các tiêu "
            f"chí con {_n(total, 'vi')}.", f"{unit}, criterion {code}: {_n(mine, 'en')} points, "
            f"but its parts add up to {_n(total, 'en')}.", severity="warning", sheet=sheet,
            row=row, column=column_letter(col) if col is not None else None,
            value=_n(mine, "vi")))
    return said
