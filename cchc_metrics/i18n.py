"""Bilingual text: the Msg type messages travel in, and t() over the one catalog (catalog.py)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cchc_metrics.catalog import STRINGS
from cchc_metrics.numbers import format_number, format_pct

LANGS = ("vi", "en")


@dataclass(frozen=True)
class Msg:
    """One message in both languages, kept apart until a person's language picks one."""

    vi: str
    en: str

    def text(self, lang: str = "vi") -> str:
        return self.en if lang == "en" else self.vi

    def __str__(self) -> str:  # logs and the command line, which show both
        return f"{self.vi}\n{self.en}"

    def __add__(self, other: Msg) -> Msg:
        return Msg(self.vi + other.vi, self.en + other.en)


class Said:
    """Anything that carries a Msg as `.msg` (errors, problems) reads as `.vi` and `.en` too."""

    msg: Msg

    @property
    def vi(self) -> str:
        return self.msg.vi

    @property
    def en(self) -> str:
        return self.msg.en


class MsgError(Said, ValueError):
    """A refusal a person reads: carries its Msg, never a "vi / en" string to split."""

    def __init__(self, msg: Msg):
        self.msg = msg
        super().__init__(str(msg))


def t(key: str, lang: str = "vi", **fmt) -> str:
    """The catalog's text for key in lang, formatted with fmt.

    An integer `n` chooses the English plural form and is written in the language's number
    format ("1 error", "1.296 hồ sơ" / "1,296 files").
    """
    vi, en = STRINGS[key]
    text = en if lang == "en" else vi
    n = fmt.get("n")
    if isinstance(text, dict):
        text = text["one" if n == 1 else "other"]
    if isinstance(n, int) and not isinstance(n, bool):
        fmt["n"] = format_number(n, 0, lang)
    return text.format(**fmt) if fmt else text


def msg(key: str, **fmt) -> Msg:
    """The catalog's text for key in both languages, as a Msg."""
    return Msg(t(key, "vi", **fmt), t(key, "en", **fmt))


def band_label(band, lang: str = "vi"):
    """A band as the language says it: «Tốt» is «Good» in English; a province's own band names
    (A, B …) and missing values stay as they are."""
    key = f"band:{band}"
    return t(key, lang) if isinstance(band, str) and key in STRINGS else band


def band_labels(bands: pd.Series, lang: str = "vi") -> pd.Series:
    """band_label of a column (each distinct band looked up once)."""
    if lang == "vi":
        return bands
    return bands.map({b: band_label(b, lang) for b in bands.dropna().unique()})


def level_label(level: str, lang: str = "vi") -> str:
    """"UBND cấp huyện" / "District People's Committees"."""
    return t(f"level_{level}", lang)


def number(value, decimals: int = 2, lang: str = "vi") -> str:
    return format_number(value, decimals, lang)


def pct(value, decimals: int = 2, lang: str = "vi") -> str:
    return format_pct(value, decimals, lang)


def rank_change_texts(change, prev_rank, lang: str = "vi", *, style: str = "arrow") -> np.ndarray:
    """A change of rank as text, the one rendering of it, for many rows at once.

    style "arrow" (tables): ▲ 2 / ▼ 1 / = ; "words" (prose, hovers): «tăng 2 bậc» / «up 2».
    «mới» when the unit has no previous year, «—» when it has one but ranked in another block.
    """
    change = pd.to_numeric(pd.Series(change, dtype=object), errors="coerce").to_numpy(float)
    new = pd.isna(pd.Series(prev_rank, dtype=object)).to_numpy()
    size = np.abs(np.nan_to_num(change)).astype(np.int64).astype(str).astype(object)
    if style == "arrow":
        up, down, same = "▲ " + size, "▼ " + size, "="
    else:
        steps = np.abs(np.nan_to_num(change)).astype(np.int64).tolist()
        up = np.array([t("rank_up", lang, n=k) for k in steps], dtype=object)
        down = np.array([t("rank_down", lang, n=k) for k in steps], dtype=object)
        same = t("rank_same", lang)
    text = np.where(change > 0, up, down)
    text = np.where(change == 0, same, text)
    text = np.where(np.isnan(change), "—", text)
    return np.where(new, t("new", lang), text).astype(object)


def rank_change_text(change, prev_rank, lang: str = "vi", *, style: str = "arrow") -> str:
    """rank_change_texts of one row."""
    return str(rank_change_texts([change], [prev_rank], lang, style=style)[0])
