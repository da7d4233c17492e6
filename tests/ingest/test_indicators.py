"""Service indicator tables read like any untrusted file: both layouts, periods, located
problems and the file's own rates checked."""

from __future__ import annotations

import pandas as pd
import pytest

from cchc_metrics.ingest.indicators import read_indicators
from cchc_metrics.ingest.problems import ScoreFileError
from cchc_metrics.sample.services import (
    SERVICE_FILE,
    STATISTICS_FILE,
    demo_indicators,
    service_workbook,
    statistics_workbook,
)
from tests import builders as B

KEYS = ["year", "month_from", "month_to", "level", "block", "parent", "unit", "measure"]
HEADER = ["STT", "Đơn vị", "Tổng số", "Đã giải quyết", "Trước hạn", "Đúng hạn", "Trễ hạn",
          "Đang giải quyết"]


def as_sorted(frame):
    return frame[KEYS + ["value", "max_value"]].sort_values(KEYS, ignore_index=True)


@pytest.mark.parametrize("make, name, service", [(service_workbook, SERVICE_FILE, True),
                                                 (statistics_workbook, STATISTICS_FILE, False)])
def test_the_sample_workbooks_read_back_as_the_sample_rows(make, name, service):
    got = read_indicators(make(), name=name)
    want = demo_indicators()
    want = want[want["measure"].str.startswith("svc_") == service]
    assert got.kinds == (("service",) if service else ("counts",)) and not got.warnings
    pd.testing.assert_frame_equal(as_sorted(got.rows), as_sorted(want), check_dtype=False)


def sheet(rows, title="THỐNG KÊ HỒ SƠ THÁNG 3 NĂM 2025", name="S"):
    return B.xlsx({name: [[title], [], HEADER, *rows]})


def test_counts_that_do_not_add_up_are_located_and_nothing_is_returned():
    data = sheet([[1, "Sở Tư pháp", 100, 90, 50, 45, 5, 10],  # 50 + 45 + 5 = 100 > 90
                  [2, "Sở Y tế", 100, 120, 60, 50, 10, 0],  # 120 resolved of 100 received
                  [3, "Sở Xây dựng", 100, "chín mươi", 1, 1, 1, 1]])
    with pytest.raises(ScoreFileError) as refused:
        read_indicators(data, name="t3.xlsx")
    found = {(p.code, p.row, p.column) for p in refused.value.problems}
    assert ("indicator_sums", 4, "D") in found and ("indicator_sums", 5, "D") in found
    assert ("indicator_number", 6, "D") in found
    said = next(p for p in refused.value.problems if p.row == 4)
    assert "Trước hạn + đúng hạn + trễ hạn = 100 lớn hơn số đã giải quyết 90" in said.msg.vi


def test_the_period_comes_from_the_title_the_sheet_or_the_file_else_it_is_asked_for():
    row = [[1, "Sở Tư pháp", 100, 90, 50, 35, 5, 10]]
    assert read_indicators(sheet(row), name="a.xlsx").rows["month_to"].iloc[0] == 3
    by_sheet = read_indicators(sheet(row, title="THỐNG KÊ", name="Quý II-2025"), name="a.xlsx")
    assert by_sheet.rows[["month_from", "month_to"]].iloc[0].tolist() == [4, 6]
    by_file = read_indicators(sheet(row, title="THỐNG KÊ"), name="bc_6_thang_2025.xlsx")
    assert by_file.rows[["month_from", "month_to"]].iloc[0].tolist() == [1, 6]
    with pytest.raises(ScoreFileError) as refused:
        read_indicators(sheet(row, title="THỐNG KÊ"), name="a.xlsx")
    assert refused.value.problems[0].code == "indicator_period"


def test_rows_by_level_of_service_are_summed_per_unit():
    rows = [["STT", "Đơn vị", "Mức độ", "Tổng số", "Đã giải quyết", "Đúng hạn", "Trễ hạn"],
            [1, "Xã An Phú", "Toàn trình", 40, 38, 37, 1],
            [None, None, "Một phần", 60, 55, 50, 5]]
    got = read_indicators(B.xlsx({"S": [["THÁNG 3/2025"], *rows]}), name="a.xlsx").rows
    received = got[got["measure"] == "received"]
    assert received["unit"].tolist() == ["Xã An Phú"] and received["value"].tolist() == [100]
    assert got.loc[got["measure"] == "on_time", "value"].tolist() == [87]


