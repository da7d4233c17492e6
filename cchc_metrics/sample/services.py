"""The sample province's service indicators: 24 months of counts and the service index, and its
targets. Fictional like the rest of the sample data, made in code from a fixed seed.

The units are the demo's: twenty departments until February 2025, fifteen from March; the old
communes ranked within their district until June 2025, the new ones province-wide from July.
"""

from __future__ import annotations

import functools
import io
import zlib

import numpy as np
import pandas as pd

from cchc_metrics.contract import INDICATOR_COLUMNS, TARGET_COLUMNS
from cchc_metrics.indicators.measures import SERVICE_GROUPS
from cchc_metrics.numbers import round_half_up
from cchc_metrics.places.lineage import DEPARTMENT_MERGER_DATE, REFORM_DATE
from cchc_metrics.sample.demo import (
    LAST_DISTRICT_YEAR,
    MERGER_YEAR,
    PROVINCE,
    SEED,
    departments,
    units_by_year,
)

MONTHS = [(2024, m) for m in range(1, 13)] + [(2025, m) for m in range(1, 13)]
SOURCE = "Báo cáo tháng (dữ liệu mẫu)"
DEPARTMENTS_MERGE = int(DEPARTMENT_MERGER_DATE[5:7])  # March 2025
COMMUNES_MERGE = int(REFORM_DATE[5:7])  # July 2025


def _units_of(year: int, month: int, plan: dict) -> list:
    """The departments and communes reporting in a month."""
    old = year < MERGER_YEAR
    deps = departments(LAST_DISTRICT_YEAR if old or month < DEPARTMENTS_MERGE else MERGER_YEAR)
    communes_year = LAST_DISTRICT_YEAR if old or month < COMMUNES_MERGE else MERGER_YEAR
    return deps + [u for u in plan[communes_year] if u.level == "commune"]


def _quality(name: str) -> float:
    """A unit's lasting quality in [0, 1], the same in every month (from its name)."""
    return (zlib.crc32(name.encode("utf-8")) % 1000) / 1000


def demo_indicators() -> pd.DataFrame:
    """Every month's counts and service index groups of every unit (INDICATOR_COLUMNS)."""
    return _demo_indicators().copy()


@functools.lru_cache(maxsize=1)
def _demo_indicators() -> pd.DataFrame:
    """demo_indicators, made once per process (its two workbooks and the tests share it)."""
    plan = units_by_year(np.random.default_rng(SEED))
    rng = np.random.default_rng(SEED + 3)
    rows = []
    for i, (year, month) in enumerate(MONTHS):
        progress = i / (len(MONTHS) - 1)  # the province gets better month by month
        for unit in _units_of(year, month, plan):
            q = _quality(unit.name)
            big = unit.level == "department"
            received = int(rng.poisson((300 + 900 * q) if big else (60 + 180 * q)))
            resolved = int(round(received * rng.uniform(0.9, 0.99)))
            late = int(rng.binomial(resolved, max(0.001, 0.03 * (1 - q) * (1 - progress / 2))))
            early = int(rng.binomial(resolved - late, 0.3 + 0.3 * q))
            online = int(rng.binomial(received, min(0.98, 0.35 + 0.4 * progress + 0.2 * q)))
            full = int(rng.binomial(online, 0.6))
            digitised = int(rng.binomial(received, min(0.99, 0.45 + 0.45 * progress + 0.1 * q)))
            documents = int(rng.poisson(180 if big else 60))
            counts = {
                "received": received, "resolved": resolved, "early": early,
                "on_time": resolved - late - early, "late": late,
                "pending": received - resolved + int(rng.integers(0, 6)),
                "online_received": online, "online_full": full, "online_partial": online - full,
                "digitised_dossiers": digitised,
                "digitised_results": int(rng.binomial(resolved, min(0.99, 0.4 + 0.5 * progress))),
                "online_payments": int(rng.binomial(online, 0.3)),
                "documents": documents,
                "signed_documents": int(rng.binomial(documents, min(1.0, 0.8 + 0.2 * q))),
            }
            where = (year, month, month, unit.level, unit.block, PROVINCE, unit.parent,
                     unit.name, unit.code)
            rows += [(*where, key, float(v), np.nan, SOURCE) for key, v in counts.items()]
            for group, top in SERVICE_GROUPS:
                share = np.clip(0.55 + 0.3 * q + 0.12 * progress + rng.normal(0, 0.05), 0, 1)
                rows.append((*where, group.key, float(np.round(top * share, 2)), top, SOURCE))
    return pd.DataFrame(rows, columns=INDICATOR_COLUMNS)


