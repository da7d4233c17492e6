"""Text from a file made inert where Markdown or chart HTML would read it: names are shown as
typed, never as links, images, formulas or markup (the one helper every page and chart uses)."""

from __future__ import annotations

import html as _html
import re

import pandas as pd

# What can make Markdown of a name: emphasis, code, links and images ([ ] ! and a URL's colon,
# which GitHub-style Markdown links by itself), raw HTML (< >), tables, headings, strikethrough,
# and Streamlit's own «:material/…:», «:red[…]» and «$…$» (KaTeX)
_MARKDOWN = re.compile(r"([\\`*_{}\[\]#!|<>~$:])")
# What names, places, blocks and bands are called in the frames charts draw from
TEXT_COLUMNS = ("unit", "parent", "block", "province", "band", "label", "component")


def markdown(text) -> str:
    """Text to pass to st.markdown, st.info, a subheader or a metric's label, shown as typed."""
    return _MARKDOWN.sub(r"\\\1", str(text))


def html(text) -> str:
    """Text to put in a chart's labels, titles or hover (plotly reads <a>, <b>, <br> in them)."""
    return _html.escape(str(text), quote=True)


def inert_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of a frame whose text columns (TEXT_COLUMNS) are HTML-escaped, for a chart."""
    columns = [c for c in TEXT_COLUMNS if c in frame]
    if not columns:
        return frame
    return frame.assign(**{c: frame[c].map(html, na_action="ignore") for c in columns})
