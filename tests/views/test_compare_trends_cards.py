"""The compare page's table and defaults, the units the trends follow, the overview's cards."""

from __future__ import annotations

import pandas as pd
import pytest

import cchc_metrics as cm
from cchc_metrics import views
from cchc_metrics.fields import FIELD_NAMES


@pytest.fixture(scope="module")
def demo():
    from cchc_metrics.sample.demo import build_demo_scores

    scores = build_demo_scores()
    return scores, cm.unit_table(scores, bands="tot-kha-kem")


def departments(units: pd.DataFrame, year: int) -> pd.DataFrame:
    return views.select(units, views.View(year=year, level="department",
                                          block=block_of(units, year, "department")))


def block_of(units: pd.DataFrame, year: int, level: str) -> str:
    return units.loc[(units["year"] == year) & (units["level"] == level), "block"].iloc[0]


# ---------------------------------------------------------------- compare


def test_the_compare_page_opens_on_the_blocks_top_three(demo):
    _, units = demo
    rows = departments(units, 2025)
    top = views.default_units(rows)
    assert top == rows.sort_values("rank")["unit"].head(3).tolist()
    assert top != sorted(rows["unit"])[:3]  # not the first three in the alphabet
    assert views.default_units(rows.iloc[0:0]) == []


@pytest.mark.parametrize("lang, index, rank, gap, field", [
    ("vi", "Chỉ số CCHC (%)", "Xếp hạng", "Chênh lệch cao nhất − thấp nhất", "Lĩnh vực"),
    ("en", "PAR INDEX (%)", "Rank", "Highest − lowest", "Field"),
])
def test_the_differences_table_leads_with_index_and_rank_then_fields_in_official_order(
        demo, lang, index, rank, gap, field):
    scores, units = demo
    rows = departments(units, 2025)
    picked = rows[rows["unit"].isin(sorted(rows["unit"])[:4])]
    table = views.differences_table(views.compare_fields(scores, picked), lang, picked)
    assert table.columns[0] == field and table.columns[-1] == gap
    labels = table[field].tolist()
    assert labels[:2] == [index, rank]
    expected = [cm.fields.field_label(f, lang) for f in FIELD_NAMES]
    assert labels[2:] == [*expected, "Điều tra xã hội học" if lang == "vi" else "Survey"]
    best_first = picked.sort_values("rank")
    assert table.columns[1:-1].tolist() == best_first["unit"].tolist()  # units best first
    assert table.iloc[1, 1:-1].tolist() == best_first["rank"].astype(float).tolist()
    assert table.iloc[0, 1:-1].tolist() == best_first["index_pct"].tolist()
    values = table.iloc[:, 1:-1]
    assert table[gap].iloc[0] == pytest.approx(values.iloc[0].max() - values.iloc[0].min())
    assert pd.isna(table[gap].iloc[1])  # places apart are no percentage gap
    shown = views.differences_screen(table, lang).frame
    assert shown.iloc[1, 1:-1].tolist() == [str(r) for r in best_first["rank"]]  # «3», not «3,00»
    assert shown.iloc[1, -1] == "—"
    decimal = "," if lang == "vi" else "."
    assert all(decimal in text for text in shown.iloc[0, 1:])


def test_the_differences_table_without_units_still_lists_fields_in_order(demo):
    scores, units = demo
    rows = departments(units, 2025)
    picked = rows.head(2)
    table = views.differences_table(views.compare_fields(scores, picked), "vi")
    assert table["Lĩnh vực"].tolist()[:2] == FIELD_NAMES[:2]
    assert views.differences_screen(pd.DataFrame(), "vi").frame.empty


# ---------------------------------------------------------------- overview cards


def cards_of(units: pd.DataFrame, year: int, lang: str = "vi") -> views.Cards:
    return views.overview_cards(units, views.View(
        year=year, level="department", block=block_of(units, year, "department"), lang=lang))


def test_when_the_units_ranked_changed_bands_are_compared_by_share(demo):
    """20 departments in 2024, 15 after the mergers of 2025: «−2» Tốt read as bad news when
    every remaining department is Tốt."""
    _, units = demo
    cards = cards_of(units, 2025)
    bands = [c for c in cards if c.label.startswith("Xếp loại")]
    assert [c.label for c in bands] == ["Xếp loại Tốt (100,00\u00a0%)", "Xếp loại Khá (0,00\u00a0%)",
                                        "Xếp loại Kém (0,00\u00a0%)"]
    assert bands[0].delta == "+15,0 điểm phần trăm"  # 85 % of 20, 100 % of 15
    assert (bands[0].delta_color, bands[0].delta_arrow) == ("normal", "auto")
    assert bands[1].delta == "-15,0 điểm phần trăm"
    assert bands[0].help == "Tỷ lệ đơn vị xếp loại Tốt: 85,00\u00a0% năm 2024, 100,00\u00a0% năm 2025."
    assert bands[2].delta == "không đổi so với năm 2024"
    assert cards.note == ("Số đơn vị xếp hạng giảm từ 20 (năm 2024) xuống 15 (năm 2025): "
                          "các xếp loại được so sánh theo tỷ lệ.")
    assert (cards[0].delta, cards[0].delta_color) == ("-5 so với năm 2024", "off")
    english = cards_of(units, 2025, "en")
    assert english[4].delta == "+15.0 pp" and english.note.startswith(
        "The units ranked fell from 20 (2024) to 15 (2025)")


def test_the_same_number_of_units_keeps_counts_and_no_note(demo):
    _, units = demo
    cards = cards_of(units, 2024)
    assert cards.note == "" and cards[0].delta is None and not any(c.help for c in cards[4:])
    assert all("điểm phần trăm" not in (c.delta or "") for c in cards)
    assert any(c.delta and c.delta.startswith(("+", "-")) for c in cards[4:])  # counts: «-1 …»


def test_the_highest_and_lowest_unit_cards_carry_no_arrow(demo):
    _, units = demo
    for year in (2024, 2025):
        best, worst = cards_of(units, year)[2:4]
        assert best.label.startswith("Cao nhất") and worst.label.startswith("Thấp nhất")
        for card in (best, worst):
            assert (card.delta, card.delta_arrow, card.delta_color) == (None, "off", "off")


# ---------------------------------------------------------------- trends


def test_the_trends_follow_the_latest_years_top_five_among_every_unit_of_the_block(demo):
    _, units = demo
    view = views.View(year=2025, level="department", block=block_of(units, 2025, "department"))
    rows = views.trend_rows(units, view)
    names = views.trend_names(rows)
    assert "Ban Dân tộc" in names and "Sở Dân tộc và Tôn giáo" in names  # 2024's and 2025's
    assert names == sorted(names, key=views.folded)
    latest = rows[rows["year"] == 2025].sort_values("rank")
    assert views.top_units(rows) == latest["unit"].head(views.FOLLOWED).tolist()
    assert views.top_units(rows.iloc[0:0]) == []


def test_a_long_follow_list_is_cut_but_keeps_the_units_followed():
    names = [f"Xã {i:03d}" for i in range(20)]
    assert views.follow_options(names, ["Xã 019"], limit=50) == names
    cut = views.follow_options(names, ["Xã 019", "Xã 001", "Không có"], limit=5)
    assert cut == [*names[:5], "Xã 019"]