def demo_targets() -> pd.DataFrame:
    """The province's targets (TARGET_COLUMNS): on time ≥ 98 %, digitised ≥ 80 % for
    departments and ≥ 60 % for communes, online ≥ 50 %, service index ≥ 80 points; and a few
    departments' registered PAR goals for 2025."""
    rows = []
    for year in (2024, 2025):
        for level in ("department", "commune"):
            rows += [("on_time_rate", level, year, "", 98.0),
                     ("digitised_rate", level, year, "", 80.0 if level == "department" else 60.0),
                     ("online_rate", level, year, "", 50.0),
                     ("service_index", level, year, "", 80.0)]
    rows += [("par_rank", "department", 2025, "Sở Tư pháp", 5.0),
             ("par_index", "department", 2025, "Sở Tư pháp", 88.0),
             ("par_rank", "department", 2025, "Sở Y tế", 8.0),
             ("par_index", "department", 2025, "Sở Xây dựng", 90.0)]
    return pd.DataFrame(rows, columns=TARGET_COLUMNS)


SERVICE_FILE = "chi_so_phuc_vu_2024_2025_mau.xlsx"
STATISTICS_FILE = "thong_ke_ho_so_mot_cua_2024_2025_mau.xlsx"
_COUNT_HEADERS = {  # how a one-stop system's export names the counts
    "received": "Tổng số", "resolved": "Đã giải quyết", "early": "Trước hạn",
    "on_time": "Đúng hạn", "late": "Trễ hạn", "pending": "Đang giải quyết",
    "online_received": "Tiếp nhận trực tuyến", "online_full": "Toàn trình",
    "online_partial": "Một phần", "digitised_dossiers": "Hồ sơ được số hóa",
    "digitised_results": "Kết quả được số hóa", "online_payments": "Thanh toán trực tuyến",
    "documents": "Văn bản phát hành", "signed_documents": "Văn bản ký số",
}


def _workbook(kind: str, rows: pd.DataFrame) -> bytes:
    """One sheet a month, as the province sends them: a title naming the month, a header, the
    units with their block and district."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    groups = [(g.key, g.name.vi, top) for g, top in SERVICE_GROUPS]
    for (year, month), part in rows.groupby(["year", "month_to"], sort=True):
        sheet = book.create_sheet(f"T{month:02d}-{year}")
        title = ("KẾT QUẢ CHỈ SỐ PHỤC VỤ NGƯỜI DÂN, DOANH NGHIỆP" if kind == "service" else
                 "THỐNG KÊ TÌNH HÌNH GIẢI QUYẾT HỒ SƠ TTHC")
        sheet.append(["UBND TỈNH AN HÒA (DỮ LIỆU MẪU)"])
        sheet.append([f"{title} THÁNG {month} NĂM {year}"])
        sheet.append([])
        if kind == "service":
            keys = [k for k, _, _ in groups]
            sheet.append(["STT", "Đơn vị", "Khối", "Đơn vị cấp huyện",
                          *[f"{name} ({top:g} điểm)" for _, name, top in groups], "Tổng điểm"])
        else:
            keys = list(_COUNT_HEADERS)
            sheet.append(["STT", "Đơn vị", "Khối", "Đơn vị cấp huyện",
                          *[_COUNT_HEADERS[k] for k in keys], "Tỷ lệ đúng hạn"])
        wide = part.pivot_table(index=["level", "block", "parent", "unit"], columns="measure",
                                values="value", sort=False).reset_index()
        for i, r in enumerate(wide.itertuples(index=False), start=1):
            values = [getattr(r, k) for k in keys]
            if kind == "service":
                extra = [float(round_half_up(sum(values), 2))]
            else:
                done = r.resolved
                extra = [float(round_half_up(100 * (r.early + r.on_time) / done, 2))
                         if done else None]
            sheet.append([i, r.unit, r.block, r.parent or None,
                          *[v if kind == "service" else int(v) for v in values], *extra])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@functools.lru_cache(maxsize=1)
def service_workbook() -> bytes:
    """The 24 monthly announcements of the service index in one workbook (a sheet a month)."""
    rows = demo_indicators()
    return _workbook("service", rows[rows["measure"].str.startswith("svc_")])


@functools.lru_cache(maxsize=1)
def statistics_workbook() -> bytes:
    """The 24 monthly one-stop statistics sheets in one workbook (a sheet a month)."""
    rows = demo_indicators()
    return _workbook("counts", rows[~rows["measure"].str.startswith("svc_")])
