"""Rates, roll-ups, ranks and targets of the service indicators, checked by brute force."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cchc_metrics.contract import INDICATOR_COLUMNS
from cchc_metrics.indicators import (
    block_value,
    indicator_table,
    monthly_series,
    months_of,
    period_label,
    period_values,
)
from cchc_metrics.sample.services import demo_indicators, demo_targets


@pytest.fixture(scope="module")
def rows():
    return demo_indicators()


def counts(rows, unit, year, months, measure):
    part = rows[(rows["unit"] == unit) & (rows["year"] == year) &
                rows["month_to"].isin(months) & (rows["measure"] == measure)]
    return part["value"]


def test_the_seed_s_rate_is_exact_to_the_hundredth():
    """«tiếp nhận 1.296 hồ sơ, giải quyết đúng hạn 1.295 hồ sơ» → 99,92 %, not 99,9."""
    one = pd.DataFrame([(2023, 5, 5, "district", "Huyện", "", "", "Huyện Mỹ Lộc", "", m, v,
                         np.nan, "x") for m, v in (("resolved", 1296), ("on_time", 1295))],
                       columns=INDICATOR_COLUMNS)
    table = indicator_table(one, "on_time_rate", 2023, 5, 5, level="district")
    assert table["value"].tolist() == [99.92]


@pytest.mark.parametrize("kind, month", [("quarter", 2), ("half", 6), ("nine", 9), ("year", 12),
                                         ("ytd", 5), ("month", 11)])
def test_a_period_rolls_its_months_up(rows, kind, month):
    first, last = months_of(kind, month)
    wide = period_values(rows, 2024, first, last)
    unit = "Sở Y tế"
    mine = wide[wide["unit"] == unit].iloc[0]
    months = range(first, last + 1)
    assert mine["received"] == counts(rows, unit, 2024, months, "received").sum()  # summed
    assert mine["pending"] == counts(rows, unit, 2024, [last], "pending").iloc[0]  # a stock
    assert mine["svc_public"] == pytest.approx(counts(rows, unit, 2024, months,
                                                      "svc_public").mean())  # averaged
    assert mine["n_months"] == len(months)


def test_a_block_rate_is_the_sum_over_the_sum_never_the_mean_of_rates(rows):
    table = indicator_table(rows, "digitised_rate", 2025, 1, 6, level="commune")
    part = rows[(rows["year"] == 2025) & rows["month_to"].between(1, 6) &
                (rows["level"] == "commune")]
    want = round(100 * part.loc[part["measure"] == "digitised_dossiers", "value"].sum() /
                 part.loc[part["measure"] == "received", "value"].sum(), 2)
    assert block_value(table, "digitised_rate") == pytest.approx(want, abs=0.005)
    assert block_value(table, "digitised_rate") != pytest.approx(table["value"].mean(), abs=0.005)


def test_ranks_follow_the_one_rule_within_each_block(rows):
    table = indicator_table(rows, "on_time_rate", 2024, 3, 3, level="commune")
    for _, part in table.groupby("block"):
        values = part["value"].to_numpy()
        brute = [1 + int((values > v).sum()) for v in values]  # ties share the better rank
        assert part["rank"].tolist() == brute
        assert (part["n_ranked"] == len(part)).all()


def test_targets_met_and_gaps_with_a_unit_s_own_target_first(rows):
    targets = demo_targets()
    own = pd.DataFrame([("on_time_rate", "department", 2025, "Sở Y tế", 99.9)],
                       columns=targets.columns)
    table = indicator_table(rows, "on_time_rate", 2025, 12, 12, level="department",
                            targets=pd.concat([targets, own]))
    for r in table.itertuples():
        goal = 99.9 if r.unit == "Sở Y tế" else 98.0
        assert r.target == goal and r.met == (r.value >= goal)
        assert r.gap == pytest.approx(r.value - goal, abs=0.005)
    none = indicator_table(rows, "signed_rate", 2025, 12, 12, level="department",
                           targets=targets)
    assert none["target"].isna().all() and none["met"].isna().all()


def test_the_service_index_is_the_groups_total_banded(rows):
    table = indicator_table(rows, "service_index", 2025, 7, 7, level="commune",
                            bands="Tốt:80,Khá:60,Kém:0")
    r = table.iloc[0]
    groups = rows[(rows["unit"] == r["unit"]) & (rows["year"] == 2025) &
                  (rows["month_to"] == 7) & rows["measure"].str.startswith("svc_")]
    assert r["value"] == pytest.approx(round(groups["value"].sum(), 2))
    assert r["denominator"] == groups["max_value"].sum() == 100
    assert r["band"] == ("Tốt" if r["index_pct"] >= 80 else "Khá" if r["index_pct"] >= 60
                         else "Kém")


def test_the_monthly_series_matches_each_month_s_table(rows):
    series = monthly_series(rows, "on_time_rate", level="department", units=["Sở Y tế"],
                            targets=demo_targets())
    for month in (1, 7, 12):
        table = indicator_table(rows, "on_time_rate", 2024, month, month, level="department")
        got = series[(series["year"] == 2024) & (series["month"] == month)]
        assert got.loc[got["series"] == "", "value"].iloc[0] == block_value(table,
                                                                             "on_time_rate")
        assert got.loc[got["series"] == "Sở Y tế", "value"].iloc[0] == \
            table.loc[table["unit"] == "Sở Y tế", "value"].iloc[0]
    assert (series["target"] == 98.0).all()


@pytest.mark.parametrize("first, last, vi, en", [
    (3, 3, "Tháng 3/2025", "2025-03"), (4, 6, "Quý II/2025", "Q2 2025"),
    (1, 6, "6 tháng đầu năm 2025", "First half of 2025"), (1, 9, "9 tháng năm 2025",
                                                           "First nine months of 2025"),
    (1, 12, "Năm 2025", "Year 2025"), (1, 5, "Từ đầu năm đến tháng 5/2025", "2025 to 2025-05")])
def test_periods_are_named_as_reports_name_them(first, last, vi, en):
    assert period_label(2025, first, last, "vi") == vi
    assert period_label(2025, first, last, "en") == en
