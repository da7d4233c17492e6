"""A fictional province's CCHC scores — sample data, never real — in the layouts provinces publish.

The generator is deterministic (a fixed numpy seed, nothing from the clock or the network), and its
spreadsheets go through the same readers as a user's upload. Points are kept in integer hundredths
so every stated total, index, rank and band in the files is exactly what the components give.
Run ``python -m cchc_metrics.sample.demo [FOLDER]`` to (re)write data/demo/.
"""

from __future__ import annotations

import csv
import io
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter

from cchc_metrics.contract import (
    DEFAULT_BLOCKS,
    LAST_DISTRICT_YEAR,
    LINEAGE_COLUMNS,
    SCORE_COLUMNS,
    SURVEY,
)
from cchc_metrics.exports.template import xlsx_bytes
from cchc_metrics.fields import FIELDS
from cchc_metrics.names import fold
from cchc_metrics.numbers import roman
from cchc_metrics.places.lineage import (
    COMMON_2025_DEPARTMENT_MERGERS,
    DEPARTMENT_MERGER_DATE,
    REFORM_DATE,
)
from cchc_metrics.settings import PROJECT_DIR

DEMO_DIR = PROJECT_DIR / "data" / "demo"
SEED = 20250701
PROVINCE = "Tỉnh An Hòa (dữ liệu mẫu)"
SAMPLE_NOTE = "DỮ LIỆU MẪU — không phải số liệu thật"
PROVINCE_HEADING = "UBND TỈNH AN HÒA (DỮ LIỆU MẪU)"
DECISION_NOTE = ("(Kèm theo Quyết định số {number}/QĐ-UBND ngày {date} của UBND tỉnh An Hòa) — "
                 + SAMPLE_NOTE)
YEARS = (2021, 2022, 2023, 2024, 2025)
MERGER_YEAR = 2025  # departments merge, districts go, communes merge and are ranked province-wide

DEPARTMENT_BLOCK = DEFAULT_BLOCKS["department"]
DISTRICT_BLOCK = DEFAULT_BLOCKS["district"]
WARD_BLOCK = "Khối phường"
RURAL_BLOCK = "Khối xã, đặc khu"

FIELD_NAMES = [name for name, _, _ in FIELDS]
# Maxima in hundredths of a point, in FIELDS order (integers keep every sum exact).
DEPARTMENT_MAX = (900, 600, 1300, 600, 800, 600, 1200, 1000)  # 70, plus the survey's 30 = 100
COMMUNE_MAX = (800, 600, 2100, 500, 800, 800, 700, 700)  # 70, communes have no survey
SURVEY_MAX = 3000
STEP = (25, 25, 5, 25, 25, 25, 5, 25)  # officials score some fields in 0,25 and others in 0,05
SURVEY_STEP = 5
EASE = (0.05, 0.06, -0.03, 0.03, 0.0, 0.05, -0.07, -0.05)  # how much easier a field is than average

