"""Criterion detail on the pages (AppTest): the fields page's drill-down, the profile's tree."""

from __future__ import annotations

import json

from tests.dashboard import test_pages as pages
from tests.dashboard.shown import shown

app, demo_db, run_page, set_widget, texts = (pages.app, pages.demo_db, pages.run_page,
                                             pages.set_widget, pages.texts)


def test_the_fields_page_drills_into_a_field_s_criteria(app):
    at = run_page(app, "app_pages/linh-vuc.py", year=2025, level="department")
    assert any(h.value == "Chi tiết tiêu chí" for h in at.subheader)
    set_widget(at, "field", "Cải cách thủ tục hành chính")
    assert not at.exception
    heatmap = json.loads(at.get("plotly_chart")[-1].proto.spec)
    columns = heatmap["data"][0]["x"]
    assert len(columns) == 6 and columns[0].startswith("3.1")
    table = shown(at.dataframe[-1])
    assert table["Tiêu chí"].str.startswith("3.").all()
    shares = [float(v.replace(",", ".")) for v in table["Đơn vị mất điểm (%)"]]
    assert shares == sorted(shares, reverse=True)
    assert any("giữ mã và tên so với năm 2024" in c.value for c in at.caption)


def test_the_profile_shows_the_tree_and_the_plan_names_criteria(app):
    at = run_page(app, "app_pages/ho-so.py", year=2025, level="department")
    set_widget(at, "unit", "Sở Nội vụ")
    assert "Tiêu chí còn nhiều điểm chưa đạt" in texts(at)
    tree = shown(at.dataframe[-1] if at.dataframe else None)
    assert tree["Tiêu chí"].iloc[0][0].isdigit()  # a field first, its criteria under it
    assert any(e.label.startswith("Điểm theo tiêu chí") for e in at.expander)


def test_compare_puts_the_chosen_units_side_by_side_per_criterion(app):
    at = run_page(app, "app_pages/so-sanh.py", year=2025, level="department")
    at.multiselect(key="units").set_value(["Sở Nội vụ", "Sở Tư pháp"]).run()
    set_widget(at, "field", "Cải cách thể chế")
    assert any(h.value == "So sánh theo tiêu chí" for h in at.subheader)
    side = shown(at.dataframe[-1])
    assert list(side.columns)[-2:] == ["Sở Nội vụ", "Sở Tư pháp"]
    assert side["Tiêu chí"].iloc[0].startswith("2.1 ")


def test_compare_says_which_chosen_units_have_no_criterion_detail(app):
    at = run_page(app, "app_pages/so-sanh.py", year=2025, level="department")
    at.multiselect(key="units").set_value(["Sở Nội vụ", "Sở Ngoại vụ"]).run()
    assert list(shown(at.dataframe[-1]).columns)[-1] == "Sở Nội vụ"
    assert any(c.value == "Chưa có điểm chi tiết theo tiêu chí của: Sở Ngoại vụ."
               for c in at.caption)
