"""XLSX bytes of the very table a page shows: title block, formats, bands, print set-up."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd

from cchc_metrics.exports.cells import exportable

# Okabe-Ito based pale fills, best band first; a band is also always written as text.
BAND_FILLS = ["D4EDDA", "DCEBF7", "FFF3CD", "F8D7DA", "E2E3E5", "EADCF2"]
# A rank change is a number (positive = moved up) that reads as the screen's arrows.
RANK_CHANGE_FORMAT = '"▲ "0;"▼ "0;"="'
# A download's name says the level in Vietnamese, as the level labels do.
LEVEL_SLUGS = {"ministry": "bo-nganh", "province": "tinh-thanh-pho",
               "department": "so-ban-nganh", "district": "cap-huyen", "commune": "cap-xa"}


@dataclass
class XlsxExport:
    """What goes into an exported workbook: one table per sheet, and the title block's lines."""

    sheets: dict[str, pd.DataFrame]
    title: str
    lines: list[str] = field(default_factory=list)  # filters, data version, export time
    band_column: str | None = None
    band_labels: list[str] = field(default_factory=list)
    formats: dict[str, str] = field(default_factory=dict)  # column → its own number format


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
    """A formatted workbook: title block, frozen header, two decimals, band colours, widths,
    and print set-up (A4 landscape, one page wide, the header on every page).

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
        print_setup(ws, header_row)
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
        ws.append(sample_row(ws, fills, list(export.formats.values())))  # becomes the rows
        pending.append((ws, Rows(table, header_row + 1, export.band_column, export.band_labels,
                                 export.formats)))
    buf = io.BytesIO()
    wb.save(buf)
    return fill_rows(buf.getvalue(), {ws.path.lstrip("/"): rows for ws, rows in pending})


def print_setup(ws, header_row: int) -> None:
    """Printed as an office files it: A4 landscape, one page wide, the header on every page."""
    from openpyxl.worksheet.properties import PageSetupProperties
    from openpyxl.worksheet.worksheet import Worksheet

    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0  # as many pages down as needed
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = f"{header_row}:{header_row}"


def text_cell(ws, text: str):
    """A cell that is text whatever it starts with: "=HYPERLINK(…)" from an upload never runs."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    # a search typed with a control character must not make the export fail
    cell = WriteOnlyCell(ws, value=ILLEGAL_CHARACTERS_RE.sub("", str(text))[:32767])
    cell.data_type = "s"
    return cell


def export_lines(view, version: str | None, lang: str, now: datetime | None = None, *,
                 sample: bool = False, provinces=()) -> list[str]:
    """The title block under the title: who issues it, what the data is, its version, the
    filters and the export time on Vietnam's clock (a naive `now` is UTC)."""
    from cchc_metrics.clock import vietnam_time
    from cchc_metrics.i18n import level_label, t

    parts = [f"{t('year', lang)}: {view.year or t('all', lang)}",
             f"{t('level', lang)}: {level_label(view.level, lang) if view.level else t('all', lang)}",
             f"{t('block', lang)}: {view.block or t('all', lang)}"]
    if view.province:
        parts.append(f"{t('province', lang)}: {view.province}")
    if view.parent:
        parts.append(f"{t('parent', lang)}: {view.parent}")
    if view.search:
        parts.append(f"{t('search', lang)}: «{view.search}»")
    issuer = issuer_line(view.province or None, provinces, lang)
    lines = [issuer] if issuer else []
    lines.append(t("sample_data" if sample else "export_data_imported", lang))
    if version:
        lines.append(t("export_version", lang, version=version))
    lines.append(" · ".join(parts))
    when = vietnam_time(now)
    lines.append(t("export_time_vn", lang, time=when.strftime("%H:%M"),
                   date=when.strftime(t("date_format", lang))))
    return lines


def issuer_line(chosen: str | None, provinces, lang: str) -> str:
    """The issuing body and the province (the settings', else the view's or the data's)."""
    from cchc_metrics import settings
    from cchc_metrics.i18n import t

    names = sorted({str(p) for p in provinces if pd.notna(p) and str(p).strip()})
    province = settings.get("province_name") or chosen or (
        names[0] if len(names) == 1 else t("export_provinces", lang, n=len(names)) if names
        else None)
    return " · ".join(p for p in (settings.get("issuing_body"), province) if p)


def data_provinces(units: pd.DataFrame, view) -> list[str]:
    """The provinces of the units an export holds."""
    from cchc_metrics.views import select

    rows = select(units, view)
    return rows["province"].dropna().unique().tolist() if "province" in rows else []


def view_xlsx(units: pd.DataFrame, scores: pd.DataFrame, view, version: str | None = None,
              now: datetime | None = None, *, sample: bool = False,
              codes: pd.DataFrame | None = None, criteria: pd.DataFrame | None = None) -> bytes:
    """The filtered ranking as a workbook: a sheet per block, the per-field detail, the criterion
    detail (with `criteria`), a title block.

    `sample` says the data is the demo province's, and the title block says so.
    """
    from cchc_metrics.bands import parse_bands
    from cchc_metrics.i18n import band_label, t
    from cchc_metrics.views import export_sheets

    title = (t("export_title_year", view.lang, year=view.year) if view.year
             else t("export_title", view.lang))
    return to_xlsx_bytes(XlsxExport(
        sheets=export_sheets(units, scores, view, codes, criteria), title=title,
        lines=export_lines(view, version, view.lang, now, sample=sample,
                           provinces=data_provinces(units, view)),
        band_column=t("col_band", view.lang),
        band_labels=[band_label(label, view.lang) for label, _ in parse_bands(view.bands)],
        formats={t("col_rank_change", view.lang): RANK_CHANGE_FORMAT}))


def file_stem(view) -> str:
    """A download name that says what is in it, in Vietnamese: chi-so-cchc-2024-cap-huyen."""
    level = LEVEL_SLUGS.get(view.level, view.level) if view.level else "tat-ca-cap"
    return "-".join(["chi-so-cchc", str(view.year or "tat-ca-nam"), level])


def table_xlsx(table: pd.DataFrame, view, title: str, version: str | None = None,
               now: datetime | None = None, *, sample: bool = False, provinces=()) -> bytes:
    """Any one table a page shows (trends, fields) as a formatted single-sheet workbook."""
    return to_xlsx_bytes(XlsxExport(sheets={title[:31]: table}, title=title,
                                    lines=export_lines(view, version, view.lang, now,
                                                       sample=sample, provinces=provinces)))