DEPARTMENTS = (
    "Sở Nội vụ", "Sở Tư pháp", "Sở Tài chính", "Sở Kế hoạch và Đầu tư", "Sở Công Thương",
    "Sở Xây dựng", "Sở Giao thông vận tải", "Sở Nông nghiệp và Phát triển nông thôn",
    "Sở Tài nguyên và Môi trường", "Sở Giáo dục và Đào tạo", "Sở Y tế",
    "Sở Lao động - Thương binh và Xã hội", "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Khoa học và Công nghệ", "Sở Thông tin và Truyền thông", "Thanh tra tỉnh",
    "Văn phòng UBND tỉnh", "Ban Quản lý các khu công nghiệp", "Sở Ngoại vụ", "Ban Dân tộc",
)
# The 2025 reorganisation, as it happened nationally: the library's preset of the common
# department mergers (new name → the departments it absorbed) is the demo's too.
MERGED_DEPARTMENTS = COMMON_2025_DEPARTMENT_MERGERS
# Criteria that do not apply to a department lower its maximum (hundredths): Thanh tra → 71,5.
NOT_APPLICABLE = {
    "Thanh tra tỉnh": {"Cải cách thủ tục hành chính": 450, SURVEY: 1000},
    "Ban Dân tộc": {"Cải cách thủ tục hành chính": 650, SURVEY: 1500},
    "Sở Dân tộc và Tôn giáo": {"Cải cách thủ tục hành chính": 900, SURVEY: 2000},
    "Sở Ngoại vụ": {"Cải cách thủ tục hành chính": 800, SURVEY: 2000},
    "Văn phòng UBND tỉnh": {"Cải cách tổ chức bộ máy": 450},
}
# District, its fictional code, how many communes it had until 2024.
DISTRICTS = (
    ("Thành phố An Hòa", "981", 16), ("Thị xã Bình Sơn", "982", 12), ("Huyện Mỹ Lâm", "983", 15),
    ("Huyện Tân Quang", "984", 17), ("Huyện Hòa Vân", "985", 14), ("Huyện Phước Khánh", "986", 15),
    ("Huyện Thạch Liên", "987", 13), ("Huyện Xuân Cát", "988", 18), ("Huyện Long Hưng", "989", 16),
    ("Huyện Ngọc Sơn", "990", 14),
)
ISLAND_DISTRICT = "Huyện Ngọc Sơn"  # its offshore communes become the special zone in 2025
SPECIAL_ZONE = "Đặc khu Hòn Mây"
DIRECTIONS = {"Đông", "Tây", "Nam", "Bắc"}  # never two in one name ("Bắc Nam")
SYLLABLES = (
    "An", "Bình", "Phú", "Tân", "Thạnh", "Long", "Phước", "Hưng", "Thuận", "Đông", "Tây", "Nam",
    "Bắc", "Lâm", "Hải", "Thanh", "Xuân", "Hương", "Quang", "Trung", "Vĩnh", "Lộc", "Khánh", "Yên",
    "Đức", "Thịnh", "Hiệp", "Nghĩa", "Thái", "Kim", "Minh", "Tiến", "Hợp", "Lợi", "Phong",
    "Cát", "Liên", "Vân", "Thạch", "Hà", "Điền", "Đồng", "Mỹ", "Hòa", "Sơn", "Ngọc",
)
FIRST_COMMUNE_CODE, NEW_COMMUNE_CODE, CODE_STEP = 33001, 34001, 3  # beyond real codes

# The file each kind of table is published in (see source_of for the sheets).
FILES = {
    "department": "so_ban_nganh.xlsx", "district": "huyen.xlsx",
    "commune_wide": "xa_2021_2022.xlsx", "commune_long": "xa_2023_2024.xlsx",
    "commune_csv": "xa_2025.csv",
}
LONG_HEADER = ["Năm", "Khối xếp hạng", "Đơn vị cấp huyện", "Tên đơn vị", "Mã ĐVHC", "Lĩnh vực",
               "Điểm tối đa", "Điểm tự đánh giá", "Điểm thẩm định"]


@dataclass(frozen=True)
class Unit:
    """One unit scored in one year: where it is ranked and what it is called."""

    level: str
    block: str
    name: str
    code: str = ""
    parent: str = ""
    predecessors: tuple[str, ...] = ()


# ---------------------------------------------------------------------------------------------
# Who is scored each year


def departments(year: int) -> list[Unit]:
    """The departments scored in a year: twenty, then fifteen after the 2025 mergers."""
    if year < MERGER_YEAR:
        return [Unit("department", DEPARTMENT_BLOCK, name) for name in DEPARTMENTS]
    absorbed = {old: new for new, olds in MERGED_DEPARTMENTS.items() for old in olds}
    names = list(dict.fromkeys(absorbed.get(name, name) for name in DEPARTMENTS))
    return [Unit("department", DEPARTMENT_BLOCK, name,
                 predecessors=MERGED_DEPARTMENTS.get(name, (name,))) for name in names]


def districts() -> list[Unit]:
    """The ten districts (until 2024), each with its 3-digit code."""
    return [Unit("district", DISTRICT_BLOCK, name, code) for name, code, _ in DISTRICTS]


def _core(name: str) -> str:
    """A place name without its kind: "Thành phố An Hòa" → "An Hòa"."""
    for kind in ("Thành phố ", "Thị xã ", "Thị trấn ", "Huyện ", "Phường ", "Xã ", "Đặc khu "):
        if name.startswith(kind):
            return name[len(kind):]
    return name


def _fresh_name(rng: np.random.Generator, used: set[str]) -> str:
    """Two syllables that make a place name not yet used anywhere in the province."""
    while True:
        first, second = rng.choice(len(SYLLABLES), size=2, replace=False)
        name = f"{SYLLABLES[first]} {SYLLABLES[second]}"
        if fold(name) not in used and not {SYLLABLES[first], SYLLABLES[second]} <= DIRECTIONS:
            used.add(fold(name))
            return name


