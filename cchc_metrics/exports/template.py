"""The blank upload template (data/mau_nhap_diem_cchc.xlsx): instructions and one long sheet.

Run ``python -m cchc_metrics.template [PATH]`` to (re)write it.
"""

from __future__ import annotations

import io
import sys
import zipfile
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.writer.excel import ExcelWriter

from cchc_metrics.contract import PROVINCIAL_LEVELS, SURVEY
from cchc_metrics.fields import FIELD_NAMES, field_label
from cchc_metrics.i18n import level_label
from cchc_metrics.settings import PROJECT_DIR

TEMPLATE_PATH = PROJECT_DIR / "data" / "mau_nhap_diem_cchc.xlsx"
# Workbook properties and zip entry times, fixed so regenerating gives the same bytes.
FIXED_TIME = datetime(2025, 1, 1, 0, 0, 0)

INSTRUCTIONS_SHEET = "Hướng dẫn"
SCORES_SHEET = "Điểm"
HEADER = [
    "Năm", "Cấp", "Khối xếp hạng", "Tỉnh", "Đơn vị cấp huyện", "Tên đơn vị", "Mã đơn vị",
    "Lĩnh vực", "Điểm tối đa", "Điểm tự đánh giá", "Điểm thẩm định",
]
WIDTHS = [8, 18, 30, 24, 26, 34, 12, 44, 12, 16, 16]
LEVEL_CHOICES = [level_label(level, "vi") for level in PROVINCIAL_LEVELS]  # in Vietnamese
SURVEY_LABEL = field_label(SURVEY, "vi")
FIELD_CHOICES = [*FIELD_NAMES, SURVEY_LABEL]
VALIDATED_ROWS = 5000  # drop-downs cover rows 2..VALIDATED_ROWS+1 of the scores sheet

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")

