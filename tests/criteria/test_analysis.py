"""Which criteria units lose points on: checked by brute force on the sample's tree."""

from __future__ import annotations

import numpy as np
import pytest

from cchc_metrics.criteria import block_criteria, comparable, field_check, unit_criteria
from cchc_metrics.sample.criteria import demo_criteria, framework
from cchc_metrics.sample.demo import build_demo_scores


@pytest.fixture(scope="module")
def rows():
    return demo_criteria()


def test_the_sample_tree_is_shaped_like_a_framework_and_adds_up_to_the_fields(rows):
    tree = framework()
    assert tree["depth"].value_counts().to_dict() == {1: 8, 2: 35, 3: 75}
    assert field_check(rows, build_demo_scores()).empty
    for _, part in rows.assign(
            parent=rows["criterion"].str.rsplit(".", n=1).str[0]).groupby(
            ["year", "unit", "parent"]):
        if "." in part["criterion"].iloc[0]:
            whole = rows[(rows["year"] == part["year"].iloc[0]) &
                         (rows["unit"] == part["unit"].iloc[0]) &
                         (rows["criterion"] == part["criterion"].iloc[0].rsplit(".", 1)[0])]
            assert whole["points"].iloc[0] == pytest.approx(part["points"].sum())


def test_the_criteria_most_units_lose_points_on_by_brute_force(rows):
    table = block_criteria(rows, year=2025, level="department")
    part = rows[(rows["year"] == 2025) & (rows["criterion"].str.count(r"\.") == 1)]
    for r in table.head(10).itertuples():
        mine = part[part["criterion"] == r.criterion]
        lost = mine["max_points"] - mine["points"]
        assert r.n_units == len(mine)
        assert r.share_lost == pytest.approx(round(100 * (lost > 0.005).mean(), 2), abs=0.005)
        assert r.total_lost == pytest.approx(lost.sum(), abs=0.005)
        assert r.mean_gap == pytest.approx((mine["self_points"] - mine["points"]).mean(),
                                           abs=0.005)
    shares = table["share_lost"].tolist()
    assert shares == sorted(shares, reverse=True)


def test_a_unit_s_tree_goes_field_criterion_sub_criterion_most_recoverable_first(rows):
    tree = unit_criteria(rows, unit="Sở Nội vụ", year=2025, level="department")
    fields = tree[tree["depth"] == 1]
    assert fields["lost"].tolist() == sorted(fields["lost"], reverse=True)
    assert len(tree) == len(rows[(rows["unit"] == "Sở Nội vụ") & (rows["year"] == 2025)])
    # each node comes right after its parent's earlier siblings' subtrees: parents first
    seen = set()
    for code in tree["criterion"]:
        if "." in code:
            assert code.rsplit(".", 1)[0] in seen
        seen.add(code)


def test_criteria_compare_across_years_only_where_code_and_name_agree(rows):
    assert comparable(rows, 2025, 2024).all()
    renamed = rows.copy()
    renamed.loc[(renamed["year"] == 2024) & (renamed["criterion"] == "1.2"),
                "criterion_name"] = "Chế độ báo cáo định kỳ"
    renamed.loc[(renamed["year"] == 2024) & (renamed["criterion"] == "1.3"),
                "criterion_name"] = "KIỂM TRA  công tác cchc"  # case and spaces: the same
    found = comparable(renamed, 2025, 2024)
    assert not found["1.2"] and found["1.3"] and found.drop("1.2").all()


def test_a_tree_that_does_not_add_up_to_its_field_is_found(rows):
    scores = build_demo_scores()
    off = rows.copy()
    at = np.flatnonzero((off["criterion"] == "2") & (off["year"] == 2025))[0]
    off.loc[off.index[at], "points"] += 0.25
    found = field_check(off, scores)
    assert len(found) == 1 and found["criteria"].iloc[0] - found["scores"].iloc[0] == \
        pytest.approx(0.25)


def test_a_unit_s_tree_shows_last_year_only_where_the_criterion_is_the_same(rows):
    from cchc_metrics import views

    table = views.unit_criteria_table(rows, "Sở Nội vụ", 2025, "department", "vi")
    prev = table["Thẩm định năm 2024"]
    assert prev.notna().all()  # the sample's framework did not change
    renamed = rows.copy()
    renamed.loc[(renamed["year"] == 2024) & (renamed["criterion"] == "1.2"),
                "criterion_name"] = "Chế độ báo cáo định kỳ"
    table = views.unit_criteria_table(renamed, "Sở Nội vụ", 2025, "department", "vi")
    at = table["Tiêu chí"].str.strip().str.startswith("1.2 ")
    assert table.loc[at, "Thẩm định năm 2024"].isna().all()
    assert table.loc[~at, "Thẩm định năm 2024"].notna().all()


def test_the_block_s_criteria_show_last_year_s_share_only_where_the_criterion_is_the_same(rows):
    """Last year's share of units losing points, counted here by hand from the rows."""
    from cchc_metrics import views

    view = views.View(year=2025, level="department", lang="vi")
    table = views.criteria_table(rows, view)
    prev = table["Mất điểm năm 2024 (%)"]
    assert prev.notna().all()
    code = table["Tiêu chí"].iloc[0].split(" ", 1)[0]
    part = rows[(rows["year"] == 2024) & (rows["level"] == "department") &
                (rows["criterion"] == code) & rows["max_points"].notna() & rows["points"].notna()]
    lost = (part["max_points"] - part["points"]) > 0.005
    assert prev.iloc[0] == pytest.approx(round(100 * lost.sum() / len(part), 2))
    renamed = rows.copy()
    renamed.loc[(renamed["year"] == 2024) & (renamed["criterion"] == code),
                "criterion_name"] = "Một tiêu chí khác"
    table = views.criteria_table(renamed, view)
    at = table["Tiêu chí"].str.startswith(code + " ")
    assert table.loc[at, "Mất điểm năm 2024 (%)"].isna().all()
    assert table.loc[~at, "Mất điểm năm 2024 (%)"].notna().all()


def test_a_block_s_criteria_count_its_own_units_only(rows):
    """Two blocks of one level: the criteria table of each counts its units, not the level's."""
    from cchc_metrics import views

    other = rows[rows["year"] == 2025].assign(block="Khối khác",
                                              unit=lambda f: f["unit"] + " (khác)")
    both = __import__("pandas").concat([rows, other], ignore_index=True)
    block = rows.loc[rows["year"] == 2025, "block"].iloc[0]
    view = views.View(year=2025, level="department", block=block, lang="vi")
    mine = views.criteria_table(both, view)
    alone = views.criteria_table(rows, view)
    assert mine["Số đơn vị"].tolist() == alone["Số đơn vị"].tolist()
    assert mine.equals(alone)