def communes(rng: np.random.Generator, used: set[str]) -> list[Unit]:
    """About 150 communes, wards and towns until 2024, ranked within their district."""
    units, code = [], FIRST_COMMUNE_CODE
    for district, _, count in DISTRICTS:
        urban = district.startswith(("Thành phố", "Thị xã"))
        wards = round(count * (0.6 if district.startswith("Thành phố") else 0.5)) if urban else 0
        for i in range(count):
            if not urban and i == 0:
                name = f"Thị trấn {_core(district)}"  # the district town bears its name
            else:
                name = f"{'Phường' if i < wards else 'Xã'} {_fresh_name(rng, used)}"
            units.append(Unit("commune", district, name, str(code), parent=district))
            code += CODE_STEP
    return units


def merged_communes(rng: np.random.Generator, old: list[Unit], used: set[str]) -> list[Unit]:
    """The 2025 communes: groups of three to five old ones, ranked province-wide in two blocks."""
    units, code = [], NEW_COMMUNE_CODE
    for district, _, _ in DISTRICTS:
        members = [u.name for u in old if u.parent == district]
        groups = []
        while members:
            size = int(rng.integers(3, 6))
            if len(members) - size < 3:
                size = len(members)
            groups.append(tuple(members[:size]))
            members = members[size:]
        for i, group in enumerate(groups):
            if district == ISLAND_DISTRICT and i == len(groups) - 1:
                name, block = SPECIAL_ZONE, RURAL_BLOCK
            elif district.startswith(("Thành phố", "Thị xã")):
                name, block = f"Phường {_fresh_name(rng, used)}", WARD_BLOCK
            else:
                name, block = f"Xã {_fresh_name(rng, used)}", RURAL_BLOCK
            units.append(Unit("commune", block, name, str(code), predecessors=group))
            code += CODE_STEP
    return units


def units_by_year(rng: np.random.Generator) -> dict[int, list[Unit]]:
    """Every unit scored in every year, in the order the province publishes them."""
    used = {fold(_core(name)) for name, _, _ in DISTRICTS} | {fold(_core(SPECIAL_ZONE))}
    old = communes(rng, used)
    new = merged_communes(rng, old, used)
    return {year: departments(year) + (districts() + old if year <= LAST_DISTRICT_YEAR else new)
            for year in YEARS}


# ---------------------------------------------------------------------------------------------
# How well each unit does


class Quality:
    """Each unit's persistent quality and field strengths, drifting from year to year."""

    MEAN = {"department": 0.85, "district": 0.84, "commune": 0.80}

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self.level: dict[tuple[str, str], float] = {}
        self.bias: dict[tuple[str, str], np.ndarray] = {}

    def advance(self, unit: Unit) -> tuple[float, np.ndarray]:
        """This year's quality: last year's pulled toward the mean plus a drift, so ranks move."""
        key, mean = (unit.level, unit.name), self.MEAN[unit.level]
        before = [(unit.level, p) for p in unit.predecessors or (unit.name,)]
        before = [k for k in before if k in self.level]
        if before:
            prev = float(np.mean([self.level[k] for k in before]))
            quality = prev + 0.15 * (mean - prev) + self.rng.normal(0.006, 0.025)
            bias = np.mean([self.bias[k] for k in before], axis=0)
        else:
            quality = self.rng.normal(mean, 0.055)
            bias = self.rng.normal(0.0, 0.04, size=len(FIELD_NAMES))
        self.level[key] = float(np.clip(quality, 0.6, 0.94))
        self.bias[key] = bias
        return self.level[key], bias


def _quantise(fraction: float, maximum: int, step: int) -> int:
    """A share of the maximum as points (hundredths) rounded to the step officials score in."""
    points = int(round(float(np.clip(fraction, 0.0, 1.0)) * maximum / step)) * step
    return min(points, maximum - maximum % step)


def maxima(unit: Unit) -> tuple[list[int], int]:
    """The applicable maximum of each field and of the survey (0 when there is none)."""
    full = COMMUNE_MAX if unit.level == "commune" else DEPARTMENT_MAX
    lowered = NOT_APPLICABLE.get(unit.name, {})
    fields = [lowered.get(name, m) for name, m in zip(FIELD_NAMES, full, strict=True)]
    survey = 0 if unit.level == "commune" else lowered.get(SURVEY, SURVEY_MAX)
    return fields, survey


