"""A report as a Word document in the format of Nghị định 30/2020/NĐ-CP (python-docx): A4, its
margins, Times New Roman, the issuing body and number, the national motto, place and date,
title, sections, «Nơi nhận» and the signature block."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd

from cchc_metrics.i18n import t
from cchc_metrics.reports.content import Report, numbered
from cchc_metrics.views.screen import number_texts

FONT = "Times New Roman"
BODY_PT = 14  # NĐ 30: 13–14
TABLE_PT = 12
APPENDIX_PT = 11
# NĐ 30, Phụ lục I: top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}


@dataclass
class Letterhead:
    """Who issues the document and who signs it: settings give the defaults, the page and the
    command line each field."""

    parent_body: str = ""  # the body above the issuer: «UBND TỈNH AN HÒA»
    issuing_body: str = ""  # «SỞ NỘI VỤ»
    number: str = ""  # «Số: 125/BC-SNV»; blank: «Số:      /BC-SNV» for the clerk to fill
    place: str = ""  # «An Hòa»
    date: dt.date | None = None  # None: «ngày … tháng … năm …», dated when signed
    signer_title: str = ""  # «GIÁM ĐỐC», «KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC»
    signer_name: str = ""
    recipients: list[str] = field(default_factory=list)

    def __post_init__(self):
        # a title typed on one line (a setting, a text box) breaks where «\n» is written
        self.signer_title = self.signer_title.replace("\\n", "\n")

    @classmethod
    def from_settings(cls, lang: str = "vi") -> Letterhead:
        from cchc_metrics import settings

        province = settings.get("province_name") or ""
        place = province.removeprefix("Tỉnh ").removeprefix("Thành phố ").strip()
        return cls(parent_body=(f"UBND {province}".upper() if province else ""),
                   issuing_body=(settings.get("issuing_body") or "").upper(),
                   place=settings.get("report_place") or place,
                   signer_title=(settings.get("report_signer_title") or "").upper(),
                   signer_name=settings.get("report_signer_name") or "",
                   recipients=t("report_recipients_default", lang).split("\n"))


def initials(body: str) -> str:
    """«Sở Nội vụ» → «SNV», the issuer's part of a document's symbol."""
    return "".join(w[0] for w in body.split() if w and w[0].isalpha()).upper()


def fills(report: Report, head: Letterhead) -> dict[str, str]:
    """What goes in each place of the layout (and each placeholder of a province's template):
    capitals where NĐ 30 writes capitals; lines split by «\\n»."""
    lang = report.lang
    symbol = "BC"  # báo cáo
    return {
        "co_quan_chu_quan": head.parent_body.upper(),
        "co_quan_ban_hanh": head.issuing_body.upper(),
        # an appendix is part of its decision: the decision has the number and the signature
        "so_hieu": "" if report.kind == "appendix" else head.number or t(
            "report_number_blank", lang, symbol=symbol, issuer=initials(head.issuing_body)),
        "quoc_hieu": t("report_nation", lang),
        "tieu_ngu": t("report_motto", lang),
        "dia_danh_ngay": _place_date(head, lang),
        "tieu_de": report.title.upper(),
        "trich_yeu": report.subtitle,
        "noi_nhan": "\n".join(head.recipients or ["- " + t("report_archive", lang)]),
        "chuc_vu_nguoi_ky": head.signer_title.upper(),
        "nguoi_ky": head.signer_name,
    }


def to_docx(report: Report, letterhead: Letterhead, *, images: bool = True,
            progress=None, template: bytes | None = None) -> bytes:
    """The report as .docx bytes: the default layout, or a province's own template
    (reports.template) with the sections poured into its {{p noi_dung}}."""
    from docx import Document

    step = progress or (lambda fraction, text: None)
    if template is not None:
        from cchc_metrics.reports.template import render_template

        data = render_template(template, report, fills(report, letterhead),
                               lambda doc, width: body(doc, report, images=images,
                                                       progress=step, width_cm=width))
    else:
        doc = Document()
        layout(doc, report, fills(report, letterhead),
               lambda: body(doc, report, images=images, progress=step))
        out = io.BytesIO()
        doc.save(out)
        data = out.getvalue()
    step(1.0, t("report_done", report.lang))
    return data


def layout(doc, report: Report, fill: dict[str, str], write_body) -> None:
    """The page (A4, NĐ 30's margins, Times New Roman), the masthead, the title, the body
    (`write_body`) and the signature, with `fill`'s texts (or placeholders: the template)."""
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm, Pt

    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    if report.landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    for side, mm in MARGINS_MM.items():
        setattr(section, f"{side}_margin", Mm(mm))
    style = doc.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(BODY_PT)
    style.element.rPr.rFonts.set(_qn("w:eastAsia"), FONT)  # Word's fallback for Vietnamese
    style.paragraph_format.space_after = Pt(6)
    _masthead(doc, report, fill)
    _title(doc, fill)
    write_body()
    if report.kind != "appendix":  # an appendix is signed with its decision
        _signature(doc, report, fill)


def body(doc, report: Report, *, images: bool = True, progress=None,
         width_cm: float | None = None) -> None:
    """The sample label and the sections: headings, paragraphs, tables, charts — as wide as
    the text (`width_cm`: a province's template's own page)."""
    step = progress or (lambda fraction, text: None)
    width_cm = width_cm or _text_cm(report)
    lang = report.lang
    if report.sample:
        _para(doc, t("report_sample", lang), italic=True, align="center", size=12)
    for i, (heading, part) in enumerate(numbered(report), start=1):
        step(0.1 + 0.8 * i / max(len(report.sections), 1), part.heading)
        _para(doc, heading, bold=True, keep=True)
        for text in part.paragraphs:
            _para(doc, text, indent=True, align="both")
        if part.table is not None and not part.table.empty:
            _table(doc, part.table, APPENDIX_PT if report.kind == "appendix" else TABLE_PT,
                   lang, width_cm)
        if part.caption:
            _para(doc, part.caption, italic=True, size=12)
        if images and part.chart is not None and not part.chart.data.empty:
            from docx.shared import Cm

            from cchc_metrics.reports.images import render

            png = render(part.chart.kind, part.chart.data, lang, part.chart.bands,
                         part.chart.title)
            doc.add_picture(io.BytesIO(png), width=Cm(min(16.0, width_cm)))
            doc.paragraphs[-1].alignment = 1


def _qn(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(tag)


def _para(doc, text: str, *, bold=False, italic=False, underline=False, size=None,
          align=None, indent=False, keep=False, space_after=None, cell=None):
    """A paragraph (in the document, or in a table cell) of one run."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    p = (cell.add_paragraph() if cell is not None else doc.add_paragraph())
    run = p.add_run(text)
    run.bold, run.italic, run.underline = bold, italic, underline
    if size:
        run.font.size = Pt(size)
    if align:
        p.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "both": WD_ALIGN_PARAGRAPH.JUSTIFY,
                       "right": WD_ALIGN_PARAGRAPH.RIGHT}[align]
    if indent:
        p.paragraph_format.first_line_indent = Cm(1)
    if keep:
        p.paragraph_format.keep_with_next = True
    if space_after is not None:
        p.paragraph_format.space_after = Pt(space_after)
    return p


def _grid(doc, widths_cm: list[float]):
    """A borderless table of one row for the masthead and the signature, its columns fixed
    (Word and LibreOffice both keep them)."""
    from docx.shared import Cm

    table = doc.add_table(rows=1, cols=len(widths_cm))
    table.autofit = False
    for column, width in zip(table.columns, widths_cm, strict=True):
        column.width = Cm(width)
    for cell, width in zip(table.rows[0].cells, widths_cm, strict=True):
        cell.width = Cm(width)
        cell.paragraphs[0]._element.getparent().remove(cell.paragraphs[0]._element)
    return table.rows[0].cells


def _masthead(doc, report: Report, fill: dict[str, str]) -> None:
    """Issuer and number on the left; the national motto, place and date on the right."""
    left, right = _grid(doc, [_text_cm(report) - 10.5, 10.5])  # the nation's line: one line
    if fill["co_quan_chu_quan"]:
        _para(doc, fill["co_quan_chu_quan"], size=13, align="center", space_after=0, cell=left)
    _para(doc, fill["co_quan_ban_hanh"] or " ", bold=True, size=13, align="center",
          space_after=2, cell=left)
    if fill["so_hieu"]:
        _para(doc, fill["so_hieu"], size=13, align="center", space_after=0, cell=left)
    _para(doc, fill["quoc_hieu"], bold=True, size=12, align="center", space_after=0, cell=right)
    _para(doc, fill["tieu_ngu"], bold=True, underline=True, size=14, align="center",
          space_after=6, cell=right)
    _para(doc, fill["dia_danh_ngay"], italic=True, size=14, align="center", space_after=0,
          cell=right)


def _text_cm(report: Report) -> float:
    """The text's width between the margins, in centimetres."""
    page = 29.7 if report.landscape else 21.0
    return page - (MARGINS_MM["left"] + MARGINS_MM["right"]) / 10


def _place_date(head: Letterhead, lang: str) -> str:
    place = head.place or "…"
    if head.date is None:
        return t("report_date_blank", lang, place=place)
    # NĐ 30: a 0 before days under 10 and before the months 1 and 2 («ngày 05 tháng 3»)
    month = f"{head.date.month:02d}" if head.date.month <= 2 else str(head.date.month)
    return t("report_date", lang, place=place, d=f"{head.date.day:02d}", m=month,
             y=head.date.year)


def _title(doc, fill: dict[str, str]) -> None:
    _para(doc, "", space_after=0)
    _para(doc, fill["tieu_de"], bold=True, size=14, align="center", space_after=0)
    first, *rest = fill["trich_yeu"].split("\n")  # an appendix: the decision it is attached to
    _para(doc, first, bold=True, size=14, align="center", space_after=0 if rest else 12)
    for line in rest:
        _para(doc, line, italic=True, size=14, align="center", space_after=12)


def _signature(doc, report: Report, fill: dict[str, str]) -> None:
    """«Nơi nhận:» and its list on the left; the signer's title and name on the right."""
    _para(doc, "", space_after=0)
    wide = _text_cm(report)
    left, right = _grid(doc, [wide * 0.45, wide * 0.55])
    _para(doc, t("report_recipients", report.lang), bold=True, italic=True, size=12,
          space_after=0, cell=left)
    for line in fill["noi_nhan"].split("\n"):
        _para(doc, line, size=11, space_after=0, cell=left)
    for line in (fill["chuc_vu_nguoi_ky"] or " ").split("\n"):
        _para(doc, line, bold=True, size=14, align="center", space_after=0, cell=right)
    for _ in range(4):  # room for the signature and the seal
        _para(doc, "", space_after=0, cell=right)
    _para(doc, fill["nguoi_ky"] or " ", bold=True, size=14, align="center", cell=right)


def cell_texts(table: pd.DataFrame, lang: str) -> list[list[str]]:
    """Each column's cells as the document prints them: the language's decimal mark, two
    decimals for points and indices, none for whole numbers, «—» for missing."""
    columns = []
    year = t("col_year", lang)
    for name, column in table.items():
        if name == year:  # 2025, never «2.025»
            columns.append(np.array([str(v) for v in column.tolist()], dtype=object))
        elif pd.api.types.is_float_dtype(column):
            columns.append(number_texts(column.to_numpy(float, na_value=np.nan), 2, lang))
        elif pd.api.types.is_integer_dtype(column):
            values = column.astype("Float64").to_numpy(float, na_value=np.nan)
            columns.append(number_texts(values, 0, lang))
        else:
            columns.append(np.array(["" if v is None or (isinstance(v, float) and v != v)
                                     else str(v) for v in column.tolist()], dtype=object))
    return [list(row) for row in zip(*columns, strict=True)] if columns else []


def _column_twips(table: pd.DataFrame, texts: list[list[str]], total: int,
                  size_pt: int) -> list[int]:
    """Column widths: numbers and short words never wrap (each column at least as wide as its
    longest cell, and its header's longest word); what is left goes to the columns of names,
    in proportion to how long they are (a long name wraps past 28 characters)."""
    char = size_pt * 0.52 * 20  # the average glyph of Times New Roman: about half an em (twips)
    bold = size_pt * 0.68 * 20  # a header's bold capitals are wider: «Hạng» must not split
    pad = 180  # the cell's margins
    sample = texts[:500]
    need, more = [], []
    for i, (header, column) in enumerate(table.items()):
        word = max((len(w) for w in str(header).split()), default=1) * bold
        cells = max((len(line[i]) for line in sample), default=1)
        if pd.api.types.is_numeric_dtype(column) or cells <= 10:
            need.append(max(word, cells * char) + pad)
            more.append(0.0)
        else:
            need.append(max(word, 6 * char) + pad)
            more.append(max(min(cells, 28) * char + pad - need[-1], 0.0))
    spare = total - sum(need)
    if spare <= 0:  # even the numbers do not fit: all shrink alike (and wrap)
        return [int(n * total / sum(need)) for n in need]
    share = sum(more) or 1.0
    widths = [n + spare * (m / share if sum(more) else 1 / len(need)) for n, m in zip(
        need, more, strict=True)]
    return [int(w) for w in widths]


def _table(doc, table: pd.DataFrame, size_pt: int, lang: str, width_cm: float) -> None:
    """The table as one piece of WordprocessingML, built as text and parsed once: python-docx
    adds cells one by one (a national ranking of 10,035 rows would take minutes)."""
    from docx.oxml import parse_xml

    half = size_pt * 2
    numeric = [pd.api.types.is_numeric_dtype(c) for _, c in table.items()]
    run = f'<w:rPr><w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:eastAsia="{FONT}" ' \
          f'w:cs="{FONT}"/><w:sz w:val="{half}"/><w:szCs w:val="{half}"/></w:rPr>'
    bold_run = run.replace("<w:rPr>", "<w:rPr><w:b/>")

    def cell(text: str, right: bool, head: bool = False) -> str:
        jc = '<w:jc w:val="right"/>' if right else '<w:jc w:val="center"/>' if head else ""
        return (f'<w:tc><w:p><w:pPr><w:spacing w:before="20" w:after="20"/>{jc}</w:pPr>'
                f'<w:r>{bold_run if head else run}<w:t xml:space="preserve">{escape(text)}'
                '</w:t></w:r></w:p></w:tc>')

    texts = cell_texts(table, lang)
    rows = ['<w:tr><w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>' +
            "".join(cell(str(c), False, True) for c in table.columns) + "</w:tr>"]
    for line in texts:
        rows.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>" + "".join(
            cell(v, n) for v, n in zip(line, numeric, strict=True)) + "</w:tr>")
    twips = _column_twips(table, texts, int(width_cm * 567), size_pt)
    border = "".join(f'<w:{b} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                     for b in ("top", "left", "bottom", "right", "insideH", "insideV"))
    xml = ('<w:tbl xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
           f'<w:tblPr><w:tblW w:w="{sum(twips)}" w:type="dxa"/><w:tblBorders>{border}'
           '</w:tblBorders><w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="60" '
           'w:type="dxa"/><w:right w:w="60" w:type="dxa"/></w:tblCellMar></w:tblPr><w:tblGrid>' +
           "".join(f'<w:gridCol w:w="{w}"/>' for w in twips) + "</w:tblGrid>" + "".join(rows) +
           "</w:tbl>")
    body = doc.element.body
    body.insert(len(body) - 1, parse_xml(xml))  # before the section's properties
    doc.add_paragraph().paragraph_format.space_after = 0
