"""The transposed criterion table, read like any untrusted file."""

from __future__ import annotations

import numpy as np
import pytest

from cchc_metrics.ingest.criteria import read_criteria
from cchc_metrics.ingest.problems import ScoreFileError
from cchc_metrics.sample.criteria import criteria_workbook, demo_criteria
from tests import builders as B

KEYS = ["year", "unit", "criterion"]


def test_the_sample_s_transposed_workbook_reads_back_as_its_tree():
    got = read_criteria(criteria_workbook(2025), name="tong_hop_2025.xlsx")
    want = demo_criteria((2025,))
    a = got.rows.sort_values(KEYS, ignore_index=True)
    w = want.sort_values(KEYS, ignore_index=True)
    assert a[KEYS + ["field", "criterion_name"]].equals(w[KEYS + ["field", "criterion_name"]])
    for column in ("max_points", "self_points", "points"):
        assert np.allclose(a[column], w[column], equal_nan=True), column
    assert not got.warnings


def sheet(rows):
    head = [["BẢNG TỔNG HỢP NĂM 2024"],
            ["STT", "Tiêu chí", "Điểm tối đa", "Sở A", None, "Sở B", None],
            [None, None, None, "Tự ĐG", "Thẩm định", "Tự ĐG", "Thẩm định"]]
    return B.xlsx({"S": head + rows})


def test_arabic_field_numbers_keep_their_paths_and_a_bad_sum_is_a_located_warning():
    rows = [["1", "Công tác chỉ đạo, điều hành CCHC", 4, 4, 3.5, 3, 3],
            ["1.1", "Kế hoạch", 2, 2, 2, 1.5, 1.5],
            ["1.2", "Báo cáo", 2, 2, 1, 1.5, 1.5]]  # Sở A: 2 + 1 = 3, not 3,5
    got = read_criteria(sheet(rows), name="a.xlsx")
    assert sorted(set(got.rows["criterion"])) == ["1", "1.1", "1.2"]
    assert set(got.rows["field"]) == {"Công tác chỉ đạo, điều hành CCHC"}
    (warning,) = got.warnings
    assert (warning.code, warning.row, warning.column) == ("criteria_sum", 4, "E")
    assert "điểm 3,50 khác tổng các tiêu chí con 3,00" in warning.msg.vi


def test_roman_fields_prefix_their_criteria_and_empty_cells_are_not_applicable():
    rows = [["II", "Cải cách thể chế", 6, 5, 5, None, None],
            ["1", "Xây dựng văn bản", 6, 5, 5, None, None]]
    got = read_criteria(sheet(rows), name="a.xlsx").rows
    assert got["criterion"].tolist() == ["2", "2.1"] and set(got["unit"]) == {"Sở A"}


def test_points_above_the_maximum_and_text_are_located_errors():
    rows = [["1", "Công tác chỉ đạo, điều hành CCHC", 4, 4, 4.5, "bốn", 3]]
    with pytest.raises(ScoreFileError) as refused:
        read_criteria(sheet(rows), name="a.xlsx")
    found = {(p.code, p.row, p.column) for p in refused.value.problems}
    assert found == {("criteria_over_max", 4, "E"), ("criteria_number", 4, "F")}


def test_a_sheet_without_the_pairs_is_refused_with_what_it_needs():
    with pytest.raises(ScoreFileError) as refused:
        read_criteria(B.xlsx({"S": [["STT", "Đơn vị"], [1, "Sở A"]]}), name="a.xlsx")
    assert refused.value.problems[0].code == "no_criteria_header"


def test_the_long_layout_reads_as_the_same_tree_as_the_transposed_one():
    want = demo_criteria((2025,))
    header = ["Năm", "Đơn vị", "Mã tiêu chí", "Tiêu chí", "Điểm tối đa", "Tự đánh giá",
              "Thẩm định"]
    rows = [[r.year, r.unit, r.criterion, r.criterion_name, r.max_points,
             None if r.self_points != r.self_points else r.self_points, r.points]
            for r in want.itertuples(index=False)]
    got = read_criteria(B.xlsx({"Chi tiết": [header, *rows]}), name="xuat_phan_mem.xlsx")
    a = got.rows.sort_values(KEYS, ignore_index=True)
    w = want.sort_values(KEYS, ignore_index=True)
    assert a[KEYS + ["field", "criterion_name", "level"]].equals(
        w[KEYS + ["field", "criterion_name", "level"]])
    assert np.allclose(a["points"], w["points"]) and not got.warnings


def test_a_long_layout_s_bad_cells_and_sums_are_located():
    header = ["Năm", "Đơn vị", "Mã tiêu chí", "Tiêu chí", "Điểm tối đa", "Thẩm định"]
    rows = [[2025, "Xã A", "1", "Công tác chỉ đạo, điều hành CCHC", 4, 3.5],
            [2025, "Xã A", "1.1", "Kế hoạch", 2, 2], [2025, "Xã A", "1.2", "Báo cáo", 2, 1]]
    got = read_criteria(B.xlsx({"S": [header, *rows]}), name="a.xlsx")
    (warning,) = got.warnings
    assert (warning.code, warning.row, warning.column) == ("criteria_sum", 2, "F")
    rows[2][5] = "hai"
    rows[1][5] = 3  # above its maximum 2
    with pytest.raises(ScoreFileError) as refused:
        read_criteria(B.xlsx({"S": [header, *rows]}), name="a.xlsx")
    found = {(p.code, p.row, p.column) for p in refused.value.problems}
    assert found == {("criteria_number", 4, "F"), ("criteria_over_max", 3, "F")}


