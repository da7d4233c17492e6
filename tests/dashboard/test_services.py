"""The service indicators page (AppTest): ranking with targets, periods, below target, trend."""

from __future__ import annotations

import json

from tests.dashboard import test_pages as pages
from tests.dashboard.shown import shown

app, demo_db, run_page, set_widget, texts = (pages.app, pages.demo_db, pages.run_page,
                                             pages.set_widget, pages.texts)

PAGE = "app_pages/phuc-vu.py"


def tables(at):
    return [shown(d) for d in at.dataframe]


def test_the_latest_month_is_ranked_with_the_target_status(app):
    at = run_page(app, PAGE, year=2025, level="department")
    said = texts(at)
    assert "Chỉ số phục vụ người dân, doanh nghiệp (QĐ 766) — Tháng 12/2025" in said
    ranking = tables(at)[0]
    assert ranking["Hạng"].tolist()[:3] == [1, 2, 3]
    assert set(ranking["Đạt chỉ tiêu"]) <= {"Đạt", "Chưa đạt"}
    assert ranking["Điểm"].str.fullmatch(r"\d{1,3},\d\d").all()


def test_a_rate_for_a_quarter_is_the_sum_of_counts_over_the_sum(app):
    from cchc_metrics.indicators import indicator_table
    from cchc_metrics.sample.services import demo_indicators

    at = run_page(app, PAGE, year=2025, level="department")
    set_widget(at, "indicator", "on_time_rate")
    set_widget(at, "period", "quarter")
    set_widget(at, "quarter", 1)
    assert not at.exception
    ranking = tables(at)[0]
    rows = demo_indicators()
    want = indicator_table(rows, "on_time_rate", 2025, 1, 3, level="department")
    top = want.iloc[0]
    assert ranking["Đơn vị"].iloc[0] == top["unit"]
    assert ranking["Tỷ lệ (%)"].iloc[0] == f"{top['value']:.2f}".replace(".", ",")
    done = int(want["numerator"].sum()), int(want["denominator"].sum())
    sentence = f"{done[0]:,}/{done[1]:,}".replace(",", ".")
    assert sentence in texts(at) and "Quý I/2025" in texts(at)


def test_units_below_target_come_furthest_first_and_the_trend_draws_the_target(app):
    at = run_page(app, PAGE, year=2025, level="department")
    below = tables(at)[1]
    gaps = [float(g.replace(",", ".").replace("−", "-")) for g in below["Chênh lệch so với chỉ tiêu"]]
    assert gaps == sorted(gaps) and all(g < 0 for g in gaps)
    (fig,) = at.get("plotly_chart")
    names = [trace.get("name") for trace in json.loads(fig.proto.spec)["data"]]
    assert names[0] == "Toàn khối" and "Chỉ tiêu" in names


def test_a_level_without_indicators_says_where_there_are_some(app):
    at = run_page(app, PAGE, year=2024, level="district")
    assert any("Chưa có số liệu chỉ số phục vụ" in i.value for i in at.info)
    assert not at.exception


def test_the_overview_and_the_profile_show_the_indicators_beside_the_index(app):
    at = run_page(app, "app_pages/tong-quan.py", year=2025, level="department")
    assert any(h.value == "Chỉ số phục vụ — Tháng 12/2025" for h in at.subheader)
    labels = [m.label for m in at.metric]
    assert "Tỷ lệ giải quyết trước hạn, đúng hạn" in labels
    at = run_page(app, "app_pages/ho-so.py", year=2025, level="department")
    set_widget(at, "unit", "Sở Tư pháp")
    said = texts(at)
    assert "Tháng 12/2025\\: giải quyết trước hạn, đúng hạn" in said
    assert "Chỉ tiêu đăng ký năm 2025 của Sở Tư pháp\\: hạng 5 (kết quả hạng 13\\: chưa đạt)" in said


def test_units_followed_are_kept_in_the_link(app):
    at = run_page(app, PAGE, year=2025, level="department")
    at.multiselect(key="indicator_units").set_value(["Sở Y tế", "Sở Tư pháp"]).run()
    assert at.query_params["follow"] == "Sở Y tế|Sở Tư pháp"
    import json

    (fig,) = at.get("plotly_chart")
    names = {trace.get("name") for trace in json.loads(fig.proto.spec)["data"]}
    assert {"Sở Y tế", "Sở Tư pháp"} <= names
