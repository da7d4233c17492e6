"""Tables for people at a terminal: numbers as the language writes them, within 100 characters."""

from __future__ import annotations

import numpy as np
import pandas as pd

WIDTH = 100  # a terminal's line, and what fits a printed page
MISSING = "—"  # the one notation for a value that is not there
GAP = "  "


def text_table(frame: pd.DataFrame, lang: str = "vi", width: int = WIDTH) -> str:
    """Aligned columns (numbers right, text left); long text is cut with «…» to fit `width`."""
    columns = [(str(name), *cells(frame[name], lang)) for name in frame.columns]
    widths = [max([len(header), *map(len, texts)]) for header, texts, _ in columns]
    while sum(widths) + len(GAP) * (len(widths) - 1) > width:
        text_columns = [i for i, (_, _, right) in enumerate(columns) if not right
                        and widths[i] > max(6, len(columns[i][0]))]
        if not text_columns:
            break
        widest = max(text_columns, key=lambda i: widths[i])
        widths[widest] -= 1
    lines = [[header for header, _, _ in columns],
             *zip(*[texts for _, texts, _ in columns], strict=True)]
    return "\n".join(GAP.join(fit(v, w, right) for v, w, (_, _, right)
                              in zip(line, widths, columns, strict=True)).rstrip()
                     for line in lines) + "\n"


def cells(column: pd.Series, lang: str) -> tuple[list[str], bool]:
    """A column's values as text, and whether they are numbers (aligned right)."""
    from cchc_metrics.i18n import t
    from cchc_metrics.numbers import format_number

    if pd.api.types.is_bool_dtype(column):
        return [t("yes" if v else "no", lang) for v in column], False
    if pd.api.types.is_float_dtype(column):
        return [format_number(v, 2, lang) for v in column], True
    if pd.api.types.is_integer_dtype(column):
        return [MISSING if pd.isna(v) else str(int(v)) for v in column], True
    return [MISSING if missing(v) else str(v).replace("\n", " ") for v in column], False


def missing(value) -> bool:
    """None, NaN, NA and empty text all print as MISSING."""
    if isinstance(value, str):
        return value.strip() in ("", MISSING)
    return value is None or (np.ndim(value) == 0 and bool(pd.isna(value)))


def fit(value: str, width: int, right: bool) -> str:
    """A cell padded to its column, cut with «…» when longer."""
    value = value if len(value) <= width else value[:width - 1] + "…"
    return value.rjust(width) if right else value.ljust(width)


def size_text(n_bytes: int, lang: str) -> str:
    """A file's size as people read it: "812 byte", "45,2 kB", "3,1 MB"."""
    from cchc_metrics.numbers import format_number

    if n_bytes < 1000:
        return f"{n_bytes} byte"
    unit, value = ("kB", n_bytes / 1e3) if n_bytes < 1e6 else ("MB", n_bytes / 1e6)
    return f"{format_number(value, 1, lang)} {unit}"
