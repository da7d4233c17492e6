"""Cells an export writes: formula-proof text, only the columns a file can hold."""

from __future__ import annotations

import pandas as pd

# Text that a spreadsheet would run as a formula (CSV/formula injection).
DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A text cell that would start a formula gets a leading apostrophe; numbers are untouched."""
    if isinstance(value, str) and value.startswith(DANGEROUS_PREFIXES):
        return "'" + value
    return value


def exportable(table: pd.DataFrame) -> pd.DataFrame:
    """Drop columns that only make sense on screen (sparkline lists)."""
    keep = [c for c in table.columns if table[c].dtype != object
            or not any(isinstance(v, list | tuple) for v in table[c])]
    return table[keep]
