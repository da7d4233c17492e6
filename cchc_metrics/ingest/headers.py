"""Find the header of a published score table and say what each column holds."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cchc_metrics.contract import SURVEY
from cchc_metrics.fields import canonical_field
from cchc_metrics.i18n import Msg, MsgError
from cchc_metrics.ingest.problems import column_letter
from cchc_metrics.names import fold

# Column roles
STT, UNIT, CODE, PROVINCE, PARENT = "stt", "unit", "code", "province", "parent"
YEAR, LEVEL, BLOCK, FIELD, NOTE = "year", "level", "block", "field", "note"
MAX, SELF, POINTS = "max", "self", "points"  # of a component (field, survey or total)
INDEX, RANK, BAND = "index", "rank", "band"  # stated by the publisher, cross-checked
STATED_TOTAL = "stated_total"  # component of the "Tổng điểm" group: stated, cross-checked
SCORE_ROLES = {MAX, SELF, POINTS, INDEX, RANK, BAND}

_HEADER_MAX = re.compile(r"\(\s*(?:tối đa|toi da|max)?\s*(\d{1,4}(?:[.,]\d+)?)\s*(?:điểm|diem|đ)?\s*\)",
                         re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)(19[89]\d|20\d\d)(?!\d)")
# Groups over score columns that name no field: «Kết quả Chỉ số CCHC năm 2025», «Điểm số»
GENERIC_GROUPS = re.compile(r"^(diem|diem so|ket qua\b.*|diem (cham|danh gia).*|so diem|thang diem|"
                            r"cham diem|chi so cchc\b.*|par index\b.*)$")


@dataclass
class Column:
    """What one column of the table holds."""

    index: int
    header: str  # the header text as published (group — sub-header)
    role: str | None  # one of the roles above, or None when not recognised
    component: str | None = None  # field name, SURVEY, "total" or STATED_TOTAL for score roles
    header_max: float | None = None  # "(65)" in the header

    @property
    def label(self) -> str:
        """How a problem names this column: "E (Điểm thẩm định)"."""
        return f"{column_letter(self.index)} ({self.header})" if self.header else column_letter(
            self.index)


@dataclass
class Header:
    """The header found in a sheet: its rows and its columns."""

    first_row: int  # 0-based grid index of the first header row
    last_row: int  # 0-based index of the last header row (the data starts after it)
    columns: list[Column] = field(default_factory=list)

    def of(self, role: str) -> list[Column]:
        return [c for c in self.columns if c.role == role]

    def one(self, role: str) -> Column | None:
        cols = self.of(role)
        return cols[0] if cols else None

    @property
    def unrecognised(self) -> list[Column]:
        return [c for c in self.columns if c.role is None and c.header]


def header_max(text: str) -> float | None:
    """The maximum a header states in brackets: "Điểm thẩm định (65)" → 65."""
    m = _HEADER_MAX.search(text)
    return float(m.group(1).replace(",", ".")) if m else None


def year_in(text: str) -> int | None:
    """An assessment year in a title, header or sheet name, preferring "năm 2023"."""
    t = fold(text)
    m = re.search(r"nam\s+(19[89]\d|20\d\d)(?!\d)", t) or re.search(
        r"par index\s*(19[89]\d|20\d\d)", t) or _YEAR.search(t)
    return int(m.group(1)) if m else None


_PLACE_KINDS = ("huyện", "thị xã", "thành phố", "quận")
_PLACE_WORDS = re.compile(r"^(huyen|thi xa|thanh pho|quan|xa|phuong|thi tran|dac khu)$")
_TITLE_PLACE = re.compile(r"(?<![\w])(tỉnh|huyện|thị xã|thành phố|quận)\s+(.+?)(?=\s+(?:tỉnh|năm)\b|\s*[,;(\d]|$)",
                          re.IGNORECASE)


def places_in(title: str) -> tuple[str | None, str | None]:
    """(province, district) a title names: «… XÃ, THỊ TRẤN HUYỆN CẨM GIÀNG», «… TỈNH TÂY NINH».

    A kind word followed by a list of kinds («CÁC HUYỆN, THỊ XÃ») names no place.
    """
    province = district = None
    for kind, name in _TITLE_PLACE.findall(" ".join(str(title).split())):
        name = name.strip(" .:-")
        if not name or _PLACE_WORDS.match(fold(name.split(",")[0])):
            continue
        place = f"{kind.capitalize()} {name.title()}"
        if fold(kind) == "tinh":
            province = province or place
        elif fold(kind) in [fold(k) for k in _PLACE_KINDS]:
            district = district or place
    return province, district


def simple_role(text: str) -> tuple[str | None, str | None]:
    """Role (and component) of a one-level header such as "Điểm thẩm định (65)"."""
    t = fold(text)
    t = re.sub(r"\(.*?\)", " ", t).strip(" .:*")
    t = " ".join(t.split())
    if not t:
        return None, None
    if t in ("stt", "tt", "so tt", "so thu tu", "s tt", "tt."):
        return STT, None
    if re.match(r"(khoi|nhom)\b", t):
        return BLOCK, None
    if re.search(r"xep loai|phan loai|muc do|^loai\b|danh hieu", t):
        return BAND, None
    if t.startswith("ghi chu"):
        return NOTE, None
    if re.fullmatch(r"nam( danh gia| cham diem)?", t):
        return YEAR, None
    if re.fullmatch(r"cap( don vi| hanh chinh| danh gia)?", t):
        return LEVEL, None
    if re.search(r"xep hang|thu hang|thu tu xep|^hang\b", t):
        return RANK, None
    if re.match(r"ma\b", t):
        return CODE, None
    if re.fullmatch(r"(ten )?tinh(/thanh pho|, thanh pho| thanh pho)?", t):
        return PROVINCE, None
    if re.fullmatch(r"(huyen|quan/huyen|quan, huyen|thuoc huyen|don vi cap huyen|cap huyen|"
                    r"huyen/thanh pho|don vi hanh chinh cap huyen|dia ban huyen)", t):
        return PARENT, None
    if re.fullmatch(r"(ten )?(linh vuc|noi dung|tieu chi)( danh gia| cham diem)?", t):
        return FIELD, None
    if canonical_field(text) == SURVEY:
        return (MAX, SURVEY) if "toi da" in t else (POINTS, SURVEY)
    if "toi da" in t or "diem chuan" in t:
        return MAX, None
    if "tu danh gia" in t or "tu cham" in t:
        return SELF, None
    if re.search(r"chi so|par index|ty le|%", t + fold(text)):
        return INDEX, None
    if re.search(r"tong (so )?diem|tong cong|^tong$|tong diem dat", t):
        return POINTS, STATED_TOTAL
    if re.search(r"tham dinh|diem dat|^dat$|diem danh gia|^diem$|^ket qua|diem cham", t):
        return POINTS, None
    if re.search(r"cac bo\b|co quan ngang bo|^bo\b|^ten bo\b|"
                 r"ten (don vi|co quan|xa|huyen|dia phuong)|^don vi|^co quan|dia phuong|"
                 r"huyen, thi xa|xa, phuong|phuong, xa|xa, thi tran|so, ban|^ten$|^ten goi", t):
        return UNIT, None
    return None, None


def sub_kind(text: str) -> str | None:
    """Role of a sub-header under a field group: Tối đa / Tự đánh giá / Thẩm định."""
    t = fold(text)
    t = re.sub(r"\(.*?\)", " ", t).strip()
    if "toi da" in t or "diem chuan" in t:
        return MAX
    if "tu danh gia" in t or "tu cham" in t:
        return SELF
    if re.search(r"tham dinh|^dat$|diem dat|^diem$|danh gia|ket qua|^cham", t):
        return POINTS
    if re.search(r"ty le|%|chi so", t):
        return INDEX
    return None


def classify(top: str, sub: str) -> Column:
    """A column from its (group, sub-header) pair; index is filled in by the caller."""
    top, sub = clean(top), clean(sub)
    header = f"{top} — {sub}" if top and sub and top != sub else (top or sub)
    if sub and top and top != sub:
        kind = sub_kind(sub)
        gt = fold(re.sub(r"\(.*?\)", " ", top)).strip(" .:")
        if kind and not GENERIC_GROUPS.match(gt) and simple_role(top)[0] not in (UNIT, STT):
            if re.match(r"(\d+\.?\s*)?tong\b", gt):
                component = STATED_TOTAL
            elif kind == INDEX:
                return Column(0, header, INDEX)
            else:
                component = canonical_field(top) or field_name(top)
            hmax = header_max(sub) if kind == MAX else None
            return Column(0, header, kind, component, hmax or (header_max(top) if kind == MAX
                                                               else None))
        role, comp = simple_role(sub)
        if role is None:
            role, comp = simple_role(top)
        return Column(0, header, role, comp, header_max(sub) or header_max(top))
    role, comp = simple_role(header)
    return Column(0, header, role, comp, header_max(header))


# Control and bidirectional-override characters: never meaningful in a name, unsafe in exports.
# Control, bidirectional and invisible characters (zero-width spaces and joiners, the soft
# hyphen, the BOM): never meaningful in a name, unsafe in exports, and two units that look the
# same must be the same
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u202a-\u202e"
                      "\u2060-\u2069\ufeff]")


def clean(value) -> str:
    """A cell as one line of text without extra spaces or control characters."""
    if type(value) is str:
        if _CONTROL.search(value):
            value = _CONTROL.sub("", value)
        return " ".join(value.split())
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def field_name(text: str) -> str:
    """A field's published name without numbering or brackets: "3. Cải cách TTHC (13)"."""
    text = re.sub(r"\(.*?\)", " ", clean(text))
    text = re.sub(r"^\s*([IVXLC]+|\d+|[a-zA-Z])\s*[.)/:-]\s*", "", text)
    return " ".join(text.split()).strip(" .:-")


