"""Exports hold exactly the table the page shows, formatted, and never run a formula."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, datetime

import openpyxl
import pandas as pd
import pytest

import cchc_metrics as cm
from cchc_metrics import views
from cchc_metrics.contract import SCORE_COLUMNS
from cchc_metrics.exports import to_csv_bytes, view_csv, view_xlsx
from cchc_metrics.exports.xlsx import BAND_FILLS

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)  # 16:30 in Vietnam


@pytest.fixture(scope="module")
def demo():
    from cchc_metrics.sample.demo import build_demo_scores

    scores = build_demo_scores()
    return scores, cm.unit_table(scores)


def sheet_rows(ws) -> tuple[int, list[list]]:
    """(header row number, rows from the header down) of an exported sheet."""
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    header = next(i for i, r in enumerate(rows) if r and r[0] in ("Năm", "Year", "Khối", "Block", "Hạng", "Rank"))
    return header + 1, rows[header:]


def test_xlsx_holds_the_screen_table_cell_by_cell(demo):
    scores, units = demo
    view = views.View(year=2022, level="commune", lang="vi")  # every district block
    screen = views.ranking_table(units, view, history=False, numeric_changes=True)
    book = openpyxl.load_workbook(io.BytesIO(view_xlsx(units, scores, view, "#1, #2", NOW)))
    blocks = list(dict.fromkeys(screen["Khối"]))
    assert book.sheetnames[:len(blocks)] == [b[:31] for b in blocks]
    assert book.sheetnames[-1] == "Chi tiết lĩnh vực"
    for block in blocks:
        ws = book[block[:31]]
        header_row, rows = sheet_rows(ws)
        part = screen[screen["Khối"] == block].reset_index(drop=True)
        assert rows[0] == list(part.columns)
        for got, (_, want) in zip(rows[1:], part.iterrows(), strict=True):
            for g, w in zip(got, want, strict=True):
                if pd.isna(w) or w == "":  # an empty text (no rank note) is an empty cell
                    assert g is None
                elif isinstance(w, float):
                    assert g == pytest.approx(w)
                else:
                    assert g == w
        assert ws.freeze_panes == f"A{header_row + 1}"
        assert ws.cell(header_row + 1, list(part.columns).index("Chỉ số (%)") + 1
                       ).number_format == "0.00"
        title = [ws.cell(r, 1).value for r in range(1, header_row)]
        assert "NĂM 2022" in title[0] and any("Phiên bản dữ liệu: #1, #2" in str(x) for x in title)
        assert "Xuất lúc 16:30 ngày 23/11/2026 (giờ Việt Nam)" in title


def test_band_cells_are_coloured_and_arrows_kept(demo):
    scores, units = demo
    view = views.View(year=2023, level="district", lang="vi")
    book = openpyxl.load_workbook(io.BytesIO(view_xlsx(units, scores, view, None, NOW)))
    ws = book.worksheets[0]
    header_row, rows = sheet_rows(ws)
    band_col = rows[0].index("Xếp loại") + 1
    fills = {ws.cell(r, band_col).value: ws.cell(r, band_col).fill.fgColor.rgb
             for r in range(header_row + 1, ws.max_row + 1)}
    assert len(set(fills.values())) == len(fills) and all(v != "00000000" for v in fills.values())
    column = rows[0].index("Thay đổi hạng")
    changes = [r[column] for r in rows[1:]]
    block = views.select(units, view)
    block = block[block["block"] == ws.title].sort_values(["rank", "unit"], kind="stable")
    assert changes == [None if pd.isna(c) else int(c) for c in block["rank_change"]]
    assert any(c and c > 0 for c in changes) and any(c and c < 0 for c in changes)
    assert ws.cell(header_row + 1, column + 1).number_format == '"▲ "0;"▼ "0;"="'



def test_csv_has_a_bom_and_matches_the_screen_table(demo):
    _, units = demo
    view = views.View(year=2024, level="department", lang="vi")
    screen = views.ranking_table(units, view, history=False)
    data = view_csv(units, view)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == list(screen.columns)
    assert len(rows) == len(screen) + 1
    first = screen.iloc[0]
    assert rows[1][list(screen.columns).index("Đơn vị")] == first["Đơn vị"]
    assert rows[1][list(screen.columns).index("Chỉ số (%)")] == f"{first['Chỉ số (%)']:.2f}".replace(
        ".", ",")


def test_english_csv_uses_comma_and_decimal_point(demo):
    _, units = demo
    view = views.View(year=2024, level="department", lang="en")
    rows = list(csv.reader(io.StringIO(view_csv(units, view).decode("utf-8-sig"))))
    assert rows[0][0] == "Rank" and "." in rows[1][rows[0].index("Index (%)")]


def test_formula_injection_is_neutralised_in_csv_and_written_as_text_in_xlsx():
    evil = '=HYPERLINK("http://example.invalid","bấm vào")'
    scores = pd.DataFrame([{
        "year": 2024, "level": "commune", "block": b, "province": "", "parent": d,
        "unit": u, "unit_code": "", "component": "total", "max_points": 100, "points": p,
        "self_points": float("nan"), "source": "t"}
        for u, p, b, d in [(evil, 90, "+Khối", "@cmd"), ("-1+1", 80, "+Khối", "@cmd"),
                           ("Xã B", 70, "Khối 2", "Huyện 2")]]
    )[SCORE_COLUMNS]
    units = cm.unit_table(scores)
    view = views.View(year=2024, level="commune", lang="vi")
    text = view_csv(units, view).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'-1+1" in text and "'@cmd" in text and "'+Khối" in text
    for line in text.splitlines()[1:]:
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in line.split(";"))
    ws = openpyxl.load_workbook(io.BytesIO(view_xlsx(units, scores, view, None, NOW))).worksheets[0]
    cells = [c for row in ws.iter_rows() for c in row if c.value == evil]
    assert cells and all(c.data_type == "s" for c in cells)
    assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)


def test_numbers_stay_numbers_in_csv():
    table = pd.DataFrame({"Đơn vị": ["Xã A"], "Thay đổi": [-1.5]})
    assert to_csv_bytes(table).decode("utf-8-sig").splitlines()[1] == "Xã A;-1,50"


# ---- the column-wise sheet writer (cchc_metrics/sheetdata.py) -----------------------------------

def xlsx_book(sheets: dict, **kw) -> tuple[bytes, openpyxl.Workbook]:
    from cchc_metrics.exports import XlsxExport, to_xlsx_bytes

    data = to_xlsx_bytes(XlsxExport(sheets=sheets, title="Kết quả", lines=["Năm: 2024"], **kw))
    return data, openpyxl.load_workbook(io.BytesIO(data))


def sheet_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "".join(z.read(n).decode("utf-8") for n in z.namelist()
                       if n.startswith("xl/worksheets/"))


def test_hostile_text_round_trips_as_text_never_a_formula():
    evil = '=HYPERLINK("http://x","y")'
    names = [evil, "Xã <A> & \"B\" 'C'", "Sở\x01Nội\x07vụ\x1b", "  lề hai bên  ", "dòng\rCR",
             "+1-1", "@SUM(1)", "-2", "\t=1+1", "Ư" * 40_000]
    table = pd.DataFrame({"Năm": [2024] * len(names), "Đơn vị": names})
    data, book = xlsx_book({"Điểm": table})
    ws = book["Điểm"]
    header_row, rows = sheet_rows(ws)
    got = [r[1] for r in rows[1:]]
    assert got[0] == evil and got[1] == "Xã <A> & \"B\" 'C'"
    assert got[2] == "SởNộivụ"  # characters XML cannot hold are dropped, the rest kept
    assert got[3] == "  lề hai bên  " and got[4] == "dòng\rCR"
    assert got[5:9] == names[5:9]
    assert got[9] == "Ư" * 32_767  # cut to what an Excel cell holds, as openpyxl does
    cells = [ws.cell(r, 2) for r in range(header_row + 1, ws.max_row + 1)]
    assert len(cells) == len(names) and all(c.data_type == "s" for c in cells)
    xml = sheet_xml(data)
    assert "<f>" not in xml and "<f " not in xml and 'xml:space="preserve"' in xml


def test_generated_cells_carry_number_format_fills_and_types():
    table = pd.DataFrame({
        "Năm": [2024, 2024, 2024, 2024],
        "Hạng": pd.array([1, 2, None, 4], dtype="Int64"),
        "Đơn vị": ["Xã A", "Xã B", "Xã C", None],
        "Chỉ số (%)": [91.256, 70.0, float("nan"), 12.3456789012345],
        "Xếp loại": ["Tốt", "Khá", "Kém", "Không xếp loại"],
        "Khác": [1, "=x", True, None],
    })
    _, book = xlsx_book({"Xếp hạng": table}, band_column="Xếp loại",
                        band_labels=["Tốt", "Khá", "Kém"])
    ws = book["Xếp hạng"]
    header_row, rows = sheet_rows(ws)
    assert rows[1:] == [[2024, 1, "Xã A", 91.256, "Tốt", 1],
                        [2024, 2, "Xã B", 70.0, "Khá", "=x"],
                        [2024, None, "Xã C", None, "Kém", True],
                        [2024, 4, None, 12.3456789012345, "Không xếp loại", None]]
    first = header_row + 1
    for r in (first, first + 1, first + 3):
        assert ws.cell(r, 4).number_format == "0.00" and ws.cell(r, 4).data_type == "n"
    assert ws.cell(first, 1).number_format == "General" and ws.cell(first, 2).data_type == "n"
    fills = [ws.cell(first + i, 5).fill for i in range(4)]
    assert [f.fgColor.rgb for f in fills[:3]] == [f"00{c}" for c in BAND_FILLS[:3]]
    assert all(f.fill_type == "solid" for f in fills[:3]) and fills[3].fill_type is None
    assert ws.cell(first, 3).fill.fill_type is None  # only the band column is coloured
    assert ws.cell(first + 2, 6).data_type == "b" and ws.cell(first + 1, 6).data_type == "s"
    assert ws.cell(header_row, 1).font.b and ws.cell(header_row, 1).fill.fill_type == "solid"
    assert ws.freeze_panes == f"A{first}"
    widths = {k: ws.column_dimensions[k].width for k in "ABCDEF"}
    assert all(8 <= w <= 60 for w in widths.values()) and widths["E"] > widths["A"]


def test_one_sheet_per_block_each_with_title_header_and_only_its_rows(demo):
    scores, units = demo
    view = views.View(year=2022, level="commune", lang="vi")
    screen = views.ranking_table(units, view, history=False)
    data = view_xlsx(units, scores, view, "#1", NOW)
    book = openpyxl.load_workbook(io.BytesIO(data))
    blocks = list(dict.fromkeys(screen["Khối"]))
    assert len(blocks) > 1 and book.sheetnames == [b[:31] for b in blocks] + ["Chi tiết lĩnh vực"]
    for block in blocks:
        ws = book[block[:31]]
        header_row, rows = sheet_rows(ws)
        assert ws.cell(1, 1).value.startswith("KẾT QUẢ") and ws.cell(1, 1).font.b
        at = rows[0].index("Khối")
        assert {r[at] for r in rows[1:]} == {block}
        assert len(rows) - 1 == (screen["Khối"] == block).sum() == ws.max_row - header_row
    detail = views.field_detail_table(scores, views.select(units, view), "vi")
    ws = book["Chi tiết lĩnh vực"]
    header_row, rows = sheet_rows(ws)
    assert rows[0] == list(detail.columns) and len(rows) - 1 == len(detail)
    pct = list(detail.columns).index("Tỷ lệ đạt (%)")
    assert ws.cell(header_row + 1, pct + 1).number_format == "0.00"
    assert [r[pct] for r in rows[1:]] == pytest.approx(detail["Tỷ lệ đạt (%)"].tolist())
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in z.infolist())


def test_an_empty_table_leaves_the_header_and_no_sample_row():
    table = pd.DataFrame({"Năm": pd.Series([], dtype=int),
                          "Chỉ số (%)": pd.Series([], dtype=float)})
    _, book = xlsx_book({"Trống": table, "Đủ": pd.DataFrame({"Năm": [2024], "Chỉ số (%)": [1.5]})})
    empty, full = book["Trống"], book["Đủ"]
    header_row, rows = sheet_rows(empty)
    assert rows == [["Năm", "Chỉ số (%)"]] and empty.max_row == header_row
    assert sheet_rows(full)[1][1:] == [[2024, 1.5]] and full.max_row == header_row + 1


def test_csv_quotes_as_the_csv_module_and_keeps_missing_values_empty():
    table = pd.DataFrame({
        "Đơn vị": ['Xã "A"', "Xã B; C", "dòng\nmới", "=1+1", None],
        "Hạng": pd.array([1, None, 3, 4, 5], dtype="Int64"),
        "Chỉ số (%)": [91.256, float("nan"), -0.004, 1e6, 2.675],
        "Khác": [1, "-x", None, 2.5, True],
    })
    vi = list(csv.reader(io.StringIO(to_csv_bytes(table).decode("utf-8-sig")), delimiter=";"))
    assert vi == [["Đơn vị", "Hạng", "Chỉ số (%)", "Khác"],
                  ['Xã "A"', "1", "91,26", "1"], ["Xã B; C", "", "", "'-x"],
                  ["dòng\nmới", "3", "-0,00", ""], ["'=1+1", "4", "1000000,00", "2.5"],
                  ["", "5", "2,67", "True"]]
    en = list(csv.reader(io.StringIO(to_csv_bytes(table, "en").decode("utf-8-sig"))))
    assert en[1] == ['Xã "A"', "1", "91.26", "1"] and en[2][0] == "Xã B; C"
    raw = to_csv_bytes(table).decode("utf-8-sig")
    assert raw.endswith("1000000,00;2.5\r\n;5;2,67;True\r\n") and '"Xã ""A"""' in raw


