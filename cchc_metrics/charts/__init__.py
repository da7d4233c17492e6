"""Plotly figures built from the library's frames, so pages only display them (see style.py)."""

from cchc_metrics.charts.compare import compare_bars, compare_radar
from cchc_metrics.charts.criteria import criteria_heatmap
from cchc_metrics.charts.fields import field_means, fields_heatmap, points_lost
from cchc_metrics.charts.html import figure_html
from cchc_metrics.charts.indicators import indicator_trend
from cchc_metrics.charts.map import unit_map
from cchc_metrics.charts.overview import index_distribution, ranking_bars
from cchc_metrics.charts.style import (
    MAX_BARS,
    MAX_HEATMAP_UNITS,
    OKABE_ITO,
    band_colors,
    capped_caption,
)
from cchc_metrics.charts.trends import band_counts_over_time, movers, rank_bump, trend_lines
from cchc_metrics.charts.unit import fields_vs_block, self_vs_appraised, unit_history

__all__ = [
    "MAX_BARS",
    "MAX_HEATMAP_UNITS",
    "OKABE_ITO",
    "band_colors",
    "band_counts_over_time",
    "capped_caption",
    "compare_bars",
    "compare_radar",
    "criteria_heatmap",
    "field_means",
    "fields_heatmap",
    "fields_vs_block",
    "figure_html",
    "index_distribution",
    "indicator_trend",
    "unit_map",
    "movers",
    "points_lost",
    "rank_bump",
    "ranking_bars",
    "self_vs_appraised",
    "trend_lines",
    "unit_history",
]
