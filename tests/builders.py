"""Tiny score files built in code, in every format and layout the readers accept."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import openpyxl

Rows = list[list]


def xlsx(sheets: dict[str, Rows], merges: dict[str, list[str]] | None = None) -> bytes:
    """An .xlsx with the given sheets (rows of values) and merged ranges ("C5:E5")."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        for rng in (merges or {}).get(name, []):
            ws.merge_cells(rng)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def xls(sheets: dict[str, Rows], merges: dict[str, list[tuple[int, int, int, int]]] | None = None
        ) -> bytes:
    """An Excel 97-2003 .xls (xlwt); merges as (row0, row1, col0, col1), 0-based."""
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    for name, rows in sheets.items():
        ws = wb.add_sheet(name)
        merged = {(r0, c0): (r1, c1) for r0, r1, c0, c1 in (merges or {}).get(name, [])}
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None or value == "":
                    continue
                if (r, c) in merged:
                    r1, c1 = merged[(r, c)]
                    ws.write_merge(r, r1, c, c1, value)
                else:
                    ws.write(r, c, value)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def ods(sheets: dict[str, Rows]) -> bytes:
    """An OpenDocument spreadsheet (odfpy)."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    for name, rows in sheets.items():
        table = Table(name=name)
        for row in rows:
            tr = TableRow()
            for value in row:
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    cell = TableCell(valuetype="float", value=value)
                    cell.addElement(P(text=str(value)))
                else:
                    if value in (None, ""):
                        cell = TableCell()
                    else:
                        cell = TableCell(valuetype="string")
                        cell.addElement(P(text=str(value)))
                tr.addElement(cell)
            table.addElement(tr)
        doc.spreadsheet.addElement(table)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def csv_bytes(rows: Rows, delimiter: str = ";", encoding: str = "utf-8-sig") -> bytes:
    """A CSV file as officials save it from Excel."""
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(
        [["" if v is None else v for v in row] for row in rows])
    return buf.getvalue().encode(encoding)


def with_formula(data: bytes, cell: str, formula: str, sheet_index: int = 1) -> bytes:
    """Give a numeric cell of an .xlsx a formula, keeping its cached value (as Excel saves it)."""
    zin = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    target = f"xl/worksheets/sheet{sheet_index}.xml"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            body = zin.read(item.filename)
            if item.filename == target:
                text = body.decode()
                text, n = re.subn(rf'(<c r="{cell}"[^>]*>)(<v>)', rf"\1<f>{formula}</f>\2", text)
                assert n == 1, f"cell {cell} not found as a value cell"
                body = text.encode()
            zout.writestr(item, body)
    return out.getvalue()


def add_member(data: bytes, name: str, body: bytes) -> bytes:
    """A copy of a zip container with one more member (e.g. a VBA project)."""
    zin = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item, zin.read(item.filename))
        zout.writestr(name, body)
    return out.getvalue()


# ---- standard tables ---------------------------------------------------------------------------

TOTALS_HEADER = ["STT", "HUYỆN, THỊ XÃ, THÀNH PHỐ", "Điểm tối đa", "Điểm tự đánh giá",
                 "Điểm thẩm định (70)", "Điểm ĐTXHH (30)", "Tổng điểm (100)", "Chỉ số (%)",
                 "Xếp hạng", "Xếp loại"]


def totals_table(year: int = 2022) -> Rows:
    """Districts, one header row, a block row, an average row; seed 003's Mỹ Lộc in it."""
    return [
        ["UBND TỈNH NAM ĐỊNH"],
        [f"KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {year} CỦA UBND CÁC HUYỆN, THÀNH PHỐ"],
        [],
        TOTALS_HEADER,
        ["I", "UBND huyện, thành phố"],
        [1, "Thành phố Nam Định", 70, 68, 66.5, 25.1, 91.6, "91,60%", 1, "Tốt"],
        [2, "Huyện Mỹ Lộc", 70, 66, "64,24", "21,41", "85,65", "85,65%", 2, "Tốt"],
        [3, "Huyện Vụ Bản", 70, 65, 50, 20, 70, "70%", 3, "Khá"],
        ["", "Giá trị trung bình", 70, 66.3, 60.25, 22.17, 82.42, "82,42%", "", ""],
        [],
        ["", "Ghi chú: số liệu theo Quyết định số 123/QĐ-UBND ngày 15/3/2023"],
    ]