def test_a_control_character_in_the_filters_does_not_break_the_title_block():
    from cchc_metrics.exports import XlsxExport, to_xlsx_bytes

    data = to_xlsx_bytes(XlsxExport(sheets={"Xếp hạng": pd.DataFrame({"Đơn vị": ["Xã A"]})},
                                    title="KẾT QUẢ\x07", lines=["Tìm: «my\x00 loc\x1b»"]))
    ws = openpyxl.load_workbook(io.BytesIO(data))["Xếp hạng"]
    assert ws["A1"].value == "KẾT QUẢ" and ws["A2"].value == "Tìm: «my loc»"


def test_the_title_block_names_the_province_and_district_chosen():
    from datetime import datetime

    from cchc_metrics.exports.xlsx import export_lines
    from cchc_metrics.views import View

    view = View(year=2024, level="commune", block="Khối xã", province="Tỉnh Bến Tre",
                parent="Huyện Châu Thành")
    when = datetime(2026, 11, 24, 9, 5)
    assert export_lines(view, None, "vi", when)[2] == (
        "Năm: 2024 · Cấp: UBND cấp xã · Khối xếp hạng: Khối xã · Tỉnh: Tỉnh Bến Tre · "
        "Đơn vị cấp huyện: Huyện Châu Thành")
    assert "Province: Tỉnh Bến Tre · District: Huyện Châu Thành" in export_lines(view, None, "en",
                                                                                 when)[2]