# (column, what it means, allowed values, required?) — one line per column of the scores sheet.
COLUMN_HELP = [
    ("Năm", "Năm đánh giá (năm của kết quả chỉ số, không phải năm công bố).",
     "Số nguyên 4 chữ số, ví dụ 2024.", "Bắt buộc"),
    ("Cấp", "Cấp của đơn vị được đánh giá.",
     "Sở, ban, ngành; UBND cấp huyện; UBND cấp xã (chọn trong danh sách).", "Bắt buộc"),
    ("Khối xếp hạng", "Nhóm đơn vị được xếp hạng với nhau, ghi đúng như khi công bố.",
     "Ví dụ: Sở, ban, ngành tỉnh; UBND huyện, thị xã, thành phố; Khối phường; "
     "Khối xã, đặc khu; tên huyện khi xã được xếp hạng trong huyện (trước năm 2025). "
     "Để trống: dùng khối mặc định theo cấp.", "Không bắt buộc"),
    ("Tỉnh", "Tỉnh, thành phố trực thuộc trung ương.", "Ví dụ: Tỉnh An Hòa.", "Không bắt buộc"),
    ("Đơn vị cấp huyện", "Huyện, thị xã, thành phố quản lý xã (cấp xã đến năm 2024).",
     "Để trống với sở, ban, ngành, cấp huyện và cấp xã từ năm 2025.", "Không bắt buộc"),
    ("Tên đơn vị", "Tên đầy đủ của đơn vị được đánh giá; viết giống nhau qua các năm "
     "để so sánh được.", "Ví dụ: Sở Tư pháp; Huyện Mỹ Lâm; Xã Phú Thạnh.", "Bắt buộc"),
    ("Mã đơn vị", "Mã đơn vị hành chính (mã ĐVHC), dùng để ghép đơn vị giữa các năm; "
     "sở, ban, ngành để trống.", "Nhập dạng văn bản để giữ số 0 ở đầu, ví dụ 00121.",
     "Không bắt buộc"),
    ("Lĩnh vực", "Lĩnh vực chấm điểm, hoặc «Điều tra xã hội học» cho điểm ĐTXHH.",
     "Chọn trong danh sách: 8 lĩnh vực và Điều tra xã hội học.", "Bắt buộc"),
    ("Điểm tối đa", "Điểm tối đa áp dụng của lĩnh vực với đơn vị này (đã trừ tiêu chí "
     "không áp dụng).", "Số lớn hơn 0.", "Bắt buộc"),
    ("Điểm tự đánh giá", "Điểm đơn vị tự chấm; để trống ở dòng Điều tra xã hội học.",
     "Số từ 0 đến Điểm tối đa.", "Không bắt buộc"),
    ("Điểm thẩm định", "Điểm sau thẩm định; ở dòng Điều tra xã hội học là điểm ĐTXHH.",
     "Số từ 0 đến Điểm tối đa.", "Bắt buộc"),
]
RULES = [
    "Nhập điểm vào trang «Điểm»: mỗi dòng là một đơn vị × một lĩnh vực. Một sở có 8 lĩnh vực "
    "và điều tra xã hội học thì có 9 dòng.",
    "Giữ nguyên dòng tiêu đề của trang «Điểm» (tên và thứ tự cột); không chèn thêm dòng tiêu đề, "
    "dòng tổng cộng hay dòng trung bình.",
    "Số thập phân viết bằng dấu phẩy hoặc dấu chấm đều được: 5,75 và 5.75 như nhau. "
    "Không dùng dấu phân cách hàng nghìn.",
    "Mỗi đơn vị chỉ xuất hiện một lần cho mỗi lĩnh vực trong một năm và một khối xếp hạng.",
    "Điểm không được âm và không vượt quá điểm tối đa của dòng đó.",
]
METHOD = [
    "Chỉ số (%) = 100 × (điểm thẩm định + điểm ĐTXHH) / điểm tối đa, trong đó điểm thẩm định "
    "là tổng của các lĩnh vực và điểm tối đa tính cả điểm tối đa ĐTXHH; làm tròn 2 chữ số "
    "thập phân. Ví dụ: 60,09 / 70 → 85,84 %.",
    "Xếp hạng theo chỉ số từ cao xuống thấp trong cùng năm và khối xếp hạng; đơn vị bằng chỉ số "
    "thì đồng hạng (1, 2, 2, 4).",
    "Xếp loại theo thang chọn trên bảng điều khiển, ví dụ Tốt ≥ 80 %, Khá ≥ 60 %, Kém < 60 %.",
]
EXAMPLES = [
    "2024 | UBND cấp xã | Huyện Mỹ Lâm | Tỉnh An Hòa | Huyện Mỹ Lâm | Xã Phú Thạnh | 33004 | "
    "Cải cách thể chế | 6 | 6 | 5,75",
    "2024 | UBND cấp xã | Huyện Mỹ Lâm | Tỉnh An Hòa | Huyện Mỹ Lâm | Xã Phú Thạnh | 33004 | "
    "Cải cách thủ tục hành chính | 21 | 19,5 | 17,30",
    "2024 | Sở, ban, ngành | Sở, ban, ngành tỉnh | Tỉnh An Hòa | | Sở Tư pháp | | "
    "Cải cách tài chính công | 6 | 6 | 5,5",
    "2024 | Sở, ban, ngành | Sở, ban, ngành tỉnh | Tỉnh An Hòa | | Sở Tư pháp | | "
    "Điều tra xã hội học | 30 | | 26,45",
    "2025 | UBND cấp xã | Khối phường | Tỉnh An Hòa | | Phường Bình Minh | 34010 | "
    "Xây dựng chính quyền điện tử, chính quyền số | 7 | 7 | 6,35",
]
ENGLISH = [
    "Enter scores on the «Điểm» sheet, one row per unit × field (lĩnh vực); keep the "
    "header row as it is. Cấp = level (department / district / commune); Khối xếp hạng = ranking "
    "block as published; Điểm tối đa = applicable maximum; Điểm tự đánh giá = self-assessed; "
    "Điểm thẩm định = appraised (survey points on the «Điều tra xã hội học» row). Decimal comma "
    "or point are both fine. Index (%) = 100 × (appraised + survey points) / applicable maximum.",
]


def xlsx_bytes(wb: Workbook) -> bytes:
    """Save a workbook with fixed properties and zip times, so regenerating gives the same bytes."""
    wb.properties.creator = "cchc_metrics"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    raw = io.BytesIO()
    ExcelWriter(wb, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED)).save()
    stable = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(stable, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, src.read(info.filename))
    return stable.getvalue()


