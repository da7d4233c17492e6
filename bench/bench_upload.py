"""Peak memory of the largest upload the default limits allow: read, preview, import.

A province's long CSV (one row per commune × field, the demo's «xa_2025.csv» layout) with as
many rows as CCHC_MAX_ROWS lets through, read by the upload page's reader, previewed (unit
table with last year's ranks) and stored in a fresh SQLite store, in a fresh interpreter;
VmHWM after each stage. Recorded in bench/RESULTS.md; not a timed test.

    python -m bench.bench_upload [--rows N]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
HEADER = ["Tỉnh", "Năm", "Khối xếp hạng", "Đơn vị cấp huyện", "Tên đơn vị", "Mã ĐVHC",
          "Lĩnh vực", "Điểm tối đa", "Điểm tự đánh giá", "Điểm thẩm định"]


def province_csv(rows: int, seed: int = 2025) -> bytes:
    """A long CSV of `rows` lines: communes × the eight fields and the survey, two years."""
    from cchc_metrics.fields import FIELDS

    fields = [name for name, _, _ in FIELDS][:9]
    maxima = [8, 6, 21, 5, 8, 8, 7, 7, 30][:len(fields)]
    rng = np.random.default_rng(seed)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    per_unit = len(fields)
    units = rows // per_unit
    years = (2024, 2025)
    for u in range(units):
        year = years[u % 2]
        district = f"Huyện Số {u // 2 // 300 + 1}"
        name, code = f"Xã Thử Nghiệm {u // 2 + 1}", f"{10000 + u // 2}"
        for field, most in zip(fields, maxima, strict=True):
            got = round(float(rng.uniform(0.5, 1.0)) * most * 4) / 4
            writer.writerow(["Tỉnh Thử Nghiệm", year, district, district, name, code, field,
                             most, str(got).replace(".", ","), str(got).replace(".", ",")])
    return out.getvalue().encode("utf-8-sig")


def vm_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def child(path: str) -> None:
    """Inside a fresh interpreter: what the upload page does with the file, stage by stage."""
    from cchc_metrics import views
    from cchc_metrics.ingest.reader import read_workbook
    from cchc_metrics.store import Store

    raw = Path(path).read_bytes()
    marks = {"start_mb": vm_kb("VmHWM") / 1024}
    t0 = time.perf_counter()
    result = read_workbook(raw, name="tinh_thu_nghiem.csv")
    marks["read_mb"], marks["read_s"] = vm_kb("VmHWM") / 1024, time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp, Store(f"sqlite:///{tmp}/s.sqlite") as store:
        t0 = time.perf_counter()
        preview = views.preview_units(result.scores, store.scores())
        marks["preview_mb"], marks["preview_s"] = vm_kb("VmHWM") / 1024, time.perf_counter() - t0
        t0 = time.perf_counter()
        store.import_scores(result.scores, file_name="tinh_thu_nghiem.csv", file_bytes=raw,
                            user=store.accounts.system_actor("bench"), note="bench")
        marks["import_mb"], marks["import_s"] = vm_kb("VmHWM") / 1024, time.perf_counter() - t0
    marks["rows"], marks["units"] = len(result.scores), len(preview)
    print(json.dumps(marks))


def main() -> None:
    from cchc_metrics import settings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=settings.get("max_rows") - 1)  # + header
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    data = province_csv(args.rows)
    with tempfile.NamedTemporaryFile(suffix=".csv", delete=False) as f:
        f.write(data)
    proc = subprocess.run([sys.executable, "-m", "bench.bench_upload", "--child", f.name],
                          capture_output=True, text=True, cwd=ROOT, check=False)
    Path(f.name).unlink()
    if proc.returncode:
        sys.exit(proc.stderr[-3000:])
    marks = json.loads(proc.stdout.strip().splitlines()[-1])
    print(f"file: {len(data) / 1e6:.1f} MB, {args.rows:,} lines (limit "
          f"{settings.get('max_rows'):,} rows, {settings.get('max_file_mb')} MB)")
    print(json.dumps(marks, indent=1))


if __name__ == "__main__":
    main()