def test_one_unit_s_self_assessment_form_names_the_unit_in_its_title():
    rows = [["BẢNG TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CHỈ SỐ CCHC NĂM 2025"], ["Đơn vị: Sở Tư pháp"],
            ["STT", "Tiêu chí", "Điểm tối đa", "Điểm tự đánh giá", "Điểm thẩm định"],
            ["I", "Công tác chỉ đạo, điều hành CCHC", 4, 4, 3],
            ["1", "Kế hoạch CCHC năm", 2, 2, 2], ["2", "Báo cáo CCHC", 2, 2, 1]]
    got = read_criteria(B.xlsx({"Tự đánh giá": rows}), name="so_tu_phap.xlsx").rows
    assert set(got["unit"]) == {"Sở Tư pháp"}
    assert got["criterion"].tolist() == ["1", "1.1", "1.2"]
    assert got["points"].tolist() == [3, 2, 1]


def test_the_wide_layout_a_column_group_per_criterion_reads_as_the_same_nodes():
    rows = [["KẾT QUẢ THẨM ĐỊNH NĂM 2024"],
            ["STT", "Đơn vị", "1. Công tác chỉ đạo, điều hành CCHC", None, None,
             "1.1 Kế hoạch CCHC năm", None, None, "1.2 Báo cáo CCHC", None, None],
            [None, None, "Tối đa", "Tự ĐG", "Thẩm định", "Tối đa", "Tự ĐG", "Thẩm định",
             "Tối đa", "Tự ĐG", "Thẩm định"],
            [1, "Xã An Phú", 4, 4, 3.5, 2, 2, 2, 2, 2, 1.5],
            [2, "Xã Bình Minh", 4, 4, 3, 2, 2, 1, 2, 2, "hai"]]
    with pytest.raises(ScoreFileError) as refused:
        read_criteria(B.xlsx({"S": rows}), name="a.xlsx")
    (found,) = refused.value.problems
    assert (found.code, found.row, found.column) == ("criteria_number", 5, "K")  # its own cell
    rows[4][10] = 2
    got = read_criteria(B.xlsx({"S": rows}), name="a.xlsx")
    mine = got.rows[got.rows["unit"] == "Xã An Phú"]
    assert mine["criterion"].tolist() == ["1", "1.1", "1.2"]
    assert mine["points"].tolist() == [3.5, 2, 1.5]
    assert mine["criterion_name"].tolist()[1] == "Kế hoạch CCHC năm"
    assert not got.warnings


def test_a_large_long_csv_reads_column_wise_exactly_as_line_by_line(monkeypatch):
    """The columnar path (pyarrow) for a large CSV: the same rows and the same located problems
    as the general reader."""
    import cchc_metrics.ingest.criteria as reader

    lines = ["KẾT QUẢ CHẤM ĐIỂM NĂM 2025", "",
             "Đơn vị;Mã tiêu chí;Tiêu chí;Điểm tối đa;Tự đánh giá;Thẩm định"]
    for unit in ("Xã A", "Xã B", "Xã C"):
        lines += [f"{unit};1;Công tác chỉ đạo, điều hành CCHC;4;4;3,5",
                  f"{unit};1.1;Kế hoạch;2;2;2", f"{unit};1.2;Báo cáo;2;2;1,5"]
    lines[-1] = "Xã C;1.2;Báo cáo;2;2;1,25"  # Xã C's parts add up to 3,25, not 3,5
    data = "\n".join(lines).encode("utf-8")
    monkeypatch.setattr(reader, "FAST_CSV_LINES", 10**9)
    slow = read_criteria(data, name="xa.csv")
    monkeypatch.setattr(reader, "FAST_CSV_LINES", 3)
    assert reader._fast_long_csv(data, "xa.csv", None, None) is not None  # the path is taken
    fast = read_criteria(data, name="xa.csv")
    columns = ["year", "unit", "criterion", "criterion_name", "field", "max_points", "points"]
    assert fast.rows[columns].equals(slow.rows[columns])
    assert [(w.code, w.row, w.column) for w in fast.warnings] == \
        [(w.code, w.row, w.column) for w in slow.warnings] == [("criteria_sum", 10, "F")]
    bad = data.replace("Xã B;1.1;Kế hoạch;2;2;2".encode(), "Xã B;1.1;Kế hoạch;2;2;hai".encode())
    with pytest.raises(ScoreFileError) as refused:
        read_criteria(bad, name="xa.csv")
    assert [(p.code, p.row, p.column) for p in refused.value.problems] == [
        ("criteria_number", 8, "F")]