def _write_lines(ws, row: int, heading: str, lines: list[str]) -> int:
    """A bold heading then one wrapped line per merged row; returns the next free row."""
    ws.cell(row, 1, heading).font = BOLD
    row += 1
    for line in lines:
        ws.cell(row, 1, line).alignment = WRAP
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
        ws.row_dimensions[row].height = 15 * (1 + len(line) // 110)
        row += 1
    return row + 1


def _write_column_help(ws, row: int) -> int:
    """The table of columns: meaning, allowed values, required or not."""
    ws.cell(row, 1, "Các cột của trang «Điểm»").font = BOLD
    row += 1
    for col, text in enumerate(("Cột", "Ý nghĩa", "Giá trị hợp lệ", "Bắt buộc?"), start=1):
        cell = ws.cell(row, col, text)
        cell.font, cell.fill, cell.border = BOLD, HEADER_FILL, BOX
    for line in COLUMN_HELP:
        row += 1
        for col, text in enumerate(line, start=1):
            cell = ws.cell(row, col, text)
            cell.alignment, cell.border = WRAP, BOX
        ws.row_dimensions[row].height = 15 * (1 + max(len(t) // 55 for t in line[1:3]))
    return row + 2


def _write_choices(ws, row: int, heading: str, values: list[str], name: str) -> int:
    """A list of allowed values, named so the scores sheet's drop-down can point at it."""
    ws.cell(row, 1, heading).font = BOLD
    first = row + 1
    for offset, value in enumerate(values):
        ws.cell(first + offset, 2, value).border = BOX
    last = first + len(values) - 1
    ref = f"'{INSTRUCTIONS_SHEET}'!$B${first}:$B${last}"
    ws.parent.defined_names[name] = DefinedName(name, attr_text=ref)
    return last + 2


def _instructions(ws) -> None:
    """The «Hướng dẫn» sheet: rules, columns, allowed values, the index formula, examples."""
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 60
    ws.column_dimensions["C"].width = 60
    ws.column_dimensions["D"].width = 16
    ws.cell(1, 1, "MẪU NHẬP ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH (CHỈ SỐ CCHC)").font = TITLE
    ws.cell(2, 1, "Score upload template for the PAR INDEX (Chỉ số CCHC)").font = Font(italic=True)
    row = _write_lines(ws, 4, "Cách nhập", RULES)
    row = _write_column_help(ws, row)
    row = _write_choices(ws, row, "Giá trị của cột «Cấp»", LEVEL_CHOICES, "DS_Cap")
    row = _write_choices(ws, row, "Giá trị của cột «Lĩnh vực»", FIELD_CHOICES, "DS_LinhVuc")
    row = _write_lines(ws, row, "Cách tính chỉ số, xếp hạng, xếp loại", METHOD)
    row = _write_lines(ws, row, "Ví dụ các dòng (theo thứ tự cột của trang «Điểm»; số liệu minh "
                       "họa, không phải số liệu thật)", EXAMPLES)
    _write_lines(ws, row, "English", ENGLISH)


def _scores_sheet(ws) -> None:
    """The «Điểm» sheet: the one header row, frozen, with drop-downs for Cấp and Lĩnh vực."""
    for col, (text, width) in enumerate(zip(HEADER, WIDTHS, strict=True), start=1):
        cell = ws.cell(1, col, text)
        cell.font, cell.fill, cell.border = BOLD, HEADER_FILL, BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[cell.column_letter].width = width
    ws.freeze_panes = "A2"
    last = VALIDATED_ROWS + 1
    for column, name, label in (("B", "DS_Cap", "Cấp"), ("H", "DS_LinhVuc", "Lĩnh vực")):
        dv = DataValidation(type="list", formula1=name, allow_blank=True,
                            showErrorMessage=True, errorTitle=f"{label} không hợp lệ",
                            error=f"Chọn {label.lower()} trong danh sách (xem trang «Hướng dẫn»).")
        dv.add(f"{column}2:{column}{last}")
        ws.add_data_validation(dv)
    for column in ("A", "G"):
        for row in range(2, 202):  # codes and years as typed; codes keep their leading zeros
            ws[f"{column}{row}"].number_format = "@" if column == "G" else "0"
    for column in ("I", "J", "K"):
        for row in range(2, 202):
            ws[f"{column}{row}"].number_format = "0.00"


def build_template() -> bytes:
    """The blank template's bytes, for a download button or for writing to data/."""
    wb = Workbook()
    wb.active.title = INSTRUCTIONS_SHEET
    _instructions(wb.active)
    _scores_sheet(wb.create_sheet(SCORES_SHEET))
    return xlsx_bytes(wb)


def write_template(path: str | Path = TEMPLATE_PATH) -> Path:
    """(Re)write the template file; returns its path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(build_template())
    return path


if __name__ == "__main__":
    print(write_template(*sys.argv[1:2]))
