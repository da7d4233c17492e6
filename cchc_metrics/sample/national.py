"""A national-scale commune workbook (simulated data) for the core-library benchmark.

The installed ``vietnam_provinces`` (2025.10.1) only knows the post-2025 structure: 34 provinces
and 3,321 wards, no districts. The 2024 assessment predates it (63 provinces, 696 districts,
10,035 communes), so every name and code here is fictional, built from Vietnamese place-name
syllables; names are unique nationwide so the one national ranking block has no name clashes.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from cchc_metrics.fields import FIELDS
from cchc_metrics.settings import PROJECT_DIR

SEED = 20240
YEAR = 2024
N_PROVINCES, N_DISTRICTS, N_COMMUNES = 63, 696, 10_035
OUT_DIR = PROJECT_DIR / "bench" / "out"  # generated workbooks are not committed
SHEET = f"Năm {YEAR}"
TITLE = (f"KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {YEAR} CẤP XÃ TOÀN QUỐC "
         "(DỮ LIỆU MÔ PHỎNG)")
FIELD_NAMES = [name for name, _, _ in FIELDS]
FIELD_MAX = np.array([10.0, 8.0, 14.0, 7.0, 11.0, 8.0, 12.0, 30.0])  # sums to 100
NUMBER_COLUMNS = ("max_points", "points", "self_points")
SUBHEADERS = ("Tối đa", "Tự đánh giá", "Thẩm định")
ID_HEADERS = ("STT", "Tỉnh", "Huyện", "Tên đơn vị", "Mã ĐVHC")
_SYLLABLE_TEXT = (
    "An Bình Phú Tân Hòa Long Thạnh Phước Thuận Hưng Lộc Thịnh Đông Tây Nam Bắc Trung Hiệp "
    "Lợi Mỹ Vĩnh Quang Minh Đức Hải Sơn Thanh Xuân Hồng Kim Ngọc Phong Tường Khánh Gia Hậu "
    "Thái Thượng Cẩm Yên Lạc Định Nghĩa Lâm Tiến Thắng Quý Thọ Phúc Châu Liên Hà Hoa Điền "
    "Mậu Cường Vạn Toàn Bảo Đại Tiên Nhân Trường Thủy Hương Dương Đồng Quỳnh Diễn Kỳ Lệ "
    "Tịnh Hội Khê Thiện Hiền Tú Tài Thiệu Ninh Giang Triều Cát Vân Vinh Chánh Dân Phương "
    "Nhơn Hữu Trạch Sa Mai Lương Tâm Trà Hiếu Khương Nguyên Uyên Văn Võ Tuấn Hạnh Duy Hiển "
    "Kiên Lân Luận Mẫn Nhuận Quế Sĩ Thông Tín Trí Ước Viên Vọng Yết Ái Bồng Chi Dục Hàm "
    "Khai Lai Mạc Nông Oai Quan Sở Tiêu Ứng Xương"
)
SYLLABLES = tuple(_SYLLABLE_TEXT.split())
COMMUNE_KINDS = (("Xã", 0.72), ("Phường", 0.20), ("Thị trấn", 0.08))
DISTRICT_KINDS = (("Huyện", 0.78), ("Thị xã", 0.08), ("Thành phố", 0.07), ("Quận", 0.07))


@dataclass
class National:
    """The generated table: one row per commune, and its points as (communes × fields) arrays."""

    units: pd.DataFrame  # province, district, commune, code
    max_points: np.ndarray
    self_points: np.ndarray
    points: np.ndarray


def place_names(n: int, rng: np.random.Generator) -> list[str]:
    """n distinct two-syllable fictional place names, shuffled so neighbours look unrelated."""
    pairs = [f"{a} {b}" for a, b in itertools.permutations(dict.fromkeys(SYLLABLES), 2)]
    if n > len(pairs):
        raise ValueError(f"only {len(pairs)} distinct names; asked for {n}")
    return [pairs[i] for i in rng.permutation(len(pairs))[:n]]


def split(total: int, parts: int, rng: np.random.Generator) -> np.ndarray:
    """Uneven positive sizes summing to total, as real provinces and districts differ in size."""
    if not 0 < parts <= total:
        raise ValueError(f"cannot split {total} into {parts} non-empty parts")
    low = max(1, total // parts // 3)
    return low + rng.multinomial(total - low * parts, rng.dirichlet(np.full(parts, 4.0)))


def kinds(options, n: int, rng: np.random.Generator) -> np.ndarray:
    """A type word (Xã, Phường … or Huyện, Quận …) for each of n units, at realistic shares."""
    words, shares = zip(*options, strict=True)
    return rng.choice(np.array(words, dtype=object), size=n, p=np.array(shares))


def structure(n_provinces: int, n_districts: int, n_communes: int,
              rng: np.random.Generator) -> pd.DataFrame:
    """Province, district, commune name and 5-digit commune code, one row per commune."""
    names = place_names(n_provinces + n_districts + n_communes, rng)
    provinces = names[:n_provinces]
    districts = kinds(DISTRICT_KINDS, n_districts, rng) + " " + np.array(
        names[n_provinces:n_provinces + n_districts], dtype=object)
    communes = kinds(COMMUNE_KINDS, n_communes, rng) + " " + np.array(
        names[n_provinces + n_districts:], dtype=object)
    per_province = split(n_districts, n_provinces, rng)
    per_district = split(n_communes, n_districts, rng)
    district_province = np.repeat(np.arange(n_provinces), per_province)
    commune_district = np.repeat(np.arange(n_districts), per_district)
    codes = np.sort(rng.choice(np.arange(1, 32_300), size=n_communes, replace=False))
    return pd.DataFrame({
        "province": np.array(provinces, dtype=object)[district_province[commune_district]],
        "district": districts[commune_district],
        "commune": communes,
        "code": [f"{c:05d}" for c in codes],
    })


def quarter_floor(values: np.ndarray) -> np.ndarray:
    """Round down to 0.25 points, as scoring grids award quarter points."""
    return np.floor(values * 4.0 + 1e-9) / 4.0


def score_arrays(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Maxima, self-assessed and appraised points (n × 8); points ≤ self ≤ maximum mostly."""
    maxima = np.tile(FIELD_MAX, (n, 1))
    reduced = rng.random(n) < 0.10  # criteria that do not apply lower a field's maximum
    field = rng.integers(1, 7, size=n)
    maxima[reduced, field[reduced]] -= rng.integers(1, 5, size=int(reduced.sum())) * 0.5
    quality = rng.beta(8.0, 2.0, size=(n, 1))
    ratio = np.clip(quality + rng.normal(0.0, 0.07, size=(n, 8)), 0.3, 1.0)
    points = quarter_floor(ratio * maxima)
    self_points = np.minimum(maxima, quarter_floor(points + rng.random((n, 8)) * (maxima - points)))
    return maxima, self_points, points


