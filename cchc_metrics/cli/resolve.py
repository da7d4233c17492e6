"""`resolve FILE`: each unit of a score file with the official code it resolves to, and how."""

from __future__ import annotations

import argparse

from cchc_metrics.cli import CommandError
from cchc_metrics.contract import LEVELS


def register(sub, add_format) -> None:
    p = sub.add_parser("resolve", help="mã đơn vị hành chính của từng đơn vị / official unit codes",
                       description="In mỗi đơn vị của tệp điểm với mã ĐVHC chính thức: lấy từ tệp, "
                                   "tìm thấy đúng một, nhiều ứng viên, hoặc không tìm thấy. / Print "
                                   "each unit of a score file with its official code and how it "
                                   "was found (file, exact, ambiguous with candidates, unknown).")
    p.add_argument("file", help="tệp .xlsx/.xlsm/.xls/.ods/.csv")
    p.add_argument("--year", type=int, help="năm đánh giá nếu tệp không ghi / assessment year")
    p.add_argument("--level", choices=LEVELS, help="cấp đơn vị / unit level")
    p.add_argument("--sheet", help="chỉ đọc trang tính này / read only this sheet")
    add_format(p)
    p.set_defaults(handler=run)


def resolve_text(frame, lang: str):
    """What people read: the catalog's headers, how in words, candidates listed."""
    from cchc_metrics.i18n import level_label, t

    keep = ["year", "level", "parent", "unit", "code", "code_source", "candidates"]
    keep = [c for c in keep if c not in ("parent", "candidates") or
            frame[c].fillna("").astype(str).str.strip().ne("").any()]  # no empty column
    return frame.assign(
        level=[level_label(v, lang) for v in frame["level"]],
        code_source=[t(f"code_{v}", lang) if v else "—" for v in frame["code_source"]],
    )[keep].rename(columns={
        "year": t("year", lang), "level": t("level", lang), "parent": t("parent", lang),
        "unit": t("col_unit", lang), "code": t("col_code", lang),
        "code_source": t("col_code_source", lang), "candidates": t("col_candidates", lang)})


def run(args: argparse.Namespace) -> int:
    from cchc_metrics.cli.output import print_problems, print_table
    from cchc_metrics.ingest.reader import read_workbook
    from cchc_metrics.places import resolve_units

    if not args.file:
        raise CommandError("Thiếu tên tệp. / Missing FILE.")
    result = read_workbook(args.file, year=args.year, level=args.level, sheet=args.sheet)
    print_problems(result.warnings, args.format)
    print_table(resolve_units(result.scores), args.format, lang=args.lang, people=resolve_text)
    return 0