# ---- an export an office can file (issue 20) --------------------------------------------------

def test_the_title_block_says_who_issues_what_data_which_version_and_when(monkeypatch):
    from cchc_metrics.exports.xlsx import export_lines
    from cchc_metrics.views import View

    view = View(year=2024, level="commune")
    late = datetime(2026, 12, 5, 23, 30, tzinfo=UTC)  # already 6 December in Vietnam
    assert export_lines(view, "#3", "vi", late, provinces=["Tỉnh Bến Tre"]) == [
        "Tỉnh Bến Tre", "Nguồn: số liệu đã nhập vào hệ thống", "Phiên bản dữ liệu: #3",
        "Năm: 2024 · Cấp: UBND cấp xã · Khối xếp hạng: Tất cả",
        "Xuất lúc 06:30 ngày 06/12/2026 (giờ Việt Nam)"]
    english = export_lines(view, "#3", "en", late, sample=True, provinces=["A", "B", None])
    assert english[:2] == ["2 provinces", "SAMPLE DATA — a fictional province, not real figures"]
    assert english[-1] == "Exported at 06:30 on 2026-12-06 (Vietnam time)"
    naive = export_lines(view, None, "vi", datetime(2026, 12, 5, 7, 5))  # the store's UTC
    assert naive[-1] == "Xuất lúc 14:05 ngày 05/12/2026 (giờ Việt Nam)" and len(naive) == 3
    monkeypatch.setenv("CCHC_PROVINCE_NAME", "Tỉnh Nam Định")
    monkeypatch.setenv("CCHC_ISSUING_BODY", "Sở Nội vụ")
    assert export_lines(view, None, "vi", late, provinces=["Tỉnh Bến Tre"])[0] == (
        "Sở Nội vụ · Tỉnh Nam Định")


