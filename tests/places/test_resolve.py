"""Official codes from names: checked against known cases of the package's two lists."""

from __future__ import annotations

import pandas as pd
import pytest

from cchc_metrics.places import resolve, resolve_units


@pytest.mark.parametrize("unit, kw, code", [
    # «Thị trấn Mỹ Lộc» of Nam Định became «Phường Mỹ Lộc» of Ninh Bình on 1 July 2025
    ("Phường Mỹ Lộc", {"year": 2025, "province": "Tỉnh Ninh Bình"}, "13708"),
    ("Phường Mỹ Lộc", {"year": 2025, "province": "Ninh Bình"}, "13708"),  # the short name
    # before the reform: one «Xã An Bình» in Hải Dương among many in the country
    ("Xã An Bình", {"year": 2022, "province": "Tỉnh Hải Dương"}, "10630"),
    ("xã  an bình", {"year": 2022, "province": "Tỉnh Hải Dương"}, "10630"),  # case, spaces
])
def test_one_match_is_exact_with_its_coordinates(unit, kw, code):
    found = resolve(unit, level="commune", **kw)
    assert (found.code, found.how) == (code, "exact")
    assert 8 < found.latitude < 24 and 102 < found.longitude < 110  # in Viet Nam


def test_a_district_resolves_in_the_list_before_the_reform():
    found = resolve("Huyện Giao Thủy", level="district", year=2022, province="Tỉnh Nam Định")
    assert (found.code, found.how) == ("365", "exact")


def test_several_matches_are_a_warning_with_the_candidates_never_a_guess():
    found = resolve("Xã An Bình", level="commune", year=2022)
    assert found.code is None and found.how == "ambiguous"
    assert "Xã An Bình, Huyện Nam Sách, Tỉnh Hải Dương (10630)" in found.candidates


def test_diacritics_tell_communes_apart():
    """«Mỹ Thành», «Mỹ Thanh» and «Mỹ Thạnh» are different communes."""
    found = resolve("Xã Mỹ Thành", level="commune", year=2022, province="Tỉnh Nghệ An")
    assert (found.code, found.how) == ("17608", "exact")


def test_a_name_outside_the_list_is_unknown_not_guessed_elsewhere():
    # a fictional province's commune is not matched to a namesake in another province
    assert resolve("Xã Mỹ Lộc", level="commune", year=2025, province="Tỉnh An Hòa").how == "unknown"
    # the package's list before July 2025 already has Huyện Mỹ Lộc merged (January 2025)
    assert resolve("Huyện Mỹ Lộc", level="district", year=2022,
                   province="Tỉnh Nam Định").how == "unknown"


def test_a_code_printed_in_the_file_always_wins_and_departments_have_none():
    assert resolve("Xã An Bình", level="commune", year=2022, code=" 99999 ").how == "file"
    assert resolve("Xã An Bình", level="commune", year=2022, code="99999").code == "99999"
    assert resolve("Sở Nội vụ", level="department", year=2024).how is None


def test_resolve_units_lists_each_unit_once():
    scores = pd.DataFrame({
        "year": [2025, 2025, 2022], "level": ["commune"] * 3,
        "province": ["Tỉnh Ninh Bình", "Tỉnh Ninh Bình", ""], "parent": ["", "", ""],
        "unit": ["Phường Mỹ Lộc", "Phường Mỹ Lộc", "Xã An Bình"], "unit_code": ["", "", ""],
        "component": ["a", "b", "a"]})
    table = resolve_units(scores)
    assert table["unit"].tolist() == ["Phường Mỹ Lộc", "Xã An Bình"]
    assert table["code_source"].tolist() == ["exact", "ambiguous"]
    assert table["candidates"].iloc[1].count(";") >= 2


def test_a_whole_table_resolves_at_once():
    from cchc_metrics.places import code_sources

    units = pd.DataFrame({
        "year": [2022, 2025, 2022, 2022, 2022, 2024, 2025, 2022, 2022],
        "level": ["commune", "commune", "district", "commune", "commune", "department",
                  "commune", "commune", "commune"],
        "unit": ["Xã An Bình", "Phường Mỹ Lộc", "Huyện Giao Thủy", "Xã Không Có", "Xã Mỹ Lộc",
                 "Sở Nội vụ", "Xã Mỹ Lộc", "Xã An Bình", "Xã An Bình"],
        "province": ["Tỉnh Hải Dương", "Ninh Bình", "Tỉnh Nam Định", "Tỉnh Hải Dương", "", "X",
                     "", "Tỉnh An Hòa", "Tỉnh Tây Ninh"],
        "parent": ["", "", "", "", "", "", "", "", "Huyện Châu Thành"],
        "unit_code": ["", "", "", "", "", "", "", "99", ""]})
    table = code_sources(units, detail=True)
    assert table["code_source"].tolist() == [
        "exact", "exact", "exact", "unknown", "ambiguous", None, "exact", "file", "exact"]
    assert table["code"].fillna("").tolist()[:3] == ["10630", "13708", "365"]
    assert table["code"].iloc[7] == "99"
    assert table["candidates"].iloc[4].count("(") >= 2 and table["candidates"].iloc[0] == ""
    assert table["latitude"].notna().tolist() == [True] * 3 + [False] * 3 + [True, False, True]


def test_places_are_of_their_era():
    """A name in both lists (Xã Gia Lâm of Ninh Bình kept its name and grew) is placed before
    the reform by the old list, after it by the new."""
    from cchc_metrics.places import coordinates

    units = pd.DataFrame({"year": [2024, 2025], "level": ["commune", "commune"],
                          "unit": ["Xã Gia Lâm", "Xã Gia Lâm"], "province": ["Tỉnh Ninh Bình"] * 2,
                          "parent": ["Huyện Nho Quan", ""], "unit_code": ["", ""]})
    places = coordinates(units)
    assert places["before"].tolist() == [True, False]
    old, new = (resolve("Xã Gia Lâm", level="commune", year=y, province="Tỉnh Ninh Bình")
                for y in (2024, 2025))
    assert old.latitude != new.latitude
    assert places["latitude"].tolist() == [old.latitude, new.latitude]


def test_a_profile_names_the_units_code_and_how_it_was_found():
    from cchc_metrics import views

    row = pd.Series({"unit": "Xã An Bình", "level": "commune", "year": 2022,
                     "province": "Tỉnh Hải Dương", "parent": "", "unit_code": ""})
    assert views.code_line(row, "vi") == "Mã ĐVHC: 10630 (tìm thấy đúng một)"
    many = views.code_line(row.copy().replace({"Tỉnh Hải Dương": ""}), "en")
    assert many.startswith("Official code: — (several matches: give the code) — candidates: ")
    assert views.code_line(row.copy().replace({"commune": "department"}), "vi") == ""