def test_a_stated_rate_that_the_counts_do_not_give_is_a_warning():
    rows = [["STT", "Đơn vị", "Đã giải quyết", "Trước hạn", "Đúng hạn", "Trễ hạn",
             "Tỷ lệ đúng hạn"],
            [1, "Sở Tư pháp", 1296, 0, 1295, 1, 99.92],
            [2, "Sở Y tế", 1296, 0, 1295, 1, 99.9]]  # 99,9 for 99,92: the file rounded to 1
    got = read_indicators(B.xlsx({"S": [["THÁNG 5/2023"], *rows]}), name="a.xlsx")
    assert not got.warnings  # 99,9 is 99,92 to the file's one decimal
    rows[2][-1] = 99.5
    got = read_indicators(B.xlsx({"S": [["THÁNG 5/2023"], *rows]}), name="a.xlsx")
    (warning,) = got.warnings
    assert (warning.code, warning.row, warning.column) == ("indicator_rate", 4, "G")
    assert "99,5 % khác tỷ lệ tính từ số hồ sơ 99,9 %" in warning.msg.vi


def test_service_points_above_their_maximum_are_located():
    rows = [["STT", "Đơn vị", "Công khai, minh bạch (18 điểm)", "Tiến độ, kết quả giải quyết",
             "Mức độ hài lòng", "Tổng điểm"],
            [1, "Sở Tư pháp", 19, 18, 17, 54]]
    with pytest.raises(ScoreFileError) as refused:
        read_indicators(B.xlsx({"S": [["THÁNG 5/2025"], *rows]}), name="a.xlsx")
    (found,) = refused.value.problems
    assert (found.code, found.row, found.column) == ("indicator_over_max", 3, "C")


def test_a_sheet_that_is_not_an_indicator_table_is_refused_with_what_it_needs():
    with pytest.raises(ScoreFileError) as refused:
        read_indicators(B.xlsx({"S": [["a", "b"], [1, 2]]}), name="a.xlsx")
    assert refused.value.problems[0].code == "no_indicator_header"


def test_a_mapping_names_a_column_the_reader_does_not_know_and_columns_say_so():
    from cchc_metrics.ingest.indicators import indicator_columns

    rows = [["THÁNG 3/2025"], ["STT", "Đơn vị", "Tổng số", "Đã giải quyết", "Đúng hạn",
                               "Trễ hạn", "HS số hóa TP"], [1, "Sở A", 100, 90, 85, 5, 70]]
    data = B.xlsx({"S": rows})
    columns = indicator_columns(data, name="a.xlsx")
    assert columns.loc[columns["role"].isna(), "header"].tolist() == ["HS số hóa TP"]
    plain = read_indicators(data, name="a.xlsx").rows
    assert "digitised_dossiers" not in set(plain["measure"])
    mapped = read_indicators(data, name="a.xlsx", mapping={"HS số hóa TP": "digitised_dossiers",
                                                           "Đơn vị": "received"}).rows
    assert mapped.loc[mapped["measure"] == "digitised_dossiers", "value"].tolist() == [70]
    assert mapped["unit"].tolist()[0] == "Sở A"  # a mapping never takes a known column


def test_a_file_loaded_once_serves_every_reader_as_its_bytes_would():
    """The upload page loads a file once and asks each reader whether it is its kind."""
    from cchc_metrics.ingest.crosswalk import read_crosswalk
    from cchc_metrics.ingest.workbook import load_workbook

    data = statistics_workbook()
    book = load_workbook(data, name=STATISTICS_FILE)
    assert load_workbook(book) is book
    assert read_indicators(book).rows.equals(read_indicators(data, name=STATISTICS_FILE).rows)
    with pytest.raises(ScoreFileError) as refused:
        read_crosswalk(book)
    assert refused.value.problems[0].code == "no_header"
