"""XLSX bytes of the very table a page shows: title block, formats, bands, print set-up."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd

from cchc_metrics.exports.cells import exportable

# Okabe-Ito based pale fills, best band first; a band is also always written as text.
BAND_FILLS = ["D4EDDA", "DCEBF7", "FFF3CD", "F8D7DA", "E2E3E5", "EADCF2"]


@dataclass
class XlsxExport:
    """What goes into an exported workbook: one table per sheet, and the title block's lines."""

    sheets: dict[str, pd.DataFrame]
    title: str
    lines: list[str] = field(default_factory=list)  # filters, data version, export time
    band_column: str | None = None
    band_labels: list[str] = field(default_factory=list)


def sheet_name(name: str, taken: set[str]) -> str:
    """An Excel-legal, unique sheet name (≤ 31 characters, no []:*?/\\)."""
    clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in str(name)).strip("'") or "Sheet"
    clean = clean[:31]
    base, n = clean, 2
    while clean in taken:
        suffix = f" ({n})"
        clean = base[:31 - len(suffix)] + suffix
        n += 1
    taken.add(clean)
    return clean


def to_xlsx_bytes(export: XlsxExport) -> bytes:
    """A formatted workbook: title block, frozen header, two decimals, band colours, widths.

    openpyxl writes each sheet down to its header; the rows are written column-wise by
    `sheetdata` (a national table of 10,000+ rows and its 80,000-row detail in about a second).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from cchc_metrics.exports.sheetdata import Rows, fill_rows, sample_row

    wb = Workbook(write_only=True)
    taken: set[str] = set()
    fills = [PatternFill("solid", fgColor=BAND_FILLS[i % len(BAND_FILLS)])
             for i in range(len(export.band_labels))]
    bold, header_fill = Font(bold=True), PatternFill("solid", fgColor="E8EEF4")
    wrap = Alignment(wrap_text=True, vertical="center")
    pending: list[tuple[object, Rows]] = []
    for name, table in export.sheets.items():
        table = exportable(table)
        ws = wb.create_sheet(sheet_name(name, taken))
        for i, column in enumerate(table.columns, 1):
            longest = max([len(str(column))] + [len(f"{v:.2f}" if isinstance(v, float) else str(v))
                                                 for v in table[column].head(500)])
            ws.column_dimensions[get_column_letter(i)].width = min(max(8, longest + 2), 60)
        header_row = len(export.lines) + 3
        ws.freeze_panes = f"A{header_row + 1}"
        title = text_cell(ws, export.title)
        title.font = Font(bold=True, size=13)
        ws.append([title])
        for line in export.lines:
            ws.append([text_cell(ws, line)])
        ws.append([])
        header = []
        for column in table.columns:
            cell = text_cell(ws, str(column))
            cell.font, cell.fill, cell.alignment = bold, header_fill, wrap
            header.append(cell)
        ws.append(header)
        ws.append(sample_row(ws, fills))  # replaced by the table's rows, styled alike
        pending.append((ws, Rows(table, header_row + 1, export.band_column, export.band_labels)))
    buf = io.BytesIO()
    wb.save(buf)
    return fill_rows(buf.getvalue(), {ws.path.lstrip("/"): rows for ws, rows in pending})


def text_cell(ws, text: str):
    """A cell that is text whatever it starts with: "=HYPERLINK(…)" from an upload never runs."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    # a search typed with a control character must not make the export fail
    cell = WriteOnlyCell(ws, value=ILLEGAL_CHARACTERS_RE.sub("", str(text))[:32767])
    cell.data_type = "s"
    return cell


def export_lines(view, version: str | None, lang: str, now: datetime | None = None) -> list[str]:
    """The title block: filters, data version and export time, in the language shown."""
    from cchc_metrics.i18n import level_label, t

    now = now or datetime.now()
    parts = [f"{t('year', lang)}: {view.year or t('all', lang)}",
             f"{t('level', lang)}: {level_label(view.level, lang) if view.level else t('all', lang)}",
             f"{t('block', lang)}: {view.block or t('all', lang)}"]
    if view.province:
        parts.append(f"{t('province', lang)}: {view.province}")
    if view.parent:
        parts.append(f"{t('parent', lang)}: {view.parent}")
    if view.search:
        parts.append(f"{t('search', lang)}: «{view.search}»")
    lines = [" · ".join(parts)]
    if version:
        lines.append(t("export_version", lang, version=version))
    lines.append(t("export_time", lang, when=now.strftime(t("time_format", lang))))
    return lines


def view_xlsx(units: pd.DataFrame, scores: pd.DataFrame, view, version: str | None = None,
              now: datetime | None = None) -> bytes:
    """The filtered ranking as a workbook: a sheet per block, the per-field detail, a title block."""
    from cchc_metrics.bands import parse_bands
    from cchc_metrics.i18n import t
    from cchc_metrics.views import export_sheets

    title = (t("export_title_year", view.lang, year=view.year) if view.year
             else t("export_title", view.lang))
    return to_xlsx_bytes(XlsxExport(
        sheets=export_sheets(units, scores, view), title=title,
        lines=export_lines(view, version, view.lang, now),
        band_column=t("col_band", view.lang),
        band_labels=[label for label, _ in parse_bands(view.bands)]))


def file_stem(view) -> str:
    """A download name that says what is in it: chi-so-cchc-2024-district."""
    parts = ["chi-so-cchc", str(view.year or "tat-ca-nam"), view.level or "tat-ca-cap"]
    return "-".join(parts)


def table_xlsx(table: pd.DataFrame, view, title: str, version: str | None = None,
               now: datetime | None = None) -> bytes:
    """Any one table a page shows (trends, fields) as a formatted single-sheet workbook."""
    return to_xlsx_bytes(XlsxExport(sheets={title[:31]: table}, title=title,
                                    lines=export_lines(view, version, view.lang, now)))