def fill_groups(top: list[str], sub: list[str], merges, row: int) -> list[str]:
    """Spread a merged group header over the columns it covers."""
    out = list(top)
    for (r0, c0), (r1, c1) in merges or []:
        if r0 <= row <= r1 and c0 < len(out):
            value = out[c0]
            for c in range(c0, min(c1 + 1, len(out))):
                if not out[c]:
                    out[c] = value
    # cells no merge covers (or files without merge information): spread over sub-headers
    for c in range(1, len(out)):
        if not out[c] and sub[c] and sub_kind(sub[c]) and out[c - 1] and sub[c - 1]:
            out[c] = out[c - 1]
    return out


def row_texts(row: list, width: int) -> list[str]:
    cells = [clean(v) for v in row[:width]]
    return cells + [""] * (width - len(cells))


def is_header_like(texts: list[str]) -> bool:
    """A row of labels rather than data: no numbers outside a column-numbering row."""
    non_empty = [t for t in texts if t]
    return bool(non_empty) and not any(re.fullmatch(r"-?\d+([.,]\d+)?%?", t) for t in non_empty)


def is_numbering_row(texts: list[str]) -> bool:
    """The "(1) (2) (3) …" or "A B 1 2 3" row some appendices put under the header."""
    non_empty = [t for t in texts if t]
    return len(non_empty) >= 3 and all(
        re.fullmatch(r"\(?([0-9]{1,2}|[A-Za-z])\)?(\s*[=+*/-].*)?", t) for t in non_empty)


