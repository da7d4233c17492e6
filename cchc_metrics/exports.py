"""The tables people take away: the very table the page shows, as formatted XLSX or CSV bytes."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import pandas as pd
from pandas.io.formats.style import Styler

# Text that a spreadsheet would run as a formula (CSV/formula injection).
DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Okabe-Ito based pale fills, best band first; a band is also always written as text.
BAND_FILLS = ["D4EDDA", "DCEBF7", "FFF3CD", "F8D7DA", "E2E3E5", "EADCF2"]


def number_columns(table: pd.DataFrame) -> list[str]:
    """Float columns (points, maxima, indices, changes) that show two decimals."""
    return [c for c in table.columns if pd.api.types.is_float_dtype(table[c])]


def styled(table: pd.DataFrame, lang: str = "vi") -> Styler:
    """The table with two decimals, decimal comma in Vietnamese, "—" for missing values."""
    decimal, thousands = (",", ".") if lang == "vi" else (".", ",")
    return table.style.format(subset=number_columns(table), precision=2, decimal=decimal,
                              thousands=thousands, na_rep="—")


def neutralise(value):
    """A text cell that would start a formula gets a leading apostrophe; numbers are untouched."""
    if isinstance(value, str) and value.startswith(DANGEROUS_PREFIXES):
        return "'" + value
    return value


def exportable(table: pd.DataFrame) -> pd.DataFrame:
    """Drop columns that only make sense on screen (sparkline lists)."""
    keep = [c for c in table.columns if table[c].dtype != object
            or not any(isinstance(v, list | tuple) for v in table[c])]
    return table[keep]


def to_csv_bytes(table: pd.DataFrame, lang: str = "vi") -> bytes:
    """UTF-8 with BOM (Excel then reads Vietnamese correctly); ";" and decimal comma in Vietnamese.

    Written a column at a time: pandas' writer took 0.3 s for the 10,000-row national table.
    """
    table = exportable(table)
    sep, decimal = (";", ",") if lang == "vi" else (",", ".")
    special = re.compile(f'[{re.escape(sep)}"\r\n]').search  # quoted as the csv module does

    def quoted(texts: list[str]) -> list[str]:
        return [('"' + v.replace('"', '""') + '"') if special(v) else v for v in texts]

    header = tuple(quoted([str(c) for c in table.columns]))
    columns = [csv_texts(column, decimal, quoted) for _, column in table.items()]
    rows = [header, *zip(*columns, strict=True)]
    lines = [sep.join(row) if row != ("",) else '""' for row in rows]  # as csv writes one ""
    return ("\ufeff" + "\r\n".join([*lines, ""])).encode("utf-8")


def csv_texts(column: pd.Series, decimal: str, quoted) -> list[str]:
    """A column as CSV fields: two decimals, "" when missing, formula-like text neutralised."""
    if pd.api.types.is_float_dtype(column):
        values = column.to_numpy(float, na_value=np.nan).tolist()
        texts = ["" if v != v else f"{v:.2f}" for v in values]
        return texts if decimal == "." else [t.replace(".", decimal) for t in texts]
    if isinstance(column.dtype, pd.StringDtype):
        values = column.fillna("").tolist()
        return quoted(["'" + v if v.startswith(DANGEROUS_PREFIXES) else v for v in values])
    if column.dtype == object or isinstance(column.dtype, pd.CategoricalDtype):
        return quoted(["" if _missing(v) else str(neutralise(v)) for v in column.tolist()])
    texts = column.astype("str").where(column.notna(), "").tolist()  # numbers, dates
    return texts if pd.api.types.is_numeric_dtype(column) else quoted(texts)


def _missing(value) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


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

    from cchc_metrics.sheetdata import Rows, fill_rows, sample_row

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
    when = now.strftime("%d/%m/%Y %H:%M") if lang == "vi" else now.strftime("%Y-%m-%d %H:%M")
    lines = [" · ".join(parts)]
    if version:
        lines.append(("Phiên bản dữ liệu: " if lang == "vi" else "Data version: ") + version)
    lines.append(("Thời điểm xuất: " if lang == "vi" else "Exported at: ") + when)
    return lines


def view_xlsx(units: pd.DataFrame, scores: pd.DataFrame, view, version: str | None = None,
              now: datetime | None = None) -> bytes:
    """The filtered ranking as a workbook: a sheet per block, the per-field detail, a title block."""
    from cchc_metrics.i18n import t
    from cchc_metrics.model import parse_bands
    from cchc_metrics.views import export_sheets

    title = ("KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH" if view.lang == "vi"
             else "ADMINISTRATIVE REFORM INDEX RESULTS")
    if view.year:
        title += f" {'NĂM' if view.lang == 'vi' else ''} {view.year}".replace("  ", " ")
    return to_xlsx_bytes(XlsxExport(
        sheets=export_sheets(units, scores, view), title=title,
        lines=export_lines(view, version, view.lang, now),
        band_column=t("col_band", view.lang),
        band_labels=[label for label, _ in parse_bands(view.bands)]))


def view_csv(units: pd.DataFrame, view) -> bytes:
    """The filtered ranking (every block of the view) as CSV."""
    from cchc_metrics.views import ranking_table

    return to_csv_bytes(ranking_table(units, view, history=False), view.lang)


def file_stem(view) -> str:
    """A download name that says what is in it: chi-so-cchc-2024-district."""
    parts = ["chi-so-cchc", str(view.year or "tat-ca-nam"), view.level or "tat-ca-cap"]
    return "-".join(parts)


def table_xlsx(table: pd.DataFrame, view, title: str, version: str | None = None,
               now: datetime | None = None) -> bytes:
    """Any one table a page shows (trends, fields) as a formatted single-sheet workbook."""
    return to_xlsx_bytes(XlsxExport(sheets={title[:31]: table}, title=title,
                                    lines=export_lines(view, version, view.lang, now)))
