"""The indicators page's views: a merged unit followed back through its former units."""

from __future__ import annotations

from cchc_metrics import views
from cchc_metrics.numbers import round_half_up
from cchc_metrics.sample.demo import demo_lineage
from cchc_metrics.sample.services import demo_indicators, demo_targets


def test_a_new_ward_is_followed_back_through_its_former_communes_combined():
    rows, lineage = demo_indicators(), demo_lineage()
    ward = lineage.query("level == 'commune'")["successor"].iloc[0]
    olds = lineage.loc[lineage["successor"] == ward, "predecessor"].tolist()
    view = views.View(year=2025, level="commune", block="Khối phường", lang="vi")
    series = views.monthly_trend(rows, demo_targets(), view, "on_time_rate", [ward], lineage)
    former = series[series["former"]]
    assert set(former["series"]) == {f"{ward}: các đơn vị cũ (gộp)"}
    assert (former["year"] * 12 + former["month"]).max() == 2025 * 12 + 6  # until the merger
    # brute force for one month: Σ (early + on time) ÷ Σ resolved over the former communes
    part = rows[(rows["year"] == 2024) & (rows["month_to"] == 5) & rows["unit"].isin(olds)]
    on = part[part["measure"].isin(["early", "on_time"])]["value"].sum()
    done = part[part["measure"] == "resolved"]["value"].sum()
    got = former[(former["year"] == 2024) & (former["month"] == 5)]["value"].iloc[0]
    assert got == float(round_half_up(100 * on / done, 2))
    own = series[(series["series"] == ward) & ~series["former"]]
    assert own["month"].min() == 7 and (own["year"] == 2025).all()