def test_the_columnar_path_composes_text_and_reads_a_year_column_like_the_general_one(monkeypatch):
    """A UTF-8 file with a BOM, names typed in decomposed form and a «Năm» column: the columnar
    path (which does not compose the whole file) gives the same composed names and years."""
    import unicodedata

    import cchc_metrics.ingest.criteria as reader

    lines = ["Năm,Đơn vị,Mã tiêu chí,Tiêu chí,Điểm tối đa,Tự đánh giá,Thẩm định"]
    for year in (2024, 2025):
        for unit in ("Xã Hòa Bình", "Phường Đông Hải"):
            lines += [f"{year},{unit},1,Công tác chỉ đạo,4,4,3.5", f"{year},{unit},1.1,Kế hoạch,4,4,3.5"]
    data = b"\xef\xbb\xbf" + unicodedata.normalize("NFD", "\n".join(lines)).encode("utf-8")
    monkeypatch.setattr(reader, "FAST_CSV_LINES", 10**9)
    slow = read_criteria(data, name="xa.csv")
    monkeypatch.setattr(reader, "FAST_CSV_LINES", 3)
    assert reader._fast_long_csv(data, "xa.csv", None, None) is not None  # the path is taken
    fast = read_criteria(data, name="xa.csv")
    columns = ["year", "level", "block", "unit", "criterion", "criterion_name", "points"]
    assert fast.rows[columns].equals(slow.rows[columns])
    assert set(fast.rows["unit"]) == {"Xã Hòa Bình", "Phường Đông Hải"}  # composed (NFC)
    assert sorted(set(fast.rows["year"])) == [2024, 2025]
    assert set(fast.rows["level"]) == {"commune"}


@pytest.mark.parametrize("cell", ["N/A", "#N/A", "null", "nan", "NA"])
def test_the_columnar_path_refuses_text_where_points_belong_like_the_general_one(monkeypatch, cell):
    """A comma-separated file with decimal points: pyarrow's own null words are text here."""
    import cchc_metrics.ingest.criteria as reader

    lines = ["Năm,Đơn vị,Mã tiêu chí,Tiêu chí,Điểm tối đa,Tự đánh giá,Thẩm định"]
    for unit in ("Xã A", "Xã B", "Xã C"):
        lines += [f"2025,{unit},1,Công tác chỉ đạo,4,4,3.5", f"2025,{unit},1.1,Kế hoạch,4,4,3.5"]
    lines[4] = f"2025,Xã B,1.1,Kế hoạch,4,4,{cell}"
    data = "\n".join(lines).encode()
    monkeypatch.setattr(reader, "FAST_CSV_LINES", 3)
    with pytest.raises(ScoreFileError) as refused:
        read_criteria(data, name="xa.csv")
    assert [(p.code, p.row, p.column) for p in refused.value.problems] == [
        ("criteria_number", 5, "G")]


def test_a_blank_line_keeps_the_rows_numbered_as_the_file_is(monkeypatch):
    import cchc_metrics.ingest.criteria as reader

    lines = ["Năm;Đơn vị;Mã tiêu chí;Tiêu chí;Điểm tối đa;Tự đánh giá;Thẩm định"]
    for unit in ("Xã A", "Xã B", "Xã C"):
        lines += [f"2025;{unit};1;Công tác chỉ đạo;4;4;3,5", f"2025;{unit};1.1;Kế hoạch;4;4;3,5"]
    lines.insert(3, "")
    lines[6] = "2025;Xã C;1;Công tác chỉ đạo;4;4;ba"  # line 7 of the file
    data = "\n".join(lines).encode()
    monkeypatch.setattr(reader, "FAST_CSV_LINES", 3)
    with pytest.raises(ScoreFileError) as refused:
        read_criteria(data, name="xa.csv")
    assert [(p.code, p.row) for p in refused.value.problems] == [("criteria_number", 7)]


def test_a_field_renamed_between_years_keeps_each_year_s_name(monkeypatch):
    """Frameworks rename fields: the field of a year's criteria is that year's field row's,
    on every run (not whichever a set happens to give first)."""
    import cchc_metrics.ingest.criteria as reader

    lines = ["Năm;Đơn vị;Mã tiêu chí;Tiêu chí;Điểm tối đa;Tự đánh giá;Thẩm định"]
    for year, field in ((2024, "Cải cách thể chế"), (2025, "Công tác chỉ đạo, điều hành CCHC")):
        for unit in ("Xã A", "Xã B"):
            lines += [f"{year};{unit};1;{field};4;4;3", f"{year};{unit};1.1;Một tiêu chí;4;4;3"]
    data = "\n".join(lines).encode()
    for fast in (10**9, 3):
        monkeypatch.setattr(reader, "FAST_CSV_LINES", fast)
        rows = read_criteria(data, name="xa.csv").rows
        got = dict(zip(zip(rows["year"], rows["criterion"], strict=True), rows["field"],
                       strict=True))
        assert got[(2024, "1.1")] == "Cải cách thể chế"
        assert got[(2025, "1.1")] == "Công tác chỉ đạo, điều hành CCHC"
