"""Figure builders on the demo province: traces, order, thresholds, language and numbers."""

from __future__ import annotations

import math
import re
from functools import cache

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

import cchc_metrics as cm
from cchc_metrics import charts, views
from cchc_metrics.bands import band_counts, parse_bands
from cchc_metrics.charts import style
from cchc_metrics.contract import SURVEY
from cchc_metrics.fields import FIELD_NAMES
from cchc_metrics.metrics import field_summary, unit_fields
from cchc_metrics.numbers import format_pct

DEMO = "data/demo/"
BANDS = parse_bands("tot-kha-kem")
PICKED = ["Huyện Mỹ Lâm", "Thị xã Bình Sơn", "Huyện Hòa Vân"]


@cache
def demo(name: str = "huyen.xlsx"):
    """(scores, units, fields, field summary, band counts) of one demo file, read once."""
    scores = cm.read_scores(DEMO + name)
    units = cm.unit_table(scores, bands="tot-kha-kem")
    return (scores, units, unit_fields(scores), field_summary(scores),
            band_counts(units, "tot-kha-kem"))


@cache
def many(n: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(unit_table, unit_fields) of n communes in one block, 2023–2024, seeded random points."""
    rng = np.random.default_rng(n)
    fields = ["Công tác chỉ đạo, điều hành CCHC", "Cải cách thủ tục hành chính",
              "Cải cách tài chính công"]
    rows = [{"year": year, "level": "commune", "block": "UBND xã, phường, thị trấn",
             "province": "Tỉnh An Hòa", "parent": f"Huyện {i % 7}", "unit": f"Xã Số {i:03d}",
             "unit_code": f"{i:05d}", "component": field, "max_points": 10.0,
             "points": float(rng.integers(20, 41)) / 4, "self_points": 10.0, "source": ""}
            for year in (2023, 2024) for i in range(n) for field in fields]
    scores = pd.DataFrame(rows)
    return cm.unit_table(scores, BANDS), unit_fields(scores[scores["year"] == 2024])


def districts(year: int | None = None) -> pd.DataFrame:
    units = demo()[1]
    return units if year is None else units[units["year"] == year]


def fields_of(units: list[str], year: int = 2022) -> pd.DataFrame:
    fields = demo()[2]
    return fields[(fields["year"] == year) & fields["unit"].isin(units)]


def annotations(fig: go.Figure) -> list[str]:
    return [a.text for a in fig.layout.annotations]


def bar_count(fig: go.Figure) -> int:
    return sum(len(t.x) for t in fig.data)


# ---------------------------------------------------------------- every builder, both languages

BUILDERS = {
    "ranking_bars": lambda lang: charts.ranking_bars(districts(2022), BANDS, lang),
    "index_distribution": lambda lang: charts.index_distribution(districts(2022), BANDS, lang),
    "unit_history": lambda lang: charts.unit_history(
        districts()[districts()["unit"] == "Huyện Mỹ Lâm"], lang),
    "fields_vs_block": lambda lang: charts.fields_vs_block(fields_of(PICKED[:1]), lang),
    "self_vs_appraised": lambda lang: charts.self_vs_appraised(fields_of(PICKED[:1]), lang),
    "compare_radar": lambda lang: charts.compare_radar(fields_of(PICKED), lang),
    "compare_bars": lambda lang: charts.compare_bars(fields_of(PICKED), lang),
    "trend_lines": lambda lang: charts.trend_lines(districts()[districts()["unit"].isin(PICKED)],
                                                   lang),
    "rank_bump": lambda lang: charts.rank_bump(districts(), lang),
    "movers": lambda lang: charts.movers(districts(2023), lang),
    "band_counts_over_time": lambda lang: charts.band_counts_over_time(demo()[4], BANDS, lang),
    "fields_heatmap": lambda lang: charts.fields_heatmap(demo()[2][demo()[2]["year"] == 2022],
                                                         lang),
    "field_means": lambda lang: charts.field_means(demo()[3][demo()[3]["year"] == 2022], lang),
    "points_lost": lambda lang: charts.points_lost(demo()[3][demo()[3]["year"] == 2022], lang),
}

TITLES = {  # (Vietnamese, English) words each title must contain
    "ranking_bars": ("Xếp hạng Chỉ số CCHC năm 2022", "PAR INDEX ranking, 2022"),
    "index_distribution": ("Phân bố Chỉ số CCHC năm 2022", "Distribution of the PAR INDEX, 2022"),
    "unit_history": ("Huyện Mỹ Lâm: Chỉ số CCHC và thứ hạng qua các năm",
                     "Huyện Mỹ Lâm: PAR INDEX and rank over the years"),
    "fields_vs_block": ("Huyện Mỹ Lâm năm 2022:<br>các lĩnh vực so với trung bình khối",
                        "Huyện Mỹ Lâm, 2022:<br>fields against the block average"),
    "self_vs_appraised": ("điểm tự đánh giá và điểm thẩm định", "self-assessed and appraised"),
    "compare_radar": ("Hồ sơ lĩnh vực năm 2022", "Field profile, 2022"),
    "compare_bars": ("Tỷ lệ đạt theo lĩnh vực năm 2022", "Share of maximum by field, 2022"),
    "trend_lines": ("Chỉ số CCHC qua các năm", "PAR INDEX over the years"),
    "rank_bump": ("Thứ hạng qua các năm", "Rank over the years"),
    "movers": ("Tăng, giảm chỉ số nhiều nhất năm 2023 so với năm 2022",
               "Biggest gainers and decliners, 2023 vs 2022"),
    "band_counts_over_time": ("Số đơn vị theo xếp loại qua các năm",
                              "Units per band over the years"),
    "fields_heatmap": ("Tỷ lệ đạt theo lĩnh vực của từng đơn vị năm 2022",
                       "Share of maximum by field and unit, 2022"),
    "field_means": ("Trung bình khối theo lĩnh vực", "Block average per field"),
    "points_lost": ("Điểm bị trừ bình quân theo lĩnh vực", "Mean points lost per field"),
}


@pytest.mark.parametrize("name", BUILDERS)
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_builder_returns_figure_titled_in_language(name, lang):
    fig = BUILDERS[name](lang)
    assert isinstance(fig, go.Figure)
    assert len(fig.data) >= 1
    vi, en = TITLES[name]
    assert (vi if lang == "vi" else en) in fig.layout.title.text
    assert fig.layout.separators == (",." if lang == "vi" else ".,")


@pytest.mark.parametrize("name", BUILDERS)
def test_vietnamese_and_english_titles_differ(name):
    assert BUILDERS[name]("vi").layout.title.text != BUILDERS[name]("en").layout.title.text


def _strings(value):
    """Every text in a figure's JSON: titles, ticks' suffixes, bar text, hover."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


@pytest.mark.parametrize("name", BUILDERS)
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_number_and_its_percent_sign_are_never_split(name, lang):
    """«85,65 %» with an ordinary space can break between the number and the sign; a chart
    writes it with format_pct's no-break space, and never «điểm %»."""
    # a suffix " %" or "85 %"; "%{x}" is plotly's placeholder, not a sign
    split = re.compile(r"(^|[\d}]) %(?!\{)")
    texts = list(_strings(BUILDERS[name](lang).to_plotly_json()))
    assert not [s for s in texts if split.search(s) or "điểm %" in s], name


EMPTY = {
    "ranking_bars": lambda rows, lang: charts.ranking_bars(rows, BANDS, lang),
    "index_distribution": lambda rows, lang: charts.index_distribution(rows, BANDS, lang),
    "unit_history": charts.unit_history,
    "fields_vs_block": charts.fields_vs_block,
    "self_vs_appraised": charts.self_vs_appraised,
    "compare_radar": charts.compare_radar,
    "compare_bars": charts.compare_bars,
    "trend_lines": charts.trend_lines,
    "rank_bump": charts.rank_bump,
    "movers": charts.movers,
    "band_counts_over_time": lambda rows, lang: charts.band_counts_over_time(rows, BANDS, lang),
    "fields_heatmap": charts.fields_heatmap,
    "field_means": charts.field_means,
    "points_lost": charts.points_lost,
}
EMPTY_INPUT = {  # the frame each builder reads, with no rows
    "unit_history": 1, "ranking_bars": 1, "index_distribution": 1, "trend_lines": 1,
    "rank_bump": 1, "movers": 1, "fields_vs_block": 2, "self_vs_appraised": 2,
    "compare_radar": 2, "compare_bars": 2, "fields_heatmap": 2, "field_means": 3,
    "points_lost": 3, "band_counts_over_time": 4,
}


@pytest.mark.parametrize("name", EMPTY)
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_empty_input_says_no_data(name, lang):
    rows = demo()[EMPTY_INPUT[name]].iloc[:0]
    for frame in (rows, pd.DataFrame(), None):
        fig = EMPTY[name](frame, lang)
        assert isinstance(fig, go.Figure)
        assert fig.data == ()
        assert annotations(fig) == ["Không có dữ liệu" if lang == "vi" else "No data"]


# ---------------------------------------------------------------- overview


def test_ranking_bars_sorted_best_first_with_band_in_text():
    rows = districts(2022)
    fig = charts.ranking_bars(rows, BANDS)
    assert bar_count(fig) == len(rows) == 10
    assert [t.name for t in fig.data] == ["Tốt", "Khá"]  # only the bands present, best first
    order = list(fig.layout.yaxis.categoryarray)
    assert fig.layout.yaxis.autorange == "reversed"
    index = dict(zip(rows["unit"], rows["index_pct"], strict=True))
    assert order[0] == rows.loc[rows["rank"] == 1, "unit"].iloc[0]
    assert [index[u] for u in order] == sorted(index.values(), reverse=True)
    top = fig.data[0]
    assert top.text[0] == f"{format_pct(index[order[0]])} · Tốt"
    assert "," in top.text[0] and top.text[0].endswith("% · Tốt")
    assert all(t.endswith("· Khá") for t in fig.data[1].text)


def test_ranking_bars_english_uses_decimal_point():
    fig = charts.ranking_bars(districts(2022), BANDS, "en")
    assert fig.data[0].text[0] == "90.30\u00a0% · Good"  # the preset band, in English


@pytest.mark.parametrize("preset", ["tot-kha-kem", "xuat-sac-5", "bo-noi-vu-abc"])
def test_threshold_lines_for_each_positive_bound(preset):
    bands = parse_bands(preset)
    positive = [(label, bound) for label, bound in bands if bound > 0]
    for fig in (charts.ranking_bars(districts(2022), bands),
                charts.index_distribution(districts(2022), bands)):
        lines = [s for s in fig.layout.shapes if s.type == "line"]
        assert sorted(s.x0 for s in lines) == sorted(b for _, b in positive)
        assert all(s.line.dash == "dash" for s in lines)
        texts = annotations(fig)
        for label, bound in positive:
            assert f"{label} ≥ {bound:g}\u00a0%" in texts


def test_unbanded_units_get_their_own_labelled_bars():
    bands = parse_bands("A:90,B:80,C:70")  # nothing below 70
    rows = districts(2022).copy()
    rows["band"] = cm.unit_table(demo()[0], bands).query("year == 2022")["band"].to_numpy()
    rows.loc[rows.index[-1], ["index_pct", "band"]] = [65.0, None]
    fig = charts.ranking_bars(rows, bands)
    assert fig.data[-1].name == "Chưa xếp loại"
    assert fig.data[-1].text == ("65,00\u00a0% · Chưa xếp loại",)
    assert bar_count(fig) == 10


def test_same_named_units_are_told_apart_by_parent():
    rows = districts(2022).copy()
    rows.loc[rows.index[:2], "unit"] = "Xã Tân Lập"
    rows.loc[rows.index[:2], "parent"] = ["Huyện A", "Huyện B"]
    order = list(charts.ranking_bars(rows, BANDS).layout.yaxis.categoryarray)
    assert len(set(order)) == 10
    assert {"Xã Tân Lập (Huyện A)", "Xã Tân Lập (Huyện B)"} <= set(order)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_ranking_bars_over_the_cap_draw_the_best_and_worst_halves_and_say_so(lang):
    units = many(101)[0].query("year == 2024")
    fig = charts.ranking_bars(units, BANDS, lang)
    half = charts.MAX_BARS // 2
    assert bar_count(fig) == charts.MAX_BARS == 2 * half
    ordered = units.sort_values(["index_pct", "unit"], ascending=[False, True], kind="stable")
    order = list(fig.layout.yaxis.categoryarray)
    assert len(order) == charts.MAX_BARS + 1
    assert order[:half] == ordered["unit"].head(half).tolist()
    assert order[half + 1:] == ordered["unit"].tail(half).tolist()
    gap = order[half]  # an empty category where the units left out would be
    assert gap == ("⋯ 61 đơn vị khác ⋯" if lang == "vi" else "⋯ 61 more units ⋯")
    assert gap not in {y for trace in fig.data for y in trace.y}
    subtitle = fig.layout.title.subtitle.text
    assert subtitle == ("20 đơn vị cao nhất và 20 đơn vị thấp nhất trong 101 đơn vị" if lang == "vi"
                        else "The top 20 and bottom 20 of 101 units")
    assert fig.layout.height <= 26 * (charts.MAX_BARS + 1) + 170


def test_ranking_bars_up_to_the_cap_draw_every_unit_without_a_subtitle():
    units = many(charts.MAX_BARS)[0].query("year == 2024")
    fig = charts.ranking_bars(units, BANDS)
    assert bar_count(fig) == len(fig.layout.yaxis.categoryarray) == charts.MAX_BARS
    assert not fig.layout.title.subtitle.text


def test_ranking_bars_thousands_of_units_in_the_subtitle_use_the_language_separator():
    units = many(101)[0].query("year == 2024")
    assert "101 đơn vị" in charts.ranking_bars(units, BANDS, max_bars=10).layout.title.subtitle.text
    big = pd.concat([units.assign(unit=units["unit"] + f" {k}") for k in range(11)])
    assert "1.111 đơn vị" in charts.ranking_bars(big, BANDS).layout.title.subtitle.text
    assert "1,111 units" in charts.ranking_bars(big, BANDS, "en").layout.title.subtitle.text


def test_distribution_counts_every_unit():
    fig = charts.index_distribution(districts(2022), BANDS)
    assert len(fig.data) == 1 and isinstance(fig.data[0], go.Histogram)
    assert len(fig.data[0].x) == 10
    assert fig.layout.xaxis.range[0] <= 60 <= fig.layout.xaxis.range[1]  # the Khá line shows


# ---------------------------------------------------------------- unit profile


def test_unit_history_shows_missing_years_as_gaps_and_rank_reversed():
    units = districts()
    history = units[(units["unit"] == "Huyện Mỹ Lâm") & (units["year"] != 2022)]
    fig = charts.unit_history(history)
    index, rank = fig.data
    assert list(index.x) == [2021, 2022, 2023, 2024]
    assert math.isnan(index.y[1]) and not index.connectgaps
    assert index.text[0] == format_pct(history["index_pct"].iloc[0]) and "," in index.text[0]
    assert index.text[0].endswith("\u00a0%")  # number and sign never split over two lines
    assert rank.yaxis == "y2" and math.isnan(rank.y[1])
    low, high = fig.layout.yaxis2.range
    assert low > high  # rank 1 at the top
    first = history.iloc[0]
    assert f"thứ {first['rank']}/10" in rank.hovertext[0]
    assert "rank" in charts.unit_history(history, "en").layout.yaxis2.title.text.lower()
    assert (index.line.color, rank.line.color) == (charts.OKABE_ITO[0], charts.OKABE_ITO[1])


def test_unit_history_stacks_index_over_rank_on_one_year_axis():
    """Two aligned panels, each with its own scale and title, not two scales on one plot."""
    history = districts()[districts()["unit"] == "Huyện Mỹ Lâm"]
    fig = charts.unit_history(history)
    index, rank = fig.data
    layout = fig.layout
    assert (index.xaxis, index.yaxis, rank.xaxis, rank.yaxis) == ("x", "y", "x2", "y2")
    assert layout.yaxis2.overlaying is None and layout.yaxis2.side != "right"
    assert layout.yaxis.domain[0] > layout.yaxis2.domain[1]  # the index above, the rank below
    assert layout.xaxis.matches == "x2" and layout.xaxis.showticklabels is False  # shared years
    assert layout.yaxis.title.text == "Chỉ số CCHC (%)" and layout.yaxis2.title.text == "Xếp hạng"
    assert "Huyện Mỹ Lâm: Chỉ số CCHC và thứ hạng qua các năm" in layout.title.text


def test_unit_history_rank_axis_has_ticks_at_national_scale():
    history = districts()[districts()["unit"] == "Huyện Mỹ Lâm"].assign(rank=5868, n_ranked=10035)
    axis = charts.unit_history(history).layout.yaxis2
    assert axis.dtick == 2000 and axis.range[0] > 10035 >= 10035 / 6  # a short panel: 6 ticks
    # ticks grouped by thousands, with the language's separator: 5.000 (vi), 5,000 (en)
    assert axis.tickformat == ",d" and charts.unit_history(history).layout.separators == ",."
    assert charts.unit_history(history, "en").layout.separators == ".,"


def test_fields_vs_block_one_pair_of_bars_per_field():
    rows = fields_of(PICKED[:1])
    fig = charts.fields_vs_block(rows)
    assert len(fig.data) == 2 and fig.layout.barmode == "group"
    assert [len(t.x) for t in fig.data] == [len(rows)] * 2 == [9, 9]
    assert fig.data[1].name == "Trung bình khối"
    assert "Điều tra xã hội học" in fig.data[0].y
    assert "Survey" in charts.fields_vs_block(rows, "en").data[0].y
    assert list(fig.data[0].x) == rows.set_index("component").loc[
        [c for c in FIELD_NAMES if c in set(rows["component"])] + [SURVEY], "pct"].tolist()


def test_self_vs_appraised_skips_fields_without_self_points():
    rows = fields_of(PICKED[:1])
    fig = charts.self_vs_appraised(rows)
    expected = int(rows["self_points"].notna().sum())
    assert expected == 8  # survey points have no self-assessment
    assert [len(t.x) for t in fig.data] == [expected, expected]
    assert [t.name for t in fig.data] == ["Tự đánh giá", "Thẩm định"]
    assert all("," in text for text in fig.data[0].text)


# ---------------------------------------------------------------- compare


def test_compare_radar_one_closed_trace_per_unit_without_total():
    rows = fields_of(PICKED)
    total = rows.iloc[:3].assign(component="total", pct=80.0)
    fig = charts.compare_radar(pd.concat([rows, total]))
    assert sorted(t.name for t in fig.data) == sorted(PICKED)
    for trace in fig.data:
        assert len(trace.r) == 9 + 1 and trace.r[0] == trace.r[-1]
        assert "Tổng điểm" not in trace.theta
    assert len({t.line.color for t in fig.data}) == 3
    assert len({t.marker.symbol for t in fig.data}) == 3


def test_compare_charts_draw_the_units_in_the_order_of_their_rows():
    """The legends follow the table's order (the ranking's), not the block's row order."""
    units = districts(2022).sort_values("rank", ascending=False).head(3)  # the worst first
    fields = views.compare_fields(demo()[0], units)
    names = units["unit"].tolist()
    assert [t.name for t in charts.compare_radar(fields).data] == names
    assert [t.name for t in charts.compare_bars(fields).data] == names


def test_compare_radar_across_years_labels_each_unit_year():
    fields = demo()[2]
    rows = fields[(fields["unit"] == PICKED[0]) & fields["year"].isin([2021, 2024])]
    assert [t.name for t in charts.compare_radar(rows).data] == [
        f"{PICKED[0]} · 2021", f"{PICKED[0]} · 2024"]


def test_compare_bars_field_by_unit():
    fig = charts.compare_bars(fields_of(PICKED))
    assert len(fig.data) == 3 and fig.layout.barmode == "group"
    assert all(len(t.x) == 9 for t in fig.data)
    assert "," in fig.data[0].text[0]


def test_compare_bars_are_horizontal_with_the_fields_down_the_side_in_official_order():
    """Vertical bars rotated the fields' names until they could not be read."""
    fig = charts.compare_bars(fields_of(PICKED))
    assert all(t.orientation == "h" for t in fig.data)
    names = [n.replace("<br>", " ") for n in fig.data[0].y]
    assert names == [*FIELD_NAMES, "Điều tra xã hội học"]  # 1–8, then the survey
    assert fig.layout.yaxis.autorange == "reversed"  # field 1 at the top
    assert fig.layout.xaxis.title.text == "Tỷ lệ đạt (% điểm tối đa)"
    english = charts.compare_bars(fields_of(PICKED), "en").data[0].y
    assert english[-1] == "Survey" and "Institutional reform" in english[1]


def test_the_two_compare_charts_say_what_each_shows_under_different_titles():
    radar, bars = (charts.compare_radar(fields_of(PICKED)), charts.compare_bars(fields_of(PICKED)))
    assert radar.layout.title.text != bars.layout.title.text
    assert radar.layout.title.subtitle.text and bars.layout.title.subtitle.text
    assert radar.layout.title.subtitle.text != bars.layout.title.subtitle.text


def test_compare_radar_keeps_its_labels_and_legend_apart():
    """Full field names were cut at the chart's sides and the legend sat on the bottom labels."""
    fig = charts.compare_radar(fields_of(PICKED))
    theta = fig.data[0].theta
    assert max(len(part) for label in theta for part in label.split("<br>")) <= 14
    assert "Thể chế" in theta and "Chính quyền số" in theta
    assert "Xây dựng chính quyền điện tử, chính quyền số" in fig.data[0].hovertext[6]
    legend = fig.layout.legend
    plot = fig.layout.height - fig.layout.margin.t - fig.layout.margin.b
    assert legend.orientation == "h" and legend.yanchor == "top"
    assert -legend.y * plot >= 40  # hung below the rim's bottom labels
    assert fig.layout.margin.b >= -legend.y * plot + 22 * len(fig.data)  # and held whole
    assert min(fig.layout.margin.l, fig.layout.margin.r) >= 80  # room for the rim's labels
    assert charts.compare_radar(fields_of(PICKED), "en").data[0].theta[1] == "Institutions"


# ---------------------------------------------------------------- trends


def test_trend_lines_one_line_per_unit_over_the_years():
    rows = districts()[districts()["unit"].isin(PICKED)]
    fig = charts.trend_lines(rows)
    assert len(fig.data) == 3
    assert all(list(t.x) == [2021, 2022, 2023, 2024] for t in fig.data)
    assert fig.layout.xaxis.dtick == 1


def test_trend_lines_leave_gaps_where_a_unit_is_missing():
    units = cm.unit_table(cm.read_scores(DEMO + "so_ban_nganh.xlsx"))
    gone = set(units.loc[units["year"] == 2024, "unit_key"]) - set(
        units.loc[units["year"] == 2025, "unit_key"])
    key = sorted(gone)[0]
    kept = units[units["unit_key"].isin([key, units.loc[units["year"] == 2025, "unit_key"].iloc[0]])]
    fig = charts.trend_lines(kept)
    lines = {t.name: t for t in fig.data}
    gone_name = units.loc[units["unit_key"] == key, "unit"].iloc[-1]
    assert list(lines[gone_name].x)[-1] == 2025 and math.isnan(lines[gone_name].y[-1])


def test_rank_bump_reversed_whole_number_ranks():
    fig = charts.rank_bump(districts())
    assert len(fig.data) == 10
    low, high = fig.layout.yaxis.range
    assert low > high and fig.layout.yaxis.dtick == 1 and fig.layout.yaxis.tickformat == ",d"
    for trace in fig.data:
        assert all(float(y).is_integer() for y in trace.y if not math.isnan(y))


def test_movers_gainers_above_decliners_with_arrows():
    rows = districts(2023)
    fig = charts.movers(rows, n=3)
    gained, declined = fig.data
    assert gained.name == "Tăng" and declined.name == "Giảm"
    ups = rows[rows["delta_pct"] > 0]["delta_pct"].sort_values(ascending=False)
    assert list(gained.x) == ups.head(3).tolist()
    assert all(t.startswith("▲ ") and "," in t for t in gained.text)
    assert all(t.startswith("▼ ") for t in declined.text) and all(x < 0 for x in declined.x)
    order = list(fig.layout.yaxis.categoryarray)
    assert order[: len(gained.y)] == list(gained.y)


def test_movers_for_a_year_without_previous_year_is_empty():
    units = cm.unit_table(cm.read_scores(DEMO + "xa_2025.csv"))
    assert annotations(charts.movers(units)) == ["Không có dữ liệu"]


def test_band_counts_stacked_per_year_with_band_text():
    bc = demo()[4]
    fig = charts.band_counts_over_time(bc, BANDS)
    assert [t.name for t in fig.data] == ["Tốt", "Khá", "Kém"]
    assert fig.layout.barmode == "stack"
    assert list(fig.data[0].x) == [2021, 2022, 2023, 2024]  # no districts in 2025
    totals = [sum(t.y[i] for t in fig.data) for i in range(4)]
    assert totals == [10, 10, 10, 10]
    assert fig.data[0].text[0] == "Tốt: 10"


def test_band_counts_sum_over_blocks():
    units = cm.unit_table(cm.read_scores(DEMO + "xa_2025.csv"))
    fig = charts.band_counts_over_time(band_counts(units, BANDS), BANDS)
    assert sum(sum(t.y) for t in fig.data) == len(units) == 36


# ---------------------------------------------------------------- fields


def test_fields_heatmap_units_by_fields():
    fields = demo()[2]
    rows = fields[fields["year"] == 2022]
    fig = charts.fields_heatmap(rows)
    (heat,) = fig.data
    assert len(heat.z) == 10 and len(heat.z[0]) == 9
    assert heat.colorscale[0][1] != heat.colorscale[-1][1]
    assert style.HEATMAP_SCALE.lower() in ("cividis", "viridis")
    assert "," in heat.text[0][0]
    assert "/" in heat.hovertext[0][0]  # points / max


def test_fields_heatmap_over_the_cap_shows_the_best_and_worst_units_and_says_so():
    fields = many(101)[1]
    fig = charts.fields_heatmap(fields)
    (heat,) = fig.data
    half = charts.MAX_HEATMAP_UNITS // 2
    assert len(heat.y) == len(heat.z) == charts.MAX_HEATMAP_UNITS + 1
    assert heat.y[half] == "⋯ 71 đơn vị khác ⋯"
    assert all(math.isnan(v) for v in heat.z[half]) and set(heat.text[half]) == {""}
    overall = fields.groupby("unit")["points"].sum().sort_values(ascending=False, kind="stable")
    assert list(heat.y[:half]) == overall.index[:half].tolist()
    assert set(heat.y[half + 1:]) == set(overall.index[-half:])
    assert "15 đơn vị cao nhất và 15 đơn vị thấp nhất trong 101 đơn vị" in \
        fig.layout.title.subtitle.text
    assert "The top 15 and bottom 15 of 101 units" in \
        charts.fields_heatmap(fields, "en").layout.title.subtitle.text


def test_field_means_sorted_best_first():
    fsum = demo()[3]
    rows = fsum[fsum["year"] == 2022]
    fig = charts.field_means(rows)
    (bars,) = fig.data
    assert len(bars.x) == 9
    assert list(bars.x) == sorted(rows["mean_pct"], reverse=True)
    assert fig.layout.yaxis.autorange == "reversed"
    assert bars.text[0].endswith("\u00a0%") and "," in bars.text[0]


def test_field_means_combine_blocks_weighted_by_units():
    scores, *_ = demo("xa_2025.csv")
    fsum = field_summary(scores)
    expected = field_summary(scores.assign(block="one"))
    fig = charts.field_means(fsum)
    assert sorted(fig.data[0].x) == sorted(expected["mean_pct"])


def test_points_lost_sorted_largest_first():
    fsum = demo()[3]
    rows = fsum[fsum["year"] == 2022]
    (bars,) = charts.points_lost(rows).data
    assert list(bars.x) == pytest.approx(sorted(rows["mean_points_lost"], reverse=True))


# ---------------------------------------------------------------- colours and export


@pytest.mark.parametrize("preset", ["tot-kha-kem", "xuat-sac-5", "bo-noi-vu-abc", "A:90,B:0"])
def test_band_colours_distinct_safe_and_in_scheme_order(preset):
    bands = parse_bands(preset)
    colours = charts.band_colors(bands)
    assert list(colours) == [label for label, _ in bands]
    assert len(set(colours.values())) == len(bands)
    assert set(colours.values()) <= set(charts.OKABE_ITO)
    assert colours[bands[0][0]] == "#0072B2"


def test_figure_html_is_standalone_utf8():
    html = charts.figure_html(charts.ranking_bars(districts(2022), BANDS))
    assert isinstance(html, bytes)
    head = html[:200].lower()
    # plotly writes a doctype first, which keeps browsers out of quirks mode
    assert head.startswith(b"<!doctype html>\n<html") or head.startswith(b"<html")
    assert b"plotly" in html and b'charset="utf-8"' in html
    assert "Xếp hạng Chỉ số CCHC".encode() in html


def test_capped_caption_says_where_the_other_units_are_and_how_to_narrow():
    assert charts.capped_caption("bars", charts.MAX_BARS, "commune", "vi") == ""  # all drawn
    vi = charts.capped_caption("bars", 10_035, "commune", "vi")
    assert vi.startswith("Thẻ «Bảng xếp hạng» có đủ cả 10.035 đơn vị.") and "Chọn một huyện" in vi
    assert "Search in the sidebar" in charts.capped_caption("bars", 50, "district", "en")
    assert "10,035" in charts.capped_caption("bars", 10_035, "commune", "en")
    # the fields page has no search box: a heatmap only points to the district filter
    assert charts.capped_caption("heatmap", 200, "district", "vi") == ""
    assert "Chọn một huyện" in charts.capped_caption("heatmap", 200, "commune", "vi")


def test_a_title_with_its_block_puts_the_block_on_a_line_of_its_own():
    """On a phone one line ran off the chart, under plotly's toolbar."""
    units = many(charts.MAX_BARS)[0].query("year == 2024")
    block = units["block"].iloc[0]
    fig = charts.ranking_bars(units, BANDS)
    first, second = fig.layout.title.text.split("<br>")
    assert first.endswith("năm 2024") and second == block
    assert fig.layout.margin.t == 60 + 20 and fig.layout.modebar.orientation == "v"
    capped = charts.ranking_bars(many(101)[0].query("year == 2024"), BANDS)
    assert "<br>" in capped.layout.title.text and capped.layout.margin.t == 84 + 20
    two = pd.concat([units.head(5), units.head(5).assign(block="Khối khác")])
    across = charts.ranking_bars(two, BANDS)
    assert "<br>" not in across.layout.title.text and across.layout.margin.t == 60