# What a person can map an unrecognised column to (the upload page offers these).
MAPPABLE_ROLES = ("ignore", UNIT, CODE, PROVINCE, PARENT, BLOCK, YEAR, LEVEL, FIELD, MAX, SELF,
                  POINTS, INDEX, RANK, BAND)


def parse_mapping(spec: str) -> tuple[str | None, str | None]:
    """"points" → (points, None); "points:Cải cách thể chế" → (points, that field)."""
    role, _, component = str(spec).partition(":")
    role = role.strip()
    if role not in MAPPABLE_ROLES:
        raise MsgError(Msg(f"Không hiểu cách gán cột «{spec}».", f"Unknown column mapping «{spec}»."))
    if role == "ignore":
        return None, None
    component = component.strip() or None
    if component and component.lower() == "survey":
        component = SURVEY
    return role, component


def apply_mapping(columns: list[Column], mapping: dict[str, str] | None) -> None:
    """Give the columns a person mapped (by header text) the role they chose."""
    for col in columns:
        if mapping and col.header in mapping:
            col.role, col.component = parse_mapping(mapping[col.header])
            col.role = col.role or "ignore"  # seen and set aside, no longer "unrecognised"


def is_sub_header(texts: list[str]) -> bool:
    """A row naming what two or more columns under groups hold (Tối đa | Thẩm định, or Tổng
    điểm | Xếp hạng under «Kết quả …»); one such word alone is more likely a summary row's label
    («Chỉ số bình quân …»), numbers or a (1) (2) (3) row are not headers at all."""
    if not is_header_like(texts) or is_numbering_row(texts):
        return False
    named = sum(1 for t in texts if t and (sub_kind(t) or simple_role(t)[0] in SCORE_ROLES))
    return named >= 2


