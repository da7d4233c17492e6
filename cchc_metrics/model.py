"""The domain's vocabulary: canonical columns, levels, band schemes and field names."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# One row per year × unit × component; see shared/DESIGN.md ("The contract").
SCORE_COLUMNS = [
    "year", "level", "block", "province", "parent", "unit", "unit_code",
    "component", "max_points", "points", "self_points", "source",
]
# One row per year × block × unit, as returned by metrics.unit_table.
UNIT_COLUMNS = [
    "year", "level", "block", "province", "parent", "unit", "unit_code", "unit_key",
    "points", "max_points", "self_points", "index_pct", "rank", "n_ranked", "band",
    "prev_index_pct", "delta_pct", "prev_rank", "rank_change",
]

LEVELS = ("department", "district", "commune")
LEVEL_LABELS = {
    "department": ("Sở, ban, ngành", "Departments"),
    "district": ("UBND cấp huyện", "District People's Committees"),
    "commune": ("UBND cấp xã", "Commune People's Committees"),
}
# The ranking block a unit falls in when the file names none.
DEFAULT_BLOCKS = {
    "department": "Sở, ban, ngành tỉnh",
    "district": "UBND huyện, thị xã, thành phố",
    "commune": "UBND xã, phường, thị trấn",
}
# Districts were abolished on 1 July 2025: assessment year 2024 is their last.
LAST_DISTRICT_YEAR = 2024
# Widths of the store's columns that the reader must respect (block is part of a key)
MAX_BLOCK_CHARS = 300
MAX_FILE_NAME_CHARS = 500

SURVEY = "survey"  # điều tra xã hội học (ĐTXHH), SIPAS
TOTAL = "total"  # only the appraised total is published, no per-field breakdown

# Canonical field names, each with folded phrases that identify it in a header.
# Order matters: the first field whose phrase occurs in the folded header wins.
FIELDS: list[tuple[str, str, tuple[str, ...]]] = [
    ("Công tác chỉ đạo, điều hành CCHC", "Direction and management of PAR",
     ("chi dao", "dieu hanh")),
    ("Cải cách thể chế", "Institutional reform",
     ("the che", "van ban quy pham", "vbqppl")),
    ("Cải cách thủ tục hành chính", "Administrative procedure reform",
     ("thu tuc hanh chinh", "tthc", "mot cua")),
    ("Cải cách tổ chức bộ máy", "Organisational reform",
     ("to chuc bo may", "bo may")),
    ("Cải cách chế độ công vụ", "Civil service reform",
     ("che do cong vu", "cong vu", "doi ngu", "cbccvc", "can bo, cong chuc")),
    ("Cải cách tài chính công", "Public finance reform",
     ("tai chinh cong", "tai chinh", "tai san cong")),
    ("Xây dựng chính quyền điện tử, chính quyền số", "E-government and digital government",
     ("chinh quyen dien tu", "chinh quyen so", "hien dai hoa", "chuyen doi so")),
    ("Tác động của CCHC", "Impact of PAR",
     ("tac dong",)),
]
SURVEY_PHRASES = ("dtxhh", "dieu tra xa hoi hoc", "xa hoi hoc", "sipas", "khao sat", "hai long")
FIELD_ENGLISH = {vi: en for vi, en, _ in FIELDS} | {SURVEY: "Survey", TOTAL: "Total"}

# Band schemes: (label, lower bound in %) from best to worst. Data, chosen per dataset.
BAND_PRESETS: dict[str, list[tuple[str, float]]] = {
    "tot-kha-kem": [("Tốt", 80.0), ("Khá", 60.0), ("Kém", 0.0)],
    "xuat-sac-5": [("Xuất sắc", 90.0), ("Tốt", 80.0), ("Khá", 70.0),
                   ("Trung bình", 50.0), ("Yếu", 0.0)],
    "bo-noi-vu-abc": [("A", 90.0), ("B", 80.0), ("C", 70.0), ("D", 0.0)],
}
BAND_PRESET_LABELS = {
    "tot-kha-kem": ("Tốt ≥ 80 %, Khá ≥ 60 %, Kém < 60 %", "Good ≥ 80 %, Fair ≥ 60 %, Poor < 60 %"),
    "xuat-sac-5": ("Xuất sắc / Tốt / Khá / Trung bình / Yếu (90/80/70/50)",
                   "Excellent / Good / Fair / Average / Weak (90/80/70/50)"),
    "bo-noi-vu-abc": ("Bộ Nội vụ: A ≥ 90, B ≥ 80, C ≥ 70, D < 70",
                      "Ministry of Home Affairs: A ≥ 90, B ≥ 80, C ≥ 70, D < 70"),
}
DEFAULT_BAND_PRESET = "tot-kha-kem"

Bands = list[tuple[str, float]]


def parse_bands(spec: str | Bands | None) -> Bands:
    """Turn a preset name, "Tốt:80,Khá:60,Kém:0" or a list into a checked band scheme.

    Raises ValueError (with a Vietnamese and English message) when the scheme is malformed.
    """
    if spec is None:
        spec = DEFAULT_BAND_PRESET
    if isinstance(spec, str):
        name = spec.strip()
        if name in BAND_PRESETS:
            return list(BAND_PRESETS[name])
        pairs = []
        for part in filter(None, (p.strip() for p in name.split(","))):
            label, sep, bound = part.rpartition(":")
            try:
                pairs.append((label.strip(), float(bound.replace(" ", ""))))
            except ValueError:
                sep = ""
            if not sep or not label.strip():
                raise ValueError(
                    f"Thang xếp loại không hợp lệ: «{part}». Viết dạng «Tốt:80,Khá:60,Kém:0» "
                    f"hoặc tên có sẵn ({', '.join(BAND_PRESETS)}). / Invalid band scheme "
                    f"«{part}»: write «Good:80,Fair:60,Poor:0» or a preset name.")
        spec = pairs
    bands = [(str(label), float(bound)) for label, bound in spec]
    bounds = [b for _, b in bands]
    if not bands or bounds != sorted(bounds, reverse=True) or len(set(bounds)) != len(bounds):
        raise ValueError(
            "Thang xếp loại phải đi từ loại cao nhất đến thấp nhất với ngưỡng giảm dần. / "
            "A band scheme must go from best to worst with strictly decreasing bounds.")
    return bands


def band_spec(bands: Bands) -> str:
    """Write a band scheme back in the "Tốt:80,Khá:60,Kém:0" form used by the command line."""
    return ",".join(f"{label}:{bound:g}" for label, bound in bands)


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


@lru_cache(maxsize=4096)
def canonical_field(header: str) -> str | None:
    """Map a published field name to the canonical one; SURVEY for survey points; else None."""
    text = fold(header)
    if any(p in text for p in SURVEY_PHRASES):
        return SURVEY
    for name, _, phrases in FIELDS:
        if any(p in text for p in phrases):
            return name
    return None


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