def build(n_provinces: int = N_PROVINCES, n_districts: int = N_DISTRICTS,
          n_communes: int = N_COMMUNES, seed: int = SEED) -> National:
    """The whole simulated table, deterministic for a given seed and size."""
    rng = np.random.default_rng(seed)
    units = structure(n_provinces, n_districts, n_communes, rng)
    maxima, self_points, points = score_arrays(n_communes, rng)
    return National(units, maxima, self_points, points)


def header_rows() -> tuple[list, list, list[str]]:
    """The two header rows and their merged ranges (identity columns span both rows)."""
    from openpyxl.utils import get_column_letter as letter

    top, sub = list(ID_HEADERS), [None] * len(ID_HEADERS)
    merges = [f"{letter(c)}4:{letter(c)}5" for c in range(1, len(ID_HEADERS) + 1)]
    for name in FIELD_NAMES:
        first = len(top) + 1
        top += [name, None, None]
        sub += list(SUBHEADERS)
        merges.append(f"{letter(first)}4:{letter(first + 2)}4")
    return top, sub, merges


def data_rows(table: National):
    """Each commune's row: STT, names, code as text, then (max, self, appraised) per field."""
    u = table.units
    triples = np.stack([table.max_points, table.self_points, table.points], axis=2)
    numbers = triples.reshape(len(u), -1).tolist()
    ids = zip(u["province"], u["district"], u["commune"], u["code"], strict=True)
    for i, ((province, district, commune, code), values) in enumerate(zip(ids, numbers,
                                                                         strict=True), 1):
        yield [i, province, district, commune, code, *values]


