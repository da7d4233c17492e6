"""How unit names and headings are normalised and matched: folding, name keys, levels from words."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower-case, strip Vietnamese diacritics and collapse spaces, for matching headers/names."""
    text = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return " ".join(text.lower().split())


_PREFIX = re.compile(
    r"^(?:(?:ubnd|uy ban nhan dan|tt|thi tran|tx|thi xa|tp|thanh pho|h|huyen|p|phuong|q|quan|x|xa|dac khu)"
    r"(?:\.|\s+|(?=[^a-z0-9])))+"
)


@lru_cache(maxsize=65536)
def unit_key(name: str) -> str:
    """Normalise a unit name for matching across years: "UBND TT. Mỹ Lộc" → "my loc"."""
    text = fold(name)
    text = re.sub(r"[^\w\s.]", " ", text)
    text = " ".join(text.split())
    text = _PREFIX.sub("", text).replace(".", " ")
    return " ".join(text.split())


def level_of_text(text: str) -> str | None:
    """Guess the level a title, block row or header speaks of ("UBND cấp huyện" → district)."""
    t = fold(text)
    if re.search(r"\bso\b.*\bban\b|\bso, ban|co quan chuyen mon|\bso, nganh|cac so\b", t):
        return "department"
    if re.search(r"cap xa|xa, phuong|phuong, xa|xa, thi tran|khoi phuong|khoi xa|dac khu", t):
        return "commune"
    if re.search(r"cap huyen|huyen, thi xa|huyen, thanh pho|cac huyen|quan, huyen", t):
        return "district"
    return None


def level_of_unit_name(name: str) -> str | None:
    """Guess a unit's level from its name ("Sở Tư pháp" → department)."""
    t = fold(name)
    t = re.sub(r"^(ubnd|uy ban nhan dan)\s+", "", t)
    if re.match(r"(so|ban|van phong|thanh tra|cong an|bhxh|kho bac|cuc|chi cuc)\b", t):
        return "department"
    if re.match(r"(huyen|thi xa|thanh pho|quan|h\.|tx\.|tp\.)\b", t):
        return "district"
    if re.match(r"(xa|phuong|thi tran|dac khu|tt\.|p\.)\b", t):
        return "commune"
    return None
