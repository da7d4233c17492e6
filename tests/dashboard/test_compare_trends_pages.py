"""AppTest of issue 20's pages: compare (defaults, charts, differences), trends (units followed),
overview (cards when the number of units changed)."""

from __future__ import annotations

import json

from tests.dashboard import test_pages as pages
from tests.dashboard.shown import shown

app, demo_db, run_page, set_widget = pages.app, pages.demo_db, pages.run_page, pages.set_widget
COMPARE, TRENDS, OVERVIEW = "app_pages/so-sanh.py", "app_pages/xu-huong.py", "app_pages/tong-quan.py"
TOP_2025 = ["Sở Ngoại vụ", "Văn phòng UBND tỉnh", "Sở Nội vụ"]  # departments' ranks 1–3


def figures(at) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def test_compare_opens_on_the_blocks_top_three_with_two_charts_titled_apart(app):
    at = run_page(app, COMPARE)
    assert at.multiselect(key="units").value == TOP_2025  # by rank, not by the alphabet
    radar, bars = figures(at)
    titles = [f["layout"]["title"]["text"] for f in (radar, bars)]
    assert titles == ["Hồ sơ lĩnh vực năm 2025", "Tỷ lệ đạt theo lĩnh vực năm 2025"]
    assert all(trace["orientation"] == "h" for trace in bars["data"])


def test_compare_table_shows_index_rank_fields_in_order_and_the_named_gap(app):
    at = run_page(app, COMPARE)
    table = shown(at.dataframe[0])
    assert table.columns.tolist() == ["Lĩnh vực", *TOP_2025, "Chênh lệch cao nhất − thấp nhất"]
    assert table["Lĩnh vực"].tolist()[:4] == ["Chỉ số CCHC (%)", "Xếp hạng",
                                              "Công tác chỉ đạo, điều hành CCHC",
                                              "Cải cách thể chế"]
    assert table["Lĩnh vực"].iloc[-1] == "Điều tra xã hội học"
    assert table.iloc[1, 1:-1].tolist() == ["1", "2", "3"]
    assert table.iloc[0, 1] == "95,06"
    set_widget(at, "lang", "en")
    table = shown(at.dataframe[0])
    assert table.columns[-1] == "Highest − lowest" and table.iloc[0, 0] == "PAR INDEX (%)"
    assert [f["layout"]["title"]["text"] for f in figures(at)] == [
        "Field profile, 2025", "Share of maximum by field, 2025"]


def test_overview_compares_bands_by_share_after_mergers_and_says_why(app):
    from streamlit.proto.Metric_pb2 import Metric

    at = run_page(app, OVERVIEW)  # departments: 20 in 2024, 15 in 2025
    cards = {m.label: m for m in at.metric}
    good = cards["Xếp loại Tốt (100,00\u00a0%)"]
    assert good.proto.delta == "+15,0 điểm phần trăm"
    assert good.proto.direction == Metric.MetricDirection.UP
    assert good.proto.help.startswith("Tỷ lệ đơn vị xếp loại Tốt: 85,00")  # the years compared
    lowest = next(m for label, m in cards.items() if label.startswith("Thấp nhất"))
    assert not lowest.proto.delta and lowest.proto.direction == Metric.MetricDirection.NONE
    captions = [c.value for c in at.caption]
    assert "Số đơn vị xếp hạng giảm từ 20 (năm 2024) xuống 15 (năm 2025): các xếp loại được so " \
           "sánh theo tỷ lệ." in captions
    set_widget(at, "year", 2024)  # 20 and 20: counts, and nothing to explain
    assert not [c for c in at.caption if "so sánh theo tỷ lệ" in c.value]
    bands = [m.proto.delta for m in at.metric if m.label.startswith("Xếp loại")]
    assert all(d.endswith("so với năm 2023") and "phần trăm" not in d for d in bands), bands


def lines_followed(at) -> tuple[list[str], list[str]]:
    lines, bump = figures(at)[:2]
    # the units' own lines (a merged unit's former units are dotted beside them)
    return ([t["name"] for t in lines["data"] if t.get("line", {}).get("dash") != "dot"],
            [t["name"] for t in bump["data"] if t.get("line", {}).get("dash") != "dot"])


def dotted_lines(at) -> list[str]:
    return [t["name"] for t in figures(at)[0]["data"] if t.get("line", {}).get("dash") == "dot"]


def test_trends_follow_the_top_five_then_the_units_a_person_picks(app):
    at = run_page(app, TRENDS)
    top = [*TOP_2025, "Sở Nông nghiệp và Môi trường", "Sở Tài chính"]  # 2025's ranks 1–5
    assert at.multiselect(key="trend_units").value == top
    assert lines_followed(at) == (top, top) and "follow" not in at.query_params
    assert "Sở Nông nghiệp và Môi trường: các đơn vị cũ (bình quân)" in dotted_lines(at)
    set_widget(at, "trend_units", ["Sở Tư pháp", "Ban Dân tộc"])  # Ban Dân tộc ended in 2024
    assert sorted(lines_followed(at)[0]) == ["Ban Dân tộc", "Sở Tư pháp"]
    assert sorted(lines_followed(at)[1]) == ["Ban Dân tộc", "Sở Tư pháp"]
    assert at.query_params["follow"] == "Sở Tư pháp|Ban Dân tộc"
    set_widget(at, "q", "so noi")  # a search does not undo what the person picked
    assert at.multiselect(key="trend_units").value == ["Sở Tư pháp", "Ban Dân tộc"]
    set_widget(at, "q", "")
    set_widget(at, "trend_units", [])  # emptied: back to the top five
    assert at.multiselect(key="trend_units").value == top and "follow" not in at.query_params


def test_trends_follow_the_units_a_search_finds_until_a_person_picks(app):
    at = run_page(app, TRENDS, q="so noi")
    assert at.multiselect(key="trend_units").value == ["Sở Nội vụ"]
    assert lines_followed(at)[0] == ["Sở Nội vụ"]
    assert "follow" not in at.query_params
    assert len(at.multiselect(key="trend_units").options) == 22  # every department, 2021–2025


def test_a_link_names_the_units_the_trends_follow(app):
    app.query_params["follow"] = "Sở Y tế|Không có|Sở Tư pháp"
    at = run_page(app, TRENDS)
    assert at.multiselect(key="trend_units").value == ["Sở Y tế", "Sở Tư pháp"]
    assert sorted(lines_followed(at)[0]) == ["Sở Tư pháp", "Sở Y tế"]
