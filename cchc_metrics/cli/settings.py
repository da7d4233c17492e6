"""`settings`: every setting with its value, default and what it is for."""

from __future__ import annotations

import argparse


def register(sub, add_format) -> None:
    p = sub.add_parser("settings", help="các thiết lập và giá trị hiện tại / settings and values",
                       description="In mọi thiết lập (biến môi trường CCHC_…) với giá trị đang "
                                   "dùng, giá trị mặc định và ý nghĩa; thiết lập sai được đánh "
                                   "dấu INVALID và lệnh thoát với mã 2. / Print every setting "
                                   "(CCHC_… environment variables) with its value, default and "
                                   "help; an invalid one is marked INVALID and the exit code is 2.")
    add_format(p)
    p.set_defaults(handler=run, validate_settings=False)


def run(args: argparse.Namespace) -> int:
    import pandas as pd

    from cchc_metrics import settings
    from cchc_metrics.cli.output import print_table

    rows = pd.DataFrame(settings.current())
    if args.format == "text":
        for r in rows.itertuples():
            shown = "—" if r.value is None else r.value
            mark = "" if r.set else " (mặc định / default)"
            print(f"{r.variable} = {shown}{mark}\n    {r.help_vi}\n    {r.help_en}")
    else:
        print_table(rows, args.format)
    return 2 if rows["value"].astype(str).str.startswith("INVALID").any() else 0
