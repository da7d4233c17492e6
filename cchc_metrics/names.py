"""How unit names and headings are normalised and matched: folding, name keys, levels from words."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache


def _fold_table() -> dict[int, str | None]:
    """Each accented Latin letter → its base letter (đ → d too); combining marks → nothing.

    One str.translate instead of a Unicode decomposition and a scan of every character: folding
    10,000 commune names took 0.2 s of a whole `summarize` run the old way.
    """
    table: dict[int, str | None] = {ord("đ"): "d", ord("Đ"): "D"}
    for code in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        base = "".join(ch for ch in unicodedata.normalize("NFD", chr(code))
                       if unicodedata.category(ch) != "Mn")
        if base and base != chr(code):
            table[code] = base
    table.update({code: None for code in range(0x300, 0x370)})  # marks typed separately (NFD)
    return table


_FOLD = _fold_table()
_OTHER_SCRIPT = re.compile("[^\x00-\u024f\u0300-\u036f\u1e00-\u1eff]")


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower-case, strip Vietnamese diacritics and collapse spaces, for matching headers/names."""
    text = str(text)
    if _OTHER_SCRIPT.search(text):  # beyond Latin: decompose and drop every mark, the long way
        text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
        text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    else:
        text = text.translate(_FOLD)
    return " ".join(text.lower().split())


_PUNCTUATION = re.compile(r"[^\w\s.]")
_PREFIX = re.compile(
    r"^(?:(?:ubnd|uy ban nhan dan|tt|thi tran|tx|thi xa|tp|thanh pho|h|huyen|p|phuong|q|quan|x|xa|dac khu)"
    r"(?:\.|\s+|(?=[^a-z0-9])))+"
)


@lru_cache(maxsize=65536)
def unit_key(name: str) -> str:
    """Normalise a unit name for matching across years: "UBND TT. Mỹ Lộc" → "my loc"."""
    text = " ".join(_PUNCTUATION.sub(" ", fold(name)).split())
    return " ".join(_PREFIX.sub("", text).replace(".", " ").split())


def level_of_text(text: str) -> str | None:
    """Guess the level a title, block row or header speaks of ("UBND cấp huyện" → district)."""
    t = fold(text)
    if re.search(r"cac bo\b|co quan ngang bo|\bbo, co quan|\bbo, nganh", t):
        return "ministry"
    if re.search(r"cac tinh\b|tinh, thanh pho|truc thuoc trung uong|\b(63|34) tinh", t):
        return "province"
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
    if re.match(r"(bo|van phong chinh phu|thanh tra chinh phu|ngan hang nha nuoc|uy ban dan toc)\b",
                t):
        return "ministry"
    if re.match(r"tinh\b", t):
        return "province"
    if re.match(r"(so|ban|van phong|thanh tra|cong an|bhxh|kho bac|cuc|chi cuc)\b", t):
        return "department"
    if re.match(r"(huyen|thi xa|thanh pho|quan|h\.|tx\.|tp\.)\b", t):
        return "district"
    if re.match(r"(xa|phuong|thi tran|dac khu|tt\.|p\.)\b", t):
        return "commune"
    return None
