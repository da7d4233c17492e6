"""Predecessors, successors through chained rounds, and the area's combined series."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

import cchc_metrics as cm
from cchc_metrics.places import area_methods, area_series, origins, predecessors, successor
from cchc_metrics.sample.demo import build_demo_scores, demo_lineage


@pytest.fixture(scope="module")
def demo():
    return cm.unit_table(build_demo_scores()), demo_lineage()


def test_a_merged_department_knows_its_predecessors_and_they_their_successor(demo):
    _, lineage = demo
    olds = predecessors(lineage, "department", "Sở Nông nghiệp và Môi trường")
    assert set(olds["predecessor"]) == {"Sở Nông nghiệp và Phát triển nông thôn",
                                        "Sở Tài nguyên và Môi trường"}
    assert successor(lineage, "department", "Sở Tài nguyên và Môi trường") == (
        "Sở Nông nghiệp và Môi trường", date(2025, 3, 1))
    assert successor(lineage, "department", "Sở Nội vụ") is None  # it kept its name


def test_rounds_chain_to_the_last_successor():
    lineage = pd.DataFrame({
        "level": ["commune"] * 3,
        "successor": ["Xã Mới", "Phường Cuối", "Phường Cuối"],
        "predecessor": ["Xã Cũ", "Xã Mới", "Xã Khác"],
        "effective": [date(2025, 1, 1), date(2025, 7, 1), date(2025, 7, 1)],
        "source": ["crosswalk:a"] * 3})
    assert successor(lineage, "commune", "Xã Cũ") == ("Phường Cuối", date(2025, 7, 1))
    assert set(origins(lineage, "commune", "Phường Cuối")) == {"Xã Mới", "Xã Khác", "Xã Cũ"}


def test_the_area_series_combines_the_predecessors_years(demo):
    units, lineage = demo
    unit = "Sở Nông nghiệp và Môi trường"
    mean = area_series(units, lineage, "department", unit)
    olds = units[units["unit"].isin(["Sở Nông nghiệp và Phát triển nông thôn",
                                     "Sở Tài nguyên và Môi trường"])]
    want = olds.groupby("year")["index_pct"].mean().round(2)
    assert mean["year"].tolist() == [2021, 2022, 2023, 2024] and (mean["n_units"] == 2).all()
    assert mean["index_pct"].tolist() == pytest.approx(want.tolist(), abs=0.005)
    pooled = area_series(units, lineage, "department", unit, method="pooled")
    sums = olds.groupby("year")[["points", "max_points"]].sum()
    assert pooled["index_pct"].tolist() == pytest.approx(
        (100 * sums["points"] / sums["max_points"]).round(2).tolist(), abs=0.005)


def test_the_area_can_be_weighted_by_population_when_the_crosswalk_gives_it(demo):
    units, lineage = demo
    ward = lineage.loc[lineage["level"] == "commune", "successor"].iloc[0]
    assert area_methods(units, lineage, "commune", ward) == ["mean", "pooled", "population"]
    series = area_series(units, lineage, "commune", ward, method="population")
    people = dict(zip(lineage["predecessor"], lineage["population"], strict=True))
    for r in series.itertuples(index=False):  # brute force, year by year
        part = units[(units["year"] == r.year) & units["unit"].isin(r.units.split("; "))]
        w = part["unit"].map(people)
        assert r.index_pct == pytest.approx(round((part["index_pct"] * w).sum() / w.sum(), 2),
                                            abs=0.005)
    # a department's crosswalk rows give no population: not offered, and refused if asked
    unit = "Sở Nông nghiệp và Môi trường"
    assert area_methods(units, lineage, "department", unit) == ["mean", "pooled"]
    with pytest.raises(ValueError):
        area_series(units, lineage, "department", unit, method="population")


def test_former_districts_can_be_weighted_by_their_communes():
    units = pd.DataFrame({
        "year": [2024] * 5, "level": ["district", "district", "commune", "commune", "commune"],
        "unit": ["Huyện A", "Huyện B", "Xã 1", "Xã 2", "Xã 3"],
        "parent": ["", "", "Huyện A", "Huyện A", "Huyện B"],
        "index_pct": [80.0, 90.0, 1.0, 1.0, 1.0], "points": [80.0, 90.0, 1, 1, 1],
        "max_points": [100.0] * 5})
    lineage = pd.DataFrame({"level": ["district"] * 2, "successor": ["Thành phố C"] * 2,
                            "predecessor": ["Huyện A", "Huyện B"],
                            "effective": [date(2025, 1, 1)] * 2, "source": ["crosswalk:x"] * 2,
                            "population": [np.nan] * 2})
    assert area_methods(units, lineage, "district", "Thành phố C") == ["mean", "pooled", "units"]
    got = area_series(units, lineage, "district", "Thành phố C", method="units")
    assert got["index_pct"].tolist() == [round((2 * 80 + 90) / 3, 2)]


def test_a_unit_that_kept_its_name_counts_its_own_earlier_years(demo):
    units, lineage = demo
    series = area_series(units, lineage, "department", "Sở Nội vụ")
    assert (series["n_units"] == 2).all() and "Sở Nội vụ" in series["units"].iloc[0]


def test_a_new_ward_s_area_is_its_communes(demo):
    units, lineage = demo
    ward = lineage.loc[lineage["level"] == "commune", "successor"].iloc[0]
    series = area_series(units, lineage, "commune", ward)
    n_old = len(predecessors(lineage, "commune", ward))
    assert not series.empty and (series["n_units"] == n_old).all()
    assert np.all(series["year"] < 2025)


def test_the_successors_first_year_is_compared_with_its_area_not_called_new(demo):
    from cchc_metrics import views

    units, lineage = demo
    said = views.unit_lineage(units, lineage, "Sở Nông nghiệp và Môi trường", "department")
    area = area_series(units, lineage, "department", "Sở Nông nghiệp và Môi trường")
    own = units[(units["unit"] == "Sở Nông nghiệp và Môi trường") & (units["year"] == 2025)]
    delta = float(own["index_pct"].iloc[0]) - float(area["index_pct"].iloc[-1])
    word = "tăng" if delta >= 0 else "giảm"
    assert f"chỉ số {word} {abs(delta):.2f}".replace(".", ",") in said["sentence"]
    assert "so với các đơn vị cũ năm 2024" in said["sentence"]
    gone = views.unit_lineage(units, lineage, "Ban Dân tộc", "department")
    assert gone["merged_into"] == "Sở Dân tộc và Tôn giáo"


def test_the_ranking_says_a_merged_unit_is_merged_not_new(demo):
    from cchc_metrics import views

    units, lineage = demo
    view = views.View(year=2025, level="department")
    table = views.ranking_table(units, view, lineage=lineage, history=False).set_index("Đơn vị")
    assert table.loc["Sở Nông nghiệp và Môi trường", "Thay đổi hạng"] == "sáp nhập"
    plain = views.ranking_table(units, view, history=False).set_index("Đơn vị")
    assert plain.loc["Sở Nông nghiệp và Môi trường", "Thay đổi hạng"] == "mới"


def test_a_merged_units_trend_line_starts_with_its_former_units_dotted(demo):
    from cchc_metrics import charts, views

    units, lineage = demo
    view = views.View(level="department")
    names = ["Sở Nông nghiệp và Môi trường", "Sở Y tế"]
    areas = views.area_rows(units, lineage, "department", names)
    assert set(areas["unit"]) == {"Sở Nông nghiệp và Môi trường"}  # Sở Y tế was not merged
    fig = charts.trend_lines(views.trend_rows(units, view, names), "vi", areas)
    dotted = [tr for tr in fig.data if tr.line.dash == "dot"]
    assert len(dotted) == 1 and dotted[0].name.endswith("các đơn vị cũ (bình quân)")
    assert list(dotted[0].x) == [2021, 2022, 2023, 2024]


def test_the_package_converts_real_communes_and_leaves_fictional_ones_out():
    from cchc_metrics.places import package_lineage

    units = pd.DataFrame({
        "year": [2024, 2024, 2024, 2025], "level": ["commune"] * 4,
        "unit": ["Xã An Bình", "Phường Phúc Xá", "Xã Đông Hương", "Phường Mỹ Lộc"],
        "parent": ["Huyện Nam Sách", "Quận Ba Đình", "Huyện Mỹ Lâm", ""],
        "province": ["Tỉnh Hải Dương", "Thành phố Hà Nội", "Tỉnh An Hòa", "Tỉnh Ninh Bình"]})
    found = package_lineage(units).set_index("predecessor")
    assert found.loc["Xã An Bình", "successor"] == "Xã An Phú"  # Hải Phòng since July 2025
    assert found.loc["Phường Phúc Xá", "successor"] == "Phường Hồng Hà"
    assert "Xã Đông Hương" not in found.index and "Phường Mỹ Lộc" not in found.index
    assert set(found["source"]) == {"package"} and set(found["effective"]) == {date(2025, 7, 1)}


def test_the_department_preset_keeps_only_mergers_that_fit_the_data(demo):
    from cchc_metrics.places import department_preset

    units, _ = demo
    found = department_preset(units)
    assert set(found["source"]) == {"preset"} and len(found) == 11
    early = department_preset(units[units["year"] < 2025])  # nobody formed yet: nothing offered
    assert early.empty


def test_gainers_and_decliners_count_a_merged_unit_from_its_former_units(demo):
    from cchc_metrics import charts, views

    units, lineage = demo
    rows = views.select(units, views.View(year=2025, level="department"))
    changed = views.merger_changes(rows, units, lineage, "vi")
    merged = changed[changed["unit"] == "Sở Nông nghiệp và Môi trường (so với các đơn vị cũ)"]
    area = area_series(units, lineage, "department", "Sở Nông nghiệp và Môi trường")
    assert merged["delta_pct"].iloc[0] == pytest.approx(
        merged["index_pct"].iloc[0] - area["index_pct"].iloc[-1], abs=0.005)
    assert rows["delta_pct"].isna().sum() > changed["delta_pct"].isna().sum()
    fig = charts.movers(changed[changed["unit"].str.contains("so với")], "vi")
    assert [y for trace in fig.data for y in trace.y] == [  # both merged departments gained
        "Sở Nông nghiệp và Môi trường (so với các đơn vị cũ)",
        "Sở Dân tộc và Tôn giáo (so với các đơn vị cũ)"]


def test_the_rank_bumps_follow_a_merged_unit_through_its_former_units(demo):
    from cchc_metrics import charts, views

    units, lineage = demo
    names = ["Sở Nông nghiệp và Môi trường", "Sở Y tế"]
    former = views.former_rows(units, lineage, "department", names)
    assert set(former["unit"]) == {"Sở Nông nghiệp và Phát triển nông thôn",
                                   "Sở Tài nguyên và Môi trường"}
    assert set(former["successor"]) == {"Sở Nông nghiệp và Môi trường"}
    assert former["year"].max() == 2024
    fig = charts.rank_bump(views.trend_rows(units, views.View(level="department"), names), "vi",
                           former)
    dotted = [tr.name for tr in fig.data if tr.line.dash == "dot"]
    assert sorted(dotted) == ["Sở Nông nghiệp và Phát triển nông thôn → Sở Nông nghiệp và Môi "
                              "trường", "Sở Tài nguyên và Môi trường → Sở Nông nghiệp và Môi trường"]


def test_each_side_of_the_lineage_gets_its_code_in_the_list_of_its_time():
    from cchc_metrics.places import lineage_codes

    lineage = pd.DataFrame({"level": ["commune"], "successor": ["Phường Mỹ Lộc"],
                            "predecessor": ["Xã An Bình"], "effective": [date(2025, 7, 1)],
                            "source": ["crosswalk:a"]})
    units = pd.DataFrame({
        "year": [2024, 2025], "level": ["commune", "commune"],
        "province": ["Tỉnh Hải Dương", "Tỉnh Ninh Bình"], "parent": ["Huyện Nam Sách", ""],
        "unit": ["Xã An Bình", "Phường Mỹ Lộc"], "unit_code": ["", ""]})
    row = lineage_codes(lineage, units).iloc[0]
    assert (row["predecessor_code"], row["successor_code"]) == ("10630", "13708")
