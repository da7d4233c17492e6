"""Numbers as officials type them ("51,75", "85,65%", " 7.45 ") and as Vietnamese reads them."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")


def parse_number(value) -> float | None:
    """One cell to a float; None when empty; NaN when it is text that is not a number.

    Accepts decimal comma or point, a trailing "%", spaces and non-breaking spaces,
    and a thousands separator when both "." and "," appear ("1.234,5").
    """
    if value is None or isinstance(value, bool):
        return None if value is None else float("nan")
    if isinstance(value, (int, float, np.integer, np.floating)):
        v = float(value)
        return None if math.isnan(v) else v if math.isfinite(v) else float("nan")
    text = str(value).strip().replace("\u00a0", "").replace(" ", "").rstrip("%").strip()
    if text in ("", "-", "–", "—"):
        return None
    if "," in text and "." in text:
        # the separator that comes last is the decimal one
        text = text.replace(".", "") if text.rfind(",") > text.rfind(".") else text.replace(",", "")
    text = text.replace(",", ".")
    if not _NUMBER.match(text):
        return float("nan")
    number = float(text)
    return number if math.isfinite(number) else float("nan")


def parse_numbers(values) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised parse_number: (floats with NaN for empty or bad, mask of non-numeric text)."""
    arr = np.asarray(values, dtype=object)
    if pd.api.types.infer_dtype(arr, skipna=False) in ("floating", "integer",
                                                        "mixed-integer-float"):
        out = arr.astype(float)  # numbers typed as numbers, the common case: no parsing at all
    else:
        out = np.array(pd.to_numeric(pd.Series(arr, dtype=object), errors="coerce"), dtype=float)
    bad = np.isinf(out)  # "inf", "1e999": not a score anyone typed
    out[bad] = np.nan
    # only text the fast path could not read ("51,75", "85,65%", "abc") is parsed one by one
    for i in np.flatnonzero(np.isnan(out)):
        if arr[i] is None or arr[i] == "" or pd.isna(arr[i]):
            continue
        v = parse_number(arr[i])
        if v is None:
            continue
        if math.isnan(v):
            bad[i] = True
        else:
            out[i] = v
    return out, bad


def round_half_up(values, decimals: int = 2):
    """Round as Excel's ROUND does (halves away from zero), robust to binary noise."""
    arr = np.asarray(values, dtype=float)
    factor = 10.0 ** decimals
    return np.sign(arr) * np.floor(np.abs(arr) * factor + 0.5 + 1e-7) / factor


def format_number(value, decimals: int = 2, lang: str = "vi") -> str:
    """85.65 → "85,65" in Vietnamese, "85.65" in English; "—" for missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "—"
    text = f"{float(round_half_up(value, decimals)):,.{decimals}f}"
    if lang == "vi":
        text = text.replace(",", "\u202f").replace(".", ",").replace("\u202f", ".")
    return text


def format_pct(value, decimals: int = 2, lang: str = "vi") -> str:
    """85.65 → "85,65 %", the number and its sign joined by a no-break space (never split)."""
    text = format_number(value, decimals, lang)
    return text if text == "—" else f"{text}\u00a0%"


def roman(n: int) -> str:
    """A Roman numeral, as tables number their blocks and fields and as quarters are named
    (4 → «IV», 14 → «XIV»)."""
    out = ""
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"),
                           (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"),
                           (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + letters, n - value
    return out

