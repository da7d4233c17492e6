"""What a unit needs and which rank moves are noise: checked by brute force on small blocks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import cchc_metrics as cm
from cchc_metrics import views
from cchc_metrics.metrics import index_pct
from cchc_metrics.whatif import points_to_reach, rank_noise, unit_plan


def block(indices, year=2024, prev=None):
    """A one-block unit table from indices (maximum 100: points = index)."""
    n = len(indices)
    rows = pd.DataFrame({
        "year": year, "level": "department", "block": "Sở, ban, ngành", "province": "",
        "parent": "", "unit": [f"Sở {i:02d}" for i in range(n)], "unit_code": "",
        "component": "total", "max_points": 100.0, "points": indices, "self_points": np.nan,
        "source": "x"})
    if prev is not None:  # last year's results of the same units
        rows = pd.concat([block(prev, year - 1), rows], ignore_index=True)
    return rows


def brute_points(points, top, target):
    """Add 0,01 until the published index reaches the target (None past the maximum)."""
    extra = 0.0
    while float(index_pct(points + extra, top)) < target - 1e-9:
        extra = round(extra + 0.01, 2)
        if points + extra > top + 1e-9:
            return None
    return extra


@pytest.mark.parametrize("seed", range(5))
def test_points_to_reach_is_the_fewest_hundredths(seed):
    rng = np.random.default_rng(seed)
    for _ in range(40):
        top = float(rng.choice([100.0, 85.0, 71.5]))
        points = round(float(rng.uniform(0, top)), 2)
        target = round(float(rng.uniform(0, 100)), 2)
        assert points_to_reach(points, top, target) == brute_points(points, top, target)


@pytest.mark.parametrize("seed", range(5))
def test_the_points_to_rank_k_places_up_reach_exactly_that_rank(seed):
    rng = np.random.default_rng(seed)
    indices = np.round(rng.uniform(60, 95, 12), 2)
    indices[3] = indices[4]  # a tie
    scores = block(indices)
    units = cm.unit_table(scores)
    for _, row in units.iterrows():
        plan = unit_plan(units, scores, row, steps=(1, 2, 3))
        for goal, n, need in plan["ranks"]:
            assert n == 12 and goal < row["rank"]
            # brute force: the fewest hundredths that give this rank by the one ranking rule
            # (metrics.rank: ties share the better rank), on a 0,01 grid
            others = units.loc[units["unit"] != row["unit"], "index_pct"].to_numpy()
            extra = 0.0
            while True:
                x = float(index_pct(row["points"] + extra, 100.0))
                if 1 + int((others > x + 1e-9).sum()) <= goal or row["points"] + extra > 100:
                    break
                extra = round(extra + 0.01, 2)
            assert need == (extra if row["points"] + extra <= 100 else None), (row["unit"], goal)


def test_the_band_above_and_the_fields_with_most_points_lost():
    scores = pd.DataFrame({
        "year": 2024, "level": "district", "block": "Huyện", "province": "", "parent": "",
        "unit": ["Huyện A"] * 3 + ["Huyện B"] * 3, "unit_code": "",
        "component": ["Công tác chỉ đạo", "Cải cách TTHC", "survey"] * 2,
        "max_points": [10.0, 60.0, 30.0] * 2, "points": [9.0, 50.0, 20.5, 10, 60, 30],
        "self_points": np.nan, "source": "x"})
    units = cm.unit_table(scores)
    row = units.set_index("unit").loc["Huyện A"].copy()
    row["unit"] = "Huyện A"
    plan = unit_plan(units, scores, row, bands="Tốt:80,Khá:60,Kém:0")
    assert row["index_pct"] == 79.5 and plan["band"] == ("Tốt", 0.5)
    assert [f for f, _ in plan["fields"]] == ["Cải cách TTHC", "survey", "Công tác chỉ đạo"]
    assert plan["ranks"] == [(1, 2, 20.5)]
    text = views.plan_sentence(units, scores, row, "Tốt:80,Khá:60,Kém:0", "vi")
    assert text.startswith("Giữ nguyên kết quả các đơn vị khác: cần thêm 20,50 điểm để lên "
                           "hạng 1/2; cần thêm 0,50 điểm để đạt loại Tốt. Lĩnh vực còn nhiều "
                           "điểm chưa đạt: ")


@pytest.mark.parametrize("seed", range(4))
def test_a_rank_change_is_noise_when_a_small_index_change_would_have_undone_it(seed):
    rng = np.random.default_rng(seed)
    before = np.round(rng.uniform(70, 90, 10), 2)
    after = np.round(before + rng.normal(0, 1.5, 10), 2)
    units = cm.unit_table(block(after, prev=before))
    found = rank_noise(units, 0.5)
    this = units["year"] == 2024
    for i in np.flatnonzero(this.to_numpy()):
        row = units.iloc[i]
        if pd.isna(row["rank_change"]) or row["rank_change"] == 0:
            assert not found["within_noise"].iloc[i]
            continue
        # brute force: move this unit's index by hundredths until it is back at its old rank
        step = 0.01 if row["rank_change"] < 0 else -0.01
        moved = 0.0
        others = units[this & (units["unit"] != row["unit"])]["index_pct"].to_numpy()
        while True:
            x = round(row["index_pct"] + moved, 2)
            rank = 1 + int((others > x + 1e-9).sum())
            if (rank <= row["prev_rank"]) if step > 0 else (rank >= row["prev_rank"]):
                break
            moved = round(moved + step, 2)
        # falling: the gap is what it lacked; rising: its lead (one hundredth less than the drop)
        want = abs(moved) if step > 0 else abs(moved) - 0.01
        assert found["noise_gap"].iloc[i] == pytest.approx(want, abs=1e-9), row["unit"]
        assert found["within_noise"].iloc[i] == (want < 0.5 - 1e-9)


def test_the_ranking_marks_noise_and_says_why():
    units = cm.unit_table(block([90.0, 89.9, 80.0], prev=[89.0, 90.0, 70.0]))
    view = views.View(year=2024, level="department", lang="vi")
    table = views.ranking_table(units, view, history=False, noise_pct=0.5)
    assert table["Thay đổi hạng"].tolist() == ["▲ 1 ≈", "▼ 1 ≈", "="]
    assert table["Ghi chú thứ hạng"].iloc[1] == \
        "≈ chỉ thiếu 0,10 điểm phần trăm là giữ hạng 1 (dưới ngưỡng 0,50)"
    screen = views.ranking_table(units, view, history=False, noise_pct=0.5, note_column=False)
    assert "Ghi chú thứ hạng" not in screen and screen["Thay đổi hạng"].iloc[1] == "▼ 1 ≈"
    assert screen.attrs["noise_note"].startswith(
        "≈ Thay đổi thứ hạng trong phạm vi nhiễu (chênh dưới 0,50 điểm phần trăm): Sở 00 (chỉ "
        "hơn 0,10 điểm phần trăm so với đơn vị nay ở hạng 2); Sở 01 (chỉ thiếu 0,10")
    plain = views.ranking_table(units, view, history=False, noise_pct=0)
    assert "Ghi chú thứ hạng" not in plain and plain["Thay đổi hạng"].iloc[0] == "▲ 1"
