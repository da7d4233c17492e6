"""A chart as one self-contained HTML file that opens offline."""

from __future__ import annotations

import plotly.graph_objects as go


def figure_html(fig: go.Figure) -> bytes:
    """A chart as one self-contained interactive HTML file (UTF-8) that opens offline."""
    return fig.to_html(include_plotlyjs=True, full_html=True).encode("utf-8")
