"""The fields (lĩnh vực) of the index: canonical names, how headers name them, how they are shown."""

from __future__ import annotations

from functools import lru_cache

from cchc_metrics.contract import SURVEY, TOTAL
from cchc_metrics.names import fold

# Canonical field names, each with folded phrases that identify it in a header.
# Order matters: the first field whose phrase occurs in the folded header wins; it is also the
# official order (1–8) in which tables and charts list the fields.
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
FIELD_NAMES = [name for name, _, _ in FIELDS]
SURVEY_PHRASES = ("dtxhh", "dieu tra xa hoi hoc", "xa hoi hoc", "sipas", "khao sat", "hai long")
FIELD_ENGLISH = {vi: en for vi, en, _ in FIELDS}
COMPONENT_LABELS = {SURVEY: ("Điều tra xã hội học", "Survey"), TOTAL: ("Tổng điểm", "Total")}
# Short names for where a full one does not fit (a radar's rim on a phone); hover gives the full.
FIELD_SHORT = {
    "Công tác chỉ đạo, điều hành CCHC": ("Chỉ đạo, điều hành", "Direction"),
    "Cải cách thể chế": ("Thể chế", "Institutions"),
    "Cải cách thủ tục hành chính": ("Thủ tục hành chính", "Procedures"),
    "Cải cách tổ chức bộ máy": ("Tổ chức bộ máy", "Organisation"),
    "Cải cách chế độ công vụ": ("Chế độ công vụ", "Civil service"),
    "Cải cách tài chính công": ("Tài chính công", "Public finance"),
    "Xây dựng chính quyền điện tử, chính quyền số": ("Chính quyền số", "Digital government"),
    "Tác động của CCHC": ("Tác động", "Impact"),
    SURVEY: ("Điều tra XHH", "Survey"),
}


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


def field_label(component: str, lang: str = "vi") -> str:
    """A component as a person reads it: the field, «Điều tra xã hội học» or «Tổng điểm»."""
    if component in COMPONENT_LABELS:
        return COMPONENT_LABELS[component][0 if lang == "vi" else 1]
    return FIELD_ENGLISH.get(component, component) if lang == "en" else component


def field_short(component: str, lang: str = "vi") -> str:
    """A field's short name («Thể chế», «Chính quyền số»); field_label for any other."""
    if component in FIELD_SHORT:
        return FIELD_SHORT[component][0 if lang == "vi" else 1]
    return field_label(component, lang)


def field_order(components) -> list[str]:
    """Canonical fields in their official order, then unknown ones as they came, survey, total."""
    present = list(dict.fromkeys(components))
    known = [c for c in FIELD_NAMES if c in present]
    other = [c for c in present if c not in FIELD_NAMES and c not in (SURVEY, TOTAL)]
    return known + other + [c for c in (SURVEY, TOTAL) if c in present]
