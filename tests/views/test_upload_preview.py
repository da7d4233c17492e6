"""The upload preview: ranks and changes as they will be once the file is stored."""

from __future__ import annotations

import pandas as pd
import pytest

import cchc_metrics as cm
from cchc_metrics import views


@pytest.fixture(scope="module")
def demo():
    from cchc_metrics.sample.demo import build_demo_scores

    return build_demo_scores()


def test_rank_changes_count_from_the_active_previous_year(demo):
    stored = demo[demo["year"] < 2025]
    new = demo[(demo["year"] == 2025) & (demo["level"] == "department")]
    preview = views.preview_units(new, stored)
    expected = cm.unit_table(pd.concat([stored, new]))
    expected = expected[(expected["year"] == 2025) & (expected["level"] == "department")]
    assert set(preview["year"]) == {2025} and len(preview) == len(expected)
    assert preview["rank_change"].notna().any()  # not every unit «mới»
    merged = preview.merge(expected, on=["block", "unit"], suffixes=("", "_stored"))
    assert (merged["rank_change"].fillna(99) == merged["rank_change_stored"].fillna(99)).all()


def test_a_file_replacing_a_year_is_not_its_own_previous_year(demo):
    new = demo[(demo["year"] == 2024) & (demo["level"] == "district")]
    preview = views.preview_units(new, demo)  # 2024 itself is stored too
    assert set(preview["year"]) == {2024} and len(preview) == new["unit"].nunique()
    assert preview["rank_change"].notna().any()


def test_the_comparison_shows_old_and_new_rank(demo):
    units = cm.unit_table(demo)
    old = units[(units["year"] == 2024) & (units["level"] == "district")]
    new = old.assign(index_pct=old["index_pct"].where(old["rank"] != 1, 10.0),
                     rank=old["rank"].where(old["rank"] != 1, 99))
    table = views.compare_with_active(new, units, "vi")
    assert {"Hạng đang dùng", "Hạng mới"} <= set(table.columns)
    assert table.iloc[0][["Hạng đang dùng", "Hạng mới"]].tolist() == [1, 99]


def test_a_value_read_from_a_file_is_written_in_the_language():
    assert views.cell_text(82.95, "vi") == "82,95" and views.cell_text(82.95, "en") == "82.95"
    assert views.cell_text(7, "vi") == "7" and views.cell_text("bốn", "vi") == "bốn"


def test_the_history_keeps_block_names_with_commas_whole():
    ds = pd.DataFrame({
        "dataset_id": [1], "status": ["active"], "years": ["2025"], "file_name": ["a.xlsx"],
        "created_at": pd.to_datetime(["2026-12-06 05:00"], utc=True), "created_by": ["demo"],
        "note": [None],
        "blocks": ["Sở, ban, ngành tỉnh; Khối phường; Khối xã, đặc khu; Khối huyện; Khối khác"]})
    (cell,) = views.history_table(ds, "vi")["Khối xếp hạng"]
    assert cell == "Sở, ban, ngành tỉnh; Khối phường; Khối xã, đặc khu và 2 đơn vị khác"


def test_the_upload_lists_each_communes_code_and_those_to_check_first():
    scores = pd.DataFrame({
        "year": [2022] * 3, "level": ["commune"] * 3,
        "province": ["Tỉnh Hải Dương", "", "Tỉnh Hải Dương"], "parent": ["", "", ""],
        "unit": ["Xã An Bình", "Xã An Bình", "Xã Không Có Thật"], "unit_code": ["", "", ""]})
    table, look = views.code_check(scores, "vi")
    assert look == 2  # one name found many times, one not at all
    assert table["Cách xác định mã"].tolist() == [
        "nhiều đơn vị trùng tên: hãy ghi mã", "không có trong danh mục", "tìm thấy đúng một"]
    assert table["Mã ĐVHC"].tolist() == ["—", "—", "10630"]
