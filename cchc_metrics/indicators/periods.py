"""Periods as provinces report them: a month, a quarter, 6 and 9 months, the year, year to date.

A period is (year, first month, last month): March is (2025, 3, 3), the first quarter and «3
tháng» (2025, 1, 3), «6 tháng đầu năm» (2025, 1, 6), the year (2025, 1, 12).
"""

from __future__ import annotations

import re

from cchc_metrics.i18n import Msg
from cchc_metrics.names import fold
from cchc_metrics.numbers import roman

KINDS = ("month", "quarter", "half", "nine", "year", "ytd")
KIND_NAMES = {
    "month": Msg("Tháng", "Month"), "quarter": Msg("Quý", "Quarter"),
    "half": Msg("6 tháng", "6 months"), "nine": Msg("9 tháng", "9 months"),
    "year": Msg("Năm", "Year"), "ytd": Msg("Lũy kế từ đầu năm", "Year to date"),
}


def months_of(kind: str, month: int = 12) -> tuple[int, int]:
    """(first, last) month of a period kind; `month` picks the month, the quarter's month or
    the year-to-date's last month."""
    if kind == "month":
        return month, month
    if kind == "quarter":
        q = (month - 1) // 3
        return 3 * q + 1, 3 * q + 3
    if kind == "half":
        return 1, 6
    if kind == "nine":
        return 1, 9
    if kind == "year":
        return 1, 12
    if kind == "ytd":
        return 1, month
    raise ValueError(f"period kind must be one of {KINDS}")


def period_label(year: int, first: int, last: int, lang: str = "vi") -> str:
    """«Tháng 3/2025», «Quý I/2025», «6 tháng đầu năm 2025», «9 tháng năm 2025», «Năm 2025»,
    «Từ đầu năm đến tháng 5/2025», «Tháng 4–5/2025»."""
    vi = lang != "en"
    if first == last:
        return f"Tháng {last}/{year}" if vi else f"{year}-{last:02d}"
    if (first, last) == (1, 12):
        return f"Năm {year}" if vi else f"Year {year}"
    if (first, last) == (1, 6):
        return f"6 tháng đầu năm {year}" if vi else f"First half of {year}"
    if (first, last) == (1, 9):
        return f"9 tháng năm {year}" if vi else f"First nine months of {year}"
    if last - first == 2 and first % 3 == 1:
        q = roman(first // 3 + 1)
        return f"Quý {q}/{year}" if vi else f"Q{first // 3 + 1} {year}"
    if first == 1:
        return f"Từ đầu năm đến tháng {last}/{year}" if vi else f"{year} to {year}-{last:02d}"
    return f"Tháng {first}–{last}/{year}" if vi else f"{year}-{first:02d} to {year}-{last:02d}"


_QUARTER = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def period_in(text: str) -> tuple[int, int, int] | None:
    """The period a title or file name states («tháng 3 năm 2025», «Tháng 03/2025», «quý II
    năm 2025», «6 tháng đầu năm 2025», «9 tháng 2025», «năm 2025»), or None."""
    t = re.sub(r"[_\s]+", " ", fold(str(text)))  # «chi_so_thang_11-2025.xlsx»
    year = re.search(r"(?<!\d)(20\d\d)(?!\d)", t)
    if not year:
        return None
    y = int(year.group(1))
    if m := re.search(r"thang (\d{1,2})\s*(?:nam|/|-|\.)\s*20\d\d", t):
        month = int(m.group(1))
        return (y, month, month) if 1 <= month <= 12 else None
    if m := re.search(r"quy (iv|iii|ii|i|[1-4])\b", t):
        q = _QUARTER[m.group(1)]
        return y, 3 * q - 2, 3 * q
    if re.search(r"\b6 thang", t):
        return y, 1, 6
    if re.search(r"\b9 thang", t):
        return y, 1, 9
    if re.search(r"\bnam 20\d\d", t):
        return y, 1, 12
    return None
