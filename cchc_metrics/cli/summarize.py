"""`summarize FILE`: the unit table of a score file, as the province would publish it."""

from __future__ import annotations

import argparse
import gc

from cchc_metrics.cli import CommandError, add_db_option, bands_of
from cchc_metrics.contract import LEVELS

SUMMARY_COLUMNS = [
    "year", "level", "block", "parent", "unit", "unit_code", "points", "max_points", "index_pct",
    "rank", "n_ranked", "band", "prev_index_pct", "delta_pct", "prev_rank", "rank_change",
]


def summary_frame(units, codes: bool = False):
    """The columns `summarize` prints, sorted as published (year, block, rank); with `codes`,
    each unit's official code and how it was found (places.code_sources: printed in the file,
    exact, ambiguous, unknown; none for departments). Asked for: the lookup adds about 0.5 s
    to a national file's 1.1 s."""
    if not codes:
        return units[SUMMARY_COLUMNS].sort_values(["year", "block", "rank", "unit"],
                                                  kind="stable")
    from cchc_metrics.places import code_sources

    keys = ["year", "level", "province", "parent", "unit", "unit_code"]
    codes = code_sources(units)[[*keys, "code", "code_source"]]
    frame = units[[*SUMMARY_COLUMNS, "province"]].merge(codes, on=keys, how="left") \
        .drop(columns="province")
    return frame.sort_values(["year", "block", "rank", "unit"], kind="stable")


def summary_text(frame, lang: str):
    """What people read at a terminal: the dashboard's ranking table, its narrower columns."""
    from cchc_metrics.i18n import t
    from cchc_metrics.views import View, ranking_table

    table = ranking_table(frame, View(lang=lang), history=False)
    keep = ["col_year", "col_block", "col_rank", "col_unit", "col_index", "col_band",
            "col_rank_change", "col_delta"]
    return table[[t(k, lang) for k in keep if t(k, lang) in table]].rename(
        columns={t("col_delta", lang): t("cli.col_delta", lang)})


def register(sub, add_format) -> None:
    p = sub.add_parser("summarize", help="bảng xếp hạng của một tệp / unit table of a file",
                       description="In bảng chỉ số, xếp hạng, thay đổi so với năm trước. / "
                                   "Print index, rank and year-on-year change per unit.")
    p.add_argument("file", nargs="?", help="tệp .xlsx/.xlsm/.xls/.ods/.csv")
    p.add_argument("--year", type=int, help="năm đánh giá nếu tệp không ghi / assessment year")
    p.add_argument("--level", choices=LEVELS, help="cấp đơn vị / unit level")
    p.add_argument("--sheet", help="chỉ đọc trang tính này / read only this sheet")
    p.add_argument("--codes", action="store_true",
                   help="thêm mã ĐVHC chính thức và cách xác định / add official codes and how "
                        "they were found")
    p.add_argument("--bands", help='thang xếp loại, vd. "Tốt:80,Khá:60,Kém:0" hoặc tên có sẵn')
    add_db_option(p)
    add_format(p)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    # One file read and printed by a short process: the cyclic collector, run again and again
    # while the sheet becomes some 300,000 Python objects, only costs time (bench/RESULTS.md).
    gc.disable()
    try:
        return summarize(args)
    finally:
        gc.enable()


def summarize(args: argparse.Namespace) -> int:
    from cchc_metrics.cli.output import print_problems, print_table
    from cchc_metrics.ingest.reader import read_workbook
    from cchc_metrics.metrics import unit_table

    bands = bands_of(args)
    if args.db is not None:
        if args.file:
            raise CommandError("Chọn tệp hoặc --db, không cả hai. / Give FILE or --db, not both.")
        from cchc_metrics.cli.store import store_units

        units = store_units(args.db, year=args.year, level=args.level, bands=bands)
        print_table(summary_frame(units, args.codes), args.format, lang=args.lang, people=summary_text)
        return 0
    if not args.file:
        raise CommandError("Thiếu tên tệp (hoặc --db). / Missing FILE (or --db).")
    result = read_workbook(args.file, year=args.year, level=args.level, sheet=args.sheet,
                           bands=bands)
    print_problems(result.warnings, args.format)
    print_table(summary_frame(unit_table(result.scores, bands=bands or result.bands), args.codes),
                args.format,
                lang=args.lang, people=summary_text)
    return 0
