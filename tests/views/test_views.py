"""What pages show, as plain tables: same answers as the simple per-row code they replaced."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import cchc_metrics as cm
from cchc_metrics import views
from cchc_metrics.numbers import format_number


@pytest.fixture(scope="module")
def demo():
    from cchc_metrics.sample.demo import build_demo_scores

    scores = build_demo_scores()
    return scores, cm.unit_table(scores)


def reference_history(units: pd.DataFrame, rows: pd.DataFrame) -> list[list[float]]:
    """The sparkline lists as first written: a loop over the rows, a filter per unit."""
    keys = ["level", "province", "parent", "unit"]
    by_unit = {k: g.sort_values("year", kind="stable") for k, g in units.groupby(keys, sort=False)}
    out = []
    for r in rows[keys + ["year"]].itertuples(index=False):
        g = by_unit.get(tuple(r[:4]))
        out.append([] if g is None else g.loc[g["year"] <= r[4], "index_pct"].tolist())
    return out


def demo_views(units: pd.DataFrame):
    """Every year × level of the demo province, a block of each, with and without a search."""
    for (year, level), part in units.groupby(["year", "level"]):
        for block in (None, part["block"].iloc[-1]):
            for search in ("", "an"):
                yield views.View(year=int(year), level=level, block=block, search=search)


def test_history_lists_match_the_per_row_reference(demo):
    _, units = demo
    prepared = views.prepared(units)
    checked = 0
    for view in demo_views(units):
        rows = views.select(units, view)
        expected = reference_history(units, rows)
        assert views.history_lists(units, rows) == expected
        assert views.history_lists(prepared, views.select(prepared, view)) == expected
        checked += len(rows)
    assert checked > 1000


def test_history_lists_end_with_the_rows_own_index(demo):
    _, units = demo
    rows = views.select(units, views.View(year=2024, level="district"))
    lists = views.history_lists(units, rows)
    assert [h[-1] for h in lists] == rows["index_pct"].tolist()
    assert all(len(h) == 4 for h in lists)  # districts: 2021–2024
    assert views.history_lists(units, rows.iloc[0:0]) == []


def test_history_of_a_unit_missing_from_the_table_is_empty(demo):
    _, units = demo
    rows = views.select(units, views.View(year=2024, level="district")).head(2).copy()
    rows["unit"] = ["Huyện Không Có", rows["unit"].iloc[1]]
    lists = views.history_lists(units, rows)
    assert lists[0] == [] and len(lists[1]) == 4


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_number_texts_match_format_number(lang):
    values = [85.645, 0.0, -1.2, 100.0, 1234.5, -0.001, np.nan, 7.005]
    assert views.number_texts(values, 2, lang).tolist() == [
        format_number(v, 2, lang).replace("-0,00", "0,00").replace("-0.00", "0.00")
        for v in values]


def test_screen_table_formats_numbers_with_a_decimal_comma_and_keeps_the_bar(demo):
    _, units = demo
    view = views.View(year=2024, level="district", lang="vi")
    table = views.ranking_table(units, view)
    screen = views.screen_table(table, "vi")
    frame = screen.frame
    assert set(screen.numbers) == {"Điểm đạt", "Điểm tối đa", "Chỉ số (%)",
                                   "Thay đổi chỉ số (điểm phần trăm)"}
    assert list(frame.columns)[:5] == ["Hạng", "Đơn vị", "Chỉ số (%)", "Xếp loại", screen.bar]
    assert "Năm" not in frame and "Khối" not in frame  # one year, one block: in the title
    assert frame["Chỉ số (%)"].tolist() == [format_number(v) for v in table["Chỉ số (%)"]]
    assert all("," in v for v in frame["Chỉ số (%)"])
    assert frame[screen.bar].tolist() == table["Chỉ số (%)"].tolist()  # the bar draws the index
    assert list(frame.columns).index(screen.bar) == list(frame.columns).index("Xếp loại") + 1
    assert screen.history == "Các năm" and frame["Các năm"].tolist() == table["Các năm"].tolist()
    assert frame["Hạng"].tolist() == table["Hạng"].tolist()  # ranks stay numbers (sortable)
    missing = views.screen_table(views.ranking_table(units, view.but(year=2021)), "vi").frame
    assert set(missing["Thay đổi chỉ số (điểm phần trăm)"]) == {"—"}  # first year: no change to show


def test_screen_table_is_the_exported_table_formatted(demo):
    _, units = demo
    view = views.View(year=2023, level="commune", lang="en")
    exported = views.ranking_table(units, view, history=False)
    frame = views.screen_table(exported, "en").frame
    assert [c for c in frame.columns if c != "Index bar"] == list(exported.columns)
    assert frame["Points"].tolist() == [format_number(v, 2, "en") for v in exported["Points"]]
    assert frame["Unit"].tolist() == exported["Unit"].tolist()


@pytest.mark.parametrize("bands", ["xuat-sac-5", "bo-noi-vu-abc", "A:95,B:85,C:0"])
def test_with_bands_is_unit_table_under_those_bands(demo, bands):
    scores, units = demo
    pd.testing.assert_frame_equal(views.with_bands(units, bands), cm.unit_table(scores, bands))


def test_catalog_offers_the_same_choices_as_the_unit_table(demo):
    _, units = demo
    catalog = views.catalog(units)
    assert len(catalog) < len(units)
    assert views.years(catalog) == views.years(units)
    for year in [None, *views.years(units)]:
        assert views.levels(catalog, year) == views.levels(units, year)
        for level in [None, "department", "district", "commune"]:
            assert views.blocks(catalog, year, level) == views.blocks(units, year, level)
            assert views.parents(catalog, year, level) == views.parents(units, year, level)
            assert views.provinces(catalog, year, level) == views.provinces(units, year, level)
            view = views.View(year=year, level=level)
            assert views.settle(catalog, view) == views.settle(units, view)
            assert views.level_missing(catalog, view) == views.level_missing(units, view)


def test_districts_are_listed_by_province_and_a_district_finds_its_own():
    """District names repeat across provinces («Châu Thành» is in many): a name alone is not a
    place, so only a name found in one province gives that province."""
    catalog = pd.DataFrame({
        "year": 2024, "level": "commune", "block": "Khối xã",
        "province": ["Tỉnh An Giang", "Tỉnh An Giang", "Tỉnh Bến Tre", "Tỉnh Bến Tre", ""],
        "parent": ["Huyện Châu Thành", "Huyện Tri Tôn", "Huyện Châu Thành", "Huyện Mỏ Cày", ""]})
    assert views.provinces(catalog, 2024, "commune") == ["Tỉnh An Giang", "Tỉnh Bến Tre"]
    assert views.provinces(catalog, 2023, "commune") == []
    assert views.parents(catalog, 2024, "commune", "Tỉnh Bến Tre") == ["Huyện Châu Thành",
                                                                       "Huyện Mỏ Cày"]
    assert len(views.parents(catalog, 2024, "commune")) == 3
    assert views.province_of(catalog, "Huyện Mỏ Cày") == "Tỉnh Bến Tre"
    assert views.province_of(catalog, "Huyện Châu Thành") is None  # in two provinces
    assert views.province_of(catalog, "Huyện Không Có") is None
    assert views.province_of(catalog, None) is None


def test_search_ignores_case_and_diacritics_on_repeated_names():
    names = pd.Series(["Huyện Mỹ Lộc", "Xã An Bình", "Huyện Mỹ Lộc", "Phường Đông"],
                      index=[10, 11, 12, 13])
    assert views.matches(names, "my loc").tolist() == [True, False, True, False]
    assert views.matches(names, "DONG").index.tolist() == [10, 11, 12, 13]
    assert views.matches(names, "dong").tolist() == [False, False, False, True]
    assert views.matches(names.iloc[0:0], "an").empty


def test_overview_cards_look_only_at_the_year_and_the_one_before(demo):
    _, units = demo
    view = views.View(year=2023, level="district", block="UBND huyện, thị xã, thành phố")
    cards = views.overview_cards(units, view)
    few = units[units["year"].isin([2022, 2023])]
    assert [vars(c) for c in views.overview_cards(few, view)] == [vars(c) for c in cards]
    assert cards[0].value == "10" and "2022" in cards[1].delta


def test_a_change_that_rounds_to_zero_reads_unchanged_without_arrow_or_colour(demo):
    prev = "so với năm 2024"
    assert views.change_from(0.004, prev, "vi") == ("không đổi so với năm 2024", "off", "off")
    assert views.change_from(-0.005, prev, "vi") == ("-0,01 so với năm 2024", "normal", "auto")
    assert views.change_from(3, "vs 2024", "en", 0) == ("+3 vs 2024", "normal", "auto")
    assert views.change_from(float("nan"), prev, "vi")[0] is None  # a first year: no change
    _, units = demo
    shown = 0
    for view in (v for v in demo_views(units) if v.block):  # the cards are a block's
        for card in views.overview_cards(units, view):
            unchanged = bool(card.delta and card.delta.startswith("không đổi"))
            shown += unchanged
            if unchanged:
                assert (card.delta_arrow, card.delta_color) == ("off", "off")
            elif card.delta:
                assert card.delta[0] in "+-" and card.delta_arrow == "auto", card
    assert shown  # the demo has bands whose count did not change


def test_row_runs_take_the_same_rows_as_a_filter_in_any_order(demo):
    scores, _ = demo
    keys = ["year", "level", "block"]
    for frame in (scores, scores.sample(frac=1, random_state=7)):
        runs = views.row_runs(frame, keys)
        combos = frame[keys].drop_duplicates().itertuples(index=False, name=None)
        for year, level, block in combos:
            expected = frame[(frame["year"] == year) & (frame["level"] == level) &
                             (frame["block"] == block)].reset_index(drop=True)
            pd.testing.assert_frame_equal(views.rows_of(frame, runs, (year, level, block)),
                                          expected)
    assert len(views.row_runs(scores, keys)[(2024, "district", "UBND huyện, thị xã, thành phố")]) \
        == 1  # the store's order: one slice, no copy
    assert views.rows_of(scores, {}, (1999, "commune", "x")).empty
    assert views.row_runs(scores.iloc[0:0], keys) == {}


def test_unit_choices_sorted_ignoring_diacritics_and_searchable(demo):
    _, units = demo
    names = views.unit_choices(units, views.View(level="district"))
    assert names == sorted(set(units.loc[units["level"] == "district", "unit"]), key=views.folded)
    found = views.unit_choices(units, views.View(level="district", search="my lam"))
    assert found == ["Huyện Mỹ Lâm"]
    block = views.unit_choices(units, views.View(level="commune", block="Huyện Mỹ Lâm"))
    assert set(block) == set(units.loc[units["block"] == "Huyện Mỹ Lâm", "unit"])
    district = units.loc[units["level"] == "commune", "parent"].iloc[0]
    under = views.unit_choices(units, views.View(level="commune", parent=district))
    want = set(units.loc[(units["level"] == "commune") & (units["parent"] == district), "unit"])
    assert set(under) == want and len(under) < (units["level"] == "commune").sum()


def test_picker_names_cut_a_long_list_and_keep_the_chosen_unit():
    names = sorted([f"Xã {chr(65 + i // 26)}{chr(97 + i % 26)}" for i in range(60)], key=views.folded)
    assert views.picker_names(names, None, limit=60) == names
    assert views.picker_names(names, names[59], limit=10) == [*names[:9], names[59]]
    assert views.picker_names(names, names[3], limit=10) == names[:10]
    assert views.picker_names(names, "Xã không có", limit=10) == names[:10]


@pytest.mark.parametrize("lang, expected", [("vi", "đứng thứ 5.868/10.035"),
                                            ("en", "ranked 5,868 of 10,035")])
def test_profile_paragraph_writes_large_ranks_with_thousands_separators(demo, lang, expected):
    scores, units = demo
    communes = units[(units["level"] == "commune") & units["prev_index_pct"].notna()]
    row = communes.iloc[0].copy()
    row["rank"], row["n_ranked"], row["rank_change"] = 5868, 10035, 1234
    text = views.profile_paragraph(units, scores, row, lang)
    assert expected in text
    assert ("tăng 1.234 bậc" if lang == "vi" else "up 1,234 places") in text


def test_unit_count_counts_units_not_rows(demo):
    _, units = demo
    fields = units.loc[units.index.repeat(3)]  # three rows a unit, as unit_fields has per field
    assert views.unit_count(fields) == views.unit_count(units) == len(units)


def test_a_merged_units_first_year_is_not_called_new_in_its_paragraph(demo):
    from cchc_metrics.sample.demo import demo_lineage

    scores, units = demo
    lineage = demo_lineage()
    row = units[(units["year"] == 2025) &
                (units["unit"] == "Sở Nông nghiệp và Môi trường")].iloc[0]
    assert pd.isna(row["prev_index_pct"])
    text = views.profile_paragraph(units, scores, row, "vi", lineage)
    assert "năm đầu sau sắp xếp" in text and "năm đầu có kết quả" not in text
    assert "năm đầu có kết quả" in views.profile_paragraph(units, scores, row, "vi")


def test_an_index_only_units_paragraph_says_the_index_not_points_of_100():
    import cchc_metrics as cm

    scores = pd.DataFrame({
        "year": 2024, "level": "department", "block": "Sở, ban, ngành", "province": "",
        "parent": "", "unit": ["Sở A", "Sở B"], "unit_code": "", "component": "total",
        "max_points": 100.0, "points": [88.41, 80.0], "self_points": np.nan, "source": "x"})
    units = cm.unit_table(scores)
    text = views.profile_paragraph(units, scores, units.iloc[0], "vi")
    assert "đạt 88,41\u00a0%" in text and "/100,00" not in text


@pytest.mark.parametrize("action, detail, vi", [
    ("lineage_import", {"set": 2, "file_name": "dc.xlsx", "n_rows": 161, "superseded": [1]},
     "Nhập bảng đối chiếu đơn vị «dc.xlsx» (161 dòng); thay thế #1"),
    ("indicator_import", {"set": 3, "file_name": "t3.xlsx", "n_rows": 12, "note": "QĐ"},
     "Nhập số liệu chỉ số phục vụ tệp «t3.xlsx» (12 dòng); ghi chú: QĐ"),
    ("indicator_rollback", {"set": 3, "active": False}, "Thu hồi bộ số liệu chỉ số phục vụ #3"),
    ("targets_save", {"set": 4, "n_rows": 20, "file_name": ""}, "Lưu bộ chỉ tiêu #4 (20 dòng)"),
    ("targets_rollback", {"set": 1}, "Dùng lại bộ chỉ tiêu #1"),
])
def test_every_data_write_reads_as_words_in_the_audit(action, detail, vi):
    import json

    from cchc_metrics.views.admin import audit_text

    assert audit_text(action, None, json.dumps(detail), "vi") == vi
    assert not audit_text(action, None, json.dumps(detail), "en").startswith(action)
