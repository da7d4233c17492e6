"""read_scores / read_workbook on the layouts and formats provinces publish, and on bad input."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pandas as pd
import pytest

import cchc_metrics as cm
from cchc_metrics.contract import LOCATION_COLUMNS, SCORE_COLUMNS, SURVEY, TOTAL
from cchc_metrics.ingest.reader import describe_columns
from tests import builders as B

DEPARTMENTS = [
    ("Sở Nội vụ", [(9, 8.5), (6, 5.75), (12, 11)], 25.5),
    ("Sở Tư pháp", [(10, 9), (6, 6), (13, 12.5)], 27),
    ("Sở Y tế", [(8, 7), (5, 4.5), (11, 10)], 20),
]


def wide_file(units=DEPARTMENTS, year=2023) -> bytes:
    rows, merges = B.wide_table(units, year)
    return B.xlsx({"Sheet1": rows}, {"Sheet1": merges})


def problems_of(exc_info) -> list[cm.Problem]:
    return exc_info.value.problems


# ---- layouts -----------------------------------------------------------------------------------

def test_totals_layout_reads_block_year_level_survey_and_skips_average_and_notes():
    r = cm.read_workbook(B.xlsx({"Sheet1": B.totals_table(2022)}), name="huyen.xlsx")
    s = r.scores
    assert list(s.columns) == SCORE_COLUMNS + LOCATION_COLUMNS
    assert set(s["year"]) == {2022}
    assert set(s["level"]) == {"district"}
    assert set(s["block"]) == {"UBND huyện, thành phố"}
    assert sorted(s["unit"].unique()) == ["Huyện Mỹ Lộc", "Huyện Vụ Bản", "Thành phố Nam Định"]
    my_loc = s[s["unit"] == "Huyện Mỹ Lộc"].set_index("component")
    assert my_loc.loc[TOTAL, "points"] == pytest.approx(64.24)  # typed as text "64,24"
    assert my_loc.loc[TOTAL, "max_points"] == 70
    assert my_loc.loc[TOTAL, "self_points"] == 66
    assert my_loc.loc[SURVEY, "points"] == pytest.approx(21.41)
    assert my_loc.loc[SURVEY, "max_points"] == 30  # from the header "Điểm ĐTXHH (30)"
    assert my_loc.loc[TOTAL, "source"] == "huyen.xlsx · Sheet1 · dòng 7"
    assert r.warnings == []  # the stated totals, indices, ranks and bands all agree
    assert r.tables[0].layout == "totals" and r.tables[0].header_rows == (4, 4)


def test_wide_layout_with_two_merged_header_rows_gives_one_component_per_field():
    r = cm.read_workbook(wide_file(), name="so.xlsx")
    s = r.scores
    assert r.tables[0].layout == "wide" and r.tables[0].header_rows == (5, 6)
    assert set(s["level"]) == {"department"}
    assert set(s["component"]) == {"Công tác chỉ đạo, điều hành CCHC", "Cải cách thể chế",
                                   "Cải cách thủ tục hành chính", SURVEY}
    the_che = s[(s["unit"] == "Sở Nội vụ") & (s["component"] == "Cải cách thể chế")].iloc[0]
    assert (the_che["max_points"], the_che["self_points"], the_che["points"]) == (6, 6, 5.75)
    assert r.warnings == []
    assert r.bands == cm.BAND_PRESETS["tot-kha-kem"]  # inferred from the stated "Tốt"/"Khá"


@pytest.mark.parametrize("fmt", ["xlsx", "xls", "xls-merged", "ods", "csv-semicolon",
                                 "csv-utf16-tab", "csv-comma-decimal-comma"])
def test_every_format_reads_the_same_scores(fmt):
    rows, merges = B.wide_table(DEPARTMENTS)
    xls_merges = [(4, 4, 2 + 3 * i, 4 + 3 * i) for i in range(3)] + [(4, 5, 0, 0), (4, 5, 1, 1)]
    decimal_comma = [[str(v).replace(".", ",") if isinstance(v, float) else v for v in row]
                     for row in rows]
    data, name = {
        "xlsx": (B.xlsx({"S": rows}, {"S": merges}), "a.xlsx"),
        "xls": (B.xls({"S": rows}), "a.xls"),
        "xls-merged": (B.xls({"S": rows}, {"S": xls_merges}), "a.xls"),
        "ods": (B.ods({"S": rows}), "a.ods"),
        "csv-semicolon": (B.csv_bytes(decimal_comma, ";"), "a.csv"),
        "csv-utf16-tab": (B.csv_bytes(rows, "\t", "utf-16"), "a.txt"),
        "csv-comma-decimal-comma": (B.csv_bytes(decimal_comma, ",", "utf-8"), "a.csv"),
    }[fmt]
    reference = cm.read_scores(wide_file())
    got = cm.read_scores(io.BytesIO(data) if fmt == "ods" else data) if fmt != "csv-utf16-tab" \
        else cm.read_workbook(data, name=name).scores
    cols = ["unit", "component", "max_points", "points", "self_points"]
    pd.testing.assert_frame_equal(
        got[cols].sort_values(cols[:2]).reset_index(drop=True),
        reference[cols].sort_values(cols[:2]).reset_index(drop=True), check_dtype=False)


def test_long_layout_with_year_level_block_province_parent_and_code_columns():
    fields = [("Cải cách thể chế", 6), ("Cải cách tài chính công", 8)]
    units = [("Thị trấn Mỹ Lộc", "13654", "Huyện Mỹ Lộc"), ("Xã Mỹ Phúc", 13660, "Huyện Mỹ Lộc")]
    pts = {(u, f): m - 0.25 * i for i, (u, _, _) in enumerate(units) for f, m in fields}
    r = cm.read_workbook(B.xlsx({"Điểm": B.long_rows(units, fields, pts)}), name="x.xlsx")
    s = r.scores
    assert r.tables[0].layout == "long"
    assert len(s) == 4
    assert set(s["year"]) == {2021} and set(s["level"]) == {"commune"}
    assert set(s["block"]) == {"Huyện Mỹ Lộc"} and set(s["parent"]) == {"Huyện Mỹ Lộc"}
    assert set(s["province"]) == {"Nam Định"}
    assert sorted(s["unit_code"].unique()) == ["13654", "13660"]  # leading zeros kept as text
    assert set(s["component"]) == {"Cải cách thể chế", "Cải cách tài chính công"}


def test_several_sheets_one_per_year_take_the_year_from_the_sheet_name():
    rows21 = B.totals_table(2021)[3:]  # no title: the year must come from the sheet name
    rows22 = B.totals_table(2022)[3:]
    s = cm.read_scores(B.xlsx({"Năm 2021": rows21, "Năm 2022": rows22, "Hướng dẫn": [["Đọc kỹ"]]}))
    assert sorted(s["year"].unique()) == [2021, 2022]
    assert len(s) == 12


def test_year_and_level_arguments_override_the_file():
    s = cm.read_scores(B.xlsx({"S": B.totals_table(2022)}), year=2020, level="commune")
    assert set(s["year"]) == {2020} and set(s["level"]) == {"commune"}


def test_sheet_argument_reads_only_that_sheet_and_names_the_others_when_missing():
    data = B.xlsx({"2021": B.totals_table(2021), "2022": B.totals_table(2022)})
    assert set(cm.read_scores(data, sheet="2022")["year"]) == {2022}
    with pytest.raises(cm.ScoreFileError) as e:
        cm.read_scores(data, sheet="2030")
    assert "2021, 2022" in problems_of(e)[0].vi


def test_roman_numeral_blocks_in_one_table_rank_separately_and_set_levels():
    rows = [["STT", "Tên đơn vị", "Điểm tối đa", "Điểm thẩm định"],
            ["I", "Các sở, ban, ngành tỉnh"],
            [1, "Sở Nội vụ", 100, 90], [2, "Sở Tư pháp", 100, 80],
            ["II", "UBND huyện, thị xã, thành phố"],
            [1, "Huyện Mỹ Lộc", 100, 85], [2, "Huyện Vụ Bản", 100, 95]]
    s = cm.read_scores(B.xlsx({"Năm 2022": rows}))
    levels = dict(zip(s["unit"], s["level"], strict=True))
    assert levels == {"Sở Nội vụ": "department", "Sở Tư pháp": "department",
                      "Huyện Mỹ Lộc": "district", "Huyện Vụ Bản": "district"}
    units = cm.unit_table(s)
    assert units.set_index("unit")["rank"].to_dict() == {
        "Sở Nội vụ": 1, "Sở Tư pháp": 2, "Huyện Vụ Bản": 1, "Huyện Mỹ Lộc": 2}


def test_commune_blocks_named_after_districts_fill_the_parent():
    rows = [["KẾT QUẢ CHỈ SỐ CCHC CẤP XÃ NĂM 2022"],
            ["STT", "Tên đơn vị", "Điểm tối đa", "Điểm thẩm định"],
            ["I", "HUYỆN MỸ LỘC"], [1, "Thị trấn Mỹ Lộc", 70, 60.09], [2, "Xã Mỹ Phúc", 70, 51.55],
            ["II", "Huyện Vụ Bản"], [1, "Xã Liên Minh", 70, 58]]
    s = cm.read_scores(B.xlsx({"S": rows}))
    assert set(s["level"]) == {"commune"}
    parents = dict(zip(s["unit"], s["parent"], strict=True))
    assert parents == {"Thị trấn Mỹ Lộc": "HUYỆN MỸ LỘC", "Xã Mỹ Phúc": "HUYỆN MỸ LỘC",
                       "Xã Liên Minh": "Huyện Vụ Bản"}


def test_maximum_from_header_brackets_when_there_is_no_maximum_column():
    rows = [["KẾT QUẢ NĂM 2019 CÁC SỞ, BAN, NGÀNH"],
            ["TT", "TÊN CƠ QUAN", "Điểm thẩm định (65)", "Điểm ĐTXHH (35)", "Tổng điểm (100)",
             "Tỷ lệ đạt"],
            [1, "Sở Công Thương", 60, 30, 90, "90%"]]
    s = cm.read_scores(B.xlsx({"S": rows})).set_index("component")
    assert s.loc[TOTAL, "max_points"] == 65 and s.loc[SURVEY, "max_points"] == 35


def test_a_maximum_column_that_includes_the_survey_is_split():
    rows = [["NĂM 2020 — CÁC SỞ, BAN, NGÀNH"],
            ["STT", "Tên đơn vị", "Điểm tối đa", "Điểm thẩm định (65)", "Điểm ĐTXHH (35)"],
            [1, "Sở Tài chính", 100, 60, 30], [2, "Ban Dân tộc", 91.5, 50, 30]]
    s = cm.read_scores(B.xlsx({"S": rows}))
    units = cm.unit_table(s).set_index("unit")
    assert units.loc["Sở Tài chính", "max_points"] == 100
    assert units.loc["Ban Dân tộc", "max_points"] == 91.5
    assert units.loc["Ban Dân tộc", "index_pct"] == pytest.approx(87.43)  # 80 / 91.5


def test_numbering_row_under_the_header_and_footer_signature_are_ignored():
    rows = [["Năm 2021 - UBND cấp huyện"],
            ["STT", "Đơn vị", "Điểm tối đa", "Điểm thẩm định"],
            ["(1)", "(2)", "(3)", "(4)"],
            [1, "Huyện A", 100, 80],
            [],
            ["", "NGƯỜI LẬP BIỂU"], ["", "Nguyễn Văn A"]]
    s = cm.read_scores(B.xlsx({"S": rows}))
    assert s["unit"].tolist() == ["Huyện A"]


def test_formula_cells_use_the_cached_value_and_are_never_evaluated():
    rows = [["NĂM 2022 CÁC SỞ, BAN, NGÀNH"], ["STT", "Tên đơn vị", "Điểm tối đa", "Điểm thẩm định"],
            [1, "Sở Nội vụ", 100, 77]]
    data = B.with_formula(B.xlsx({"S": rows}), "D3", "1+1")  # cached 77, formula says 2
    s = cm.read_scores(data)
    assert s["points"].tolist() == [77]


def test_macros_in_an_xlsm_are_ignored_with_a_warning():
    rows = [["NĂM 2022 CÁC SỞ, BAN, NGÀNH"], ["STT", "Tên đơn vị", "Điểm tối đa", "Điểm thẩm định"],
            [1, "Sở Nội vụ", 100, 77]]
    data = B.add_member(B.xlsx({"S": rows}), "xl/vbaProject.bin", b"\x00fake vba project")
    r = cm.read_workbook(data, name="macro.xlsm")
    assert r.kind == "xlsm" and r.scores["points"].tolist() == [77]
    assert [w.code for w in r.warnings] == ["macros_ignored"]


def test_percent_cells_stored_as_fractions_are_understood():
    rows = [["NĂM 2022 CÁC SỞ, BAN, NGÀNH"],
            ["STT", "Tên đơn vị", "Điểm tối đa", "Điểm thẩm định", "Chỉ số (%)"],
            [1, "Sở Nội vụ", 70, 60.09, 0.8584], [2, "Sở Y tế", 70, 51.55, 0.7364]]
    assert cm.read_workbook(B.xlsx({"S": rows})).warnings == []


# ---- cross-checks: warnings that name the row -------------------------------------------------

def test_publisher_values_that_disagree_are_warnings_with_both_values_and_the_cell():
    rows = B.totals_table(2022)
    rows[6] = [2, "Huyện Mỹ Lộc", 70, 66, 64.24, 21.41, 85.75, "85,70%", 1, "Khá"]
    r = cm.read_workbook(B.xlsx({"S": rows}))
    by_code = {w.code: w for w in r.warnings}
    assert set(by_code) == {"total_mismatch", "index_mismatch", "rank_mismatch", "band_mismatch"}
    total = by_code["total_mismatch"]
    assert (total.sheet, total.row, total.severity) == ("S", 7, "warning")
    assert total.column.startswith("G ")
    assert "85,75" in total.vi and "85,65" in total.vi
    assert "85,70" in by_code["index_mismatch"].vi and "85,65" in by_code["index_mismatch"].vi
    assert "2/3" in by_code["rank_mismatch"].vi
    assert "«Khá»" in by_code["band_mismatch"].vi and "«Tốt»" in by_code["band_mismatch"].vi


def test_a_difference_within_one_hundredth_is_not_a_warning():
    rows = B.totals_table(2022)
    rows[6][7] = "85,66%"  # computed 85.65: within 0.01
    assert cm.read_workbook(B.xlsx({"S": rows})).warnings == []


# ---- refusals: every problem located -----------------------------------------------------------

def refused(data, **kw) -> list[cm.Problem]:
    with pytest.raises(cm.ScoreFileError) as e:
        cm.read_workbook(data, **kw)
    return problems_of(e)


def base_rows():
    return [["NĂM 2022 CÁC SỞ, BAN, NGÀNH"],
            ["STT", "Tên đơn vị", "Điểm tối đa", "Điểm tự đánh giá", "Điểm thẩm định"],
            [1, "Sở Nội vụ", 100, 90, 85], [2, "Sở Tư pháp", 100, 88, 80],
            [3, "Sở Y tế", 100, 70, 66]]


@pytest.mark.parametrize("row, col, value, code, letter", [
    (2, 4, -5, "negative", "E"),
    (3, 4, "tám mươi", "not_a_number", "E"),
    (4, 4, 101, "above_max", "E"),
    (4, 3, 100.5, "above_max", "D"),
    (2, 2, "", "missing_max", "C"),
    (3, 4, "", "missing_points", "E"),
    (2, 1, "", "no_unit_name", "B"),
])
def test_bad_cells_are_refused_with_sheet_row_column_and_value(row, col, value, code, letter):
    rows = base_rows()
    rows[row][col] = value
    (p,) = [p for p in refused(B.xlsx({"Điểm": rows})) if p.code == code]
    assert p.sheet == "Điểm" and p.row == row + 1 and p.column.startswith(letter)
    assert p.vi and p.en and p.severity == "error"
    assert "Trang tính «Điểm», dòng" in p.text("vi") and "Sheet «Điểm», row" in p.text("en")


def test_the_same_unit_twice_in_a_year_and_block_is_refused_naming_both_rows():
    rows = base_rows()
    rows[4][1] = "UBND Sở Nội vụ"  # same unit after normalisation
    (p,) = refused(B.xlsx({"S": rows}))
    assert p.code == "duplicate_unit" and "3, 5" in p.vi


def test_every_problem_is_reported_not_just_the_first():
    rows = base_rows()
    rows[2][4], rows[3][4], rows[4][4] = -1, "x", 200
    assert len(refused(B.xlsx({"S": rows}))) == 3


def test_missing_year_says_what_to_pass():
    rows = base_rows()[1:]
    (p,) = refused(B.xlsx({"Sheet1": rows}), name="bang.xlsx")
    assert p.code == "no_year" and "--year" in p.vi and "--year" in p.en


def test_missing_level_says_what_to_pass():
    rows = [["NĂM 2022"], ["STT", "Tên đơn vị", "Điểm tối đa", "Điểm thẩm định"],
            [1, "Đơn vị Một", 100, 80], [2, "Đơn vị Hai", 100, 70]]
    (p,) = refused(B.xlsx({"S": rows}))
    assert p.code == "no_level" and "--level" in p.vi


@pytest.mark.parametrize("data, code", [
    (b"", "empty_file"),
    (b"   \n  ", "empty_file"),
    (b"%PDF-1.7 ...", "pdf"),
    (b"<html><table><tr><td>1</td></tr></table></html>", "html"),
    (bytes(range(256)) * 40, "not_text"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "not_text"),
    (b"PK\x03\x04garbage-not-a-zip", "corrupt"),
    (B.OLE_LIKE if hasattr(B, "OLE_LIKE") else b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
     "corrupt"),
])
def test_non_spreadsheets_are_refused_clearly(data, code):
    (p,) = refused(data, name="x.xlsx")
    assert p.code == code and p.vi and p.en


def test_a_truncated_xlsx_is_refused_as_corrupt():
    data = wide_file()
    (p,) = refused(data[: len(data) // 2])
    assert p.code == "corrupt"


def test_word_documents_and_other_zips_are_named():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    assert refused(buf.getvalue())[0].code == "word"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", "hello")
    assert refused(buf.getvalue())[0].code == "not_spreadsheet"


def test_a_zip_bomb_is_refused_before_parsing():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\x00" * (50 * 1024 * 1024))
    (p,) = refused(buf.getvalue())
    assert p.code == "zip_bomb"


def test_a_zip_whose_headers_understate_the_size_is_still_caught(monkeypatch):
    monkeypatch.setenv("CCHC_MAX_UNCOMPRESSED_MB", "1")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"<a>" + b"x" * (3 * 1024 * 1024) + b"</a>")
    data = bytearray(buf.getvalue())
    # lie in the central directory: claim the big member is 10 bytes long
    cd = data.rfind(b"PK\x01\x02")
    data[cd + 24:cd + 28] = (10).to_bytes(4, "little")
    p = refused(bytes(data))[0]
    assert p.code in ("zip_bomb", "corrupt")


def test_file_size_and_row_limits(monkeypatch):
    monkeypatch.setenv("CCHC_MAX_FILE_MB", "1")
    assert refused(b"x" * (1024 * 1024 + 1))[0].code == "file_too_large"
    monkeypatch.setenv("CCHC_MAX_FILE_MB", "50")
    monkeypatch.setenv("CCHC_MAX_ROWS", "5")
    assert refused(wide_file())[0].code == "too_many_rows"
    assert refused(B.csv_bytes(base_rows() * 2))[0].code == "too_many_rows"


def test_no_header_and_empty_sheets():
    assert refused(B.xlsx({"A": [["Báo cáo"], ["nội dung không phải bảng điểm", 1, 2]]}))[0].code \
        == "no_header"
    assert refused(B.xlsx({"A": []}))[0].code == "empty"
    blank_template = [["Năm", "Cấp", "Tên đơn vị", "Lĩnh vực", "Điểm tối đa", "Điểm thẩm định"]]
    assert refused(B.xlsx({"Điểm": blank_template}))[0].code in ("no_units", "empty", "no_header")


def test_a_path_that_does_not_exist_is_a_score_file_error(tmp_path):
    assert refused(tmp_path / "khong-co.xlsx")[0].code == "unreadable"


def test_read_scores_from_a_path_and_a_file_like(tmp_path):
    path = tmp_path / "so.xlsx"
    path.write_bytes(wide_file())
    a = cm.read_scores(path)
    b = cm.read_scores(io.BytesIO(wide_file()))
    assert np.allclose(a["points"], b["points"]) and a["source"].iloc[0].startswith("so.xlsx")


def test_unrecognised_columns_are_reported_and_can_be_mapped():
    rows = [["NĂM 2022 CÁC SỞ, BAN, NGÀNH"],
            ["STT", "Cơ quan được đánh giá", "Thang điểm CC", "Kết quả CC", "Ý kiến"],
            [1, "Sở Nội vụ", 6, 5.5, "tốt"], [2, "Sở Y tế", 6, 4.25, ""]]
    data = B.xlsx({"S": rows})
    assert refused(data)[0].code == "missing_max"
    columns = describe_columns(data).set_index("header")
    assert pd.isna(columns.loc["Ý kiến", "role"]) and columns.loc["Kết quả CC", "role"] == "points"
    assert columns.loc["Thang điểm CC", "column"] == "C"
    mapped = cm.read_workbook(data, mapping={"Thang điểm CC": "max:Cải cách thể chế",
                                             "Kết quả CC": "points:Cải cách thể chế",
                                             "Ý kiến": "ignore"})
    assert set(mapped.scores["component"]) == {"Cải cách thể chế"}
    assert mapped.tables[0].unrecognised == []
    assert mapped.scores["points"].tolist() == [5.5, 4.25]
    assert refused(data, mapping={"Kết quả CC": "nonsense"})[0].code == "bad_mapping"


def test_a_header_the_reader_cannot_find_can_be_mapped():
    rows = [["NĂM 2022 CÁC SỞ, BAN, NGÀNH"], ["Số", "Cơ sở", "Trần", "Được"], [1, "Sở A", 10, 8]]
    assert refused(B.xlsx({"S": rows}))[0].code == "no_header"
    s = cm.read_scores(B.xlsx({"S": rows})) if False else cm.read_workbook(
        B.xlsx({"S": rows}), mapping={"Cơ sở": "unit", "Trần": "max", "Được": "points"}).scores
    assert s["points"].tolist() == [8] and s["max_points"].tolist() == [10]


def test_a_block_name_too_long_for_the_store_is_a_located_error():
    rows = B.totals_table()
    rows[4] = ["I", "UBND huyện " + "rất dài " * 40]  # over MAX_BLOCK_CHARS
    with pytest.raises(cm.ScoreFileError) as refused:
        cm.read_scores(io.BytesIO(B.xlsx({"Năm 2022": rows})))
    problem = refused.value.problems[0]
    assert problem.code == "block_too_long" and problem.row == 6
    assert "300" in problem.vi and problem.value.endswith("…")


def odd_cells_xls() -> bytes:
    """An .xls with a date, a date-time, a time, a merge, decimals and a Vietnamese sheet name."""
    import datetime as dt

    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("Điểm năm 2022")
    ws.write_merge(0, 0, 0, 3, "KẾT QUẢ CHỈ SỐ CCHC")
    ws.write(1, 0, dt.date(2023, 2, 28), xlwt.easyxf(num_format_str="DD/MM/YYYY"))
    ws.write(1, 1, dt.datetime(2023, 2, 28, 9, 30), xlwt.easyxf(num_format_str="DD/MM/YYYY hh:mm"))
    ws.write(1, 2, dt.time(14, 5), xlwt.easyxf(num_format_str="hh:mm"))
    for c, value in enumerate(["Sở Nội vụ", 85.65, 7, True, 0.1 + 0.2]):
        ws.write(2, c, value)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_an_xls_read_in_its_own_process_arrives_as_calamine_reads_it():
    """.xls is parsed in a child (its reader can abort); what comes back must be identical."""
    import datetime as dt

    from cchc_metrics.ingest import calamine_grids, workbook

    data = odd_cells_xls()
    limits = {"max_sheets": 100, "max_rows": 1000, "max_columns": 100, "max_cells": 10**5}
    here = calamine_grids.grids(data, None, limits)
    (name, rows, merges), = here["sheets"]
    assert any(isinstance(v, (dt.date, dt.time, dt.timedelta)) for v in rows[1])  # tags travel
    assert calamine_grids.in_child(data, None, limits, 4096, 60) == here
    (sheet,) = workbook.load_workbook(data, name="a.xls").sheets
    assert (sheet.name, sheet.rows, sheet.merges) == (name, rows, merges)
    assert (name, merges) == ("Điểm năm 2022", [((0, 0), (0, 3))])
    assert rows[2][:3] == ["Sở Nội vụ", 85.65, 7] and rows[2][4] == 0.1 + 0.2


def test_an_xls_reader_that_overruns_its_time_or_memory_is_a_located_refusal(monkeypatch):
    big = B.xls({"S": [[f"ô {r}.{c}" for c in range(20)] for r in range(20000)]})
    assert refused(big, name="a.xls")[0].code == "no_header"  # read in full, but not a score table
    monkeypatch.setenv("CCHC_XLS_TIMEOUT_S", "0.01")
    (p,) = refused(big, name="a.xls")
    assert p.code == "corrupt" and "đọc quá 0,01 giây" in p.vi and "took over 0.01 s" in p.en
    monkeypatch.setenv("CCHC_XLS_TIMEOUT_S", "60")
    monkeypatch.setenv("CCHC_XLS_MEMORY_MB", "64")  # below what this 10 MB sheet needs
    (p,) = refused(big, name="a.xls")
    assert p.code == "corrupt" and "Excel 97-2003" in p.vi


def test_the_reach_of_an_xls_is_read_record_by_record():
    """A text cell at row 513, column O holds the bytes of a DIMENSIONS record: no false refusal.

    (The byte search this replaced measured this sheet as 50,388,992 rows × 768 columns.)
    """
    from cchc_metrics.ingest import biff

    data = B.xls({"S": [[f"{r}.{c}" for c in range(16)] for r in range(600)]})
    assert biff.xls_extent(data) == (600, 16)
    assert refused(data, name="a.xls")[0].code == "no_header"  # read, not refused as too big


def test_the_reach_counts_every_kind_of_cell_record_and_the_stated_dimensions():
    import struct

    from cchc_metrics.ingest import biff
    from tests.ingest.hostile_files import cfb

    def record(kind: int, body: bytes) -> bytes:
        return struct.pack("<HH", kind, len(body)) + body

    bof = record(0x0809, struct.pack("<HHHHII", 0x0600, 0x10, 0, 0, 0, 0))
    mulrk = record(0x00BD, struct.pack("<HH", 9, 3) + b"\0" * 6 * 298 + struct.pack("<H", 300))
    number = record(0x0203, struct.pack("<HHHd", 40, 2, 0, 1.5))
    dims = record(0x0200, struct.pack("<IIHHH", 0, 70, 0, 5, 0))
    eof = record(0x000A, b"")
    assert biff.xls_extent(cfb({"Workbook": bof + mulrk + number + eof})) == (41, 301)
    assert biff.xls_extent(cfb({"Workbook": bof + dims + eof})) == (70, 5)
    assert biff.xls_extent(cfb({"Book": bof + number + eof})) == (41, 3)  # BIFF5's stream name
    assert biff.xls_extent(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600) == (0, 0)


def test_an_xls_is_measured_in_its_reader_process_not_in_the_server(monkeypatch):
    """The record walk is Python: on a 50 MB file of empty records it would hold the server's
    lock for seconds. A far cell is refused by the walk (no sheet named), not by calamine."""
    from cchc_metrics.ingest import biff
    from tests.ingest.hostile_files import xls_far_cell

    monkeypatch.setattr(biff, "xls_extent", lambda data: pytest.fail("walked in the server"))
    (p,) = refused(xls_far_cell(), name="a.xls")
    assert (p.code, p.sheet) == ("too_many_rows", None) and "65536 dòng × 256 cột" in p.vi


def test_why_the_xls_reader_stopped_is_said_in_words_not_codes_alone():
    from cchc_metrics.ingest.calamine_grids import exit_reason

    vi, en = exit_reason(1, b"Traceback (most recent call last):\n  ...\nMemoryError\n")
    assert "bộ nhớ" in vi and "memory" in en
    vi, en = exit_reason(-6, b"memory allocation of 1328755511600 bytes failed\n")
    assert vi.startswith("trình đọc bị dừng đột ngột") and en.endswith("signal 6")


# ---- published forms the generator does not draw ------------------------------------------------

def test_the_title_names_the_communes_district_and_the_province():
    rows = [["UBND HUYỆN CẨM GIÀNG"],
            ["KẾT QUẢ CHỈ SỐ CCHC NĂM 2023 CỦA UBND CÁC XÃ, THỊ TRẤN HUYỆN CẨM GIÀNG"],
            ["TỈNH HẢI DƯƠNG"], [],
            ["STT", "Tên xã, thị trấn", "Điểm tối đa", "Điểm đạt"],
            [1, "Thị trấn Lai Cách", 100, 90.5], [2, "Xã Cẩm Hưng", 100, 81]]
    s = cm.read_scores(B.xlsx({"S": rows}))
    assert set(s["parent"]) == {"Huyện Cẩm Giàng"} and set(s["province"]) == {"Tỉnh Hải Dương"}
    assert set(s["level"]) == {"commune"}


def test_a_summary_row_is_found_wherever_its_word_stands_but_a_unit_named_so_is_kept():
    rows = [["KẾT QUẢ CHỈ SỐ CCHC NĂM 2023 CÁC SỞ, BAN, NGÀNH"],
            ["STT", "Cơ quan, đơn vị", "Chỉ số (%)", "Xếp hạng"],
            ["", "Chỉ số CCHC bình quân của các sở, ban, ngành", "80,50%", ""],
            [1, "Công an tỉnh", "91,20%", 1], [2, "Sở Tư pháp", "85,65%", 2],
            [3, "Sở Y tế", "64,70%", 3], ["", "Trung bình chung", "80,52%", ""]]
    r = cm.read_workbook(B.xlsx({"S": rows}))
    units = cm.unit_table(r.scores)
    assert units["unit"].tolist() == ["Công an tỉnh", "Sở Tư pháp", "Sở Y tế"]
    assert units["index_pct"].tolist() == [91.2, 85.65, 64.7] and r.warnings == []
    assert r.tables[0].layout == "index" and set(r.scores["component"]) == {"total"}


def test_a_maximum_is_inferred_from_points_and_index_and_said_in_a_note():
    rows = [["KẾT QUẢ CHỈ SỐ CCHC NĂM 2022 CÁC HUYỆN"],
            ["TT", "Địa phương", "Tổng điểm", "Chỉ số (%)"],
            [1, "Huyện A", "64,24", "85,65"], [2, "Huyện B", "60,09", "80,12"]]
    r = cm.read_workbook(B.xlsx({"S": rows}))
    assert set(r.scores["max_points"]) == {75.0}
    assert [w.code for w in r.warnings] == ["max_inferred"] and r.warnings[0].severity == "note"
    assert cm.unit_table(r.scores)["index_pct"].tolist() == [85.65, 80.12]


def test_a_sheet_without_a_table_is_named_not_dropped_in_silence():
    table = [["KẾT QUẢ NĂM 2023 CÁC SỞ, BAN, NGÀNH"], ["TT", "Tên đơn vị", "Chỉ số (%)"],
             [1, "Sở A", 90], [2, "Sở B", 80]]
    r = cm.read_workbook(B.xlsx({"Năm 2023": table, "Biểu đồ": [["Ghi chú của phòng"], [1, 2]],
                                 "Hướng dẫn": [["Cách điền"]]}))
    (note,) = r.warnings
    assert (note.code, note.sheet, note.severity) == ("sheet_skipped", "Biểu đồ", "note")


def test_a_semicolon_table_under_a_title_with_commas_in_windows_1258():
    text = ("KẾT QUẢ CHỈ SỐ CCHC NĂM 2023 CỦA UBND CÁC XÃ, PHƯỜNG, THỊ TRẤN\r\n"
            "STT;Tên đơn vị;Điểm tối đa;Điểm thẩm định\r\n1;Xã Quảng Ngãi;100;85,65\r\n"
            "2;Phường Hồng Hải;100;77,5\r\n")
    from tests.ingest.forms import windows_1258

    data = windows_1258(text).encode("cp1258")
    s = cm.read_workbook(data, name="xa.csv").scores
    assert s["unit"].tolist() == ["Xã Quảng Ngãi", "Phường Hồng Hải"]
    assert s["points"].tolist() == [85.65, 77.5]


def test_national_tables_of_ministries_and_of_provinces():
    """A Sở Nội vụ puts its province beside the national ranking: levels ministry and province."""
    ministries = [["KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2023 CỦA CÁC BỘ, CƠ QUAN NGANG BỘ"],
                  ["Các bộ, cơ quan ngang bộ", "Chỉ số (%)", "Thứ hạng"],
                  ["Ngân hàng Nhà nước Việt Nam", "91,02", 1], ["Bộ Tư pháp", "89,95", 2],
                  ["Bộ Nội vụ", "88,41", 3]]
    provinces = [["KẾT QUẢ CHỈ SỐ CCHC NĂM 2023 CỦA CÁC TỈNH, THÀNH PHỐ TRỰC THUỘC TRUNG ƯƠNG"],
                 ["Thứ hạng", "Tỉnh, thành phố", "Chỉ số (%)"],
                 [1, "Thành phố Hải Phòng", "91,61"], [2, "Tỉnh Quảng Ninh", "91,19"],
                 [3, "Thành phố Hà Nội", "89,34"]]
    a = cm.unit_table(cm.read_scores(B.xlsx({"Bộ": ministries})))
    b = cm.unit_table(cm.read_scores(B.xlsx({"Tỉnh": provinces})))
    assert set(a["level"]) == {"ministry"} and a["rank"].tolist() == [1, 2, 3]
    assert set(b["level"]) == {"province"} and b["unit"].tolist()[0] == "Thành phố Hải Phòng"
    assert b["index_pct"].tolist() == [91.61, 91.19, 89.34]


def test_a_unit_column_under_an_unusual_header_is_found_by_its_names():
    rows = [["KẾT QUẢ CHỈ SỐ CCHC NĂM 2023 CÁC SỞ, BAN, NGÀNH"],
            ["STT", "Đối tượng được đánh giá", "Chỉ số (%)", "Xếp hạng"],
            [1, "Sở Tư pháp", "90,10", 1], [2, "Sở Y tế", "85,65", 2], [3, "Ban Dân tộc", "80", 3]]
    r = cm.read_workbook(B.xlsx({"S": rows}))
    assert r.scores["unit"].tolist() == ["Sở Tư pháp", "Sở Y tế", "Ban Dân tộc"]


def test_a_problem_names_the_column_that_is_wrong_not_the_total_beside_it():
    rows = [["KẾT QUẢ CHỈ SỐ CCHC NĂM 2022 CÁC HUYỆN"],
            ["STT", "Tên đơn vị", "Điểm tối đa", "Điểm thẩm định", "Tổng điểm"],
            [1, "Huyện A", 70, 72.5, 72.5], [2, "Huyện B", 70, "sáu mươi", 60]]
    problems = refused(B.xlsx({"S": rows}))
    assert {p.code for p in problems} == {"above_max", "not_a_number"}
    assert all(p.column.startswith("D (Điểm thẩm định)") for p in problems)


def test_a_block_typed_by_a_person_is_checked_as_one_in_the_file():
    """The upload page's block override skipped the reader's checks (405 characters with U+202E
    were stored on SQLite; PostgreSQL failed with an uncaught error)."""
    data = B.xlsx({"S": B.totals_table(2022)})
    assert refused(data, block="Khối " + "x" * 400)[0].code == "block_too_long"
    s = cm.read_workbook(data, block="Khối\u202e  huyện\u200f").scores
    assert set(s["block"]) == {"Khối huyện"}


def test_the_readers_size_limit_is_the_browsers_number_of_bytes():
    """50 MB is 50,000,000 bytes in the browser's uploader: the reader counts the same way."""
    from cchc_metrics import settings

    limit = settings.get("max_file_mb") * 1_000_000
    assert refused(b"x" * (limit + 1))[0].code == "file_too_large"
    assert refused(b"x" * limit)[0].code != "file_too_large"


def test_invisible_characters_are_dropped_from_names_and_long_names_refused():
    """Two units that look the same are the same; a 5,000,000-character name is refused."""
    rows = [["KẾT QUẢ NĂM 2023 CÁC SỞ, BAN, NGÀNH"], ["TT", "Tên đơn vị", "Chỉ số (%)"],
            [1, "Sở\u200b Tư\u00ad pháp\ufeff", 90], [2, "Sở Y tế", 80]]
    assert cm.read_scores(B.xlsx({"S": rows}))["unit"].tolist() == ["Sở Tư pháp", "Sở Y tế"]
    rows[3][1] = "Sở " + "Y" * 5_000
    assert refused(B.xlsx({"S": rows}))[0].code == "unit_name_too_long"