def write(table: National, path: Path) -> Path:
    """Write the wide-layout sheet as Excel saves one: shared strings, UTF-8 (XlsxWriter).

    Officials' files come out of Excel; openpyxl would write inline strings with every
    Vietnamese letter as a character reference, which is slower to parse and found in no
    published file.
    """
    import xlsxwriter
    from xlsxwriter.utility import xl_cell_to_rowcol

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.xlsx")
    wb = xlsxwriter.Workbook(str(tmp))
    ws = wb.add_worksheet(SHEET)
    ws.set_column("B:C", 20)
    ws.set_column("D:D", 24)
    n = len(table.units)
    top, sub, merges = header_rows()
    ws.write_row(0, 0, [TITLE])
    ws.write_row(1, 0, [f"(Dữ liệu mô phỏng để đo hiệu năng, không phải kết quả thật — {n:,} "
                        "xã, phường, thị trấn)".replace(",", ".")])
    for r, row in enumerate([top, sub], 3):
        for c, value in enumerate(row):
            if value is not None:
                ws.write(r, c, value)
    for r, row in enumerate(data_rows(table), 5):
        ws.write_row(r, 0, row)
    for ref in merges:  # merged header cells, as the appendices have them
        first = xl_cell_to_rowcol(ref.split(":")[0])
        ws.merge_range(ref, top[first[1]] if first[0] == 3 else None)
    wb.close()
    tmp.replace(path)
    return path


def write_openpyxl(table: National, path: Path) -> Path:
    """The same sheet as openpyxl writes it (inline strings): a harder case, measured beside."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET)
    ws.column_dimensions["B"].width = ws.column_dimensions["C"].width = 20
    ws.column_dimensions["D"].width = 24
    n = len(table.units)
    ws.append([TITLE])
    ws.append([f"(Dữ liệu mô phỏng để đo hiệu năng, không phải kết quả thật — {n:,} xã, phường, "
               "thị trấn)".replace(",", ".")])
    ws.append([])
    top, sub, merges = header_rows()
    ws.append(top)
    ws.append(sub)
    for row in data_rows(table):
        ws.append(row)
    for ref in merges:  # the write-only sheet still writes <mergeCells> from this range list
        ws.merged_cells.add(ref)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.xlsx")
    wb.save(tmp)
    tmp.replace(path)
    return path


def generate(path: Path, **sizes) -> National:
    """Build the table for the given sizes and write it to path; return what was written."""
    table = build(**sizes)
    write(table, Path(path))
    return table


def national_workbook(out_dir: Path = OUT_DIR) -> Path:
    """The full-size workbook, generated once and cached in bench/out/ (git-ignored)."""
    path = Path(out_dir) / f"national-{YEAR}-seed{SEED}-excel.xlsx"
    if not path.exists():
        generate(path)
    return path


def ten_years(scores_2024: pd.DataFrame, seed: int = SEED,
              text_dtype: str | None = "str") -> pd.DataFrame:
    """Ten years (2015–2024) of canonical scores from one year's, drifting back in time.

    Earlier years score lower (about 0.6 % of the maximum a year) with noise; 2 % of units per
    year lose their code so year-on-year matching also goes through names. Text columns become
    ``text_dtype`` ("str", as the store returns them; None keeps what the reader gave).
    """
    rng = np.random.default_rng(seed + 1)
    n = len(scores_2024)
    years = np.arange(YEAR - 9, YEAR + 1)
    out = pd.concat([scores_2024] * len(years), ignore_index=True)
    back = np.repeat(YEAR - years, n)
    out["year"] = np.repeat(years, n)
    maxima = out["max_points"].to_numpy(float)
    drift = maxima * (0.006 * back + rng.normal(0.0, 0.03, size=len(out)) * (back > 0))
    out["points"] = np.clip(quarter_floor(out["points"].to_numpy(float) - drift), 0.0, maxima)
    out["self_points"] = np.maximum(out["points"], np.clip(
        quarter_floor(out["self_points"].to_numpy(float) - drift), 0.0, maxima))
    units = scores_2024.groupby(["unit", "unit_code"], sort=False).ngroup().to_numpy()
    codeless = rng.random((len(years), units.max() + 1)) < 0.02
    lose = codeless[np.repeat(np.arange(len(years)), n), np.tile(units, len(years))]
    out.loc[lose & (back > 0), "unit_code"] = ""
    if text_dtype is not None:  # after the concat, so each year has its own buffers, as stored
        text = [c for c in out.columns if c not in ("year", *NUMBER_COLUMNS)]
        out = out.astype(dict.fromkeys(text, text_dtype))
    return out


def openpyxl_variant(out_dir: Path = OUT_DIR) -> Path:
    """The full-size table written by openpyxl instead of as Excel saves it; cached."""
    path = Path(out_dir) / f"national-{YEAR}-seed{SEED}-openpyxl.xlsx"
    if not path.exists():
        write_openpyxl(build(), path)
    return path
