"""Index, ranks, bands and year-on-year, checked against the figures the seed reports publish."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import cchc_metrics as cm
from cchc_metrics.bands import band_counts, parse_bands
from cchc_metrics.contract import SCORE_COLUMNS, SURVEY, TOTAL
from cchc_metrics.metrics import block_summary, field_summary, unit_strengths
from cchc_metrics.names import unit_key
from cchc_metrics.numbers import format_number, format_pct


def scores(rows: list[dict]) -> pd.DataFrame:
    """Canonical scores from a few dicts, filling the columns a test does not care about."""
    defaults = {"level": "commune", "block": "Huyện Mỹ Lộc", "province": "Nam Định", "parent": "",
                "unit_code": "", "component": TOTAL, "self_points": np.nan, "source": "test"}
    return pd.DataFrame([defaults | r for r in rows])[SCORE_COLUMNS]


# 11 communes of Mỹ Lộc (seed 003): best TT Mỹ Lộc 60,09, worst xã Mỹ Phúc 51,55, mean 55,25 (78,92 %)
MY_LOC_2022 = {"Thị trấn Mỹ Lộc": 60.09, "Xã Mỹ Phúc": 51.55, "Xã Mỹ Hưng": 55.10,
               "Xã Mỹ Thắng": 54.80, "Xã Mỹ Hà": 56.20, "Xã Mỹ Tiến": 53.95, "Xã Mỹ Thịnh": 55.40,
               "Xã Mỹ Thuận": 54.35, "Xã Mỹ Thành": 55.96, "Xã Mỹ Trung": 54.90, "Xã Mỹ Tân": 55.40}


def my_loc(year: int, shift: float = 0.0) -> list[dict]:
    return [{"year": year, "unit": u, "max_points": 70, "points": round(p + shift, 2)}
            for u, p in MY_LOC_2022.items()]


def test_seed_003_commune_indices_and_block_mean():
    assert sum(MY_LOC_2022.values()) == pytest.approx(607.70)
    units = cm.unit_table(scores(my_loc(2022))).set_index("unit")
    assert units.loc["Thị trấn Mỹ Lộc", "index_pct"] == 85.84  # 60,09 / 70
    assert units.loc["Xã Mỹ Phúc", "index_pct"] == 73.64  # 51,55 / 70
    summary = block_summary(units.reset_index()).iloc[0]
    assert format_number(summary["mean_points"]) == "55,25"
    assert summary["mean_index_pct"] == 78.92
    assert (summary["best_unit"], summary["worst_unit"]) == ("Thị trấn Mỹ Lộc", "Xã Mỹ Phúc")
    assert summary["n_units"] == 11


def test_seed_003_block_mean_rose_3_37_points_from_2021():
    # 2021 mean index 75,55 % → 2022 78,92 %: "tăng 3,37 %"
    shift = -(78.92 - 75.55) * 70 / 100
    data = scores(my_loc(2021, shift) + my_loc(2022))
    summary = block_summary(cm.unit_table(data)).set_index("year")
    assert summary.loc[2021, "mean_index_pct"] == 75.55
    assert summary.loc[2022, "delta_mean_pct"] == 3.37


def test_seed_003_district_index_includes_survey_points():
    # "đạt 64,24 điểm (85,65 %)": appraised 64,24/70 plus survey 21,41/30
    data = scores([
        {"year": 2022, "unit": "Huyện Mỹ Lộc", "component": TOTAL, "max_points": 70,
         "points": 64.24, "level": "district", "block": "Huyện, thành phố"},
        {"year": 2022, "unit": "Huyện Mỹ Lộc", "component": SURVEY, "max_points": 30,
         "points": 21.41, "level": "district", "block": "Huyện, thành phố"}])
    assert cm.unit_table(data)["index_pct"].tolist() == [85.65]


def test_seed_003_field_averages():
    # thể chế 5,75/6,00 → 95,8 %; tài chính công 7,45/8,00 → 93,1 %; TTHC 17,3/21 → 82,3 %
    per_unit = {"Cải cách thể chế": (6, [6, 5.5, 5.75, 5.75]),
                "Cải cách tài chính công": (8, [7.5, 7.4, 7.45, 7.45]),
                "Cải cách thủ tục hành chính": (21, [17.5, 17.12, 17.25, 17.25])}
    rows = [{"year": 2022, "unit": f"Xã {i}", "component": f, "max_points": m, "points": p}
            for f, (m, pts) in per_unit.items() for i, p in enumerate(pts)]
    fs = field_summary(scores(rows)).set_index("component")
    assert format_number(fs.loc["Cải cách thể chế", "mean_points"]) == "5,75"
    assert format_number(fs.loc["Cải cách thể chế", "mean_pct"], 1) == "95,8"
    assert format_number(fs.loc["Cải cách tài chính công", "mean_pct"], 1) == "93,1"
    assert format_number(fs.loc["Cải cách thủ tục hành chính", "mean_points"], 1) == "17,3"
    assert format_number(fs.loc["Cải cách thủ tục hành chính", "mean_pct"], 1) == "82,3"
    assert fs.loc["Cải cách thể chế", "points_lost"] == pytest.approx(1.0)


def test_seed_001_eighteen_of_nineteen_good_is_94_74_percent():
    rows = [{"year": 2022, "unit": f"Xã {i}", "max_points": 100, "points": 85 if i else 75}
            for i in range(19)]
    counts = band_counts(cm.unit_table(scores(rows)), "tot-kha-kem").set_index("band")
    assert counts.loc["Tốt", "count"] == 18
    assert counts.loc["Tốt", "share_pct"] == 94.74
    assert counts.loc["Kém", "count"] == 0


def test_seed_003_district_ninth_in_2021_seventh_of_ten_in_2022_moved_up_two():
    districts = [f"Huyện {c}" for c in "ABCDEFGHI"] + ["Huyện Mỹ Lộc"]
    idx_2021 = dict(zip(districts, [95, 94, 93, 92, 91, 90, 89, 88, 80, 87], strict=True))
    idx_2022 = dict(zip(districts, [95, 94, 93, 92, 91, 90, 80, 79, 78, 85.65], strict=True))
    rows = [{"year": y, "unit": u, "max_points": 100, "points": p, "level": "district",
             "block": "UBND huyện, thành phố"}
            for y, idx in ((2021, idx_2021), (2022, idx_2022)) for u, p in idx.items()]
    rows[9]["unit"] = "H. Mỹ Lộc"  # the 2021 file spelt it differently
    units = cm.unit_table(scores(rows))
    r = units[(units["year"] == 2022) & (units["unit"] == "Huyện Mỹ Lộc")].iloc[0]
    assert (r["rank"], r["n_ranked"], r["prev_rank"], r["rank_change"]) == (7, 10, 9, 2)
    assert r["delta_pct"] == pytest.approx(85.65 - 87)


def test_ties_share_the_better_rank_on_the_two_decimal_index():
    # 85.844 and 85.8449 both publish as 85.84 → same rank; next is 3rd
    rows = [{"year": 2023, "unit": u, "max_points": 100, "points": p}
            for u, p in [("Xã A", 90), ("Xã B", 85.844), ("Xã C", 85.8449), ("Xã D", 80)]]
    ranks = cm.unit_table(scores(rows)).set_index("unit")["rank"].to_dict()
    assert ranks == {"Xã A": 1, "Xã B": 2, "Xã C": 2, "Xã D": 4}


def test_index_rounds_half_up_as_excel_does():
    rows = [{"year": 2023, "unit": "Xã A", "max_points": 200, "points": 171.69}]  # 85.845
    assert cm.unit_table(scores(rows))["index_pct"].tolist() == [85.85]


def test_ranks_are_within_year_and_block():
    rows = [{"year": y, "unit": u, "block": b, "max_points": 100, "points": p}
            for y, u, b, p in [(2023, "Xã A", "K1", 90), (2023, "Xã B", "K1", 80),
                               (2023, "Xã C", "K2", 70), (2024, "Xã C", "K2", 95)]]
    units = cm.unit_table(scores(rows))
    got = {(r.year, r.unit): (r.rank, r.n_ranked) for r in units.itertuples()}
    assert got == {(2023, "Xã A"): (1, 2), (2023, "Xã B"): (2, 2), (2023, "Xã C"): (1, 1),
                   (2024, "Xã C"): (1, 1)}


def test_units_match_across_years_by_code_before_name():
    rows = [{"year": 2023, "unit": "Xã Cũ", "unit_code": "01234", "max_points": 100, "points": 70},
            {"year": 2024, "unit": "Phường Mới", "unit_code": "01234", "max_points": 100,
             "points": 75}]
    r = cm.unit_table(scores(rows)).set_index("year").loc[2024]
    assert (r["prev_index_pct"], r["delta_pct"]) == (70, 5)


def test_new_units_and_changed_blocks_have_no_rank_change():
    rows = [{"year": 2024, "unit": "Xã A", "block": "Huyện X", "max_points": 100, "points": 80},
            {"year": 2025, "unit": "Xã A", "block": "Khối xã, đặc khu", "max_points": 100,
             "points": 85},
            {"year": 2025, "unit": "Đặc khu Mới", "block": "Khối xã, đặc khu", "max_points": 100,
             "points": 90}]
    units = cm.unit_table(scores(rows)).set_index(["year", "unit"])
    a = units.loc[(2025, "Xã A")]
    assert a["delta_pct"] == 5 and a["prev_rank"] == 1 and pd.isna(a["rank_change"])
    new = units.loc[(2025, "Đặc khu Mới")]
    assert pd.isna(new["prev_index_pct"]) and pd.isna(new["rank_change"])


def test_same_named_communes_in_different_districts_stay_apart():
    rows = [{"year": y, "unit": "Xã An Bình", "parent": par, "block": "Khối xã", "max_points": 100,
             "points": p} for y, par, p in [(2023, "Huyện A", 70), (2023, "Huyện B", 90),
                                             (2024, "Huyện A", 72), (2024, "Huyện B", 85)]]
    units = cm.unit_table(scores(rows))
    y24 = units[units["year"] == 2024].set_index("parent")
    assert y24.loc["Huyện A", "delta_pct"] == 2 and y24.loc["Huyện B", "delta_pct"] == -5


def test_unit_key_ignores_case_diacritics_spacing_and_prefixes():
    same = ["UBND Thị trấn Mỹ Lộc", "TT. Mỹ Lộc", "thị trấn  MỸ LỘC", "TT Mỹ Lộc", "Mỹ Lộc"]
    assert {unit_key(n) for n in same} == {"my loc"}
    assert unit_key("TP. Nam Định") == unit_key("Thành phố Nam Định") == "nam dinh"
    assert unit_key("P.Trần Hưng Đạo") == unit_key("Phường Trần Hưng Đạo")
    assert unit_key("TX. Bình Sơn") == unit_key("Thị xã Bình Sơn")
    assert unit_key("Phường 1") != unit_key("Phường 2")


@pytest.mark.parametrize("spec, band_at_85", [
    (None, "Tốt"), ("tot-kha-kem", "Tốt"), ("bo-noi-vu-abc", "B"), ("xuat-sac-5", "Tốt"),
    ("Xuất sắc:90,Tốt:85,Khá:0", "Tốt"), ([("A", 86), ("B", 0)], "B"),
])
def test_band_schemes_are_data(spec, band_at_85):
    rows = [{"year": 2023, "unit": "Xã A", "max_points": 100, "points": 85}]
    assert cm.unit_table(scores(rows), bands=spec)["band"].tolist() == [band_at_85]


def test_below_every_band_has_no_band():
    rows = [{"year": 2023, "unit": "Xã A", "max_points": 100, "points": 60}]
    assert cm.unit_table(scores(rows), bands="A:90,B:80,C:70")["band"].tolist() == [None]


@pytest.mark.parametrize("bad", ["Tốt", "Tốt:x", "Khá:60,Tốt:80", "Tốt:80,Khá:80", ""])
def test_bad_band_schemes_are_refused_in_both_languages(bad):
    with pytest.raises(ValueError) as e:
        parse_bands(bad)
    assert "Thang xếp loại" in str(e.value) and "band scheme" in str(e.value)


def test_band_counts_change_from_last_year():
    rows = [{"year": y, "unit": f"Xã {i}", "max_points": 100, "points": 85 if i < n else 65}
            for y, n in ((2022, 29), (2023, 30)) for i in range(40)]
    counts = band_counts(cm.unit_table(scores(rows))).set_index(["year", "band"])
    assert counts.loc[(2023, "Tốt"), "count"] == 30
    assert counts.loc[(2023, "Tốt"), "count_change"] == 1  # "30 đơn vị Tốt, tăng 01 đơn vị"
    assert counts.loc[(2023, "Khá"), "count_change"] == -1
    assert pd.isna(counts.loc[(2022, "Tốt"), "count_change"])


def test_strongest_and_weakest_field_and_self_assessment_gap():
    rows = [{"year": 2023, "unit": "Xã A", "component": f, "max_points": m, "points": p,
             "self_points": s} for f, m, p, s in [("Cải cách thể chế", 6, 5.75, 6),
                                                   ("Cải cách tài chính công", 8, 6, 7),
                                                   (SURVEY, 30, 10, np.nan)]]
    s = unit_strengths(scores(rows)).iloc[0]
    assert s["strongest_field"] == "Cải cách thể chế" and s["strongest_pct"] == 95.83
    assert s["weakest_field"] == "Cải cách tài chính công" and s["weakest_pct"] == 75
    assert s["self_gap"] == pytest.approx(13 - 11.75)  # over self-assessed fields, not survey
    fields = cm.unit_fields(scores(rows)).set_index("component")
    assert fields.loc["Cải cách thể chế", "self_gap"] == pytest.approx(0.25)


def test_unit_table_has_the_contract_columns_and_empty_input_is_fine():
    units = cm.unit_table(scores(my_loc(2022)))
    for col in ["year", "block", "unit", "points", "max_points", "index_pct", "rank", "n_ranked",
                "band", "prev_index_pct", "delta_pct", "prev_rank", "rank_change"]:
        assert col in units.columns
    assert cm.unit_table(pd.DataFrame(columns=SCORE_COLUMNS)).empty


def test_vietnamese_number_formatting():
    assert format_pct(85.65) == "85,65\u00a0%"  # a no-break space: never split across lines
    assert format_pct(85.65, lang="en") == "85.65\u00a0%"
    assert format_number(1234.5) == "1.234,50"
    assert format_number(float("nan")) == "—"


def test_group_ids_of_a_large_frame_on_two_threads_match_pandas_grouping():
    """Over 200,000 rows the columns are factorised on two threads; ids must not change."""
    from cchc_metrics.keys import group_ids

    rng = np.random.default_rng(7)
    n = 250_000
    frame = pd.DataFrame({
        "year": rng.integers(2015, 2025, n),
        "block": pd.array(rng.choice(["Sở", "Huyện", "Xã"], n), dtype="str"),
        "unit": pd.array(rng.choice([f"Xã {i}" for i in range(3000)], n), dtype="str"),
        "code": rng.choice(["", "00001", "00002", None], n),
    })
    ids = group_ids(frame, list(frame.columns))
    expected = frame.groupby(list(frame.columns), sort=False, dropna=False).ngroup().to_numpy()
    assert np.array_equal(ids, expected)


def test_duplicates_need_every_key_same_named_communes_under_two_districts_are_not():
    from cchc_metrics.ingest.checks import duplicate_problems

    def frame(parents):
        rows = [{"year": 2024, "unit": "Xã An Bình", "parent": par, "block": "Khối xã",
                 "max_points": 100, "points": 70, "source": f"f.xlsx · S · dòng {i + 5}"}
                for i, par in enumerate(parents)]
        return scores(rows).assign(sheet="S", row=range(5, 5 + len(parents)))

    assert duplicate_problems(frame(["Huyện A", "Huyện B"])) == []
    (p,) = duplicate_problems(frame(["Huyện A", "Huyện B", "huyện  A"]))
    assert p.code == "duplicate_unit" and "5, 7" in p.vi


def test_roman_numerals_as_tables_number_blocks_and_quarters():
    from cchc_metrics.numbers import roman

    assert [roman(n) for n in (1, 4, 9, 12, 14, 40, 49, 90)] == [
        "I", "IV", "IX", "XII", "XIV", "XL", "XLIX", "XC"]