def score_unit(rng: np.random.Generator, unit: Unit, quality: float, bias: np.ndarray) -> list:
    """(component, max, appraised, self) in hundredths; self-assessment is mostly generous."""
    field_max, survey_max = maxima(unit)
    rows = []
    for k, name in enumerate(FIELD_NAMES):
        share = min(quality + EASE[k] + bias[k] + rng.normal(0.0, 0.035), 1.0)
        generous = rng.random() > 0.08
        own = share + (rng.uniform(0.0, 0.10) if generous else -rng.uniform(0.0, 0.03))
        rows.append((name, field_max[k], _quantise(max(share, 0.3), field_max[k], STEP[k]),
                     _quantise(max(own, 0.3), field_max[k], STEP[k])))
    if survey_max:
        share = float(np.clip(quality + 0.03 + rng.normal(0.0, 0.03), 0.5, 0.98))
        rows.append((SURVEY, survey_max, _quantise(share, survey_max, SURVEY_STEP), None))
    return rows


def source_of(year: int, level: str) -> str:
    """The file and sheet a year × level is written to, for the `source` column."""
    if level == "department":
        return f"{FILES['department']} · Năm {year}"
    if level == "district":
        return f"{FILES['district']} · {year}"
    if year <= 2022:
        return f"{FILES['commune_wide']} · Năm {year}"
    if year <= LAST_DISTRICT_YEAR:
        return f"{FILES['commune_long']} · {year}"
    return FILES["commune_csv"]


CROSSWALK_FILE = "doi_chieu_sap_xep_2025_mau.xlsx"
DEPARTMENT_MERGER = DEPARTMENT_MERGER_DATE  # the departments' mergers: March 2025
COMMUNE_MERGER = REFORM_DATE  # the communes' and wards': 1 July 2025


def demo_lineage() -> pd.DataFrame:
    """Who the demo's 2025 units were formed from (contract.LINEAGE_COLUMNS), with a fictional
    population for each former commune: the sample province is fictional, so its crosswalk
    ships with the sample data."""
    plan = units_by_year(np.random.default_rng(SEED))[MERGER_YEAR]
    people = np.random.default_rng(SEED + 2)
    rows = [(u.level, u.name, old,
             pd.Timestamp(DEPARTMENT_MERGER if u.level == "department" else COMMUNE_MERGER).date(),
             "crosswalk:dữ liệu mẫu",
             float(people.integers(30, 160) * 100) if u.level == "commune" else np.nan)
            for u in plan if u.predecessors and u.predecessors != (u.name,)
            for old in u.predecessors]
    return pd.DataFrame(rows, columns=LINEAGE_COLUMNS)


CENTRE = (14.9, 108.4)  # where the fictional province is drawn (degrees north, east)


def demo_coordinates() -> pd.DataFrame:
    """Fictional places for the fictional province's districts and communes (level, unit,
    before: results of before July 2025, latitude, longitude): its districts on a ring, each commune near its district, a 2025 unit
    at the middle of the communes it was formed from. Sample data, like the names."""
    rng = np.random.default_rng(SEED + 1)
    plan = units_by_year(np.random.default_rng(SEED))
    rows, where = [], {}
    for i, (district, _, _) in enumerate(DISTRICTS):
        angle = 2 * np.pi * i / len(DISTRICTS)
        lat, lon = CENTRE[0] + 0.28 * np.sin(angle), CENTRE[1] + 0.32 * np.cos(angle)
        rows.append(("district", district, True, lat, lon))
        where[district] = (lat, lon)
    for unit in plan[LAST_DISTRICT_YEAR]:
        if unit.level == "commune":
            lat, lon = where[unit.parent]
            place = (lat + rng.normal(0, 0.045), lon + rng.normal(0, 0.05))
            rows.append(("commune", unit.name, True, *place))
            where[unit.name] = place
    for unit in plan[MERGER_YEAR]:
        if unit.level == "commune":
            olds = [where[p] for p in unit.predecessors if p in where]
            if olds:
                rows.append(("commune", unit.name, False, float(np.mean([o[0] for o in olds])),
                             float(np.mean([o[1] for o in olds]))))
    return pd.DataFrame(rows, columns=["level", "unit", "before", "latitude", "longitude"]) \
        .drop_duplicates(["level", "unit", "before"], ignore_index=True)