def test_every_sheet_says_sample_data_and_the_province(demo):
    from cchc_metrics.exports import table_xlsx

    scores, units = demo
    view = views.View(year=2022, level="commune", lang="vi")
    book = openpyxl.load_workbook(io.BytesIO(view_xlsx(units, scores, view, "#1", NOW,
                                                       sample=True)))
    province = scores["province"].iloc[0]
    for ws in book.worksheets:
        header_row, _ = sheet_rows(ws)
        title = [ws.cell(r, 1).value for r in range(1, header_row)]
        assert title[1:3] == [province, "DỮ LIỆU MẪU — tỉnh giả định, không phải số liệu thật"]
    real = openpyxl.load_workbook(io.BytesIO(view_xlsx(units, scores, view, "#1", NOW)))
    assert real.worksheets[0]["A3"].value == "Nguồn: số liệu đã nhập vào hệ thống"
    one = openpyxl.load_workbook(io.BytesIO(table_xlsx(
        pd.DataFrame({"Năm": [2024]}), view, "Xu hướng", None, NOW, sample=True)))
    assert one.worksheets[0]["A2"].value.startswith("DỮ LIỆU MẪU")


def test_every_sheet_prints_on_a4_landscape_one_page_wide_with_its_header_repeated(demo):
    scores, units = demo
    view = views.View(year=2022, level="commune", lang="vi")
    book = openpyxl.load_workbook(io.BytesIO(view_xlsx(units, scores, view, "#1", NOW)))
    assert len(book.worksheets) > 2
    for ws in book.worksheets:
        header_row, _ = sheet_rows(ws)
        setup = ws.page_setup
        assert (setup.orientation, int(setup.paperSize)) == ("landscape", 9)  # 9: A4
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0)
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows == f"${header_row}:${header_row}"


