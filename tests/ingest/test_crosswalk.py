"""A merger crosswalk sheet read like any untrusted file: rows, levels, dates, located problems."""

from __future__ import annotations

from datetime import date

import pytest

from cchc_metrics.ingest.crosswalk import read_crosswalk
from cchc_metrics.ingest.problems import ScoreFileError
from cchc_metrics.sample.demo import crosswalk_workbook, demo_lineage
from tests import builders as B


def test_the_demo_crosswalk_reads_back_as_its_lineage():
    got = read_crosswalk(crosswalk_workbook(), name="doi_chieu.xlsx")
    want = demo_lineage()
    assert got[["level", "successor", "predecessor", "effective"]].equals(
        want[["level", "successor", "predecessor", "effective"]])
    assert set(got["source"]) == {"crosswalk:doi_chieu.xlsx"}


def test_levels_come_from_the_names_when_no_column_says_them():
    rows = [["Đơn vị mới", "Đơn vị cũ", "Từ ngày"],
            ["Sở Nông nghiệp và Môi trường", "Sở Tài nguyên và Môi trường", "01/3/2025"],
            ["Phường Mỹ Lộc", "Thị trấn Mỹ Lộc", "2025-07-01"]]
    got = read_crosswalk(B.xlsx({"S": rows}), name="c.xlsx")
    assert got["level"].tolist() == ["department", "commune"]
    assert got["effective"].tolist() == [date(2025, 3, 1), date(2025, 7, 1)]


def test_bad_rows_are_located_and_nothing_is_returned():
    rows = [["Đơn vị mới", "Đơn vị cũ", "Từ ngày"],
            ["Phường A", "Xã B", "mùng một"],
            ["", "Xã C", "01/7/2025"],
            ["Phường A", "Xã D", "01/7/2025"], ["Phường E", "Xã D", "01/7/2025"]]
    with pytest.raises(ScoreFileError) as refused:
        read_crosswalk(B.xlsx({"S": rows}), name="c.xlsx")
    found = {(p.code, p.row) for p in refused.value.problems}
    assert ("crosswalk_date", 2) in found and ("crosswalk_name", 3) in found
    assert any(p.code == "crosswalk_twice" and p.value == "Xã D" for p in refused.value.problems)


def test_a_sheet_without_the_header_is_refused():
    with pytest.raises(ScoreFileError) as refused:
        read_crosswalk(B.xlsx({"S": [["a", "b"], [1, 2]]}), name="c.xlsx")
    assert refused.value.problems[0].code == "no_header"


def test_a_population_column_is_read_as_people_and_a_bad_one_is_located():
    rows = [["Đơn vị mới", "Đơn vị cũ", "Từ ngày", "Dân số"],
            ["Phường A", "Xã B", "01/7/2025", "12.345"],
            ["Phường A", "Xã C", "01/7/2025", 8000],
            ["Phường A", "Xã D", "01/7/2025", ""]]
    got = read_crosswalk(B.xlsx({"S": rows}), name="c.xlsx")
    assert got["population"].tolist()[:2] == [12345.0, 8000.0]
    assert got["population"].isna().tolist() == [False, False, True]
    rows[3][3] = "khoảng 9 nghìn"
    with pytest.raises(ScoreFileError) as refused:
        read_crosswalk(B.xlsx({"S": rows}), name="c.xlsx")
    found = refused.value.problems[0]
    assert (found.code, found.row, found.column, found.value) == (
        "crosswalk_population", 4, "D", "khoảng 9 nghìn")


def test_the_demo_crosswalk_gives_each_former_commune_its_population():
    got = read_crosswalk(crosswalk_workbook(), name="doi_chieu.xlsx")
    communes = got["level"] == "commune"
    assert got.loc[communes, "population"].notna().all()
    assert got.loc[~communes, "population"].isna().all()
    assert got["population"].fillna(-1).tolist() == demo_lineage()["population"].fillna(-1).tolist()