def unit_column_by_content(below: list[list], width: int, roles: list) -> int | None:
    """The column under an unusual header that holds unit names («Sở …», «Xã …», «Huyện …»)."""
    from cchc_metrics.names import level_of_unit_name

    best, best_share = None, 0.6
    for c in range(width):
        if roles[c] is not None:
            continue
        texts = [clean(r[c]) for r in below if c < len(r) and isinstance(r[c], str) and clean(r[c])]
        if len(texts) < 2:
            continue
        share = sum(1 for x in texts if level_of_unit_name(x)) / len(texts)
        if share >= best_share:
            best, best_share = c, share
    return best


def find_header(rows: list[list], merges=(), scan: int = 40,
                mapping: dict[str, str] | None = None) -> Header | None:
    """The first row that names a unit column and score columns (with its sub-header row).

    `mapping` assigns roles to headers by their text, e.g. {"Tên xã": "unit",
    "Điểm CC": "points:Cải cách thể chế"}; mapped headers count when finding the header row.
    """
    mapping = mapping or {}
    width = max((len(r) for r in rows[:scan + 2]), default=0)
    for i in range(min(scan, len(rows))):
        texts = row_texts(rows[i], width)
        if sum(1 for t in texts if t) < 2:
            continue
        roles = [parse_mapping(mapping[t])[0] if t in mapping else simple_role(t)[0]
                 for t in texts]
        by_content = None
        if UNIT not in roles and PARENT not in roles and PROVINCE not in roles:
            by_content = unit_column_by_content(rows[i + 1:i + 30], width, roles)
            if by_content is None:
                continue
            roles[by_content] = UNIT
        nxt = row_texts(rows[i + 1], width) if i + 1 < len(rows) else [""] * width
        third = row_texts(rows[i + 2], width) if i + 2 < len(rows) else [""] * width
        two_rows = is_sub_header(nxt)
        # three rows: a group over groups (e.g. «Điểm theo lĩnh vực» over the fields), then the
        # fields, then what each column of a field holds
        three_rows = not two_rows and is_header_like(nxt) and any(nxt) and is_sub_header(third)
        fields_here = sum(1 for t in texts if canonical_field(t))
        scores_here = sum(1 for r in roles if r in SCORE_ROLES)
        if not (scores_here or two_rows or three_rows or fields_here):
            continue
        if three_rows:
            upper = fill_groups(texts, nxt, merges, i)
            middle = fill_groups(nxt, third, merges, i + 1)
            top, sub = [m or u for m, u in zip(middle, upper, strict=True)], third
        else:
            top = fill_groups(texts, nxt, merges, i) if two_rows else texts
            sub = nxt if two_rows else [""] * width
        columns = []
        for c in range(width):
            col = classify(top[c], sub[c])
            col.index = c
            columns.append(col)
        apply_mapping(columns, mapping)
        if by_content is not None and columns[by_content].role is None:
            columns[by_content].role = UNIT  # an unusual header over a column of unit names
        header = Header(i, i + 2 if three_rows else i + 1 if two_rows else i, columns)
        resolve(header)
        if header.one(UNIT) and any(c.role in (POINTS, MAX, SELF, INDEX) for c in columns):
            return header  # an index alone is a table too: many announcements publish only that
    return None


def loose_header(rows: list[list], scan: int = 40) -> Header | None:
    """When no header is recognised: the first row with three or more text cells, as is."""
    width = max((len(r) for r in rows[:scan]), default=0)
    for i in range(min(scan, len(rows))):
        texts = row_texts(rows[i], width)
        if sum(1 for t in texts if t) >= 3 and is_header_like(texts):
            cols = []
            for c, text in enumerate(texts):
                col = classify(text, "")
                col.index = c
                cols.append(col)
            return Header(i, i, cols)
    return None


def resolve(header: Header) -> None:
    """Settle roles that depend on the other columns ("Huyện" is the unit if nothing else is)."""
    units = header.of(UNIT)
    parents = header.of(PARENT)
    if not units and parents:
        parents[0].role = UNIT
    elif not units and header.of(PROVINCE):  # a national table: «Tỉnh, thành phố» names the units
        header.of(PROVINCE)[0].role = UNIT
    for extra in header.of(UNIT)[1:]:  # a second name-like column is the parent when it says so
        if "huyen" in fold(extra.header):
            extra.role = PARENT
        else:
            extra.role = None
    # "Tổng điểm" is the points themselves when no other column holds points.
    plain_points = [c for c in header.of(POINTS) if c.component in (None,)]
    for c in header.columns:
        if c.role == POINTS and c.component == STATED_TOTAL and not plain_points and not any(
                x.role == POINTS and x.component not in (None, STATED_TOTAL, SURVEY)
                for x in header.columns):
            c.component = None