WIDE_FIELDS = [("Công tác chỉ đạo, điều hành CCHC", 10), ("Cải cách thể chế", 6),
               ("Cải cách TTHC", 13)]


def wide_table(units: list[tuple[str, list[tuple[float, float]], float]], year: int = 2023,
               survey_max: float = 30) -> tuple[Rows, list[str]]:
    """Departments, two merged header rows (field groups), survey and stated total groups.

    units: (name, [(self, appraised) per field], survey points); stated values are computed.
    """
    top = ["STT", "Tên cơ quan"]
    sub = ["", ""]
    merges = ["A5:A6", "B5:B6"]
    col = 3
    for name, _ in WIDE_FIELDS:
        top += [name, "", ""]
        sub += ["Tối đa", "Tự đánh giá", "Thẩm định"]
        merges.append(f"{letter(col)}5:{letter(col + 2)}5")
        col += 3
    top += ["Điều tra xã hội học", ""]
    sub += ["Tối đa", "Điểm"]
    merges.append(f"{letter(col)}5:{letter(col + 1)}5")
    col += 2
    top += ["Tổng điểm", "", ""]
    sub += ["Tối đa", "Tự đánh giá", "Đạt"]
    merges.append(f"{letter(col)}5:{letter(col + 2)}5")
    col += 3
    top += ["Chỉ số CCHC - PAR INDEX " + str(year), "Xếp hạng", "Xếp loại"]
    sub += ["", "", ""]
    for c in range(col, col + 3):
        merges.append(f"{letter(c)}5:{letter(c)}6")
    rows: Rows = [["UBND TỈNH AN HÒA"],
                  [f"KẾT QUẢ CHỈ SỐ CCHC NĂM {year} CỦA CÁC SỞ, BAN, NGÀNH TỈNH"], ["(mẫu)"], [],
                  top, sub]
    computed = []
    for name, parts, survey in units:
        total = round(sum(a for _, a in parts) + survey, 6)
        mx = sum(m for _, m in WIDE_FIELDS) + survey_max
        computed.append((name, parts, survey, total, mx, round(100 * total / mx + 1e-9, 2)))
    order = sorted({c[5] for c in computed}, reverse=True)
    for i, (name, parts, survey, total, mx, idx) in enumerate(computed, 1):
        row = [i, name]
        for (_, fmax), (s, a) in zip(WIDE_FIELDS, parts, strict=True):
            row += [fmax, s, a]
        row += [survey_max, survey, mx, sum(s for s, _ in parts) + survey, total, idx]
        rank = 1 + sum(1 for c in computed if c[5] > idx)
        row += [rank, "Tốt" if idx >= 80 else "Khá" if idx >= 60 else "Kém"]
        assert idx in order
        rows.append(row)
    rows.append(["", "Giá trị trung bình"])
    return rows, merges


def letter(col: int) -> str:
    """1 → A."""
    return openpyxl.utils.get_column_letter(col)


LONG_HEADER = ["Năm", "Cấp", "Khối xếp hạng", "Tỉnh", "Đơn vị cấp huyện", "Tên đơn vị",
               "Mã đơn vị", "Lĩnh vực", "Điểm tối đa", "Điểm tự đánh giá", "Điểm thẩm định"]


def long_rows(units: list[tuple[str, str, str]], fields: list[tuple[str, float]],
              points: dict[tuple[str, str], float], year: int = 2021,
              level: str = "UBND cấp xã", block: str = "Huyện Mỹ Lộc") -> Rows:
    """Long layout: one row per unit × field. units: (name, code, parent)."""
    rows: Rows = [LONG_HEADER]
    for name, code, parent in units:
        for field, fmax in fields:
            p = points[(name, field)]
            rows.append([year, level, block, "Nam Định", parent, name, code, field, fmax,
                         min(fmax, p + 0.5), p])
    return rows
