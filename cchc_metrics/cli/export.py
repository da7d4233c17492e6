"""`export`: the dashboard's filtered table as XLSX or CSV, for scheduled reports."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cchc_metrics.bands import parse_bands
from cchc_metrics.cli import CommandError, bands_of
from cchc_metrics.contract import LEVELS


def register(sub, add_format) -> None:
    p = sub.add_parser("export", help="xuất bảng xếp hạng / export the ranking table",
                       description="Xuất bảng xếp hạng của dữ liệu đang dùng ra XLSX hoặc CSV. / "
                                   "Export the active data's ranking table as XLSX or CSV.")
    p.add_argument("--db", nargs="?", const="", default="",
                   help="URL cơ sở dữ liệu (mặc định CCHC_DATABASE_URL) / database URL")
    p.add_argument("--year", type=int, help="năm / year")
    p.add_argument("--level", choices=LEVELS, help="cấp / level")
    p.add_argument("--block", help="khối xếp hạng / ranking block")
    p.add_argument("--province", help="tỉnh / province")
    p.add_argument("--parent", help="đơn vị cấp huyện / district")
    p.add_argument("--bands", help='thang xếp loại, vd. "Tốt:80,Khá:60,Kém:0"')
    p.add_argument("--codes", action="store_true",
                   help="thêm mã ĐVHC chính thức và cách xác định / add official codes")
    p.add_argument("--lang", choices=["vi", "en"], default="vi")
    p.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
    p.add_argument("-o", "--output", required=True, help="tệp kết quả / output file")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from cchc_metrics.exports import view_csv, view_xlsx
    from cchc_metrics.metrics import unit_table
    from cchc_metrics.store import StoreError, open_store
    from cchc_metrics.views import View, select

    bands = bands_of(args)
    try:
        with open_store(args.db or None, create=False) as store:
            # the year before too, so a year's rank and index changes are filled
            years = None if args.year is None else [args.year - 1, args.year]
            scores = store.scores(years=years, levels=args.level)
            bands = bands or store.bands(years=args.year, levels=args.level)
            version = store.data_version(args.year, args.level)
            sample = store.is_sample(args.year, args.level)
    except StoreError as exc:
        raise CommandError(str(exc.msg)) from None
    spec = ",".join(f"{label}:{bound:g}" for label, bound in parse_bands(bands))
    view = View(year=args.year, level=args.level, block=args.block,
                province=args.province, parent=args.parent,
                bands=spec, lang=args.lang)
    units = unit_table(scores, bands=spec)
    n_units = len(select(units, view))
    if not n_units:
        raise CommandError("Không có dữ liệu cho bộ lọc này. / No data for these filters.")
    codes = None
    if args.codes:
        from cchc_metrics.places import code_sources

        codes = code_sources(units)
    data = view_xlsx(units, scores, view, version, sample=sample, codes=codes) \
        if args.format == "xlsx" else view_csv(units, view, codes)
    Path(args.output).write_bytes(data)
    sys.stderr.write(wrote(data, args, n_units))
    return 0


def wrote(data: bytes, args: argparse.Namespace, n_units: int) -> str:
    """What was written, in both languages: the path, its size, the units and the sheets."""
    from cchc_metrics.cli.text import size_text
    from cchc_metrics.i18n import t

    sheets = []
    if args.format == "xlsx":
        import io

        from openpyxl import load_workbook

        sheets = load_workbook(io.BytesIO(data), read_only=True).sheetnames
    return "".join(t(f"cli.wrote_{args.format}", lang, path=args.output,
                     size=size_text(len(data), lang), n=n_units, sheets=", ".join(f"«{s}»" for s in sheets)) + "\n"
                   for lang in ("vi", "en"))