def crosswalk_workbook() -> bytes:
    """The demo's crosswalk as a province would send it: «Đơn vị mới | Đơn vị cũ | Từ ngày»."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Đối chiếu"
    ws.append([f"BẢNG ĐỐI CHIẾU ĐƠN VỊ SAU SẮP XẾP — {PROVINCE} (DỮ LIỆU MẪU)"])
    ws.append([])
    ws.append(["Cấp", "Đơn vị mới", "Đơn vị cũ", "Từ ngày", "Dân số (người)"])
    for r in demo_lineage().itertuples(index=False):
        ws.append(["Sở, ban, ngành" if r.level == "department" else "Cấp xã", r.successor,
                   r.predecessor, r.effective.strftime("%d/%m/%Y"),
                   None if pd.isna(r.population) else int(r.population)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def build_demo_scores() -> pd.DataFrame:
    """The whole fictional province, 2021–2025, as canonical long scores."""
    rng = np.random.default_rng(SEED)
    plan, quality, records = units_by_year(rng), Quality(rng), []
    for year in YEARS:
        for unit in plan[year]:
            level, bias = quality.advance(unit)
            for component, top, points, own in score_unit(rng, unit, level, bias):
                records.append((year, unit.level, unit.block, PROVINCE, unit.parent, unit.name,
                                unit.code, component, top / 100, points / 100,
                                np.nan if own is None else own / 100,
                                source_of(year, unit.level)))
    scores = pd.DataFrame.from_records(records, columns=SCORE_COLUMNS)
    return scores.astype({"year": "int64", "max_points": "float64", "points": "float64",
                          "self_points": "float64"})


# ---------------------------------------------------------------------------------------------
# Per-unit totals, exactly as a province states them


@dataclass
class UnitResult:
    """One unit's row in a published table (points in hundredths, index in hundredths of %)."""

    unit: str
    code: str
    fields: list[tuple[int, int, int]]  # (max, self, appraised) per field, FIELDS order
    survey: tuple[int, int] | None  # (max, points)
    total_max: int
    total_self: int
    total_points: int  # appraised + survey
    index: int = 0
    rank: int = 0

    @property
    def band(self) -> str:
        """Tốt ≥ 80 %, Khá ≥ 60 %, Kém below (this province's scheme)."""
        return "Tốt" if self.index >= 8000 else "Khá" if self.index >= 6000 else "Kém"


def _hundredths(value: float) -> int:
    """A float that is a whole number of hundredths back to an exact integer."""
    return int(round(value * 100))


