"""`lineage`: the mergers the store knows (who was formed from whom, from when); import one."""

from __future__ import annotations

import argparse

from cchc_metrics.cli import add_db_option
from cchc_metrics.cli.store import cli_actor, handled, open_from_args


def register(sub, add_format) -> None:
    p = sub.add_parser("lineage", help="bảng đối chiếu đơn vị sau sắp xếp / unit lineage",
                       description="In bảng đối chiếu đang dùng (đơn vị mới, đơn vị cũ, từ ngày, "
                                   "nguồn, dân số), hoặc nhập một bảng «Đơn vị mới | Đơn vị cũ | Từ ngày». "
                                   "/ Print the active lineage (successor, predecessor, from, "
                                   "source, population), or import a crosswalk sheet.")
    p.add_argument("--unit", help="chỉ đơn vị này (mới hoặc cũ) / only this unit (new or old)")
    p.add_argument("--import", dest="file", metavar="FILE",
                   help="nhập bảng đối chiếu này / import this crosswalk")
    p.add_argument("--from-package", action="store_true",
                   help="lập bảng đối chiếu xã, phường từ danh mục chuyển đổi 01/7/2025 của gói "
                        "vietnamadminunits cho các xã đã có trong CSDL / build the communes' "
                        "lineage from the package's 1 July 2025 conversion")
    p.add_argument("--note", default="", help="ghi chú khi nhập / note for the import")
    p.add_argument("--user", help="người nhập ghi vào nhật ký / who is audited")
    add_db_option(p)
    add_format(p)
    p.set_defaults(handler=run)


def lineage_text(frame, lang: str):
    """What people read: the catalog's headers, levels in words, dates as the language writes."""
    import pandas as pd

    from cchc_metrics.i18n import level_label, number, t

    return frame.assign(
        level=[level_label(v, lang) for v in frame["level"]],
        effective=[d.strftime("%d/%m/%Y") for d in frame["effective"]],
        population=["—" if pd.isna(v) else number(v, 0, lang) for v in frame["population"]],
    ).rename(columns={"level": t("level", lang), "successor": t("col_successor", lang),
                      "successor_code": t("col_code", lang),
                      "predecessor_code": t("col_code", lang) + " ",
                      "predecessor": t("col_predecessor", lang),
                      "effective": t("col_effective", lang), "source": t("col_source", lang),
                      "population": t("col_population", lang)})


@handled
def run(args: argparse.Namespace) -> int:
    import sys

    from cchc_metrics.cli.output import print_table
    from cchc_metrics.places.registry import name_key

    if args.from_package:
        from cchc_metrics.metrics import unit_table
        from cchc_metrics.places import package_lineage

        with open_from_args(args) as store:
            frame = package_lineage(unit_table(store.scores()))
            if frame.empty:
                sys.stderr.write("Không xã nào của CSDL có trong danh mục chuyển đổi; không nhập gì."
                                 "\nNo commune of the store is in the package's conversion; "
                                 "nothing imported.\n")
                return 0
            data = frame.to_csv(index=False).encode("utf-8")
            set_id = store.lineage.import_crosswalk(
                frame, file_name="vietnamadminunits-2025-07-01.csv", file_bytes=data,
                user=cli_actor(store, args), note=args.note or "vietnamadminunits")
        sys.stderr.write(f"Đã nhập bảng đối chiếu #{set_id} từ danh mục chuyển đổi: "
                         f"{len(frame)} xã.\nImported crosswalk #{set_id} from the package's "
                         f"conversion: {len(frame)} communes.\n")
        return 0
    if args.file:
        from pathlib import Path

        from cchc_metrics.ingest.crosswalk import read_crosswalk

        data = Path(args.file).read_bytes()
        frame = read_crosswalk(data, name=Path(args.file).name)
        with open_from_args(args, create=True) as store:
            set_id = store.lineage.import_crosswalk(frame, file_name=Path(args.file).name,
                                                    file_bytes=data, user=cli_actor(store, args),
                                                    note=args.note)
        sys.stderr.write(f"Đã nhập bảng đối chiếu #{set_id}: {len(frame)} dòng.\n"
                         f"Imported crosswalk #{set_id}: {len(frame)} rows.\n")
        return 0
    with open_from_args(args) as store:
        rows = store.lineage.rows()
        if not rows.empty:  # each side's official code, in the list of its time
            from cchc_metrics.metrics import unit_table
            from cchc_metrics.places import lineage_codes

            rows = lineage_codes(rows, unit_table(store.scores()))[
                ["level", "successor", "successor_code", "predecessor", "predecessor_code",
                 "effective", "source", "population"]]
    if args.unit:
        key = name_key(args.unit)
        rows = rows[(rows["successor"].map(name_key) == key) |
                    (rows["predecessor"].map(name_key) == key)]
    rows = rows.sort_values(["level", "successor", "predecessor"], ignore_index=True)
    print_table(rows, args.format, lang=args.lang, people=lineage_text)
    return 0
