"""`report`: the documents of the «Báo cáo» page (block, unit, appendix) as .docx, for
scheduled runs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cchc_metrics.cli import CommandError, bands_of
from cchc_metrics.contract import LEVELS


def register(sub, add_format) -> None:
    p = sub.add_parser("report", help="soạn báo cáo Word / draft a Word report",
                       description="Soạn báo cáo (của khối, của đơn vị) hoặc phụ lục quyết định "
                                   "từ dữ liệu đang dùng, theo thể thức NĐ 30/2020. / Draft a "
                                   "block or unit report, or a decision's appendix, as .docx.")
    p.add_argument("--db", nargs="?", const="", default="",
                   help="URL cơ sở dữ liệu (mặc định CCHC_DATABASE_URL) / database URL")
    p.add_argument("--year", type=int, required=True, help="năm / year")
    p.add_argument("--level", choices=LEVELS, required=True, help="cấp / level")
    p.add_argument("--block", help="khối xếp hạng / ranking block")
    p.add_argument("--unit", help="đơn vị (--kind unit) / the unit")
    p.add_argument("--kind", choices=["block", "unit", "appendix"], default="block")
    p.add_argument("--bands", help='thang xếp loại, vd. "Tốt:80,Khá:60,Kém:0"')
    p.add_argument("--issuer", help="cơ quan ban hành / issuing body (CCHC_ISSUING_BODY)")
    p.add_argument("--signer", help="người ký / signer's name (CCHC_REPORT_SIGNER_NAME)")
    p.add_argument("--template", help="mẫu Word của tỉnh (.docx; mặc định: mẫu đã lưu) / "
                                      "the province's Word template (default: the stored one)")
    p.add_argument("--lang", choices=["vi", "en"], default="vi")
    p.add_argument("-o", "--output", required=True, help="tệp .docx / output file")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from cchc_metrics import reports
    from cchc_metrics.bands import parse_bands
    from cchc_metrics.cli.text import size_text
    from cchc_metrics.i18n import t
    from cchc_metrics.indicators import prepared
    from cchc_metrics.metrics import unit_table
    from cchc_metrics.store import StoreError, open_store
    from cchc_metrics.views import View, select

    bands = bands_of(args)
    if args.kind == "unit" and not args.unit:
        raise CommandError(f"{t('report_unit_needed', 'vi')} / {t('report_unit_needed', 'en')}")
    try:
        with open_store(args.db or None, create=False) as store:
            scores = store.scores(levels=args.level)
            bands = bands or store.bands(years=args.year, levels=args.level)
            sample = store.is_sample(args.year, args.level)
            lineage = store.lineage.rows()
            criteria = store.criteria.rows()
            indicators = prepared(store.indicators.rows())
            targets = store.targets.rows()
            template = store.report_template()
    except StoreError as exc:
        raise CommandError(str(exc.msg)) from None
    spec = ",".join(f"{label}:{bound:g}" for label, bound in parse_bands(bands))
    view = View(year=args.year, level=args.level, block=args.block, bands=spec, lang=args.lang)
    units = unit_table(scores, bands=spec)
    if select(units, view).empty:
        raise CommandError("Không có dữ liệu cho bộ lọc này. / No data for these filters.")
    try:
        report = reports.build(args.kind, units, scores, view, unit=args.unit, lineage=lineage,
                               criteria=criteria, indicators=indicators, targets=targets,
                               sample=sample)
    except LookupError:
        raise CommandError(f"Không thấy đơn vị «{args.unit or ''}» ở cấp này (--unit). / "
                           f"No unit «{args.unit or ''}» at this level (--unit).") from None
    head = reports.Letterhead.from_settings(args.lang)
    if args.issuer:
        head.issuing_body = args.issuer.upper()
    if args.signer:
        head.signer_name = args.signer
    if args.template:  # checked like an upload: it is a file from outside
        from cchc_metrics.reports.template import check_template

        template = (args.template, check_template(Path(args.template), args.template))
    data = reports.to_docx(report, head, template=template[1] if template else None)
    Path(args.output).write_bytes(data)
    sys.stderr.write("".join(t("cli.wrote_docx", lang, path=args.output,
                               size=size_text(len(data), lang), n=len(report.sections)) + "\n"
                             for lang in ("vi", "en")))
    return 0