def unit_results(scores: pd.DataFrame) -> list[UnitResult]:
    """Totals, index (round half up to 2 decimals) and competition rank within each block."""
    results, blocks, parts = [], {}, {}
    columns = ["block", "unit", "unit_code", "component", "max_points", "self_points", "points"]
    for block, unit, code, component, top, own, got in scores[columns].itertuples(index=False):
        key = (block, unit)
        if key not in parts:
            parts[key] = (code, {})
        parts[key][1][component] = (_hundredths(top),
                                    None if np.isnan(own) else _hundredths(own),
                                    _hundredths(got))
    for (block, unit), (code, comps) in parts.items():
        fields = [comps[name] for name in FIELD_NAMES]
        survey = (comps[SURVEY][0], comps[SURVEY][2]) if SURVEY in comps else None
        top = sum(f[0] for f in fields) + (survey[0] if survey else 0)
        got = sum(f[2] for f in fields) + (survey[1] if survey else 0)
        result = UnitResult(unit, code, fields, survey, top, sum(f[1] for f in fields), got,
                            (20000 * got + top) // (2 * top))
        results.append(result)
        blocks.setdefault(block, []).append(result)
    for members in blocks.values():
        for r in members:
            r.rank = 1 + sum(other.index > r.index for other in members)
    return results


# ---------------------------------------------------------------------------------------------
# Writing the wide two-row layout


BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
FIELD_SUB = ("Tối đa", "Tự đánh giá", "Thẩm định")
TITLE_ROWS, HEADER_ROW = 3, 5  # title rows 1–3, a blank row, header rows 5–6, data from 7


@dataclass
class WideLayout:
    """What a wide sheet carries besides the fields: its headers and optional columns."""

    unit_header: str
    index_header: str
    code: bool = False
    survey: bool = True
    band: bool = True


def _groups(layout: WideLayout) -> list[tuple[str, tuple[str, ...]]]:
    """Header groups left to right; an empty sub-header tuple means merged over both rows."""
    groups = [("STT", ()), (layout.unit_header, ())] + ([("Mã ĐVHC", ())] if layout.code else [])
    groups += [(f"{i}. {name}", FIELD_SUB) for i, name in enumerate(FIELD_NAMES, start=1)]
    if layout.survey:
        groups.append(("Điều tra xã hội học", ("Tối đa", "Điểm")))
    groups += [("Tổng điểm", ("Tối đa", "Tự đánh giá", "Đạt")), (layout.index_header, ()),
               ("Xếp hạng", ())]
    return groups + ([("Xếp loại", ())] if layout.band else [])


def _write_titles(ws, lines: list[str], width: int) -> None:
    """Title rows merged across the table, bold and centred."""
    for row, text in enumerate(lines, start=1):
        ws.cell(row, 1, text).font = Font(bold=True, size=12 if row == 2 else 11,
                                          italic=row == 3)
        ws.cell(row, 1).alignment = Alignment(horizontal="center", vertical="center",
                                              wrap_text=True)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    ws.row_dimensions[2].height = 30


def _write_header(ws, groups) -> None:
    """The two merged header rows, styled, with sensible column widths."""
    col = 1
    for label, subs in groups:
        span = max(len(subs), 1)
        ws.cell(HEADER_ROW, col, label)
        if subs:
            ws.merge_cells(start_row=HEADER_ROW, start_column=col,
                           end_row=HEADER_ROW, end_column=col + span - 1)
            for i, sub in enumerate(subs):
                ws.cell(HEADER_ROW + 1, col + i, sub)
        else:
            ws.merge_cells(start_row=HEADER_ROW, start_column=col,
                           end_row=HEADER_ROW + 1, end_column=col)
        width = 6 if label == "STT" else 36 if col == 2 else 10 if label == "Mã ĐVHC" else 10
        for c in range(col, col + span):
            ws.column_dimensions[get_column_letter(c)].width = width
        col += span
    for row in (HEADER_ROW, HEADER_ROW + 1):
        for c in range(1, col):
            cell = ws.cell(row, c)
            cell.font, cell.fill, cell.border, cell.alignment = BOLD, HEADER_FILL, BOX, CENTER
    ws.row_dimensions[HEADER_ROW].height = 62
    ws.row_dimensions[HEADER_ROW + 1].height = 30


def _numbers(r: UnitResult, layout: WideLayout) -> list:
    """A unit's numeric cells, left to right after its name (and code)."""
    cells = [v / 100 for f in r.fields for v in f]
    if layout.survey:
        cells += [r.survey[0] / 100, r.survey[1] / 100] if r.survey else [None, None]
    return cells + [r.total_max / 100, r.total_self / 100, r.total_points / 100, r.index / 100]


def _write_row(ws, row: int, values: list, first_number: int, bold: bool = False) -> None:
    """One table row with borders; numbers from `first_number` on get two decimals."""
    for col, value in enumerate(values, start=1):
        cell = ws.cell(row, col, value)
        if isinstance(value, float) and col >= first_number:
            kind = "number"
        elif col == 1 or isinstance(value, int):
            kind = "center"
        else:
            kind = "text"
        cell.style = f"cchc {kind}{' bold' if bold else ''}"


def _average_row(results: list[UnitResult], layout: WideLayout) -> list:
    """The "Giá trị trung bình" row: each numeric column's mean, to 2 decimals."""
    table = np.array([[np.nan if v is None else v for v in _numbers(r, layout)]
                      for r in results], dtype=float)
    means = [round(float(m), 2) for m in np.nanmean(table, axis=0)]
    return [None, "Giá trị trung bình"] + ([None] if layout.code else []) + means


def write_wide_sheet(wb: Workbook, sheet: str, title: list[str], layout: WideLayout,
                     blocks: list[tuple[str | None, list[UnitResult]]]) -> dict[str, int]:
    """One published table in the wide layout; returns each unit's Excel row."""
    ws = wb.create_sheet(sheet)
    groups = _groups(layout)
    width = sum(max(len(subs), 1) for _, subs in groups)
    _write_titles(ws, title, width)
    _write_header(ws, groups)
    first_number = 4 if layout.code else 3
    row, where, everyone = HEADER_ROW + 2, {}, []
    for b, (label, results) in enumerate(blocks):
        if label is not None:
            _write_row(ws, row, [roman(b + 1), label] + [None] * (width - 2), first_number, bold=True)
            row += 1
        for stt, r in enumerate(results, start=1):
            values = [stt, r.unit] + ([r.code] if layout.code else []) + _numbers(r, layout)
            values += [r.rank] + ([r.band] if layout.band else [])
            _write_row(ws, row, values, first_number)
            where[r.unit] = row
            row += 1
        everyone += results
    _write_row(ws, row, _average_row(everyone, layout), first_number, bold=True)
    ws.freeze_panes = ws.cell(HEADER_ROW + 2, first_number)
    return where


def wide_column(layout: WideLayout, group: str, sub: str | None = None) -> int:
    """The 1-based column of a header group (and sub-header) in a wide sheet."""
    col = 1
    for label, subs in _groups(layout):
        if label == group or label.endswith(f". {group}"):
            return col + (subs.index(sub) if sub else 0)
        col += max(len(subs), 1)
    raise KeyError(group)


# ---------------------------------------------------------------------------------------------
# The files


def _titles(year: int, whom: str, number: int) -> list[str]:
    """The three title rows above a published table."""
    return [PROVINCE_HEADING,
            f"KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {year} CỦA {whom}",
            DECISION_NOTE.format(number=number, date=f"20/3/{year + 1}")]


def _year_level(scores: pd.DataFrame, year: int, level: str) -> pd.DataFrame:
    """The rows of one year and level, in publication order."""
    return scores[(scores["year"] == year) & (scores["level"] == level)]


def _new_workbook() -> Workbook:
    """An empty workbook (its default sheet removed) with the table cell styles registered."""
    wb = Workbook()
    wb.remove(wb.active)
    for kind, bold in ((k, b) for k in ("text", "number", "center") for b in (False, True)):
        style = NamedStyle(f"cchc {kind}{' bold' if bold else ''}", border=BOX,
                           font=Font(bold=bold))
        if kind == "number":
            style.number_format = "0.00"
        elif kind == "center":
            style.alignment = Alignment(horizontal="center")
        wb.add_named_style(style)
    return wb


def department_workbook(scores: pd.DataFrame) -> Workbook:
    """so_ban_nganh.xlsx: one sheet per year, the departments in the wide layout."""
    wb, layout = _new_workbook(), WideLayout("Tên cơ quan", "Chỉ số CCHC (%)")
    for year in sorted(scores.loc[scores["level"] == "department", "year"].unique()):
        results = unit_results(_year_level(scores, year, "department"))
        write_wide_sheet(wb, f"Năm {year}", _titles(year, "CÁC SỞ, BAN, NGÀNH TỈNH", 210 + year % 10),
                         layout, [(None, results)])
    return wb


def district_workbook(scores: pd.DataFrame) -> Workbook:
    """huyen.xlsx: one sheet per year 2021–2024, the districts with their codes."""
    wb = _new_workbook()
    layout = WideLayout("HUYỆN, THỊ XÃ, THÀNH PHỐ", "Chỉ số CCHC (%)", code=True)
    for year in sorted(scores.loc[scores["level"] == "district", "year"].unique()):
        results = unit_results(_year_level(scores, year, "district"))
        whom = "UBND CÁC HUYỆN, THỊ XÃ, THÀNH PHỐ"
        write_wide_sheet(wb, str(year), _titles(year, whom, 220 + year % 10), layout,
                         [(None, results)])
    return wb


COMMUNE_LAYOUT = WideLayout("Tên đơn vị", "Chỉ số (%)", code=True, survey=False, band=False)


def _as_typed(ws, row: int, col: int, percent: bool = False) -> None:
    """Turn a number into text with a decimal comma ("51,75", "85,65%"), as officials type."""
    cell = ws.cell(row, col)
    cell.value = f"{cell.value:.2f}".replace(".", ",") + ("%" if percent else "")
    cell.number_format = "@"
    cell.alignment = Alignment(horizontal="right")


def commune_wide_workbook(scores: pd.DataFrame, years=(2021, 2022)) -> Workbook:
    """xa_2021_2022.xlsx: communes under a Roman-numeral row per district, ranked within it."""
    wb = _new_workbook()
    for year in years:
        rows = _year_level(scores, year, "commune")
        blocks = [(block, unit_results(part))
                  for block, part in rows.groupby("block", sort=False)]
        whom = "UBND CÁC XÃ, PHƯỜNG, THỊ TRẤN"
        where = write_wide_sheet(wb, f"Năm {year}", _titles(year, whom, 230 + year % 10),
                                 COMMUNE_LAYOUT, blocks)
        if year == 2022:  # one text number and one text percentage, as officials type them
            ws = wb[f"Năm {year}"]
            _as_typed(ws, where[blocks[2][1][0].unit],
                      wide_column(COMMUNE_LAYOUT, "Cải cách thể chế", "Thẩm định"))
            _as_typed(ws, where[blocks[4][1][1].unit],
                      wide_column(COMMUNE_LAYOUT, "Chỉ số (%)"), percent=True)
    return wb


def _long_rows(rows: pd.DataFrame, number) -> list[list]:
    """One line per unit × field: Năm … Điểm thẩm định (numbers passed through `number`)."""
    return [[int(r.year), r.block, r.parent, r.unit, r.unit_code, r.component,
             number(r.max_points), number(r.self_points), number(r.points)]
            for r in rows.itertuples(index=False)]


def _float_or_none(value: float) -> float | None:
    """A number for a cell; None (an empty cell) for NaN."""
    return None if np.isnan(value) else float(value)


def commune_long_workbook(scores: pd.DataFrame, years=(2023, 2024)) -> Workbook:
    """xa_2023_2024.xlsx: one title row, a blank row, then one row per commune × field."""
    wb = _new_workbook()
    for year in years:
        ws = wb.create_sheet(str(year))
        ws.cell(1, 1, f"KẾT QUẢ CHẤM ĐIỂM CCHC CẤP XÃ NĂM {year} ({SAMPLE_NOTE})").font = BOLD
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(LONG_HEADER))
        _write_row(ws, 3, LONG_HEADER, 99, bold=True)
        for c in range(1, len(LONG_HEADER) + 1):
            ws.cell(3, c).fill, ws.cell(3, c).alignment = HEADER_FILL, CENTER
        rows = _long_rows(_year_level(scores, year, "commune"), _float_or_none)
        for i, values in enumerate(rows, start=4):
            _write_row(ws, i, values, 7)
        for c, width in enumerate((7, 20, 20, 26, 10, 44, 10, 12, 12), start=1):
            ws.column_dimensions[get_column_letter(c)].width = width
        ws.freeze_panes = "A4"
    return wb


