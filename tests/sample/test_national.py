"""The benchmark's national workbook generator, checked at a tiny size (correctness, not timing)."""

from __future__ import annotations

import numpy as np
import openpyxl
import pytest

import cchc_metrics as cm
from cchc_metrics.sample import national

SIZES = {"n_provinces": 2, "n_districts": 5, "n_communes": 40}


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """A two-province workbook and the table it was written from."""
    path = tmp_path_factory.mktemp("national") / "small.xlsx"
    return path, national.generate(path, **SIZES)


def test_structure_has_the_requested_counts_and_unique_names():
    units = national.build(**SIZES).units
    assert len(units) == 40
    assert units["province"].nunique() == 2
    assert units["district"].nunique() == 5
    assert units["commune"].is_unique and units["code"].is_unique
    assert units["code"].str.fullmatch(r"\d{5}").all()


def test_full_size_structure_matches_the_2024_country():
    units = national.build().units
    assert (len(units), units["province"].nunique(), units["district"].nunique()) == (
        10_035, 63, 696)


def test_generator_is_deterministic():
    a, b = national.build(**SIZES), national.build(**SIZES)
    assert a.units.equals(b.units)
    assert np.array_equal(a.points, b.points)


def test_points_are_quarters_within_the_maximum():
    table = national.build(**SIZES)
    assert (table.points <= table.max_points).all()
    assert (table.self_points <= table.max_points).all()
    assert (table.points >= 0).all()
    assert np.array_equal(table.points * 4, np.round(table.points * 4))
    assert np.allclose(national.FIELD_MAX.sum(), 100)


def test_sheet_layout_title_merged_headers_and_text_codes(small):
    path, _ = small
    ws = openpyxl.load_workbook(path)["Năm 2024"]
    assert "NĂM 2024" in ws["A1"].value and "MÔ PHỎNG" in ws["A1"].value
    assert ws["A3"].value is None
    assert [ws.cell(4, c).value for c in range(1, 7)] == [
        "STT", "Tỉnh", "Huyện", "Tên đơn vị", "Mã ĐVHC", national.FIELD_NAMES[0]]
    assert [ws.cell(5, c).value for c in range(6, 9)] == ["Tối đa", "Tự đánh giá", "Thẩm định"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A4:A5", "E4:E5", "F4:H4", "AA4:AC4"} <= merged
    assert ws.max_column == 5 + 3 * 8 and ws.max_row == 5 + 40
    assert isinstance(ws["E6"].value, str) and len(ws["E6"].value) == 5


def test_read_scores_reads_it_back(small):
    path, table = small
    scores = cm.read_scores(path)
    assert len(scores) == 40 * 8
    assert set(scores["year"]) == {2024} and set(scores["level"]) == {"commune"}
    assert scores["unit"].nunique() == 40 and scores["province"].nunique() == 2
    assert scores["parent"].nunique() == 5
    assert list(dict.fromkeys(scores["component"])) == national.FIELD_NAMES
    first = scores[scores["unit"] == table.units["commune"].iloc[0]]
    assert first["unit_code"].iloc[0] == table.units["code"].iloc[0]
    assert np.allclose(first["max_points"], table.max_points[0])
    assert np.allclose(first["points"], table.points[0])
    assert np.allclose(first["self_points"], table.self_points[0])
    units = cm.unit_table(scores)
    assert len(units) == 40 and units["rank"].min() == 1


def test_ten_years_drifts_back_and_keeps_one_row_per_unit_field(small):
    path, _ = small
    scores = cm.read_scores(path)
    years = national.ten_years(scores)
    assert len(years) == 10 * len(scores)
    assert sorted(set(years["year"])) == list(range(2015, 2025))
    assert (years["points"] <= years["max_points"]).all() and (years["points"] >= 0).all()
    means = years.groupby("year")["points"].mean()
    assert means[2015] < means[2024]
    assert years.loc[years["year"] == 2024, "points"].tolist() == scores["points"].tolist()
    units = cm.unit_table(years)
    assert len(units) == 10 * 40
    assert units.loc[units["year"] > 2015, "prev_index_pct"].notna().all()


def test_workbook_is_saved_as_excel_saves_one_and_the_openpyxl_variant_reads_the_same(
        small, tmp_path):
    """Shared strings in UTF-8 (as Excel writes); the inline-string variant holds the same."""
    import zipfile

    path, table = small
    with zipfile.ZipFile(path) as z:
        assert "xl/sharedStrings.xml" in z.namelist()
        assert "Thẩm định".encode() in z.read("xl/sharedStrings.xml")
    other = national.write_openpyxl(table, tmp_path / "inline.xlsx")
    with zipfile.ZipFile(other) as z:
        assert b't="inlineStr"' in z.read("xl/worksheets/sheet1.xml")
    a, b = cm.read_scores(path), cm.read_scores(other)
    assert a.drop(columns="source").equals(b.drop(columns="source"))