def test_a_rank_change_is_a_signed_number_in_csv_too(demo):
    _, units = demo
    view = views.View(year=2023, level="district", lang="vi")
    rows = list(csv.reader(io.StringIO(view_csv(units, view).decode("utf-8-sig")), delimiter=";"))
    column = rows[0].index("Thay đổi hạng")
    changes = [r[column] for r in rows[1:]]
    assert all(c == "" or c.lstrip("-").isdigit() for c in changes)
    assert any(c.startswith("-") for c in changes) and any(c not in ("", "0") and c[0] != "-"
                                                           for c in changes)


@pytest.mark.parametrize(("year", "level", "stem"), [
    (2024, "department", "chi-so-cchc-2024-so-ban-nganh"),
    (2023, "district", "chi-so-cchc-2023-cap-huyen"),
    (2025, "commune", "chi-so-cchc-2025-cap-xa"),
    (None, None, "chi-so-cchc-tat-ca-nam-tat-ca-cap"),
])
def test_a_download_is_named_in_vietnamese(year, level, stem):
    from cchc_metrics.exports import file_stem

    assert file_stem(views.View(year=year, level=level)) == stem


def test_the_workbook_has_a_criterion_detail_sheet_when_the_data_has_one(demo):
    from cchc_metrics.sample.criteria import demo_criteria

    scores, units = demo
    view = views.View(year=2025, level="department", lang="vi")
    criteria = demo_criteria()
    book = openpyxl.load_workbook(io.BytesIO(view_xlsx(units, scores, view, "#1", NOW,
                                                       criteria=criteria)))
    assert book.sheetnames[-1] == "Chi tiết tiêu chí"
    ws = book["Chi tiết tiêu chí"]
    header_row, rows = sheet_rows(ws)
    assert rows[0][:4] == ["Năm", "Đơn vị", "Mã tiêu chí", "Tiêu chí"]
    want = criteria[criteria["year"] == 2025]
    assert len(rows) - 1 == len(want)
    plain = openpyxl.load_workbook(io.BytesIO(view_xlsx(units, scores, view, "#1", NOW)))
    assert "Chi tiết tiêu chí" not in plain.sheetnames