def _comma(value: float) -> str:
    """A number with a decimal comma and no trailing zeros: 5.75 → "5,75", 21.0 → "21"."""
    if value is None or np.isnan(value):
        return ""
    return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def commune_csv(scores: pd.DataFrame, year: int = MERGER_YEAR) -> bytes:
    """xa_2025.csv: UTF-8 with BOM, semicolons, decimal commas; a «Tỉnh» column first."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Tỉnh"] + LONG_HEADER)
    rows = _year_level(scores, year, "commune")
    for province, values in zip(rows["province"], _long_rows(rows, _comma), strict=True):
        writer.writerow([province] + values)
    return out.getvalue().encode("utf-8-sig")


def demo_files(scores: pd.DataFrame) -> dict[str, bytes]:
    """Every demo file's name and bytes."""
    years = set(scores.loc[scores["level"] == "commune", "year"])
    return {
        FILES["department"]: xlsx_bytes(department_workbook(scores)),
        FILES["district"]: xlsx_bytes(district_workbook(scores)),
        FILES["commune_wide"]: xlsx_bytes(commune_wide_workbook(
            scores, [y for y in (2021, 2022) if y in years])),
        FILES["commune_long"]: xlsx_bytes(commune_long_workbook(
            scores, [y for y in (2023, 2024) if y in years])),
        FILES["commune_csv"]: commune_csv(scores),
    }


def write_demo_files(folder: str | Path = DEMO_DIR) -> list[Path]:
    """(Re)write the demo spreadsheets into `folder`; returns their paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in demo_files(build_demo_scores()).items():
        path = folder / name
        path.write_bytes(data)
        paths.append(path)
    return paths


if __name__ == "__main__":
    for written in write_demo_files(*sys.argv[1:2]):
        print(written)
